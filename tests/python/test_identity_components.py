"""The final identity partition equals a connected-components pass over the whole final graph.

The final pass re-solves only the first pass's components that a cut touched
(`int_identity_components_resplit`) and keeps the rest as they were
(`int_identity_components_resolved`; docs/scale.md, "The final pass re-solves what a cut
touched"). That is exact only if cutting evidence never changes a component no cut touches.
These tests hold the warehouse's partition against scipy's connected components of the whole
final graph (`int_identity_edges_kept`) on the demo warehouse, and check that the demo really
exercises the shortcut: some components are re-solved and some of them split.
"""

from __future__ import annotations

import duckdb
import pytest

from datong.bench_identity import components_baseline
from warehouse import demo_warehouse_copy

GRAPH = "select node_a, node_b from intermediate.int_identity_edges_kept"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return demo_warehouse_copy(tmp_path_factory, "identity_components")[1]


def test_final_partition_equals_a_pass_over_the_whole_final_graph(warehouse):
    result = components_baseline(warehouse, GRAPH)
    assert result["nodes"] > 0
    assert result["warehouse_components"] == result["components"]
    assert result["same_partition"]


def test_the_demo_resolves_some_components_again_and_splits_some(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        resplit_nodes, = connection.execute(
            "select count(*) from intermediate.int_identity_components_resplit"
        ).fetchone()
        split_components, = connection.execute("""
            select count(*) from (
                select proposed.component_node_id
                from intermediate.int_identity_components_proposed as proposed
                inner join intermediate.int_identity_components_resolved as resolved
                    on proposed.node_id = resolved.node_id
                group by proposed.component_node_id
                having count(distinct resolved.component_node_id) > 1
            )
        """).fetchone()
        proposed_nodes, resolved_nodes = connection.execute("""
            select
                (select count(*) from intermediate.int_identity_components_proposed),
                (select count(*) from intermediate.int_identity_components_resolved)
        """).fetchone()
    assert resplit_nodes > 0
    assert split_components > 0
    assert resolved_nodes == proposed_nodes
