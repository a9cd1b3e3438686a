"""`datong publish`: the BI copy holds the marts and nothing else, and refuses personal data.

Publishes the demo warehouse (built by `make test`, or a small one built here) into a
temporary directory, re-opens the result, and scans its values with the PII scanner; then
shows on scratch warehouses that a personal-data column, or a relation outside `marts`,
stops the publication before anything is written.
"""

from __future__ import annotations

import duckdb
import pytest

from datong.publish import (
    BI_DATABASE_NAME,
    PARQUET_DIR_NAME,
    PublishedTable,
    PublishRefused,
    check_plan,
    publish,
)
from test_pii_isolation import find_personal_data, personal_values
from warehouse import demo_warehouse_from_env_or_build


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_warehouse_from_env_or_build(tmp_path_factory)


@pytest.fixture(scope="module")
def published(demo, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("publish") / "bi"
    plan = publish(demo.duckdb_path, out_dir, report=lambda _: None)
    return out_dir, plan


def source_marts(demo) -> dict[str, int]:
    connection = duckdb.connect(str(demo.duckdb_path), read_only=True)
    try:
        names = [
            name for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            name: connection.execute(f'select count(*) from marts."{name}"').fetchone()[0]
            for name in names
        }
    finally:
        connection.close()


def test_publication_is_every_mart_and_nothing_else(demo, published):
    out_dir, plan = published
    expected = source_marts(demo)
    assert {"dim_customers", "fct_orders", "bdg_customer_identifiers"} <= set(expected)
    assert {table.name: table.row_count for table in plan} == expected
    connection = duckdb.connect(str(out_dir / BI_DATABASE_NAME), read_only=True)
    try:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        assert {schema for schema, _ in relations} == {"marts"}
        assert {name for _, name in relations} == set(expected)
        for name, count in expected.items():
            assert connection.execute(f'select count(*) from marts."{name}"').fetchone()[0] == count
            parquet = out_dir / PARQUET_DIR_NAME / f"{name}.parquet"
            assert duckdb.execute(
                f"select count(*) from read_parquet('{parquet}')"
            ).fetchone()[0] == count
        with pytest.raises(duckdb.Error):  # read-only: BI users cannot change it either
            connection.execute("create table marts.scribble as select 1 as x")
    finally:
        connection.close()
    assert not (out_dir.parent / "bi.publishing").exists()


def test_publication_holds_no_personal_values(demo, published):
    out_dir, _ = published
    source = duckdb.connect(str(demo.duckdb_path), read_only=True)
    try:
        values = personal_values(source)
    finally:
        source.close()
    connection = duckdb.connect(str(out_dir / BI_DATABASE_NAME), read_only=True)
    try:
        assert find_personal_data(connection, values) == []
    finally:
        connection.close()


def test_personal_data_column_refuses_publication(tmp_path):
    warehouse = tmp_path / "leaky.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute("create schema marts")
    connection.execute("create table marts.dim_ok as select 'c_1' as customer_id")
    connection.execute(
        "create table marts.contacts as select 'c_1' as customer_id, '13800000001' as phone"
    )
    connection.close()
    out_dir = tmp_path / "bi"
    with pytest.raises(PublishRefused, match="marts.contacts: personal-data column"):
        publish(warehouse, out_dir, report=lambda _: None)
    assert not out_dir.exists()
    assert not (tmp_path / "bi.publishing").exists()


def test_only_the_marts_schema_may_be_published():
    with pytest.raises(PublishRefused, match="pii.pii_customer_contacts: only the marts"):
        check_plan([
            PublishedTable("marts", "dim_customers", ("customer_id",), 1),
            PublishedTable("pii", "pii_customer_contacts", ("customer_id",), 1),
        ])
    with pytest.raises(PublishRefused, match="no relation in schema marts"):
        check_plan([])
