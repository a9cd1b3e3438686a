"""`datong bench-identity`: how long identity resolution takes, and whether it is right.

One run, in a scratch directory:

1. generate N persons of demo data and load them into a fresh DuckDB file;
2. build what the identity models read (staging, seeds) — timed, not the benchmark;
3. build the identity models alone (those of `models/intermediate/identity` upstream of
   `int_identity_records_resolved`) — wall time and peak
   memory of the whole `dbt` process tree, and each model's own time from dbt's run results;
4. run the components model's own compiled SQL (its edge list) against the built warehouse
   and compute the connected components with `scipy.sparse.csgraph.connected_components`,
   the baseline;
5. check that the warehouse's components are exactly scipy's components of the same edges;
6. score the assignment against the generator's truth (`datong evaluate`, needs the marts:
   `--with-marts` builds `fct_orders` too).

Markdown and JSON land in `reports/bench_identity_<N>.{md,json}` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
IDENTITY_PATH = "path:models/intermediate/identity"
# The identity models that resolution needs (not the folder's audit or fixture models).
IDENTITY_MODELS = f"+int_identity_records_resolved,{IDENTITY_PATH}"
# The final pass's graph (its compiled SQL is the edge list) and the warehouse's partition of
# it. The final partition is the first pass's, re-solved where a cut touched it
# (int_identity_components_resplit): the check below holds it against the whole graph.
GRAPH_MODEL = "int_identity_edges_kept"
COMPONENTS_MODEL = "int_identity_components_resolved"
COMPONENTS_RELATION = f"intermediate.{COMPONENTS_MODEL}"
# The models whose time is the final pass's: the re-solve and the partition it completes.
FINAL_PASS_MODELS = ("int_identity_components_resplit", COMPONENTS_MODEL)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, required=True, help="demo persons to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="scratch directory (default: a temporary one, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="reuse demo data generated before with these --persons and --seed "
                             "(its raw/ and truth/) instead of generating it again")
    parser.add_argument("--reports-dir", type=Path, default=REPO / "reports")
    parser.add_argument("--project-dir", type=Path, default=REPO,
                        help="the dbt project to build (default: this checkout)")
    parser.add_argument("--with-marts", action="store_true",
                        help="also build fct_orders and score it against the truth")


@dataclass
class Measured:
    """One step: its command, wall time and the peak resident memory of its process tree."""

    name: str
    command: list[str]
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _tree_rss(process) -> int:
    """Resident bytes of a psutil process and all its descendants (0 for vanished ones)."""
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure_step(name: str, command: list[str], env: dict[str, str], log_dir: Path,
                 interval: float = 0.05, cwd: Path = REPO) -> Measured:
    """Run `command`, polling the process tree's RSS; raise with its log on failure."""
    import psutil

    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    result = Measured(name, command)
    peak = 0
    started = time.perf_counter()
    with log_path.open("w") as log:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=log,
                                 stderr=subprocess.STDOUT)
        watched = psutil.Process(child.pid)
        stop = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(watched))
                stop.wait(interval)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        returncode = child.wait()
        stop.set()
        poller.join()
    result.seconds = time.perf_counter() - started
    result.peak_rss_mb = peak / 2**20
    if returncode != 0:
        tail = log_path.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"{name} failed ({returncode}): {' '.join(command)}\n{tail}")
    return result


def model_timings(target_dir: Path) -> dict[str, float]:
    """Each model's execution time from the last dbt invocation's run_results.json."""
    results = json.loads((target_dir / "run_results.json").read_text())
    return {
        row["unique_id"].split(".")[-1]: round(float(row["execution_time"]), 3)
        for row in results["results"]
        if row["unique_id"].startswith("model.")
    }


def final_pass_seconds(model_seconds: dict[str, float]) -> float:
    """dbt's time for the final pass: the models of FINAL_PASS_MODELS that ran."""
    return sum(model_seconds.get(name, 0.0) for name in FINAL_PASS_MODELS)


def compiled_sql(target_dir: Path, model: str) -> str:
    """The SQL dbt compiled for `model` in the last build (its `select`, not the DDL)."""
    # Unit tests compile their fixtures under `<model yml>.yml/`: not the model itself.
    matches = [
        path for path in (target_dir / "compiled").rglob(f"{model}.sql")
        if path.parent.suffix != ".yml"
    ]
    if len(matches) != 1:
        raise RuntimeError(f"expected one compiled {model}.sql under {target_dir}: {matches}")
    return matches[0].read_text()


def components_baseline(duckdb_path: Path, edges_sql: str,
                        components_relation: str = COMPONENTS_RELATION) -> dict[str, Any]:
    """scipy's connected components of the warehouse's own edge list, and the partition check.

    `edges_sql` is the components model's compiled SQL: rows `(node_a, node_b)`, a null
    `node_b` declaring a node without edges. `components_relation` is what the warehouse built
    from it, one row per `node_id` with its `component_node_id`. They agree when each scipy
    component is exactly one warehouse component, over exactly the same nodes.
    """
    import duckdb
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    connection = duckdb.connect(str(duckdb_path))
    try:
        started = time.perf_counter()
        connection.execute(f"create or replace temp table _edges as {edges_sql}")
        connection.execute("""
            create or replace temp table _nodes as
            with ids as (
                select node_a as node_id from _edges where node_a is not null
                union
                select node_b from _edges where node_b is not null
            )
            select node_id, (row_number() over (order by node_id) - 1)::int as node
            from ids
        """)
        pairs = connection.execute("""
            select lefts.node as a, rights.node as b
            from _edges
            inner join _nodes as lefts on _edges.node_a = lefts.node_id
            inner join _nodes as rights on _edges.node_b = rights.node_id
        """).fetchnumpy()
        node_count = connection.execute("select count(*) from _nodes").fetchall()[0][0]
        exported = time.perf_counter() - started

        started = time.perf_counter()
        a = pairs["a"].astype(np.int32)
        b = pairs["b"].astype(np.int32)
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)),
                           shape=(node_count, node_count)).tocsr()
        component_count, labels = connected_components(graph, directed=False)
        scipy_seconds = time.perf_counter() - started

        started = time.perf_counter()
        connection.register("_labels", {"node": np.arange(node_count, dtype=np.int32),
                                         "component": labels.astype(np.int32)})
        check = connection.execute(f"""
            with assigned as (
                select labels.component, warehouse.component_node_id
                from _nodes as nodes
                inner join _labels as labels on nodes.node = labels.node
                full outer join {components_relation} as warehouse
                    on nodes.node_id = warehouse.node_id
            )
            select
                count(distinct component),
                count(distinct component_node_id),
                count(distinct (component, component_node_id)),
                count(*) filter (where component is null or component_node_id is null)
            from assigned
        """).fetchall()[0]
        check_seconds = time.perf_counter() - started
    finally:
        connection.close()
    components, warehouse_components, pairs_seen, unmatched = (int(v) for v in check)
    return {
        "components_relation": components_relation,
        "nodes": int(node_count),
        "edges": int(len(a)),
        "components": int(component_count),
        "warehouse_components": warehouse_components,
        "component_pairs": pairs_seen,
        "unmatched_nodes": unmatched,
        "same_partition": (
            unmatched == 0 and components == warehouse_components == pairs_seen
        ),
        "export_seconds": round(exported, 3),
        "scipy_seconds": round(scipy_seconds, 3),
        "check_seconds": round(check_seconds, 3),
    }


def machine() -> dict[str, Any]:
    import psutil

    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other work on the machine slows every step: the 1-minute load when the run ended.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def render_markdown(report: dict[str, Any]) -> str:
    steps = report["steps"]
    components = report["components"]
    lines = [
        f"# Identity benchmark: {report['persons']:,} persons",
        "",
        f"Machine: {report['machine']['cpus']} cores, {report['machine']['memory_gib']} GiB, "
        f"{report['machine']['platform']}; load average "
        f"{report['machine']['load_average_1m']} at the end of the run.",
        "",
        "| step | wall time (s) | peak RSS (MiB) |",
        "|---|---:|---:|",
    ]
    lines += [f"| {s['name']} | {s['seconds']:.1f} | {s['peak_rss_mb']:.0f} |" for s in steps]
    lines += ["", "Identity models (dbt's own execution time per model, seconds):", "",
              "| model | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.2f} |"
              for name, seconds in report["identity_model_seconds"].items()]
    lines += [
        "",
        f"Connected components of `{GRAPH_MODEL}`, the final graph: "
        f"{components['nodes']:,} nodes, {components['edges']:,} edges; scipy finds "
        f"{components['components']:,} components in {components['scipy_seconds']:.2f} s "
        f"(export {components['export_seconds']:.2f} s); the warehouse finds "
        f"{components['warehouse_components']:,} in "
        f"{final_pass_seconds(report['identity_model_seconds']):.2f} s "
        f"(`{'` and `'.join(FINAL_PASS_MODELS)}`). "
        f"Same partition: "
        f"**{'yes' if components['same_partition'] else 'NO'}**.",
    ]
    if report.get("accuracy"):
        identified = report["accuracy"]["identified"]
        lines += ["", f"Accuracy against the truth: precision {identified['precision']:.4f}, "
                      f"recall {identified['recall']:.4f}."]
    return "\n".join(lines) + "\n"


def bench(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        DATONG_DUCKDB_PATH=str(workdir / "datong.duckdb"),
        DBT_PROFILES_DIR=str(args.project_dir / "profiles"),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    datong, dbt = str(BIN / "datong"), str(BIN / "dbt")

    def measure(name: str, command: list[str], env: dict[str, str], log_dir: Path):
        return measure_step(name, command, env, log_dir, cwd=args.project_dir)

    load_at_start = round(os.getloadavg()[0], 2)
    logs = workdir / "step_logs"
    data = args.data_dir or workdir / "demo"
    steps = []
    if args.data_dir is None:
        steps.append(measure("generate", [datong, "generate", "--persons", str(args.persons),
                                          "--seed", str(args.seed), "--out", str(data)],
                             env, logs))
    steps += [
        measure("load", [datong, "load", "--raw-dir", str(data / "raw"), "--target", "dev"],
                env, logs),
        measure("upstream (staging, seeds)",
                [dbt, "build", "--target", "dev", "--quiet",
                 "--select", "+int_identity_records_resolved", "--exclude", IDENTITY_PATH,
                 "--resource-type", "model", "--resource-type", "seed"], env, logs),
        measure("identity models", [dbt, "run", "--target", "dev", "--quiet",
                                    "--select", IDENTITY_MODELS], env, logs),
    ]
    identity_seconds = model_timings(workdir / "target")
    steps.append(measure("identity tests", [dbt, "test", "--target", "dev", "--quiet",
                                            "--select", IDENTITY_MODELS], env, logs))
    components = components_baseline(
        workdir / "datong.duckdb", compiled_sql(workdir / "target", GRAPH_MODEL)
    )
    accuracy = None
    if args.with_marts:
        steps.append(measure("fct_orders", [dbt, "run", "--target", "dev", "--quiet",
                                            "--select", "fct_orders"], env, logs))
        from datong.evaluate import evaluate

        accuracy = evaluate(workdir / "datong.duckdb", data / "truth")
    return {
        "persons": args.persons,
        "seed": args.seed,
        "machine": machine() | {"load_average_1m_at_start": load_at_start},
        "steps": [
            {k: v for k, v in asdict(step).items() if k != "command"}
            | {"command": " ".join(step.command)}
            for step in steps
        ],
        "identity_model_seconds": identity_seconds,
        "components": components,
        "accuracy": accuracy,
    }


def run(args: argparse.Namespace) -> int:
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="datong-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        report = bench(args, workdir)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    args.reports_dir.mkdir(parents=True, exist_ok=True)
    stem = args.reports_dir / f"bench_identity_{args.persons}"
    markdown = render_markdown(report)
    stem.with_suffix(".md").write_text(markdown)
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    print(markdown)
    print(f"written {stem}.md and {stem}.json")
    return 0 if report["components"]["same_partition"] else 1
