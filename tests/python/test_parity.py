"""`datong parity`: the comparison finds every kind of difference, and only differences.

The profiles are built by the real aggregate queries: on two DuckDB files holding deliberately
different tables, and across engines on the same table written to DuckDB and to Spark (one
Spark process, private metastore).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal

import duckdb
import pytest
from conftest import REPO_ROOT, parse_command

from datong import parity
from datong.parity import ColumnProfile, ModelProfile, compare

TABLE_SQL = textwrap.dedent(
    """
    create table staging.stg_things as
    select * from (values
        ('a1', 'north', 3, cast(19.99 as decimal(18, 2)), cast(0.1 as double), true,
         date '2024-01-31', timestamp '2024-01-31 23:59:58.5'),
        ('a2', '北京', 5, cast(0.01 as decimal(18, 2)), cast(0.2 as double), false,
         date '2024-02-29', timestamp '2024-02-29 00:00:00'),
        ('a3', null, null, null, cast(0.3 as double), null, null, null)
    ) as things (thing_id, region, quantity, amount_yuan, share, is_active,
                 created_date, created_at)
    """
)


def _duckdb_warehouse(path, *changes: str) -> None:
    connection = duckdb.connect(str(path))
    connection.execute("create schema staging")
    connection.execute(TABLE_SQL)
    for change in changes:
        connection.execute(change)
    connection.close()


def _profile(path) -> parity.Profiles:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return parity.profile_duckdb(connection, ("staging",))
    finally:
        connection.close()


def _number(sum_value, approximate=False) -> ColumnProfile:
    return ColumnProfile(
        "number", "double" if approximate else "bigint", approximate,
        {"non_null": 2, "sum": sum_value, "min": 1, "max": 2},
    )


def _model(rows=2, **columns) -> ModelProfile:
    return ModelProfile(rows, columns)


# --------------------------------------------------------------------------------------------
# The comparison itself
# --------------------------------------------------------------------------------------------


def test_equal_profiles_have_no_difference():
    left = {"marts.fct_orders": _model(quantity=_number(3))}
    right = {"marts.fct_orders": _model(quantity=_number(3))}
    assert compare(left, right) == []


def test_a_model_on_one_side_only_is_a_difference():
    left = {"marts.fct_orders": _model(), "marts.dim_stores": _model()}
    right = {"marts.fct_orders": _model(), "staging.stg_pos__stores": _model()}
    assert compare(left, right) == [
        "marts.dim_stores: only in duckdb",
        "staging.stg_pos__stores: only in spark",
    ]


def test_row_counts_columns_and_kinds_are_compared():
    string = ColumnProfile("string", "varchar", values={"non_null": 2, "distinct": 2})
    left = {"marts.fct_orders": _model(rows=2, order_id=string, quantity=_number(3))}
    right = {
        "marts.fct_orders": _model(
            rows=3, order_id=_number(3), channel=ColumnProfile("string", "string")
        )
    }
    assert compare(left, right) == [
        "marts.fct_orders: rows duckdb=2 spark=3",
        "marts.fct_orders.channel: column only in spark",
        "marts.fct_orders.order_id: type duckdb=varchar spark=bigint",
        "marts.fct_orders.quantity: column only in duckdb",
    ]


def test_exact_numbers_must_be_equal():
    left = {"marts.fct_orders": _model(amount_yuan=_number(Decimal("100.00")))}
    right = {"marts.fct_orders": _model(amount_yuan=_number(Decimal("100.01")))}
    assert compare(left, right) == [
        "marts.fct_orders.amount_yuan: sum duckdb=Decimal('100.00') spark=Decimal('100.01')"
    ]


def test_floating_point_sums_absorb_summation_order_but_not_more():
    total = sum([0.1] * 10)  # 0.9999999999999999: another order gives 1.0
    assert compare(
        {"marts.fct_orders": _model(share=_number(total, approximate=True))},
        {"marts.fct_orders": _model(share=_number(1.0, approximate=True))},
    ) == []
    assert compare(
        {"marts.fct_orders": _model(share=_number(1.0, approximate=True))},
        {"marts.fct_orders": _model(share=_number(1.0001, approximate=True))},
    ) == ["marts.fct_orders.share: sum duckdb=1.0 spark=1.0001"]
    # A null on one side is never close to a number.
    assert compare(
        {"marts.fct_orders": _model(share=_number(None, approximate=True))},
        {"marts.fct_orders": _model(share=_number(0.0, approximate=True))},
    ) == ["marts.fct_orders.share: sum duckdb=None spark=0.0"]


# --------------------------------------------------------------------------------------------
# Profiles from real queries
# --------------------------------------------------------------------------------------------


def test_duckdb_profile_of_every_kind_of_column(tmp_path):
    _duckdb_warehouse(tmp_path / "a.duckdb")
    profile = _profile(tmp_path / "a.duckdb")["staging.stg_things"]
    assert profile.rows == 3
    values = {name: column.values for name, column in profile.columns.items()}
    assert values["region"] == {"non_null": 2, "distinct": 2, "min": "north", "max": "北京"}
    assert values["quantity"] == {"non_null": 2, "sum": 8, "min": 3, "max": 5}
    assert values["amount_yuan"]["sum"] == Decimal("20.00")
    assert values["is_active"] == {"non_null": 2, "true": 1}
    assert values["created_date"] == {
        "non_null": 2, "min": "2024-01-31", "max": "2024-02-29", "distinct": 2
    }
    assert values["created_at"]["min"] == "2024-01-31 23:59:58.500000"
    assert profile.columns["share"].approximate


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("update staging.stg_things set amount_yuan = 0.02 where thing_id = 'a2'",
         "staging.stg_things.amount_yuan: sum duckdb=Decimal('20.00') "
         "spark=Decimal('20.01')"),
        ("update staging.stg_things set region = '南' where thing_id = 'a1'",
         "staging.stg_things.region: max duckdb='北京' spark='南'"),
        ("update staging.stg_things set is_active = true where thing_id = 'a2'",
         "staging.stg_things.is_active: true duckdb=1 spark=2"),
        ("update staging.stg_things set created_at = timestamp '2024-02-29 00:00:01' "
         "where thing_id = 'a2'",
         "staging.stg_things.created_at: max duckdb='2024-02-29 00:00:00.000000' "
         "spark='2024-02-29 00:00:01.000000'"),
        ("delete from staging.stg_things where thing_id = 'a3'",
         "staging.stg_things: rows duckdb=3 spark=2"),
    ],
    ids=["decimal", "string", "boolean", "timestamp", "rows"],
)
def test_two_different_tables_differ(tmp_path, change, expected):
    _duckdb_warehouse(tmp_path / "a.duckdb")
    _duckdb_warehouse(tmp_path / "b.duckdb", change)
    differences = compare(_profile(tmp_path / "a.duckdb"), _profile(tmp_path / "b.duckdb"))
    assert expected in differences


def test_manifest_names_the_materialised_models_and_ignored_columns(tmp_path):
    manifest = tmp_path / "manifest.json"
    build_time = {"config": {"meta": {"parity": "ignore"}}}
    nodes = {
        "model.datong.a": {"resource_type": "model", "name": "stg_a", "alias": "stg_a",
                           "schema": "staging", "config": {"materialized": "table"},
                           "columns": {"a_id": {}, "changed_at": build_time}},
        "model.datong.b": {"resource_type": "model", "name": "int_b", "alias": "int_b",
                           "schema": "intermediate", "config": {"materialized": "ephemeral"}},
        "model.datong.c": {"resource_type": "model", "name": "raw_c", "alias": "raw_c",
                           "schema": "raw_pos", "config": {"materialized": "view"}},
        "test.datong.d": {"resource_type": "test", "name": "d", "alias": "d",
                          "schema": "staging", "config": {"materialized": "test"}},
    }
    manifest.write_text(json.dumps({"nodes": nodes}))
    assert parity.manifest_models(manifest, parity.DEFAULT_SCHEMAS) == {
        "staging.stg_a": {"changed_at"}
    }
    assert parity.manifest_models(tmp_path / "missing.json", parity.DEFAULT_SCHEMAS) is None


def test_ignored_columns_and_other_models_are_not_profiled(tmp_path):
    _duckdb_warehouse(tmp_path / "a.duckdb", "create table staging.stg_other as select 1 as x")
    connection = duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True)
    profiles = parity.profile_duckdb(
        connection, ("staging",), {"staging.stg_things": {"created_at", "share"}}
    )
    connection.close()
    assert list(profiles) == ["staging.stg_things"]
    assert "created_at" not in profiles["staging.stg_things"].columns
    assert "share" not in profiles["staging.stg_things"].columns
    assert "created_date" in profiles["staging.stg_things"].columns


def test_duckdb_views_are_read_with_the_pseudonym_key(tmp_path, monkeypatch):
    """Base views compute pseudonyms when read: parity's connection carries the key."""
    monkeypatch.setenv("DBT_PROFILES_DIR", str(REPO_ROOT / "profiles"))
    connection = duckdb.connect(str(tmp_path / "a.duckdb"))
    connection.execute("create schema staging")
    connection.execute(
        "create view staging.base_keyed as "
        "select hex(getvariable('datong_hmac_inner')) as key_pad"
    )
    connection.close()
    with parity.duckdb_connect(tmp_path / "a.duckdb") as keyed:
        profile = parity.profile_duckdb(keyed, ("staging",))["staging.base_keyed"]
    assert profile.columns["key_pad"].values["non_null"] == 1


CROSS_ENGINE = textwrap.dedent(
    """
    import json, sys
    import duckdb
    from datong import parity
    from datong.spark_session import spark_session

    table_sql, duckdb_path, changed_path = sys.argv[1:4]
    spark = spark_session()
    spark.sql("create database if not exists staging")
    spark.sql(table_sql)
    spark_profiles = parity.profile_spark(spark, ("staging", "marts"))
    spark.stop()
    result = {}
    for name, path in (("same", duckdb_path), ("changed", changed_path)):
        connection = duckdb.connect(path, read_only=True)
        duckdb_profiles = parity.profile_duckdb(connection, ("staging", "marts"))
        result[name] = parity.compare(duckdb_profiles, spark_profiles)
    print("RESULT " + json.dumps(result, ensure_ascii=False))
    """
)


def test_the_same_table_in_duckdb_and_spark_has_the_same_profile(tmp_path):
    """Each engine's dialect gives the same figures; a changed row is still found."""
    _duckdb_warehouse(tmp_path / "same.duckdb")
    _duckdb_warehouse(
        tmp_path / "changed.duckdb",
        "update staging.stg_things set share = 0.31 where thing_id = 'a3'",
    )
    # Spark creates the table from the same statement, as a Parquet table.
    spark_sql = TABLE_SQL.replace("create table staging.stg_things as", "").strip()
    spark_sql = f"create table staging.stg_things using parquet as {spark_sql}"
    env = dict(
        os.environ,
        DATONG_SPARK_DIR=str(tmp_path / "spark"),
        DBT_PROFILES_DIR=str(REPO_ROOT / "profiles"),
    )
    completed = subprocess.run(
        [sys.executable, "-c", CROSS_ENGINE, spark_sql,
         str(tmp_path / "same.duckdb"), str(tmp_path / "changed.duckdb")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    assert result["same"] == []
    # 0.1 + 0.2 + 0.3 summed in another order is within the tolerance; 0.31 is not.
    assert [line.split("=")[0] for line in result["changed"]] == [
        "staging.stg_things.share: sum duckdb",
        "staging.stg_things.share: max duckdb",
    ]


def test_the_command_reports_a_missing_warehouse(tmp_path, capsys):
    args = parse_command(parity, "--duckdb-path", str(tmp_path / "none.duckdb"))
    assert parity.run(args) == 1
    assert "does not exist" in capsys.readouterr().err
