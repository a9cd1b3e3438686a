"""`datong bench`: how long the whole nightly build takes at N persons, and how much memory.

One run, in its own directory (never the demo warehouse):

1. generate N persons of demo data (or reuse `--data-dir`), the generator's manifest giving
   the raw row count of every table;
2. load them into a fresh DuckDB file;
3. `dbt build` on DuckDB (every model, seed, data and unit test; `--models-only` leaves
   the tests out), the build step the retailer runs every night.

Each step is timed as a whole (wall clock) with the peak resident memory of its process tree
(the `datong`/`dbt` process and every child, sampled by `bench_identity.measure_step`) and
the CPU time of that tree, which other work on the machine hardly changes. From
dbt's `run_results.json` come each model's own execution time and its start and end; the
report checks that they lie inside the build step's wall clock. Raw row counts are counted in
the loaded warehouse and compared with the generator's manifest. The machine's load average is
sampled during the run: other work on the same cores slows every step. So is DuckDB's spill
directory beside the warehouse: the report names the nodes that ran while it grew.

Markdown and JSON land in `<reports-dir>/bench_<N>.{md,json}` (default `reports/bench/`,
git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from datong.bench_identity import REPO, machine, measure_step

BIN = Path(sys.executable).parent
# How many models the Markdown report lists by time.
TOP_MODELS = 15


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, required=True, help="demo persons to generate")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="directory for the data, warehouse, dbt target and logs "
                             "(default: <reports-dir>/work_bench_<persons>)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work directory (data and warehouse) after the run")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="reuse demo data generated before (its raw/ and truth/) instead "
                             "of generating it again")
    parser.add_argument("--reports-dir", type=Path, default=REPO / "reports" / "bench")
    parser.add_argument("--project-dir", type=Path, default=REPO,
                        help="the dbt project to build (default: this checkout)")
    parser.add_argument("--models-only", action="store_true",
                        help="build models and seeds only, without data and unit tests")
    parser.add_argument("--without-unit-tests", action="store_true",
                        help="build as a production night does: models, seeds and data tests, "
                             "not the unit tests (static inputs, run by CI; docs/scale.md)")
    parser.add_argument("--label", default="",
                        help="a suffix for the report's file names, to keep runs apart")


class PeriodicSampler:
    """Reads a value every `interval` seconds in a thread while the `with` block lasts,
    keeping (epoch seconds, value) pairs; one more reading when the block ends."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self.error: Exception | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def read(self) -> float:
        raise NotImplementedError

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.samples.append((time.time(), self.read()))
                self._stop.wait(self.interval)
            self.samples.append((time.time(), self.read()))
        except Exception as error:  # noqa: BLE001 - raised again when the block ends
            self.error = error

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._stop.set()
        self._thread.join()
        # A sampler that stopped reading would report a figure of part of the run as the
        # whole run's: fail the run instead.
        if self.error is not None and exc_type is None:
            raise RuntimeError(
                f"{type(self).__name__} stopped reading: {self.error!r}") from self.error


class LoadSampler(PeriodicSampler):
    """The machine's 1-minute load average, sampled every few seconds while a run lasts."""

    def __init__(self, interval: float = 5.0) -> None:
        super().__init__(interval)

    def read(self) -> float:
        return os.getloadavg()[0]

    def summary(self) -> dict[str, float]:
        values = [value for _, value in self.samples] or [self.read()]
        return {
            "min": round(min(values), 2),
            "mean": round(sum(values) / len(values), 2),
            "max": round(max(values), 2),
        }


def spill_directory(duckdb_path: Path) -> Path:
    """Where DuckDB spills for a warehouse file: `<file>.tmp` beside it."""
    return duckdb_path.with_suffix(duckdb_path.suffix + ".tmp")


class SpillSampler(PeriodicSampler):
    """Bytes in DuckDB's spill directory (`<warehouse>.tmp`, where it writes what exceeds its
    `memory_limit`), sampled twice a second. DuckDB spills without a word in dbt's output, and
    a query that spills is one whose plan or memory to look at (docs/scale.md)."""

    def __init__(self, directory: Path, interval: float = 0.5) -> None:
        super().__init__(interval)
        self.directory = directory

    def read(self) -> float:
        total = 0
        try:
            for path in self.directory.glob("**/*") if self.directory.is_dir() else []:
                try:
                    total += path.stat().st_size if path.is_file() else 0
                except FileNotFoundError:  # a file removed by DuckDB while listed
                    pass
        except FileNotFoundError:  # the directory (or one in it) removed while listed
            pass
        return float(total)

    def peak_mb(self) -> float:
        return round(max((value for _, value in self.samples), default=0.0) / 2**20, 1)


def spilling_nodes(samples: list[tuple[float, float]],
                   nodes: list[dict[str, Any]]) -> dict[str, float]:
    """The nodes that ran while the spill directory grew, with how much it grew (MiB) between
    the readings taken during their run (a node shorter than two readings is not seen).
    Growth, not size: DuckDB may keep a spill file after the query that wrote it. With several
    dbt threads, a node running beside the one that spilled is named too."""
    grown: dict[str, float] = {}
    for node in nodes:
        start, end = node["started_at"], node["completed_at"]
        if start is None or end is None:
            continue
        readings = [value for at, value in samples if start <= at <= end]
        growth = sum(max(b - a, 0.0) for a, b in zip(readings, readings[1:]))
        if growth > 0:
            grown[node["name"]] = round(growth / 2**20, 1)
    return dict(sorted(grown.items(), key=lambda kv: kv[1], reverse=True))


def _parse_time(text: str | None) -> float | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(
        timezone.utc).timestamp()


def node_results(target_dir: Path) -> list[dict[str, Any]]:
    """Every node of the last dbt invocation: kind, name, layer, status, seconds, start, end.

    The layer is the model's folder under `models/` (staging, intermediate, marts) from dbt's
    manifest; start and end are the execution phase's UTC epoch seconds.
    """
    results = json.loads((target_dir / "run_results.json").read_text())
    manifest = json.loads((target_dir / "manifest.json").read_text())
    nodes = manifest.get("nodes", {}) | manifest.get("unit_tests", {})
    rows = []
    for result in results["results"]:
        unique_id = result["unique_id"]
        kind = unique_id.split(".")[0]
        node = nodes.get(unique_id, {})
        fqn = node.get("fqn") or []
        execute = [t for t in result.get("timing", []) if t.get("name") == "execute"]
        # The models a data test reads: its model for a generic test, every model a singular
        # test refers to.
        attached = node.get("attached_node")
        reads = [attached] if attached else [
            n for n in node.get("depends_on", {}).get("nodes", []) if n.startswith("model.")]
        rows.append({
            "kind": kind,
            # A data test's unique_id ends in a hash when its name is long; a unit test's
            # name is only unique with its model's.
            "name": ".".join(unique_id.split(".")[2:]) if kind == "unit_test"
            else node.get("name") or unique_id.split(".")[-1],
            "layer": fqn[1] if kind == "model" and len(fqn) > 2 else None,
            "reads": sorted(r.split(".")[-1] for r in reads) if kind == "test" else [],
            "status": result["status"],
            "seconds": round(float(result["execution_time"]), 3),
            "started_at": _parse_time(execute[0].get("started_at")) if execute else None,
            "completed_at": _parse_time(execute[0].get("completed_at")) if execute else None,
        })
    return rows


def raw_row_counts(duckdb_path: Path) -> dict[str, int]:
    """Rows of every raw table in the warehouse, keyed like the generator's manifest."""
    import duckdb

    from datong.contract import TABLES

    connection = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        return {
            table.qualified_name: int(connection.execute(
                f"select count(*) from {table.schema}.{table.name}").fetchone()[0])
            for table in TABLES
        }
    finally:
        connection.close()


def dbt_threads(project_dir: Path) -> int:
    """The dev target's dbt threads: how many models may run at the same time."""
    import yaml

    profile = yaml.safe_load((project_dir / "profiles" / "profiles.yml").read_text())
    threads = str(profile["datong"]["outputs"]["dev"].get("threads", 1))
    # "{{ env_var('DATONG_THREADS', '2') | as_number }}": the environment, else the default.
    templated = re.search(r"env_var\(\s*'(\w+)'\s*,\s*'(\d+)'\s*\)", threads)
    if templated:
        return int(os.environ.get(templated.group(1), templated.group(2)))
    return int(threads)


def summarise(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    models = [n for n in nodes if n["kind"] == "model"]
    layers: dict[str, float] = {}
    for model in models:
        layers[model["layer"] or "other"] = layers.get(model["layer"] or "other", 0.0) + \
            model["seconds"]
    kinds: dict[str, dict[str, float]] = {}
    for node in nodes:
        entry = kinds.setdefault(node["kind"], {"count": 0, "seconds": 0.0})
        entry["count"] += 1
        entry["seconds"] = round(entry["seconds"] + node["seconds"], 3)
    return {
        "model_seconds": {m["name"]: m["seconds"] for m in
                          sorted(models, key=lambda m: m["seconds"], reverse=True)},
        "layer_seconds": {k: round(v, 3) for k, v in
                          sorted(layers.items(), key=lambda kv: kv[1], reverse=True)},
        "kinds": kinds,
        "slowest_tests": {n["name"]: n["seconds"] for n in sorted(
            (n for n in nodes if n["kind"] in ("test", "unit_test")),
            key=lambda n: n["seconds"], reverse=True)[:TOP_MODELS]},
        "failures": [n["name"] for n in nodes if n["status"] not in ("success", "pass")],
    }


def dbt_build_command(args: argparse.Namespace, dbt: str) -> list[str]:
    """The `dbt build` that the bench times. Parsing is part of the nightly build; models need
    the seeds even without tests. A production night leaves the unit tests out (their inputs
    are static: CI runs them), as dbt recommends: `--without-unit-tests`."""
    command = [dbt, "build", "--target", "dev", "--quiet"]
    if args.models_only:
        command += ["--resource-type", "model", "--resource-type", "seed"]
    elif args.without_unit_tests:
        command += ["--exclude-resource-type", "unit_test"]
    return command


def bench(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    project_dir = args.project_dir.resolve()
    duckdb_path = workdir / "datong.duckdb"
    target_dir = workdir / "target"
    env = dict(os.environ)
    env.update(
        DATONG_DUCKDB_PATH=str(duckdb_path),
        DATONG_TARGET="dev",
        DBT_PROFILES_DIR=str(project_dir / "profiles"),
        DBT_TARGET_PATH=str(target_dir),
        DBT_LOG_PATH=str(workdir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    datong, dbt = str(BIN / "datong"), str(BIN / "dbt")
    logs = workdir / "step_logs"
    data = args.data_dir or workdir / "data"
    for stale in (duckdb_path, duckdb_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    # A spill file left by an earlier run here would count in this run's peak.
    shutil.rmtree(spill_directory(duckdb_path), ignore_errors=True)
    shutil.rmtree(target_dir, ignore_errors=True)

    cpu_seconds: dict[str, float] = {}

    def measure(name: str, command: list[str]):
        # CPU time of the step's whole process tree (every child it waited for): unlike wall
        # time, it hardly grows when other work shares the cores.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        step = measure_step(name, command, env, logs, cwd=project_dir)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_seconds[name] = round(after.ru_utime - before.ru_utime
                                  + after.ru_stime - before.ru_stime, 3)
        return step

    steps = []
    started = time.perf_counter()
    with LoadSampler() as load, SpillSampler(spill_directory(duckdb_path)) as spill:
        if args.data_dir is None:
            steps.append(measure("generate", [datong, "generate", "--persons",
                                              str(args.persons), "--seed", str(args.seed),
                                              "--out", str(data)]))
        steps.append(measure("load", [datong, "load", "--raw-dir", str(data / "raw"),
                                      "--target", "dev"]))
        build_command = dbt_build_command(args, dbt)
        build_started_at = time.time()
        build = measure("build", build_command)
        build_completed_at = time.time()
        steps.append(build)
    total_seconds = time.perf_counter() - started

    manifest = json.loads((data / "truth" / "manifest.json").read_text())
    nodes = node_results(target_dir)
    summary = summarise(nodes)
    threads = dbt_threads(project_dir)
    raw_rows = raw_row_counts(duckdb_path)
    model_seconds_total = round(sum(summary["model_seconds"].values()), 3)
    inside = [
        n for n in nodes if n["started_at"] is not None
        and build_started_at <= n["started_at"] <= n["completed_at"] <= build_completed_at
    ]
    return {
        "persons": args.persons,
        "seed": args.seed,
        "command": " ".join(build_command),
        "project_dir": str(project_dir),
        "machine": machine() | {"dbt_threads": threads},
        "load_average_1m": load.summary(),
        "total_seconds": round(total_seconds, 3),
        "peak_rss_mb": round(max(step.peak_rss_mb for step in steps), 1),
        "steps": [
            {"name": step.name, "seconds": round(step.seconds, 3),
             "cpu_seconds": cpu_seconds[step.name],
             "peak_rss_mb": round(step.peak_rss_mb, 1), "command": " ".join(step.command)}
            for step in steps
        ],
        "build": {
            "seconds": round(build.seconds, 3),
            "peak_rss_mb": round(build.peak_rss_mb, 1),
            "started_at": build_started_at,
            "completed_at": build_completed_at,
            "model_seconds_total": model_seconds_total,
            "nodes_timed_inside_build": len(inside),
            "nodes_timed": sum(1 for n in nodes if n["started_at"] is not None),
        } | summary,
        "spill_peak_mb": spill.peak_mb(),
        "spilling_nodes": spilling_nodes(spill.samples, nodes),
        "warehouse_mb": round(duckdb_path.stat().st_size / 2**20, 1),
        "raw_rows": raw_rows,
        "manifest_rows": manifest["rows"],
        "raw_rows_match_manifest": raw_rows == manifest["rows"],
    }


def render_markdown(report: dict[str, Any]) -> str:
    build = report["build"]
    mach = report["machine"]
    load = report["load_average_1m"]
    lines = [
        f"# Build benchmark: {report['persons']:,} persons (seed {report['seed']})",
        "",
        f"Machine: {mach['cpus']} cores, {mach['memory_gib']} GiB, {mach['platform']}, "
        f"dbt threads {mach['dbt_threads']}. Load average (1 min) during the run: "
        f"min {load['min']}, mean {load['mean']}, max {load['max']}.",
        "",
        f"Build command: `{report['command']}`. Whole run {report['total_seconds']:.1f} s, "
        f"peak memory {report['peak_rss_mb']:,.0f} MiB; warehouse file "
        f"{report['warehouse_mb']:,.0f} MiB.",
        "",
        f"DuckDB's spill directory held at most {report['spill_peak_mb']:,.1f} MiB"
        + (": it grew while " + ", ".join(f"{name} ({mb:,.1f} MiB)" for name, mb in
                                           report["spilling_nodes"].items()) + " ran."
           if report["spilling_nodes"] else "; it never grew during a node."),
        "",
        "| step | wall time (s) | CPU time of the process tree (s) | peak RSS of the process "
        "tree (MiB) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {s['name']} | {s['seconds']:.1f} | {s['cpu_seconds']:.1f} | "
              f"{s['peak_rss_mb']:,.0f} |" for s in report["steps"]]
    lines += ["", "Build by kind of node (dbt's execution time, summed):", "",
              "| kind | nodes | seconds |", "|---|---:|---:|"]
    lines += [f"| {kind} | {v['count']} | {v['seconds']:.1f} |"
              for kind, v in build["kinds"].items()]
    lines += ["", "Models by layer (seconds, summed):", "", "| layer | seconds |", "|---|---:|"]
    lines += [f"| {layer} | {seconds:.1f} |" for layer, seconds in build["layer_seconds"].items()]
    lines += ["", f"Slowest {TOP_MODELS} models (dbt's execution time):", "",
              "| model | seconds | share of model time |", "|---|---:|---:|"]
    total = build["model_seconds_total"] or 1.0
    lines += [f"| {name} | {seconds:.2f} | {100 * seconds / total:.1f}% |"
              for name, seconds in list(build["model_seconds"].items())[:TOP_MODELS]]
    if build["slowest_tests"]:
        lines += ["", f"Slowest {TOP_MODELS} tests:", "", "| test | seconds |", "|---|---:|"]
        lines += [f"| {name} | {seconds:.2f} |"
                  for name, seconds in build["slowest_tests"].items()]
    lines += ["", "Raw rows loaded (the generator's manifest agrees: "
              f"**{'yes' if report['raw_rows_match_manifest'] else 'NO'}**):", "",
              "| table | rows |", "|---|---:|"]
    lines += [f"| {table} | {rows:,} |" for table, rows in report["raw_rows"].items()]
    lines += ["", f"Total: {sum(report['raw_rows'].values()):,} raw rows."]
    if build["failures"]:
        lines += ["", f"Failed nodes: {', '.join(build['failures'])}"]
    return "\n".join(lines) + "\n"


def run_and_report(args: argparse.Namespace, name: str, measure, render) -> dict[str, Any]:
    """Run `measure(args, workdir)` in its work directory (removed afterwards unless `--keep`)
    and write its report as `<reports-dir>/<name>_<persons>[_<label>].{md,json}`."""
    reports_dir = args.reports_dir.resolve()
    workdir = (args.workdir or reports_dir / f"work_{name}_{args.persons}").resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        report = measure(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    reports_dir.mkdir(parents=True, exist_ok=True)
    stem = reports_dir / f"{name}_{args.persons}{'_' + args.label if args.label else ''}"
    markdown = render(report)
    stem.with_suffix(".md").write_text(markdown)
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    print(markdown)
    print(f"written {stem}.md and {stem}.json")
    return report


def run(args: argparse.Namespace) -> int:
    report = run_and_report(args, "bench", bench, render_markdown)
    return 0 if report["raw_rows_match_manifest"] and not report["build"]["failures"] else 1
