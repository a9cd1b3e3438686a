"""Shared pytest fixtures: the hand-made raw directory and helpers to load it."""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

import pytest

from datong.contract import RawTable

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW_MINI_DIR = REPO_ROOT / "tests" / "fixtures" / "raw_mini"


def read_fixture_rows(raw_dir: Path, table: RawTable) -> list[list[str]]:
    """The data rows of a table's CSV, read with Python's csv module (header dropped)."""
    with (raw_dir / table.source / f"{table.name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def parse_command(module, *argv: str) -> argparse.Namespace:
    """Parse a command line the way `datong <command>` does for that command's module."""
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return parser.parse_args(list(argv))


def run_bench_command(module, name: str, tmp_path_factory, *argv: str) -> dict:
    """Run a bench command (`datong bench`, `bench-day`) in temporary directories, keeping its
    work directory, and return its JSON and Markdown reports and that directory."""
    reports_dir = tmp_path_factory.mktemp("reports")
    workdir = tmp_path_factory.mktemp("work")
    args = parse_command(module, *argv, "--workdir", str(workdir),
                         "--reports-dir", str(reports_dir), "--keep")
    assert module.run(args) == 0
    stem = reports_dir / f"{name}_{args.persons}"
    return {
        "json": json.loads(stem.with_suffix(".json").read_text()),
        "markdown": stem.with_suffix(".md").read_text(),
        "workdir": workdir,
    }


@pytest.fixture(scope="session")
def raw_mini_dir() -> Path:
    """tests/fixtures/raw_mini, read-only: copy it (`raw_mini_copy`) before changing it."""
    return RAW_MINI_DIR


@pytest.fixture
def raw_mini_copy(tmp_path) -> Path:
    """A private copy of tests/fixtures/raw_mini that a test may break."""
    copy = shutil.copytree(RAW_MINI_DIR, tmp_path / "raw", ignore=shutil.ignore_patterns("*.md"))
    return Path(copy)
