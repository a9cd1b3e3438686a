"""`datong bench-day`: how long a night's batch takes on top of a built history, side by side.

Issue #7 asks for a daily batch (one day of exports) of the large facts at 1M persons in at
most 30 s. This command measures the night that carries it, for one checkout or for two side
by side, and reports the whole night's wall clock, dbt's time of the models that take the
facts' exports to the fact tables (`FACT_MODELS`) within it, with their data tests apart, and
the wall clock of those models built apart from the rest of the night:

1. generate N persons of demo data (or reuse `--data-dir`);
2. cut it with `datong split --last-days K`: the history, then one batch per day;
3. for each checkout (`--project-dir`, and `--baseline-dir` when given), in its own DuckDB
   file: load the history batch by batch, build it in full (`dbt build --full-refresh`, as
   `make build` does), then load the last day (`datong load --batch`, as `make load-batch`
   does) and keep a copy of that warehouse: the state before the night's build;
4. `--rounds` times, alternating the checkouts (baseline, candidate, baseline, ...): copy the
   kept warehouse and time the night's `dbt build` on it (`make build-batch`: models, seeds and
   data tests, not the unit tests; `--models-only` leaves the data tests out too);
5. in the same round, the night again from another copy with the large facts apart: dbt runs
   in stages, so that the facts' wall clock is taken with nothing else running beside them:
   the models the facts' staging reads from other exports; the facts' staging (timed); the
   rest of what the fact tables read, identity included; the fact tables (timed); the night's
   other models; then, unless `--models-only`, the data tests counted as the facts' (timed).
   The fact tables must then hold the same rows as after the whole night (a count and an
   order-free hash of every row but `_built_at`).

Every build is timed as bench.py times a build: wall clock, CPU time of the process tree, peak
resident memory of the tree, and dbt's own time for every node from `run_results.json`. Running
the same day from the same copy in alternation is what makes two checkouts comparable on a
machine whose speed drifts (docs/scale.md). After the day is loaded, the raw rows of every
table must equal the generator's manifest: the batches together are the whole data.

Markdown and JSON land in `<reports-dir>/bench_day_<N>.{md,json}` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from datong.bench import (
    LoadSampler,
    SpillSampler,
    dbt_threads,
    node_results,
    raw_row_counts,
    run_and_report,
    spill_directory,
    spilling_nodes,
    summarise,
)
from datong.bench_identity import REPO, machine, measure_step

BIN = Path(sys.executable).parent
# The goal of issue #7 for one day of exports at 1M persons.
GOAL_SECONDS = 30.0
# The models that take a batch of the large facts of issue #7 (orders, order lines, receipts,
# location shares, touchpoints) from raw rows to the fact tables: their base and staging
# models, the quarantines of those exports, and the three fact tables. Identity sits between
# staging and the facts; the issue lets it be rebuilt within the full build's budget, so it
# is not counted here (the night's wall clock counts everything).
FACT_MODELS = (
    "base_ecommerce__orders", "stg_ecommerce__orders",
    "base_ecommerce__order_items", "stg_ecommerce__order_items",
    "stg_ecommerce__quarantine",
    "base_pos__receipts", "stg_pos__receipts",
    "base_pos__receipt_lines", "stg_pos__receipt_lines",
    "stg_pos__quarantine",
    "base_wechat__location_shares", "stg_wechat__location_shares",
    "stg_wechat__quarantine",
    "fct_orders", "fct_order_lines", "fct_customer_touchpoints",
)
FACT_TABLES = ("fct_orders", "fct_order_lines", "fct_customer_touchpoints")
# The facts' exports up to their staging models and quarantines: everything of FACT_MODELS
# that runs before identity.
FACT_STAGING = tuple(name for name in FACT_MODELS if name not in FACT_TABLES)
# How many models the Markdown report compares.
TOP_MODELS = 20
# How many nodes that ran while DuckDB spilled the Markdown report names per checkout.
TOP_SPILLING = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, required=True, help="demo persons to generate")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--last-days", type=int, default=1,
                        help="days cut off the end of the data; the last one is the timed "
                             "night, the others are loaded into the history (default 1)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="reuse demo data generated before (its raw/ and truth/)")
    parser.add_argument("--project-dir", type=Path, default=REPO,
                        help="the checkout measured (default: this one)")
    parser.add_argument("--baseline-dir", type=Path, default=None,
                        help="a second checkout measured side by side with the first")
    parser.add_argument("--rounds", type=int, default=2,
                        help="times the night is built from the same copy, per checkout")
    parser.add_argument("--models-only", action="store_true",
                        help="build models and seeds only, without the data tests")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="directory for data, batches, warehouses, targets and logs "
                             "(default: <reports-dir>/work_bench_day_<persons>; 1M needs ~50 GB "
                             "with a baseline)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--reports-dir", type=Path, default=REPO / "reports" / "bench")
    parser.add_argument("--label", default="",
                        help="a suffix for the report's file names, to keep runs apart")


def build_commands(args: argparse.Namespace, dbt: str) -> tuple[list[str], list[str]]:
    """The history's build (`make build`) and the night's (`make build-batch`), both without
    unit tests: their inputs are static and CI runs them; `--models-only` drops data tests."""
    select = (["--resource-type", "model", "--resource-type", "seed"] if args.models_only
              else ["--exclude-resource-type", "unit_test"])
    night = [dbt, "build", "--target", "dev", "--quiet", *select]
    return [*night[:5], "--full-refresh", *select], night


def commit_of(project_dir: Path) -> str:
    """The checkout's commit, with `+changes` when its tracked files differ from it."""
    def git(*argv: str) -> str:
        return subprocess.run(["git", "-C", str(project_dir), *argv], capture_output=True,
                              text=True, check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


class Checkout:
    """One dbt project measured: its own warehouse, target and logs under the work dir."""

    def __init__(self, label: str, project_dir: Path, workdir: Path) -> None:
        self.label = label
        self.project_dir = project_dir.resolve()
        self.dir = workdir / label
        self.before_night = self.dir / "before_night.duckdb"
        self.night = self.dir / "night.duckdb"
        self.target = self.dir / "target"
        self.logs = self.dir / "step_logs"

    def env(self, duckdb_path: Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATONG_DUCKDB_PATH=str(duckdb_path),
            DATONG_TARGET="dev",
            DBT_PROFILES_DIR=str(self.project_dir / "profiles"),
            DBT_TARGET_PATH=str(self.target),
            DBT_LOG_PATH=str(self.dir / "logs"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DO_NOT_TRACK="1",
        )
        return env


def measure(name: str, command: list[str], checkout: Checkout, duckdb_path: Path) -> dict:
    """Wall clock, CPU of the process tree and its peak memory for one step."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started_at = time.time()
    step = measure_step(name, command, checkout.env(duckdb_path), checkout.logs,
                        cwd=checkout.project_dir)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "name": name,
        "started_at": started_at,
        "seconds": round(step.seconds, 3),
        "cpu_seconds": round(after.ru_utime - before.ru_utime
                             + after.ru_stime - before.ru_stime, 3),
        "peak_rss_mb": round(step.peak_rss_mb, 1),
        "command": " ".join(command),
    }


def measure_build(name: str, command: list[str], checkout: Checkout, duckdb_path: Path) -> dict:
    """A timed `dbt build` with dbt's own time per node, checked to lie inside its wall clock,
    and DuckDB's spill while it ran (bench.py): with two dbt threads, two large models side by
    side can exceed the shared `memory_limit` and spill, which only this shows."""
    spill_dir = spill_directory(duckdb_path)
    shutil.rmtree(spill_dir, ignore_errors=True)
    started_at = time.time()
    with SpillSampler(spill_dir) as spill:
        step = measure(name, command, checkout, duckdb_path)
    completed_at = time.time()
    nodes = node_results(checkout.target)
    timed = [n for n in nodes if n["started_at"] is not None]
    inside = [n for n in timed
              if started_at <= n["started_at"] <= n["completed_at"] <= completed_at]
    summary = summarise(nodes)
    return step | {
        "facts": fact_seconds(nodes),
        "nodes": len(nodes),
        "nodes_timed": len(timed),
        "nodes_timed_inside_build": len(inside),
        "model_seconds_total": round(sum(summary["model_seconds"].values()), 3),
        "spill_peak_mb": spill.peak_mb(),
        "spilling_nodes": spilling_nodes(spill.samples, nodes),
    } | summary


def fact_seconds(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """dbt's time of the large facts' models, summed as if they ran one after another, and
    of the data tests that read only those models and the ones before the marts (a test
    that also reads another mart checks that mart, not the facts)."""
    facts = set(FACT_MODELS)
    layers = {n["name"]: n["layer"] for n in nodes if n["kind"] == "model"}
    models = [n for n in nodes if n["kind"] == "model" and n["name"] in facts]
    tests = [n for n in nodes if n["kind"] == "test" and facts.intersection(n["reads"])
             and all(r in facts or layers.get(r) != "marts" for r in n["reads"])]
    return {
        "models": len(models),
        "model_seconds": round(sum(n["seconds"] for n in models), 3),
        "tests": len(tests),
        "test_seconds": round(sum(n["seconds"] for n in tests), 3),
        "test_names": sorted(n["name"] for n in tests),
    }


def prepare(checkout: Checkout, batches: list[Path], history_build: list[str],
            datong: str) -> dict[str, Any]:
    """The history loaded and built, then the night's batch loaded: kept as `before_night`."""
    shutil.rmtree(checkout.dir, ignore_errors=True)
    checkout.dir.mkdir(parents=True)
    warehouse = checkout.dir / "history.duckdb"
    loads = [measure(f"load_{batch.name}", [datong, "load", "--raw-dir", str(batch), "--batch",
                                            batch.name, "--target", "dev"], checkout, warehouse)
             for batch in batches[:-1]]
    history = measure_build("history_build", history_build, checkout, warehouse)
    night = batches[-1]
    day_load = measure("load_night", [datong, "load", "--raw-dir", str(night), "--batch",
                                      night.name, "--target", "dev"], checkout, warehouse)
    warehouse.rename(checkout.before_night)
    return {"history_loads": loads, "history_build": history, "night_load": day_load,
            "raw_rows_before_night": raw_row_counts(checkout.before_night)}


def night_round(checkout: Checkout, night_build: list[str], index: int) -> dict[str, Any]:
    """The night's build on a fresh copy of the warehouse as it stood before it."""
    for stale in (checkout.night, checkout.night.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(checkout.before_night, checkout.night)
    try:
        night = measure_build(f"night_{index}", night_build, checkout, checkout.night)
        return night | {"fact_tables": fact_fingerprints(checkout.night)}
    finally:
        checkout.night.unlink(missing_ok=True)


def fact_fingerprints(duckdb_path: Path) -> dict[str, list[int]]:
    """Rows and an order-free hash of every column but `_built_at`, per fact table."""
    import duckdb

    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        schema = dict(con.execute(
            "select table_name, table_schema from information_schema.tables "
            "where table_name in (" + ", ".join(f"'{t}'" for t in FACT_TABLES) + ")").fetchall())
        return {table: [int(v) for v in con.execute(
            "select count(*), coalesce(sum(hash(t)), 0) from "
            f"(select * exclude (_built_at) from {schema[table]}.{table}) as t").fetchone()]
            for table in FACT_TABLES}


def apart_stages(dbt: str, test_names: list[str]) -> list[tuple[str, bool, list[str]]]:
    """The night in stages, each a dbt invocation: (name, counted as the facts', command)."""
    run = [dbt, "run", "--target", "dev", "--quiet"]
    stages = [
        ("upstream of the facts' staging", False,
         [*run, "-s", *(f"+{m}" for m in FACT_STAGING), "--exclude", *FACT_MODELS]),
        ("facts' staging", True, [*run, "-s", *FACT_STAGING]),
        ("upstream of the fact tables", False,
         [*run, "-s", *(f"+{m}" for m in FACT_TABLES),
          "--exclude", *(f"+{m}" for m in FACT_STAGING), *FACT_TABLES]),
        ("fact tables", True, [*run, "-s", *FACT_TABLES]),
        # The rest, so that the stages build the whole night's models; some of the facts'
        # tests also read a mart after them (a relationship with `dim_customers`).
        ("the night's other models", False,
         [*run, "--exclude", *(f"+{m}" for m in FACT_MODELS)]),
    ]
    if test_names:
        stages.append(("facts' data tests", False,
                       [dbt, "test", "--target", "dev", "--quiet",
                        "--exclude-resource-type", "unit_test", "-s", *test_names]))
    return stages


def apart_round(checkout: Checkout, dbt: str, test_names: list[str],
                index: int) -> dict[str, Any]:
    """The night from a fresh copy in stages, the large facts timed with nothing beside them."""
    for stale in (checkout.night, checkout.night.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(checkout.before_night, checkout.night)
    try:
        stages = []
        for name, counted, command in apart_stages(dbt, test_names):
            step = measure_build(f"apart_{index}_{len(stages) + 1}", command, checkout,
                                 checkout.night)
            stages.append({"stage": name, "counted": counted} | {
                key: step[key] for key in ("started_at", "seconds", "cpu_seconds",
                                           "peak_rss_mb", "spill_peak_mb", "command",
                                           "failures", "model_seconds")}
                # Data tests only: an on-run-start hook is a node of the run too.
                | {"tests_run": step["kinds"].get("test", {}).get("count", 0)})
            if step["failures"]:
                break
        tests = [s for s in stages if s["stage"] == "facts' data tests"]
        return {
            "started_at": stages[0]["started_at"],
            "stages": stages,
            "failures": sorted({f for s in stages for f in s["failures"]}),
            "facts_wall_seconds": round(sum(s["seconds"] for s in stages if s["counted"]), 3),
            "facts_tests_wall_seconds": round(tests[0]["seconds"], 3) if tests else None,
            "facts_tests_run": tests[0]["tests_run"] if tests else 0,
            "fact_tables": fact_fingerprints(checkout.night),
        }
    finally:
        checkout.night.unlink(missing_ok=True)


def batch_rows(batch: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(path).metadata.num_rows for path in batch.rglob("*.parquet"))


def bench_day(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from datong.split import split

    datong, dbt = str(BIN / "datong"), str(BIN / "dbt")
    data = args.data_dir or workdir / "data"
    checkouts = [Checkout("candidate", args.project_dir, workdir)]
    if args.baseline_dir is not None:
        checkouts.insert(0, Checkout("baseline", args.baseline_dir, workdir))
    history_build, night_build = build_commands(args, dbt)

    started = time.perf_counter()
    with LoadSampler() as load:
        generate = None
        if args.data_dir is None:
            generate = measure("generate", [datong, "generate", "--persons", str(args.persons),
                                            "--seed", str(args.seed), "--out", str(data)],
                               checkouts[-1], workdir / "unused.duckdb")
        batches_dir = workdir / "batches"
        shutil.rmtree(batches_dir, ignore_errors=True)
        split_started = time.perf_counter()
        names = split(data / "raw", batches_dir, last_days=args.last_days,
                      report=lambda line: None)
        split_seconds = time.perf_counter() - split_started
        batches = [batches_dir / name for name in names]
        prepared = {c.label: prepare(c, batches, history_build, datong) for c in checkouts}
        rounds: dict[str, list[dict[str, Any]]] = {c.label: [] for c in checkouts}
        aparts: dict[str, list[dict[str, Any]]] = {c.label: [] for c in checkouts}
        for index in range(1, args.rounds + 1):
            for checkout in checkouts:
                night = night_round(checkout, night_build, index)
                rounds[checkout.label].append(night)
                aparts[checkout.label].append(
                    apart_round(checkout, dbt, night["facts"]["test_names"], index))
    total_seconds = time.perf_counter() - started

    manifest = json.loads((data / "truth" / "manifest.json").read_text())
    results = []
    for checkout in checkouts:
        nights = rounds[checkout.label]
        history = prepared[checkout.label]["history_build"]
        median = statistics.median(n["seconds"] for n in nights)
        results.append({
            "label": checkout.label,
            "project_dir": str(checkout.project_dir),
            "commit": commit_of(checkout.project_dir),
            **prepared[checkout.label],
            "nights": nights,
            "night_median_seconds": round(median, 3),
            "apart": aparts[checkout.label],
            "apart_facts_median_seconds": round(statistics.median(
                a["facts_wall_seconds"] for a in aparts[checkout.label]), 3),
            "apart_fact_tables_match_night": all(
                a["fact_tables"] == n["fact_tables"]
                for a, n in zip(aparts[checkout.label], nights)),
            "night_share_of_history": round(median / history["seconds"], 3),
            "raw_rows_match_manifest":
                prepared[checkout.label]["raw_rows_before_night"] == manifest["rows"],
        })
        if not args.keep:
            shutil.rmtree(checkout.dir, ignore_errors=True)
    return {
        "persons": args.persons,
        "seed": args.seed,
        "last_days": args.last_days,
        "rounds": args.rounds,
        "history_command": " ".join(history_build),
        "night_command": " ".join(night_build),
        "machine": machine() | {"dbt_threads": dbt_threads(checkouts[-1].project_dir)},
        "load_average_1m": load.summary(),
        "total_seconds": round(total_seconds, 3),
        "generate": generate,
        "split_seconds": round(split_seconds, 3),
        "batches": {batch.name: batch_rows(batch) for batch in batches},
        "goal_seconds": GOAL_SECONDS,
        "checkouts": results,
        "manifest_rows": manifest["rows"],
    }


def render_markdown(report: dict[str, Any]) -> str:
    mach, load = report["machine"], report["load_average_1m"]
    checkouts = report["checkouts"]
    night_batch = list(report["batches"])[-1]
    lines = [
        f"# Night benchmark: one day on top of the history, {report['persons']:,} persons "
        f"(seed {report['seed']})",
        "",
        f"Machine: {mach['cpus']} cores, {mach['memory_gib']} GiB, {mach['platform']}, "
        f"dbt threads {mach['dbt_threads']}. Load average (1 min) during the run: "
        f"min {load['min']}, mean {load['mean']}, max {load['max']}.",
        "",
        f"Batches (`datong split --last-days {report['last_days']}`, raw rows): "
        + ", ".join(f"{name} {rows:,}" for name, rows in report["batches"].items())
        + f". The night is {night_batch}.",
        "",
        f"History: `{report['history_command']}`. Night: `{report['night_command']}`, "
        f"{report['rounds']} round(s) per checkout from the same copy, alternating. "
        f"Goal of issue #7 for a daily batch of the large facts: {report['goal_seconds']:.0f} s "
        "(their " + str(len(FACT_MODELS)) + " models: " + ", ".join(
            f"`{name}`" for name in FACT_MODELS) + "); the whole night is shown beside it.",
        "",
        "| | " + " | ".join(f"{c['label']} ({c['commit']})" for c in checkouts) + " |",
        "|---|" + "---:|" * len(checkouts),
    ]

    def row(title: str, values: list[str]) -> None:
        lines.append(f"| {title} | " + " | ".join(values) + " |")

    row("history build, wall / CPU (s)", [
        f"{c['history_build']['seconds']:.1f} / {c['history_build']['cpu_seconds']:.1f}"
        for c in checkouts])
    row("night load (s)", [f"{c['night_load']['seconds']:.1f}" for c in checkouts])
    row("night build, wall per round (s)", [
        ", ".join(f"{n['seconds']:.1f}" for n in c["nights"]) for c in checkouts])
    row("night build, CPU per round (s)", [
        ", ".join(f"{n['cpu_seconds']:.1f}" for n in c["nights"]) for c in checkouts])
    row("night build, median wall (s)", [f"**{c['night_median_seconds']:.1f}**"
                                          for c in checkouts])
    row("night / history", [f"{100 * c['night_share_of_history']:.0f}%" for c in checkouts])
    row(f"night within {report['goal_seconds']:.0f} s", [
        "yes" if c["night_median_seconds"] <= report["goal_seconds"] else "no"
        for c in checkouts])
    row("peak memory, night (MiB)", [
        f"{max(n['peak_rss_mb'] for n in c['nights']):,.0f}" for c in checkouts])
    row("DuckDB's spill, night (MiB, largest round)", [
        f"{max(n['spill_peak_mb'] for n in c['nights']):,.0f}" for c in checkouts])
    row("raw rows equal the manifest", [
        "yes" if c["raw_rows_match_manifest"] else "NO" for c in checkouts])
    def median_kind(checkout: dict[str, Any], kind: str) -> float:
        return statistics.median(night["kinds"].get(kind, {}).get("seconds", 0.0)
                                 for night in checkout["nights"])

    def median_facts(checkout: dict[str, Any], key: str) -> float:
        return statistics.median(night["facts"][key] for night in checkout["nights"])

    row("large facts' batch: models, dbt's time summed (s, median)", [
        f"**{median_facts(c, 'model_seconds'):.1f}**" for c in checkouts])
    row(f"large facts' batch within {report['goal_seconds']:.0f} s", [
        "yes" if median_facts(c, "model_seconds") <= report["goal_seconds"] else "no"
        for c in checkouts])
    row("large facts' data tests, dbt's time summed (s, median)", [
        f"{median_facts(c, 'test_seconds'):.1f}" for c in checkouts])
    row("large facts apart: wall of their staging + fact tables, per round (s)", [
        ", ".join(" + ".join(f"{s['seconds']:.1f}" for s in a["stages"] if s["counted"])
                  + f" = {a['facts_wall_seconds']:.1f}" for a in c["apart"])
        for c in checkouts])
    row("large facts apart, median wall (s)", [
        f"**{c['apart_facts_median_seconds']:.1f}**" for c in checkouts])
    row(f"large facts apart within {report['goal_seconds']:.0f} s", [
        "yes" if c["apart_facts_median_seconds"] <= report["goal_seconds"] else "no"
        for c in checkouts])
    row("large facts apart: their data tests, wall per round (s, tests run)", [
        ", ".join("none" if a["facts_tests_wall_seconds"] is None
                  else f"{a['facts_tests_wall_seconds']:.1f} ({a['facts_tests_run']})"
                  for a in c["apart"]) for c in checkouts])
    row("large facts apart: other stages, wall per round (s)", [
        ", ".join(" + ".join(f"{s['seconds']:.1f}" for s in a["stages"]
                             if not s["counted"] and s["stage"] != "facts' data tests")
                  for a in c["apart"]) for c in checkouts])
    row("fact tables apart equal the whole night's", [
        "yes" if c["apart_fact_tables_match_night"] else "NO" for c in checkouts])
    for kind in ("model", "test"):
        row(f"night, dbt's time of {kind}s (s, median)",
            [f"{median_kind(c, kind):.1f}" for c in checkouts])
    layers = sorted({layer for c in checkouts for n in c["nights"] for layer in n["layer_seconds"]})
    for layer in layers:
        row(f"night, {layer} models (s, median)", [
            f"{statistics.median(n['layer_seconds'].get(layer, 0.0) for n in c['nights']):.1f}"
            for c in checkouts])

    def median_model(checkout: dict[str, Any], name: str) -> float:
        return statistics.median(n["model_seconds"].get(name, 0.0) for n in checkout["nights"])

    last = checkouts[-1]
    names = sorted(last["nights"][0]["model_seconds"], key=lambda m: median_model(last, m),
                   reverse=True)[:TOP_MODELS]
    lines += ["", f"The night's slowest {TOP_MODELS} models of the {last['label']} "
              "(dbt's time, median of the rounds, s):", "",
              "| model | " + " | ".join(c["label"] for c in checkouts) + " |",
              "|---|" + "---:|" * len(checkouts)]
    for name in names:
        row(name, [f"{median_model(c, name):.2f}" for c in checkouts])
    for checkout in checkouts:
        grown: dict[str, float] = {}
        for night in checkout["nights"]:
            for node, mib in night["spilling_nodes"].items():
                grown[node] = max(grown.get(node, 0.0), mib)
        named = sorted(grown.items(), key=lambda kv: kv[1], reverse=True)[:TOP_SPILLING]
        lines += ["", f"Nodes of the {checkout['label']} that ran while DuckDB's spill grew "
                  "(MiB grown, largest round; a node beside the one that spilled is named "
                  "too): " + ("; ".join(f"{node} {mib:,.0f}" for node, mib in named)
                              if named else "none") + "."]
    failures = {c["label"]: sorted({f for n in c["nights"] for f in n["failures"]})
                for c in checkouts}
    if any(failures.values()):
        lines += ["", "Failed nodes: " + "; ".join(
            f"{label}: {', '.join(names)}" for label, names in failures.items() if names)]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    report = run_and_report(args, "bench_day", bench_day, render_markdown)
    ok = all(c["raw_rows_match_manifest"] and not any(n["failures"] for n in c["nights"])
             and not c["history_build"]["failures"] and c["apart_fact_tables_match_night"]
             and not any(a["failures"] for a in c["apart"])
             and all(a["facts_tests_run"] == n["facts"]["tests"]
                     for a, n in zip(c["apart"], c["nights"]))
             for c in report["checkouts"])
    return 0 if ok else 1
