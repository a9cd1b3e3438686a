"""`datong bench-identity`: how long identity resolution takes, and whether it is right.

One run, in a scratch directory:

1. generate N persons of demo data and load them into a fresh DuckDB file;
2. build what the identity models read (staging, seeds) — timed, not the benchmark;
3. build the identity models alone (`models/intermediate/identity`) — wall time and peak
   memory of the whole `dbt` process tree, and each model's own time from dbt's run results;
4. export the identity graph's edge list from the warehouse and compute its connected
   components with `scipy.sparse.csgraph.connected_components`, the baseline;
5. check that the warehouse's customers are exactly scipy's components of the same edges;
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
# Where the graph lives: the edge relation and its two endpoint columns, and the relation
# that gives each identifier (node) its customer.
EDGES_RELATION = "intermediate.int_identity_edges"
NODES_RELATION = "intermediate.int_identifiers_resolved"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, required=True, help="demo persons to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="scratch directory (default: a temporary one, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--reports-dir", type=Path, default=REPO / "reports")
    parser.add_argument("--edges-relation", default=EDGES_RELATION,
                        help=f"edge list relation (default {EDGES_RELATION})")
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


def measure(name: str, command: list[str], env: dict[str, str], log_dir: Path,
            interval: float = 0.05) -> Measured:
    """Run `command`, polling the process tree's RSS; raise with its log on failure."""
    import psutil

    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    result = Measured(name, command)
    peak = 0
    started = time.perf_counter()
    with log_path.open("w") as log:
        child = subprocess.Popen(command, cwd=REPO, env=env, stdout=log,
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


def _endpoint_columns(connection, relation: str) -> tuple[str, str]:
    schema, table = relation.split(".", 1)
    columns = [
        row[0]
        for row in connection.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]
    endpoints = [column for column in columns if column.endswith("identifier_id")]
    if len(endpoints) != 2:
        raise RuntimeError(f"{relation} should have two *identifier_id columns: {columns}")
    return endpoints[0], endpoints[1]


def components_baseline(duckdb_path: Path, edges_relation: str) -> dict[str, Any]:
    """scipy's connected components of the warehouse's edges, and the partition check.

    Nodes are every identifier the warehouse resolved to a customer plus every edge endpoint;
    the warehouse agrees with scipy when each component holds exactly one customer and each
    customer exactly one component.
    """
    import duckdb
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    connection = duckdb.connect(str(duckdb_path))
    try:
        left, right = _endpoint_columns(connection, edges_relation)
        started = time.perf_counter()
        connection.execute(f"""
            create or replace temp table _nodes as
            with ids as (
                select {left} as identifier_id from {edges_relation}
                union
                select {right} from {edges_relation}
                union
                select identifier_id from {NODES_RELATION} where customer_id is not null
            )
            select identifier_id, (row_number() over (order by identifier_id) - 1)::int as node
            from ids
        """)
        pairs = connection.execute(f"""
            select lefts.node as a, rights.node as b
            from {edges_relation} as edges
            inner join _nodes as lefts on edges.{left} = lefts.identifier_id
            inner join _nodes as rights on edges.{right} = rights.identifier_id
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
                select labels.component, resolved.customer_id
                from _nodes as nodes
                inner join _labels as labels on nodes.node = labels.node
                left join {NODES_RELATION} as resolved
                    on nodes.identifier_id = resolved.identifier_id
            )
            select
                count(distinct component),
                count(distinct customer_id),
                count(distinct (component, customer_id)) filter (where customer_id is not null),
                count(*) filter (where customer_id is null)
            from assigned
        """).fetchone()
        check_seconds = time.perf_counter() - started
    finally:
        connection.close()
    components, customers, component_customer_pairs, unassigned = (int(v) for v in check)
    return {
        "edges_relation": edges_relation,
        "nodes": int(node_count),
        "edges": int(len(a)),
        "components": int(component_count),
        "warehouse_customers": customers,
        "component_customer_pairs": component_customer_pairs,
        "nodes_without_customer": unassigned,
        "same_partition": (
            unassigned == 0
            and components == customers == component_customer_pairs
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
    }


def render_markdown(report: dict[str, Any]) -> str:
    steps = report["steps"]
    components = report["components"]
    lines = [
        f"# Identity benchmark: {report['persons']:,} persons",
        "",
        f"Machine: {report['machine']['cpus']} cores, {report['machine']['memory_gib']} GiB, "
        f"{report['machine']['platform']}.",
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
        f"Connected components of `{components['edges_relation']}`: "
        f"{components['nodes']:,} nodes, {components['edges']:,} edges; scipy finds "
        f"{components['components']:,} components in {components['scipy_seconds']:.2f} s "
        f"(export {components['export_seconds']:.2f} s); the warehouse has "
        f"{components['warehouse_customers']:,} customers. Same partition: "
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
        DBT_PROFILES_DIR=str(REPO / "profiles"),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    datong, dbt = str(BIN / "datong"), str(BIN / "dbt")
    logs = workdir / "step_logs"
    data = workdir / "demo"
    steps = [
        measure("generate", [datong, "generate", "--persons", str(args.persons),
                             "--seed", str(args.seed), "--out", str(data)], env, logs),
        measure("load", [datong, "load", "--raw-dir", str(data / "raw"), "--target", "dev"],
                env, logs),
        measure("upstream (staging, seeds)",
                [dbt, "build", "--target", "dev", "--quiet",
                 "--select", "+int_identity_records_resolved", "--exclude", IDENTITY_PATH,
                 "--resource-type", "model", "--resource-type", "seed"], env, logs),
        measure("identity models", [dbt, "run", "--target", "dev", "--quiet",
                                    "--select", IDENTITY_PATH], env, logs),
    ]
    identity_seconds = model_timings(workdir / "target")
    steps.append(measure("identity tests", [dbt, "test", "--target", "dev", "--quiet",
                                            "--select", IDENTITY_PATH], env, logs))
    components = components_baseline(workdir / "datong.duckdb", args.edges_relation)
    accuracy = None
    if args.with_marts:
        steps.append(measure("fct_orders", [dbt, "run", "--target", "dev", "--quiet",
                                            "--select", "fct_orders"], env, logs))
        from datong.evaluate import evaluate

        accuracy = evaluate(workdir / "datong.duckdb", data / "truth")
    return {
        "persons": args.persons,
        "seed": args.seed,
        "machine": machine(),
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
