"""`datong summary` on warehouses at different stages of a build."""

from __future__ import annotations

import duckdb
import pytest
from conftest import parse_command, read_fixture_rows

from datong import loader, summary
from datong.contract import TABLES


def run_summary(database, capsys) -> tuple[int, str, str]:
    code = summary.run(parse_command(summary, "--duckdb-path", str(database)))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def loaded_db(raw_mini_dir, tmp_path, capsys):
    database = tmp_path / "w.duckdb"
    assert loader.run(parse_command(loader, "--raw-dir", str(raw_mini_dir),
                                    "--duckdb-path", str(database))) == 0
    capsys.readouterr()
    return database


def test_quarantine_counts_per_table_and_reason(loaded_db, capsys):
    with duckdb.connect(str(loaded_db)) as connection:
        connection.execute("create schema staging")
        connection.execute(
            "create table staging.stg_pos__quarantine as select * from (values "
            "('pos.receipts', 'future_timestamp', 10), ('pos.receipts', 'invalid_timestamp', 11),"
            "('pos.receipts', 'future_timestamp', 12), ('pos.stores', 'missing_required_field', 6)"
            ") as quarantined(source_table, reject_reason, _row_number)"
        )
        connection.execute(
            "create table staging.stg_wechat__quarantine as select * from (values "
            "('wechat.location_shares', 'coordinates_out_of_range', 6)"
            ") as quarantined(source_table, reject_reason, _row_number)"
        )
        # Not a quarantine relation: a staging model whose name only looks alike.
        connection.execute(
            "create table staging.stg_pos__quarantine_notes as "
            "select 'pos.receipts' as source_table, 'future_timestamp' as reject_reason"
        )
        connection.execute("create table staging.stg_pos__receipts as select 1 as receipt_id")
    code, out, _ = run_summary(loaded_db, capsys)
    assert code == 0
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "quarantined rows (5)" in lines
    assert "pos.receipts future_timestamp 2" in lines
    assert "pos.receipts invalid_timestamp 1" in lines
    assert "pos.stores missing_required_field 1" in lines
    assert "wechat.location_shares coordinates_out_of_range 1" in lines
    assert "orders per channel (staging.stg_pos__receipts)" in lines
    assert "offline 1" in lines
    assert "raw_pos.stores 6" in lines


def test_marts_take_precedence_for_orders_and_customers(loaded_db, capsys):
    with duckdb.connect(str(loaded_db)) as connection:
        connection.execute("create schema marts")
        connection.execute("create schema staging")
        connection.execute(
            "create table marts.fct_orders as select * from (values "
            "('o1', 'online'), ('o2', 'online'), ('o3', 'offline')) as t(order_id, channel)"
        )
        connection.execute("create table marts.dim_customers as select 'c1' as customer_id")
        connection.execute("create table staging.stg_ecommerce__orders as select 1 as order_id")
    code, out, _ = run_summary(loaded_db, capsys)
    assert code == 0
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "customers (marts.dim_customers): 1" in lines
    assert "orders per channel (marts.fct_orders)" in lines
    assert "online 2" in lines and "offline 1" in lines
    assert not any(line.startswith("quarantined") for line in lines)


def test_empty_and_missing_warehouses(tmp_path, capsys):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    code, out, _ = run_summary(empty, capsys)
    assert code == 0
    assert f"warehouse: {empty.resolve()}" in out
    assert "nothing loaded or built yet" in out

    code, _, err = run_summary(tmp_path / "absent.duckdb", capsys)
    assert code == 1
    assert "no warehouse at" in err and "absent.duckdb" in err
    assert not (tmp_path / "absent.duckdb").exists()


def test_summary_opens_read_only(loaded_db, raw_mini_dir, capsys):
    """A summary can run while another process holds the file open read-only."""
    with duckdb.connect(str(loaded_db), read_only=True):
        code, out, _ = run_summary(loaded_db, capsys)
    assert code == 0
    rows = sum(len(read_fixture_rows(raw_mini_dir, table)) for table in TABLES)
    assert f"raw rows ({rows} in {len(TABLES)} tables)" in " ".join(out.split())
