"""`explain_identity_link` returns a chain of kept evidence from one identifier to the other.

The evidence tables hold the five key columns of each piece of evidence and no stored id
(docs/scale.md, "Evidence keyed by its columns"); the macro spells the id out to walk the
evidence and to join its path back to the rows. On the demo warehouse: for two identifiers
of one customer two pieces of evidence apart, the chain has at least two steps, each a row of
`int_identity_evidence_resolved`, and it leads from the first identifier to the second; for
identifiers of two customers it is empty.
"""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest

from warehouse import BIN, REPO, dbt_env, demo_warehouse_copy

EVIDENCE = "intermediate.int_identity_evidence_resolved"
KEY = ["link_rule", "source_model", "source_record_id", "identifier_a_id", "identifier_b_id"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return demo_warehouse_copy(tmp_path_factory, "explain_identity_link")


def explain(warehouse, identifier_a: str, identifier_b: str) -> list[dict]:
    root, copy = warehouse
    inline = (
        "{{ datong.explain_identity_link('%s', '%s', ref('int_identity_evidence_resolved')) }}"
        % (identifier_a, identifier_b)
    )
    result = subprocess.run(
        [str(BIN / "dbt"), "show", "--target", "dev", "--quiet", "--output", "json",
         "--limit", "100", "--inline", inline],
        cwd=REPO, env=dbt_env(copy, root), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout)["show"]


def query(warehouse, sql: str, parameters: list | None = None) -> list[tuple]:
    """Rows of a query on the copy; the connection is closed again before dbt takes the file's
    write lock."""
    _, copy = warehouse
    connection = duckdb.connect(str(copy), read_only=True)
    try:
        return connection.execute(sql, parameters or []).fetchall()
    finally:
        connection.close()


def test_chain_between_identifiers_of_one_customer(warehouse):
    # Two identifiers joined through a third, and not directly.
    [(identifier_a, identifier_c)] = query(warehouse, f"""
        select first_edge.identifier_a_id, second_edge.identifier_b_id
        from {EVIDENCE} as first_edge
        inner join {EVIDENCE} as second_edge
            on first_edge.identifier_b_id = second_edge.identifier_a_id
        where
            first_edge.identifier_a_id <> second_edge.identifier_b_id
            and not exists (
                select 1 from {EVIDENCE} as direct
                where
                    (direct.identifier_a_id = first_edge.identifier_a_id
                     and direct.identifier_b_id = second_edge.identifier_b_id)
                    or (direct.identifier_a_id = second_edge.identifier_b_id
                        and direct.identifier_b_id = first_edge.identifier_a_id)
            )
        order by 1, 2
        limit 1
    """)
    steps = explain(warehouse, identifier_a, identifier_c)
    assert len(steps) >= 2, steps
    assert [step["step"] for step in steps] == list(range(1, len(steps) + 1))
    reached = identifier_a
    for step in steps:
        assert reached in (step["identifier_a_id"], step["identifier_b_id"]), steps
        reached = (
            step["identifier_b_id"] if step["identifier_a_id"] == reached
            else step["identifier_a_id"]
        )
        [(found,)] = query(
            warehouse,
            f"select count(*) from {EVIDENCE} where "
            + " and ".join(f"{column} = ?" for column in KEY),
            [step[column] for column in KEY],
        )
        assert found == 1, step
    assert reached == identifier_c, steps


def test_no_chain_between_customers(warehouse):
    [(identifier_a, identifier_b)] = query(warehouse, f"""
        select
            min(identifier_a_id) filter (where customer_id = first_customer),
            min(identifier_a_id) filter (where customer_id <> first_customer)
        from {EVIDENCE},
            (select min(customer_id) as first_customer from {EVIDENCE})
    """)
    assert identifier_a and identifier_b
    assert explain(warehouse, identifier_a, identifier_b) == []
