"""The connected_components materialization updated in place equals a solve of the whole graph.

On DuckDB a build after the first solves again only the components whose edges changed
(docs/identity.md, "Incremental components"): a component every node of which kept its
fingerprint stands in as one node. A scratch project holds one model over a table of edges
that the test changes between builds: edges and nodes removed (components split or shrink),
edges and nodes added (components join or grow), duplicates, self-loops and lone nodes. After
every build the table must be scipy's connected components of the current edges, with the
smallest node_id and the size of each component; only some nodes may have been solved again;
and the last table must equal a full refresh of the same edges.
"""

from __future__ import annotations

import random
import re
import subprocess

import duckdb
import pytest

from datong.bench_identity import components_baseline
from warehouse import BIN, scratch_project

MODEL = """{{ config(materialized='connected_components') }}
select node_a, node_b from main.graph_edges
"""
EDGES = "select node_a, node_b from main.graph_edges"
SOLVED = re.compile(r"graph_components: (\d+) of (\d+) nodes solved again in \d+ contraction "
                    r"rounds, (\d+) removed")
NODES = 4000


def _node(number: int) -> str:
    return f"n{number:05d}"


def _first_graph(rng: random.Random) -> list[tuple[str, str | None]]:
    """A shuffled chain, a hub, a cycle, random pairs, lone nodes, a loop and a duplicate."""
    chain = [_node(n) for n in range(0, 600)]
    rng.shuffle(chain)
    edges = list(zip(chain, chain[1:]))
    edges += [(_node(600), _node(n)) for n in range(601, 900)]
    cycle = [_node(n) for n in range(900, 950)]
    edges += list(zip(cycle, cycle[1:] + cycle[:1]))
    edges += [(_node(rng.randrange(950, 3800)), _node(rng.randrange(950, 3800)))
              for _ in range(1800)]
    edges += [(_node(n), None) for n in range(3800, NODES)]
    edges += [(_node(950), _node(950)), edges[3], edges[3][::-1]]
    return edges


def _write(database, edges) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("create or replace table main.graph_edges (node_a varchar, "
                           "node_b varchar)")
        connection.executemany("insert into main.graph_edges values (?, ?)", edges)


def _build(root, env, full_refresh: bool = False) -> tuple[int, int, int] | None:
    command = [str(BIN / "dbt"), "run", "--target", "dev", "--no-use-colors",
               "--select", "graph_components"]
    result = subprocess.run(command + (["--full-refresh"] if full_refresh else []),
                            cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:]
    match = SOLVED.search(result.stdout)
    return tuple(int(value) for value in match.groups()) if match else None


def _relation(database) -> str:
    with duckdb.connect(str(database), read_only=True) as connection:
        schema, = connection.execute(
            "select table_schema from information_schema.tables "
            "where table_name = 'graph_components'"
        ).fetchone()
    return f"{schema}.graph_components"


def _check(database, relation: str) -> dict:
    """scipy's partition of the current edges, and each component named by its smallest
    node_id and counted right."""
    baseline = components_baseline(database, EDGES, relation)
    with duckdb.connect(str(database), read_only=True) as connection:
        misnamed, = connection.execute(f"""
            select count(*) from (
                select component_node_id
                from {relation}
                group by component_node_id
                having
                    min(node_id) <> component_node_id
                    or count(*) <> max(component_size)
                    or min(component_size) <> max(component_size)
            )
        """).fetchone()
    return {"same_partition": baseline["same_partition"], "misnamed": misnamed,
            "components": baseline["components"], "nodes": baseline["nodes"]}


def _mutate(rng: random.Random, edges, step: int):
    """Remove and add a few edges; split the chain, join two components, drop a node, add
    new nodes, each in some step."""
    edges = [edge for edge in edges if rng.random() > 0.01]
    fresh = NODES + 50 * step
    edges += [(_node(rng.randrange(0, NODES)), _node(rng.randrange(0, NODES)))
              for _ in range(20)]
    edges += [(_node(fresh + n), _node(rng.randrange(0, NODES))) for n in range(10)]
    edges += [(_node(fresh + 10 + n), None) for n in range(3)]
    if step == 1:
        edges += [(_node(600), _node(900))]  # the hub joins the cycle
    if step == 2:
        gone = _node(600)  # the hub goes: its spokes fall apart
        edges = [edge for edge in edges if gone not in edge]
    if step == 3:
        edges = edges[5:]  # chain edges among them: the chain splits
    return edges


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("components_in_place")
    env = scratch_project(root, {"graph_components.sql": MODEL})
    database = root / "scratch.duckdb"
    rng = random.Random(20240601)
    edges = _first_graph(rng)
    _write(database, edges)
    first = _build(root, env)
    relation = _relation(database)
    results = [{"solved": first, **_check(database, relation)}]
    for step in range(1, 6):
        edges = _mutate(rng, edges, step)
        _write(database, edges)
        results.append({"solved": _build(root, env), **_check(database, relation)})
    unchanged = _build(root, env)
    results.append({"solved": unchanged, **_check(database, relation)})
    columns = ("node_id, component_node_id, component_size, node_edge_count, "
               "node_edge_checksum")
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"create table main.in_place as select {columns} from {relation}")
    _build(root, env, full_refresh=True)
    with duckdb.connect(str(database), read_only=True) as connection:
        differences = connection.execute(f"""
            select
                (select count(*) from (select * from main.in_place
                    except all select {columns} from {relation})),
                (select count(*) from (select {columns} from {relation}
                    except all select * from main.in_place)),
                (select count(*) from main.in_place)
        """).fetchone()
    return {"results": results, "differences": differences}


def test_the_first_build_solves_the_whole_graph(builds):
    first = builds["results"][0]
    assert first["solved"] is None  # no table yet: a full solve, which logs no count
    assert first["same_partition"] and first["misnamed"] == 0


def test_every_build_in_place_equals_a_solve_of_the_whole_graph(builds):
    for step, result in enumerate(builds["results"][1:], start=1):
        assert result["same_partition"], step
        assert result["misnamed"] == 0, step


def test_a_build_in_place_solves_only_part_of_the_graph(builds):
    changed = builds["results"][1:-1]
    for step, result in enumerate(changed, start=1):
        solved, nodes, removed = result["solved"]
        print(f"step {step}: {solved} of {nodes} nodes solved again, {removed} removed, "
              f"{result['components']} components")
        assert 0 < solved < nodes, step
    # The hub goes in step 2, and with it the spokes that had no other edge.
    assert changed[1]["solved"][2] > 250


def test_an_unchanged_graph_solves_nothing(builds):
    assert builds["results"][-1]["solved"][:1] == (0,)
    assert builds["results"][-1]["same_partition"]


def test_the_last_build_in_place_equals_a_full_refresh(builds):
    only_in_place, only_full, rows = builds["differences"]
    assert rows > 0
    assert (only_in_place, only_full) == (0, 0)
