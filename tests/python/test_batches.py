"""Batches: `datong split` cuts a raw directory by each row's own time, `datong load --batch`
appends a batch to the raw tables (docs/incremental.md)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import parse_command, read_fixture_rows

from datong import loader, split
from datong.contract import BY_NAME, TABLES


def fetch(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def load_batch(raw_dir: Path, database: Path, batch: str | None) -> int:
    argv = ["--raw-dir", str(raw_dir), "--duckdb-path", str(database)]
    return loader.run(parse_command(loader, *argv, *(["--batch", batch] if batch else [])))


@pytest.fixture(scope="module")
def batches(tmp_path_factory, raw_mini_dir) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("batches")
    names = split.split(raw_mini_dir, out, batches=3, report=lambda _message: None)
    return out, names


def test_split_keeps_every_row_once(batches, raw_mini_dir):
    out, names = batches
    assert names == ["batch_001", "batch_002", "batch_003"]
    for table in TABLES:
        rows = []
        for name in names:
            part = pq.read_table(out / name / table.source / f"{table.name}.parquet")
            assert tuple(part.schema.names[: len(table.columns)]) == table.columns
            rows += [tuple(row[column] for column in table.columns) for row in part.to_pylist()]
        expected = [tuple(row[: len(table.columns)]) for row in
                    read_fixture_rows(raw_mini_dir, table)]
        assert sorted(rows) == sorted(expected), table.qualified_name


def _batch_of_rows(out: Path, names: list[str], qualified: str) -> dict[tuple, list[int]]:
    table = BY_NAME[qualified]
    placed: dict[tuple, list[int]] = {}
    for index, name in enumerate(names, start=1):
        part = pq.read_table(out / name / table.source / f"{table.name}.parquet").to_pylist()
        for row in part:
            placed.setdefault(tuple(row.values()), []).append(index)
    return placed


def test_rows_follow_their_own_time(batches):
    """Batches are in time order: each batch's readable `updated_at` days come after the
    previous batch's, so a re-export with a newer `updated_at` never arrives first."""
    out, names = batches
    last_days = []
    for name in names:
        part = pq.read_table(out / name / "ecommerce" / "orders.parquet").to_pylist()
        days = sorted(row["updated_at"].strip()[:10] for row in part
                      if row["updated_at"] and row["updated_at"].strip()[:4].isdigit()
                      and row["updated_at"].strip()[4:5] == "-")
        last_days.append((days[0], days[-1]) if days else None)
    present = [days for days in last_days if days]
    assert len(present) >= 2
    for earlier, later in zip(present, present[1:], strict=False):
        assert earlier[1] <= later[0]


def test_lines_travel_with_their_order(batches):
    out, names = batches
    order_batch = {}
    for index, name in enumerate(names, start=1):
        for row in pq.read_table(out / name / "ecommerce" / "orders.parquet").to_pylist():
            key = (row["order_id"].strip(), row["platform"].strip().lower())
            order_batch[key] = min(order_batch.get(key, index), index)
    matched = 0
    for index, name in enumerate(names, start=1):
        for row in pq.read_table(out / name / "ecommerce" / "order_items.parquet").to_pylist():
            key = (row["order_id"].strip(), row["platform"].strip().lower())
            if key in order_batch:
                matched += 1
                assert order_batch[key] == index
    assert matched > 0


def test_appended_batches_equal_one_load(batches, raw_mini_dir, tmp_path):
    """Loading the batches one after another holds the same rows as loading the whole
    directory; `_source_file` names the batch and `_row_number` stays unique and grows."""
    out, names = batches
    appended = tmp_path / "appended.duckdb"
    whole = tmp_path / "whole.duckdb"
    for name in names:
        assert load_batch(out / name, appended, name) == 0
    assert load_batch(raw_mini_dir, whole, None) == 0
    for table in TABLES:
        relation = f"{table.schema}.{table.name}"
        columns = ", ".join(f'"{column}"' for column in table.columns)
        # An empty CSV field and an empty Parquet text value are both '' after the load.
        assert sorted(fetch(appended, f"select {columns} from {relation}"), key=repr) == sorted(
            fetch(whole, f"select {columns} from {relation}"), key=repr
        ), relation
        ((rows, distinct, low, high),) = fetch(
            appended,
            f"select count(*), count(distinct _row_number), min(_row_number), "
            f"max(_row_number) from {relation}",
        )
        assert rows == distinct
        if rows:
            assert (low, high) == (1, rows)
        files = {row[0] for row in fetch(appended, f"select _source_file from {relation}")}
        assert all(file.split("/", 1)[0] in names for file in files)
    # A later batch's rows are numbered right after the earlier batches' rows.
    first_rows = fetch(
        appended,
        "select split_part(_source_file, '/', 1), min(_row_number), max(_row_number) "
        "from raw_ecommerce.orders group by 1 order by 1",
    )
    for (_, _, high), (_, low, _) in zip(first_rows, first_rows[1:], strict=False):
        assert low == high + 1


def test_a_batch_is_loaded_once(batches, tmp_path, capsys):
    out, names = batches
    database = tmp_path / "twice.duckdb"
    assert load_batch(out / names[0], database, names[0]) == 0
    assert load_batch(out / names[0], database, names[0]) == 1
    assert "already loaded" in capsys.readouterr().err


def test_batch_names_are_plain(batches, tmp_path, capsys):
    out, names = batches
    assert load_batch(out / names[0], tmp_path / "x.duckdb", "../up") == 1
    assert "batch name" in capsys.readouterr().err


SPARK_READ_BACK = """
import json
from datong.contract import TABLES
from datong.spark_session import spark_session

spark = spark_session()
result = {}
for table in TABLES:
    rows = spark.table(f"{table.schema}.{table.name}").orderBy("_row_number").collect()
    result[table.qualified_name] = [
        [row[name] for name in table.columns] + [row["_source_file"], row["_row_number"]]
        for row in rows
    ]
spark.stop()
print("RESULT " + json.dumps(result, ensure_ascii=False))
"""

SPARK_LOAD = """
import argparse, sys
from datong import loader

parser = argparse.ArgumentParser()
loader.add_arguments(parser)
sys.exit(loader.run(parser.parse_args(sys.argv[1:])))
"""


def test_spark_appends_batches_like_duckdb(batches, tmp_path):
    """On Spark each batch adds its own Parquet file; the table then holds the same rows,
    batch names and row numbers as DuckDB's, and a batch is loaded once."""
    import json
    import os
    import subprocess
    import sys

    from conftest import REPO_ROOT

    out, names = batches
    env = dict(os.environ, DATONG_SPARK_DIR=str(tmp_path / "spark"),
               DBT_PROFILES_DIR=str(REPO_ROOT / "profiles"))
    database = tmp_path / "duck.duckdb"
    for name in names[:2]:
        assert load_batch(out / name, database, name) == 0
        loaded = subprocess.run(
            [sys.executable, "-c", SPARK_LOAD, "--raw-dir", str(out / name), "--target",
             "spark", "--batch", name],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        )
        assert loaded.returncode == 0, loaded.stderr[-3000:]
    again = subprocess.run(
        [sys.executable, "-c", SPARK_LOAD, "--raw-dir", str(out / names[0]), "--target",
         "spark", "--batch", names[0]],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert again.returncode == 1 and "already loaded" in again.stderr
    read = subprocess.run([sys.executable, "-c", SPARK_READ_BACK], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert read.returncode == 0, read.stderr[-3000:]
    line = next(line for line in read.stdout.splitlines() if line.startswith("RESULT "))
    spark_tables = json.loads(line.removeprefix("RESULT "))
    for table in TABLES:
        columns = ", ".join(f'"{column}"' for column in (*table.columns, "_source_file",
                                                           "_row_number"))
        duck = fetch(database, f"select {columns} from {table.schema}.{table.name} "
                               "order by _row_number")
        assert [tuple(row) for row in spark_tables[table.qualified_name]] == duck, (
            table.qualified_name
        )
