"""The founders register sees the previous build's identifier -> customer mapping.

`previous_identity_mapping` reads `int_identifiers_resolved` outside `ref()` (a ref would be a
cycle, docs/identity.md "Successors"). Were that model renamed, disabled or moved to another
schema, the macro would find no table, return an empty mapping, and lost founders would
silently stop handing their ids on. After a build, the mapping it returns must be exactly the
identifiers' current customers, which is also the latest row of each identifier in the
history.
"""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from warehouse import BIN, REPO, dbt_env, demo_warehouse_copy


@pytest.fixture(scope="module")
def warehouse_copy(tmp_path_factory):
    return demo_warehouse_copy(tmp_path_factory, "successions")


def test_previous_identity_mapping_reads_the_last_build(warehouse_copy):
    workdir, database = warehouse_copy
    env = dbt_env(database, workdir)
    result = subprocess.run(
        [str(BIN / "dbt"), "compile", "--quiet", "--inline",
         "select identifier_id, customer_id "
         "from {{ datong.previous_identity_mapping() }} as previous_mapping"],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    sql = result.stdout.strip()
    assert "int_identifiers_resolved" in sql

    with duckdb.connect(str(database), read_only=True) as connection:
        previous = set(connection.execute(sql).fetchall())
        current = set(connection.execute(
            "select identifier_id, customer_id from intermediate.int_identifiers_resolved "
            "where customer_id is not null"
        ).fetchall())
        latest = set(connection.execute(
            "select identifier_id, customer_id from ("
            "  select * from intermediate.int_identity_customer_changes_historized"
            "  qualify row_number() over (partition by identifier_id order by changed_at desc) = 1"
            ") where customer_id is not null"
        ).fetchall())
    assert previous
    assert previous == current == latest
