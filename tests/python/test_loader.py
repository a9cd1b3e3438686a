"""The raw loader on DuckDB: text columns verbatim, lineage, formats, errors, idempotence."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import parse_command, read_fixture_rows

from datong import loader
from datong.contract import BY_NAME, LINEAGE_COLUMNS, TABLES

TABLE_IDS = [table.qualified_name for table in TABLES]


def run_load(raw_dir: Path, database: Path) -> int:
    return loader.run(
        parse_command(loader, "--raw-dir", str(raw_dir), "--target", "dev",
                      "--duckdb-path", str(database))
    )


def fetch(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def table_rows(database: Path, table, columns=None) -> list[tuple]:
    selected = ", ".join(f'"{name}"' for name in (columns or table.columns))
    return fetch(
        database, f"select {selected} from {table.schema}.{table.name} order by _row_number"
    )


def to_parquet(raw_dir: Path, out_dir: Path) -> Path:
    """The raw directory with every CSV rewritten as Parquet (string columns)."""
    for table in TABLES:
        source = raw_dir / table.source / f"{table.name}.csv"
        types = {name: pa.string() for name in table.columns}
        data = pacsv.read_csv(
            source, convert_options=pacsv.ConvertOptions(column_types=types)
        )
        (out_dir / table.source).mkdir(parents=True, exist_ok=True)
        pq.write_table(data, out_dir / table.source / f"{table.name}.parquet", row_group_size=4)
    return out_dir


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory, raw_mini_dir) -> Path:
    database = tmp_path_factory.mktemp("load") / "mini.duckdb"
    assert run_load(raw_mini_dir, database) == 0
    return database


# --- every table, as text -------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES, ids=TABLE_IDS)
def test_columns_are_contract_then_lineage_all_text(mini_db, table):
    columns = fetch(
        mini_db,
        "select column_name, data_type from information_schema.columns "
        f"where table_schema = '{table.schema}' and table_name = '{table.name}' "
        "order by ordinal_position",
    )
    assert [name for name, _ in columns] == list(table.columns + LINEAGE_COLUMNS)
    types = dict(columns)
    assert {types[name] for name in table.columns} == {"VARCHAR"}
    assert types["_source_file"] == "VARCHAR"
    assert types["_row_number"] == "BIGINT"


@pytest.mark.parametrize("table", TABLES, ids=TABLE_IDS)
def test_values_arrive_verbatim_in_file_order(mini_db, raw_mini_dir, table):
    expected = [tuple(row) for row in read_fixture_rows(raw_mini_dir, table)]
    assert expected, "the fixture has rows for every table"
    assert table_rows(mini_db, table) == expected


@pytest.mark.parametrize("table", TABLES, ids=TABLE_IDS)
def test_lineage_columns(mini_db, raw_mini_dir, table):
    rows = table_rows(mini_db, table, LINEAGE_COLUMNS)
    count = len(read_fixture_rows(raw_mini_dir, table))
    assert rows == [(f"{table.source}/{table.name}.csv", n) for n in range(1, count + 1)]


def test_dirt_is_not_cleaned(mini_db):
    """Padding, tabs, full-width digits, empty strings and mojibake stay as they came."""
    padded = fetch(mini_db, "select openid, appid from raw_wechat.users where _row_number = 8")
    assert padded == [(" oMx4Y0kPw2QeR3tY4uI5oP6aS7dF ", "wx8a1b2c3d4e5f6a70\t")]
    empty = fetch(mini_db, "select openid from raw_wechat.users where _row_number = 9")
    assert empty == [("",)]
    assert fetch(mini_db, "select count(*) from raw_wechat.users where unionid is null") == [(0,)]
    phone = fetch(mini_db, "select receiver_phone from raw_ecommerce.orders where _row_number = 5")
    assert phone == [("１５００１２３４５６７",)]


def test_byte_order_mark_is_not_part_of_the_first_column(raw_mini_copy, tmp_path):
    path = raw_mini_copy / "pos" / "stores.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    database = tmp_path / "bom.duckdb"
    assert run_load(raw_mini_copy, database) == 0
    assert fetch(database, "select store_id from raw_pos.stores where _row_number = 1") == [
        ("S001",)
    ]


# --- formats -----------------------------------------------------------------------------------


def test_csv_and_parquet_give_identical_tables(mini_db, raw_mini_dir, tmp_path):
    parquet_dir = to_parquet(raw_mini_dir, tmp_path / "raw_parquet")
    database = tmp_path / "parquet.duckdb"
    assert run_load(parquet_dir, database) == 0
    for table in TABLES:
        columns = table.columns + ("_row_number",)
        assert table_rows(database, table, columns) == table_rows(mini_db, table, columns)
        assert fetch(database, f"select distinct _source_file from {table.schema}.{table.name}") \
            == [(f"{table.source}/{table.name}.parquet",)]


def test_typed_parquet_columns_are_cast_to_text(raw_mini_copy, tmp_path):
    products = BY_NAME["catalog.products"]
    source = raw_mini_copy / "catalog" / "products.csv"
    data = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(
        column_types={name: pa.string() for name in products.columns}))
    typed = data.set_column(
        products.columns.index("list_price"),
        "list_price",
        pa.array([None if v == "" else v for v in data["list_price"].to_pylist()])
        .cast(pa.decimal128(8, 2)),
    )
    pq.write_table(typed, source.with_suffix(".parquet"))
    source.unlink()
    database = tmp_path / "typed.duckdb"
    assert run_load(raw_mini_copy, database) == 0
    prices = fetch(database, "select list_price from raw_catalog.products order by _row_number")
    assert prices[0] == ("99.00",)
    assert prices[-1] == (None,)  # a Parquet null stays null: the loader invents no values
    assert fetch(
        database,
        "select data_type from information_schema.columns "
        "where table_name = 'products' and column_name = 'list_price'",
    ) == [("VARCHAR",)]


def test_row_numbers_follow_file_order_across_many_batches(raw_mini_copy, tmp_path, monkeypatch):
    """Rows split over many read batches, with quoted line breaks, keep their positions."""
    monkeypatch.setattr(loader, "CSV_BLOCK_BYTES", 64 << 10)  # about 2,400 rows per block
    monkeypatch.setattr(loader, "PARQUET_BATCH_ROWS", 1000)
    monkeypatch.setattr(loader, "MAX_BATCH_ROWS", 700)
    lines = BY_NAME["pos.receipt_lines"]
    rows = [
        [f"R{n:06d}", "1", f"SKU\n{n}" if n % 7 == 0 else f"SKU{n}", "1", "9.90", str(n)]
        for n in range(1, 20001)
    ]
    path = raw_mini_copy / "pos" / "receipt_lines.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(lines.columns)
        writer.writerows(rows)
    raw_file = loader.find_raw_file(raw_mini_copy, lines)
    loader.check_header(raw_file)
    sizes = [batch.num_rows for batch in loader.iter_batches(raw_file)]
    assert len(sizes) > 20 and max(sizes) <= 700 and sum(sizes) == 20000

    database = tmp_path / "many.duckdb"
    assert run_load(raw_mini_copy, database) == 0
    loaded = fetch(
        database, "select _row_number, line_paid_amount, sku_code from raw_pos.receipt_lines "
        "order by _row_number"
    )
    assert len(loaded) == 20000
    assert all(row_number == int(amount) for row_number, amount, _ in loaded)
    assert loaded[6][2] == "SKU\n7"

    to_parquet(raw_mini_copy, tmp_path / "as_parquet")
    database = tmp_path / "many_parquet.duckdb"
    assert run_load(tmp_path / "as_parquet", database) == 0
    assert fetch(
        database, "select _row_number, line_paid_amount, sku_code from raw_pos.receipt_lines "
        "order by _row_number"
    ) == loaded


# --- errors ------------------------------------------------------------------------------------


def load_error(raw_dir: Path, database: Path, capsys) -> str:
    code = run_load(raw_dir, database)
    captured = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in captured.err
    return captured.err


def test_missing_table_file_is_named(raw_mini_copy, tmp_path, capsys):
    (raw_mini_copy / "pos" / "stores.csv").unlink()
    err = load_error(raw_mini_copy, tmp_path / "w.duckdb", capsys)
    assert "missing table file for pos.stores" in err
    assert str(raw_mini_copy / "pos" / "stores.csv") in err
    assert not (tmp_path / "w.duckdb").exists(), "nothing is written when a file is missing"


def test_missing_column_is_named_with_its_file(raw_mini_copy, tmp_path, capsys):
    path = raw_mini_copy / "crm" / "members.csv"
    data = pacsv.read_csv(path).drop_columns(["unionid"])
    pacsv.write_csv(data, path)
    err = load_error(raw_mini_copy, tmp_path / "w.duckdb", capsys)
    assert str(path) in err
    assert "missing column(s) unionid" in err


def test_unreadable_file_is_named(raw_mini_copy, tmp_path, capsys):
    path = raw_mini_copy / "survey" / "responses.csv"
    with path.open("ab") as handle:
        handle.write("SV0000010,S001,,2025-01-02 10:00:00,25-34,F,".encode() + b"\xd6\xd0\xce\xc4"
                     b",both,3,3\n")  # GBK bytes in a file that must be UTF-8
    err = load_error(raw_mini_copy, tmp_path / "w.duckdb", capsys)
    assert f"cannot read {path}" in err


def test_corrupt_parquet_is_named(raw_mini_copy, tmp_path, capsys):
    (raw_mini_copy / "pos" / "stores.csv").unlink()
    broken = raw_mini_copy / "pos" / "stores.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    err = load_error(raw_mini_copy, tmp_path / "w.duckdb", capsys)
    assert f"cannot read {broken}" in err


def test_csv_and_parquet_for_one_table_is_an_error(raw_mini_copy, tmp_path, capsys):
    to_parquet(raw_mini_copy, tmp_path / "pq")
    parquet = raw_mini_copy / "catalog" / "products.parquet"
    parquet.write_bytes((tmp_path / "pq" / "catalog" / "products.parquet").read_bytes())
    err = load_error(raw_mini_copy, tmp_path / "w.duckdb", capsys)
    assert str(raw_mini_copy / "catalog" / "products.csv") in err
    assert str(parquet) in err


def test_extra_column_is_kept_and_reported(raw_mini_copy, tmp_path, capsys):
    path = raw_mini_copy / "catalog" / "platform_skus.csv"
    data = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={"platform_sku_id": pa.string()}, strings_can_be_null=False))
    data = data.append_column("shop_name", pa.array([f"店铺{n}" for n in range(data.num_rows)]))
    pacsv.write_csv(data, path)
    database = tmp_path / "extra.duckdb"
    assert run_load(raw_mini_copy, database) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and str(path) in err and "'shop_name'" in err
    assert fetch(
        database, "select shop_name, _row_number from raw_catalog.platform_skus "
        "order by _row_number limit 2"
    ) == [("店铺0", 1), ("店铺1", 2)]


def test_failed_load_leaves_the_previous_load_intact(raw_mini_dir, raw_mini_copy, tmp_path,
                                                     capsys):
    database = tmp_path / "w.duckdb"
    assert run_load(raw_mini_dir, database) == 0
    before = {table.qualified_name: table_rows(database, table) for table in TABLES}
    # The last table fails only after the others have been rewritten from changed files.
    orders = raw_mini_copy / "ecommerce" / "orders.csv"
    changed = orders.read_text(encoding="utf-8").replace("张伟", "张三")
    orders.write_text(changed, encoding="utf-8")
    with (raw_mini_copy / "privacy" / "erasure_requests.csv").open("ab") as handle:
        handle.write(b"ER0000005,phone,\xff\xfe,2025-02-01 10:00:00\n")
    load_error(raw_mini_copy, database, capsys)
    after = {table.qualified_name: table_rows(database, table) for table in TABLES}
    assert after == before


def test_reload_is_idempotent(raw_mini_dir, tmp_path):
    database = tmp_path / "twice.duckdb"
    assert run_load(raw_mini_dir, database) == 0
    first = {table.qualified_name: table_rows(database, table, None) for table in TABLES}
    assert run_load(raw_mini_dir, database) == 0
    second = {table.qualified_name: table_rows(database, table, None) for table in TABLES}
    assert first == second
    counts = fetch(database, "select count(*) from raw_ecommerce.orders")
    assert counts == [(len(read_fixture_rows(raw_mini_dir, BY_NAME["ecommerce.orders"])),)]


def test_duckdb_path_from_environment(raw_mini_dir, tmp_path, monkeypatch):
    database = tmp_path / "nested" / "dir" / "env.duckdb"
    monkeypatch.setenv("DATONG_DUCKDB_PATH", str(database))
    assert loader.run(parse_command(loader, "--raw-dir", str(raw_mini_dir))) == 0
    assert fetch(database, "select count(*) from raw_pos.stores") == [(6,)]
