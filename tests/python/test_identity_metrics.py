"""The evaluation's pair counting and the benchmark's components check, on small made-up data.

Pairwise precision and recall are counted from group sizes; here they are checked against a
brute-force enumeration of every pair, and the components check against hand-drawn graphs.
"""

from __future__ import annotations

import itertools
import random

import duckdb
import pytest

from datong.bench_identity import components_baseline
from datong.evaluate import pairwise_scores


def _brute_force(rows):
    predicted_pairs = true_pairs = correct = 0
    for (_, p1, t1), (_, p2, t2) in itertools.combinations(rows, 2):
        same_predicted = p1 is not None and p1 == p2
        same_true = t1 == t2
        predicted_pairs += same_predicted
        true_pairs += same_true
        correct += same_predicted and same_true
    return predicted_pairs, true_pairs, correct


def _scores(rows):
    connection = duckdb.connect()
    connection.execute("create table records (record_id varchar, predicted varchar, actual varchar)")
    connection.executemany("insert into records values (?, ?, ?)", rows)
    return pairwise_scores(connection, "records")


def test_pairwise_scores_of_a_known_assignment():
    # person A: 3 records, two put together and one split off; person B: 2 records merged
    # into A's customer; one anonymous record of B.
    rows = [
        ("r1", "c1", "A"), ("r2", "c1", "A"), ("r3", "c2", "A"),
        ("r4", "c1", "B"), ("r5", "c1", "B"), ("r6", None, "B"),
    ]
    scores = _scores(rows)
    # predicted pairs: c1 has 4 records -> 6 pairs; c2 1 -> 0; anonymous singleton -> 0.
    # true pairs: A 3 -> 3, B 3 -> 3. Correct: (r1, r2) and (r4, r5).
    assert scores["predicted_pairs"] == 6
    assert scores["true_pairs"] == 6
    assert scores["correct_pairs"] == 2
    assert scores["precision"] == pytest.approx(2 / 6)
    assert scores["recall"] == pytest.approx(2 / 6)
    assert scores["predicted_clusters"] == 3
    assert scores["true_clusters"] == 2
    assert scores["largest_predicted_cluster_records"] == 4
    assert scores["largest_predicted_cluster_persons"] == 2


def test_pairwise_scores_equal_brute_force_on_random_assignments():
    rng = random.Random(5)
    for _ in range(20):
        rows = [
            (f"r{i}", rng.choice([None, "c1", "c2", "c3", "c4"]), rng.choice("ABCDE"))
            for i in range(rng.randint(1, 40))
        ]
        predicted_pairs, true_pairs, correct = _brute_force(rows)
        scores = _scores(rows)
        assert (scores["predicted_pairs"], scores["true_pairs"], scores["correct_pairs"]) == (
            predicted_pairs, true_pairs, correct
        )


def test_a_perfect_assignment_scores_one():
    rows = [(f"r{i}", f"c{i % 7}", f"P{i % 7}") for i in range(50)]
    scores = _scores(rows)
    assert scores["precision"] == 1.0
    assert scores["recall"] == 1.0


EDGES_SQL = """
    select * from (values
        ('a', 'b'), ('b', 'c'), ('d', 'e'), ('f', 'g'), ('g', 'f'), ('h', null)
    ) as edges (node_a, node_b)
"""


def _graph_warehouse(path, components):
    connection = duckdb.connect(str(path))
    connection.execute("create schema intermediate")
    connection.execute(
        "create table intermediate.int_identity_components_resolved "
        "(node_id varchar, component_node_id varchar)"
    )
    connection.executemany(
        "insert into intermediate.int_identity_components_resolved values (?, ?)", components
    )
    connection.close()


def test_components_agree_with_the_warehouse_partition(tmp_path):
    # h is a node without edges: its own component.
    components = [("a", "a"), ("b", "a"), ("c", "a"), ("d", "d"), ("e", "d"),
                  ("f", "f"), ("g", "f"), ("h", "h")]
    _graph_warehouse(tmp_path / "w.duckdb", components)
    result = components_baseline(tmp_path / "w.duckdb", EDGES_SQL)
    assert result["nodes"] == 8
    assert result["edges"] == 5
    assert result["components"] == 4
    assert result["warehouse_components"] == 4
    assert result["same_partition"]


@pytest.mark.parametrize("components", [
    # c and d merged although no edge joins them
    [("a", "a"), ("b", "a"), ("c", "a"), ("d", "a"), ("e", "a"), ("f", "f"), ("g", "f"),
     ("h", "h")],
    # one component split in two
    [("a", "a"), ("b", "a"), ("c", "c"), ("d", "d"), ("e", "d"), ("f", "f"), ("g", "f"),
     ("h", "h")],
    # a node of the edge list missing from the warehouse
    [("a", "a"), ("b", "a"), ("c", "a"), ("d", "d"), ("e", "d"), ("f", "f"), ("g", "f")],
    # a node the warehouse has that the edge list does not
    [("a", "a"), ("b", "a"), ("c", "a"), ("d", "d"), ("e", "d"), ("f", "f"), ("g", "f"),
     ("h", "h"), ("i", "i")],
])
def test_components_detect_a_different_partition(tmp_path, components):
    _graph_warehouse(tmp_path / "w.duckdb", components)
    result = components_baseline(tmp_path / "w.duckdb", EDGES_SQL)
    assert not result["same_partition"]
