"""A demo warehouse built once per test session, for the tests that compare it with truth.

`make test` builds the warehouse on demo data before pytest and passes its location through
DATONG_DUCKDB_PATH and DATONG_TRUTH_DIR; run alone, pytest builds the same demo itself (the
Makefile's PERSONS and SEED), once per session in a temporary directory (generate, load,
`dbt build`), so these tests never depend on a step done by hand and see the same data
either way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The Makefile's demo (PERSONS, SEED), which `make test` builds before pytest.
DEMO_PERSONS = 5000
DEMO_SEED = 20240601


@dataclass(frozen=True)
class DemoWarehouse:
    duckdb_path: Path
    truth_dir: Path


_built_demo: list[DemoWarehouse] = []  # the warehouse built when run alone, once per session


def dbt_env(database: Path, workdir: Path, profiles_dir: Path = REPO / "profiles",
            suffix: str = "") -> dict[str, str]:
    """The environment of a `dbt` or `datong` run on its own DuckDB file, with its target and
    log folders `target<suffix>` and `logs<suffix>` under `workdir`, and no usage tracking."""
    env = dict(os.environ)
    env.update(
        DATONG_DUCKDB_PATH=str(database),
        DBT_PROFILES_DIR=str(profiles_dir),
        DBT_TARGET_PATH=str(workdir / f"target{suffix}"),
        DBT_LOG_PATH=str(workdir / f"logs{suffix}"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


def scratch_project(root: Path, models: dict[str, str]) -> dict[str, str]:
    """A dbt project in `root` made of the repository's `dbt_project.yml`, macros, profiles and
    generic tests and the given models (file name under `models/` → text), for a test of the
    macros or generic tests on tiny inputs. Returns the environment of a dbt run in it on its
    own DuckDB file, `root/scratch.duckdb`."""
    shutil.copy(REPO / "dbt_project.yml", root / "dbt_project.yml")
    for folder in ("macros", "profiles", "tests/generic"):
        shutil.copytree(REPO / folder, root / folder)
    for name, text in models.items():
        path = root / "models" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dbt_env(root / "scratch.duckdb", root, profiles_dir=root / "profiles")


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )


def build_demo_warehouse(workdir: Path, persons: int = DEMO_PERSONS,
                         seed: int = DEMO_SEED) -> DemoWarehouse:
    data_dir = workdir / "demo"
    env = dbt_env(workdir / "datong.duckdb", workdir)
    datong = str(BIN / "datong")
    _run([datong, "generate", "--persons", str(persons), "--seed", str(seed),
          "--out", str(data_dir)], env)
    _run([datong, "load", "--raw-dir", str(data_dir / "raw"), "--target", "dev"], env)
    _run([str(BIN / "dbt"), "build", "--target", "dev", "--quiet"], env)
    return DemoWarehouse(workdir / "datong.duckdb", data_dir / "truth")


def demo_warehouse_from_env_or_build(tmp_factory) -> DemoWarehouse:
    duckdb_path = os.environ.get("DATONG_DUCKDB_PATH")
    truth_dir = os.environ.get("DATONG_TRUTH_DIR")
    if duckdb_path and truth_dir and Path(duckdb_path).exists() and Path(truth_dir).exists():
        return DemoWarehouse(Path(duckdb_path), Path(truth_dir))
    if not _built_demo:
        _built_demo.append(build_demo_warehouse(tmp_factory.mktemp("warehouse")))
    return _built_demo[0]


def demo_warehouse_copy(tmp_factory, name: str) -> tuple[Path, Path]:
    """(workdir, database): a private copy of the demo warehouse in a fresh directory, for a
    test that runs dbt on it (dbt takes the file's write lock) or may change it."""
    demo = demo_warehouse_from_env_or_build(tmp_factory)
    workdir = tmp_factory.mktemp(name)
    copy = workdir / "datong.duckdb"
    shutil.copy(demo.duckdb_path, copy)
    return workdir, copy
