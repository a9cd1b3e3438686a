"""`datong load`: copy a raw directory into the warehouse's `raw_<source>` schemas, as text.

A raw directory holds one file per contract table, `<dir>/<source>/<table>.csv` or
`<dir>/<source>/<table>.parquet` (see ../shared/RAW_CONTRACT.md and docs/loading.md). Every
contract column is loaded as text exactly as it arrives: typing, trimming and validation are
staging's job. Two lineage columns are appended (docs/data_quality.md): `_source_file`, the
file's path relative to the raw directory, and `_row_number`, the 1-based position of the row
in that file, numbered here in file order.

A batch (`--batch NAME`, see docs/incremental.md) is appended instead: its rows are added to
the raw tables (created when absent), `_source_file` becomes `NAME/<source>/<table>.<ext>`, and
`_row_number` continues after the largest number already in the table, so that it stays unique
per table and increases with every batch: an incremental model reads the rows above its
high-water mark. A batch name already in a table is refused (a batch is loaded once).

Files are read with pyarrow in streaming batches and written batch by batch, so memory stays
bounded whatever the file size. Targets:

- `dev`: a DuckDB file; each load replaces the raw tables in one transaction.
- `spark`: Parquet-backed tables in the Hive metastore of the `spark` output of
  profiles/profiles.yml, the same session settings that dbt uses (see spark_session.py).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from datong.contract import LINEAGE_COLUMNS, TABLES, RawTable

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    import pyarrow as pa

DEFAULT_DUCKDB_PATH = "warehouse/datong.duckdb"
FORMATS = ("csv", "parquet")
CSV_BLOCK_BYTES = 8 << 20
# DuckDB's row group size. DuckDB writes an insert's full row groups to disk as they fill
# only while each incoming Arrow batch is no larger than a row group; bigger batches keep the
# whole table in memory until commit (measured: 2.2 GB instead of 0.6 GB for 10 million rows).
MAX_BATCH_ROWS = 122_880
PARQUET_BATCH_ROWS = MAX_BATCH_ROWS


class LoadError(Exception):
    """An expected problem with the raw directory: reported as one message, no traceback."""


@dataclass
class RawFile:
    """One contract table's file in the raw directory, with its header checked."""

    table: RawTable
    path: Path
    relative_path: str
    file_format: str
    columns: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = field(default=())
    batch: str | None = None
    first_row: int = 1

    @property
    def source_file(self) -> str:
        """The `_source_file` value: the relative path, under the batch name for a batch."""
        return f"{self.batch}/{self.relative_path}" if self.batch else self.relative_path

    @property
    def output_columns(self) -> tuple[str, ...]:
        """Columns of the raw table: the contract's, the lineage columns, then any extras."""
        return self.table.columns + LINEAGE_COLUMNS + self.extra_columns


@dataclass
class LoadResult:
    table: RawTable
    relative_path: str
    rows: int
    seconds: float


# --------------------------------------------------------------------------------------------
# Discovery and header checks
# --------------------------------------------------------------------------------------------


def find_raw_file(raw_dir: Path, table: RawTable) -> RawFile:
    """Return the CSV or Parquet file of `table`; exactly one of the two must exist."""
    candidates = [raw_dir / table.source / f"{table.name}.{fmt}" for fmt in FORMATS]
    present = [path for path in candidates if path.is_file()]
    if not present:
        raise LoadError(
            f"missing table file for {table.qualified_name}: expected "
            f"{candidates[0]} or {candidates[1]}"
        )
    if len(present) > 1:
        raise LoadError(
            f"two files for {table.qualified_name}: {present[0]} and {present[1]}; "
            "keep exactly one of them"
        )
    path = present[0]
    return RawFile(
        table=table,
        path=path,
        relative_path=path.relative_to(raw_dir).as_posix(),
        file_format=path.suffix.lstrip("."),
    )


def _csv_header(path: Path) -> tuple[str, ...]:
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LoadError(f"cannot read {path}: {exc}") from exc
    if not header:
        raise LoadError(f"cannot read {path}: the file is empty (no header row)")
    return tuple(header)


def _parquet_header(path: Path) -> tuple[str, ...]:
    import pyarrow.parquet as pq

    try:
        return tuple(pq.read_schema(path).names)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise LoadError(f"cannot read {path}: {exc}") from exc


def check_header(raw_file: RawFile) -> list[str]:
    """Fill the file's columns; raise on a missing or repeated column, return warnings."""
    read_header = _csv_header if raw_file.file_format == "csv" else _parquet_header
    columns = read_header(raw_file.path)
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise LoadError(f"{raw_file.path}: repeated column(s) {', '.join(repeated)}")
    missing = [name for name in raw_file.table.columns if name not in columns]
    if missing:
        raise LoadError(
            f"{raw_file.path}: missing column(s) {', '.join(missing)} "
            f"(the contract of {raw_file.table.qualified_name} requires them)"
        )
    clashing = [name for name in columns if name in LINEAGE_COLUMNS]
    if clashing:
        raise LoadError(
            f"{raw_file.path}: column(s) {', '.join(clashing)} are reserved for the loader's "
            "lineage columns"
        )
    raw_file.columns = columns
    raw_file.extra_columns = tuple(name for name in columns if name not in raw_file.table.columns)
    return [
        f"{raw_file.path}: extra column {name!r} is not in the contract; loaded as text"
        for name in raw_file.extra_columns
    ]


def discover(raw_dir: Path) -> tuple[list[RawFile], list[str]]:
    """Find and check every contract table's file before anything is written."""
    if not raw_dir.is_dir():
        raise LoadError(f"raw directory {raw_dir} does not exist")
    raw_files, warnings = [], []
    for table in TABLES:
        raw_file = find_raw_file(raw_dir, table)
        warnings.extend(check_header(raw_file))
        raw_files.append(raw_file)
    return raw_files, warnings


# --------------------------------------------------------------------------------------------
# Reading: streaming batches of text columns with lineage
# --------------------------------------------------------------------------------------------


def output_schema(raw_file: RawFile) -> pa.Schema:
    import pyarrow as pa

    fields = [pa.field(name, pa.string()) for name in raw_file.table.columns]
    fields += [pa.field("_source_file", pa.string()), pa.field("_row_number", pa.int64())]
    fields += [pa.field(name, pa.string()) for name in raw_file.extra_columns]
    return pa.schema(fields)


def _csv_batches(raw_file: RawFile) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        raw_file.path,
        read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES, use_threads=True),
        # Quoted values may hold line breaks (addresses); a record is not a line.
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in raw_file.columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    with reader:
        yield from reader


def _parquet_batches(raw_file: RawFile) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with pq.ParquetFile(raw_file.path) as parquet_file:
        for batch in parquet_file.iter_batches(batch_size=PARQUET_BATCH_ROWS, use_threads=True):
            arrays = [
                column if column.type == pa.string() else column.cast(pa.string())
                for column in batch.columns
            ]
            yield pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def iter_batches(raw_file: RawFile) -> Iterator[pa.RecordBatch]:
    """Yield the file's rows as batches of `output_schema`, numbered in file order.

    Batches hold at most MAX_BATCH_ROWS rows. Any failure to read or decode the file is
    raised as a LoadError naming it.
    """
    import numpy as np
    import pyarrow as pa

    schema = output_schema(raw_file)
    source = _csv_batches if raw_file.file_format == "csv" else _parquet_batches
    next_row = raw_file.first_row
    batches = source(raw_file)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
            read = next_row - raw_file.first_row
            position = f"after row {read}" if read > 0 else "at the start"
            raise LoadError(f"cannot read {raw_file.path} ({position}): {exc}") from exc
        rows = batch.num_rows
        if rows == 0:
            continue
        if tuple(batch.schema.names) != raw_file.columns:
            raise LoadError(
                f"cannot read {raw_file.path}: its header reads as {batch.schema.names}, "
                f"expected {list(raw_file.columns)}"
            )
        by_name = dict(zip(batch.schema.names, batch.columns, strict=True))
        arrays = [by_name[name] for name in raw_file.table.columns]
        arrays.append(pa.repeat(pa.scalar(raw_file.source_file, pa.string()), rows))
        arrays.append(pa.array(np.arange(next_row, next_row + rows, dtype=np.int64)))
        arrays.extend(by_name[name] for name in raw_file.extra_columns)
        next_row += rows
        numbered = pa.RecordBatch.from_arrays(arrays, schema=schema)
        for offset in range(0, rows, MAX_BATCH_ROWS):
            yield numbered.slice(offset, MAX_BATCH_ROWS)


class _BatchStream:
    """Batches as an Arrow stream for an engine to pull, keeping our own errors intact.

    An exception raised inside an Arrow stream reaches the caller rewrapped by the engine;
    the original is kept here so that the load reports the LoadError itself.
    """

    def __init__(self, raw_file: RawFile) -> None:
        self.raw_file = raw_file
        self.rows = 0
        self.error: LoadError | None = None

    def _generate(self) -> Iterator[pa.RecordBatch]:
        try:
            for batch in iter_batches(self.raw_file):
                self.rows += batch.num_rows
                yield batch
        except LoadError as exc:
            self.error = exc
            raise

    def reader(self) -> pa.RecordBatchReader:
        import pyarrow as pa

        return pa.RecordBatchReader.from_batches(output_schema(self.raw_file), self._generate())


# --------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def resolve_duckdb_path(cli_path: str | None) -> Path:
    return Path(cli_path or os.environ.get("DATONG_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH)


def _batch_name_check(batch: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", batch):
        raise LoadError(f"batch name {batch!r}: use letters, digits, '-', '_' or '.'")


def _duckdb_prepare_append(connection, raw_file: RawFile, relation: str) -> bool:
    """Set the batch's first row number; False when the table does not exist yet."""
    existing = [
        row[0]
        for row in connection.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [raw_file.table.schema, raw_file.table.name],
        ).fetchall()
    ]
    if not existing:
        return False
    missing = [name for name in raw_file.output_columns if name not in existing]
    if missing:
        raise LoadError(
            f"{raw_file.path}: column(s) {', '.join(missing)} are not in {relation}; a batch "
            "cannot add columns (load all batches again with the new column)"
        )
    prefix = f"{raw_file.batch}/%"
    seen, last = connection.execute(
        f"select count(*) filter (where _source_file like ?), max(_row_number) from {relation}",
        [prefix],
    ).fetchall()[0]
    if seen:
        raise LoadError(f"batch {raw_file.batch!r} is already loaded into {relation}")
    raw_file.first_row = (last or 0) + 1
    return True


def load_duckdb(raw_files: list[RawFile], database: Path, report=print) -> list[LoadResult]:
    """Replace (or, for a batch, append to) every raw table, all tables in one transaction."""
    import duckdb

    database.parent.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        connection = duckdb.connect(str(database))
    except duckdb.Error as exc:
        raise LoadError(f"cannot open DuckDB file {database}: {exc}") from exc
    try:
        connection.execute("begin transaction")
        for schema in dict.fromkeys(raw_file.table.schema for raw_file in raw_files):
            connection.execute(f"create schema if not exists {_quote(schema)}")
        for raw_file in raw_files:
            started = time.perf_counter()
            relation = f"{_quote(raw_file.table.schema)}.{_quote(raw_file.table.name)}"
            column_sql = ", ".join(
                f"{_quote(name)} {'bigint' if name == '_row_number' else 'varchar'}"
                for name in raw_file.output_columns
            )
            if not (raw_file.batch and _duckdb_prepare_append(connection, raw_file, relation)):
                connection.execute(f"drop table if exists {relation}")
                connection.execute(f"create table {relation} ({column_sql})")
            stream = _BatchStream(raw_file)
            connection.register("datong_raw_batches", stream.reader())
            try:
                connection.execute(
                    f"insert into {relation} by name select * from datong_raw_batches"
                )
            except duckdb.Error as exc:
                if stream.error is not None:
                    raise stream.error from exc
                raise
            finally:
                connection.unregister("datong_raw_batches")
            result = LoadResult(
                raw_file.table,
                raw_file.relative_path,
                stream.rows,
                time.perf_counter() - started,
            )
            report(format_result(result))
            results.append(result)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        connection.close()
    return results


# --------------------------------------------------------------------------------------------
# Spark
# --------------------------------------------------------------------------------------------


def _spark_quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def _spark_location(path: Path) -> str:
    """`path` as a Spark SQL string literal of a local file location.

    Not `Path.as_uri()`: Hadoop would encode its percent escapes a second time.
    """
    text = "file:" + path.as_posix()
    if "'" in text or "\\" in text:
        raise LoadError(f"the Spark directory {path} must not contain a quote or backslash")
    return f"'{text}'"


def _spark_create_sql(raw_file: RawFile, location: Path, if_not_exists: bool = False) -> str:
    """`create table` over the Parquet files at `location`, with the schema spelt out.

    A declared schema spares Spark a job to infer it from the files.
    """
    columns = ", ".join(
        f"{_spark_quote(name)} {'bigint' if name == '_row_number' else 'string'}"
        for name in raw_file.output_columns
    )
    relation = f"{_spark_quote(raw_file.table.schema)}.{_spark_quote(raw_file.table.name)}"
    create = "create table if not exists" if if_not_exists else "create table"
    return (
        f"{create} {relation} ({columns}) using parquet "
        f"location {_spark_location(location)}"
    )


def _spark_part_name(raw_file: RawFile) -> str:
    return f"part-{raw_file.batch}.parquet" if raw_file.batch else "part-00000.parquet"


def _spark_prepare_append(raw_file: RawFile, location: Path) -> None:
    """Set the batch's first row number from the table's Parquet files (pyarrow, no Spark)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    parts = sorted(location.glob("*.parquet")) if location.is_dir() else []
    if (location / _spark_part_name(raw_file)).exists():
        raise LoadError(f"batch {raw_file.batch!r} is already loaded into {location}")
    last = 0
    for part in parts:
        names = pq.read_schema(part).names
        missing = [name for name in raw_file.output_columns if name not in names]
        if missing:
            raise LoadError(
                f"{raw_file.path}: column(s) {', '.join(missing)} are not in {part}; a batch "
                "cannot add columns (load all batches again with the new column)"
            )
        column = pq.read_table(part, columns=["_row_number"]).column(0)
        last = max(last, pc.max(column).as_py() or 0)
    raw_file.first_row = last + 1


def spark_raw_root(settings: dict[str, str]) -> Path:
    """Where the raw tables' Parquet files live: `raw/` beside the Spark warehouse directory."""
    warehouse_dir = Path(settings.get("spark.sql.warehouse.dir", "spark-warehouse"))
    return warehouse_dir.resolve().parent / "raw"


def load_spark(raw_files: list[RawFile], report=print) -> list[LoadResult]:
    """Register every raw table in the shared Hive metastore, over Parquet written by pyarrow.

    First pyarrow streams every file into Parquet in a scratch directory beside the Spark
    warehouse, so that an unreadable file stops the load before any table is replaced. Then,
    per table, the previous table is dropped, its files are replaced by the new ones (a
    rename) under `raw/<schema>/<table>/` and the table is declared over them
    (`create table ... using parquet location ...`). Spark runs no job: the rows are never
    copied a second time, and only metastore calls remain.
    """
    import pyarrow.parquet as pq

    from datong.spark_session import ProfileError, spark_session, spark_settings

    try:
        settings = spark_settings()
    except ProfileError as exc:
        raise LoadError(str(exc)) from exc
    raw_root = spark_raw_root(settings)
    scratch_root = raw_root.parent / "_loading"
    try:
        staged = []
        for raw_file in raw_files:
            if raw_file.batch:
                table_dir = raw_root / raw_file.table.schema / raw_file.table.name
                _spark_prepare_append(raw_file, table_dir)
            started = time.perf_counter()
            scratch = scratch_root / raw_file.table.schema / raw_file.table.name
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            rows = 0
            part = scratch / _spark_part_name(raw_file)
            with pq.ParquetWriter(part, output_schema(raw_file)) as out:
                for batch in iter_batches(raw_file):
                    out.write_batch(batch)
                    rows += batch.num_rows
            staged.append((raw_file, scratch, rows, time.perf_counter() - started))

        try:
            spark = spark_session(settings)
        except Exception as exc:  # Java missing, metastore locked by another process, ...
            raise LoadError(f"cannot start Spark: {exc}") from exc
        results = []
        try:
            for schema in dict.fromkeys(raw_file.table.schema for raw_file in raw_files):
                spark.sql(f"create database if not exists {_spark_quote(schema)}")
            for raw_file, scratch, rows, seconds in staged:
                started = time.perf_counter()
                location = raw_root / raw_file.table.schema / raw_file.table.name
                relation = (
                    f"{_spark_quote(raw_file.table.schema)}.{_spark_quote(raw_file.table.name)}"
                )
                if raw_file.batch and location.is_dir():
                    # A batch adds its file beside the earlier ones; the table re-reads the
                    # directory's file list.
                    spark.sql(_spark_create_sql(raw_file, location, if_not_exists=True))
                    for part in scratch.iterdir():
                        part.rename(location / part.name)
                    spark.sql(f"refresh table {relation}")
                else:
                    # A table of an earlier loader version may be managed (its drop deletes its
                    # files); an external one leaves them, so they are removed here.
                    spark.sql(f"drop table if exists {relation}")
                    shutil.rmtree(location, ignore_errors=True)
                    location.parent.mkdir(parents=True, exist_ok=True)
                    scratch.rename(location)
                    spark.sql(_spark_create_sql(raw_file, location))
                seconds += time.perf_counter() - started
                result = LoadResult(raw_file.table, raw_file.relative_path, rows, seconds)
                report(format_result(result))
                results.append(result)
        finally:
            spark.stop()
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
    return results


# --------------------------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------------------------


def format_result(result: LoadResult) -> str:
    rate = result.rows / result.seconds if result.seconds > 0 else 0.0
    name = f"{result.table.schema}.{result.table.name}"
    return (
        f"  {name:<30} {result.rows:>12,} rows "
        f"{result.seconds:8.2f} s {rate:>12,.0f} rows/s  {result.relative_path}"
    )


def load(
    raw_dir: Path,
    target: str,
    duckdb_path: str | None = None,
    report=print,
    warn=None,
    batch: str | None = None,
) -> list[LoadResult]:
    """Check the whole raw directory, then load it into `target`. Raises LoadError.

    With `batch`, the directory is appended to the raw tables as that batch.
    """
    warn = warn or (lambda message: print(f"warning: {message}", file=sys.stderr))
    if batch is not None:
        _batch_name_check(batch)
    raw_files, warnings = discover(raw_dir)
    for raw_file in raw_files:
        raw_file.batch = batch
    for message in warnings:
        warn(message)
    if target == "dev":
        database = resolve_duckdb_path(duckdb_path)
        report(f"loading {raw_dir} into DuckDB {database}")
        return load_duckdb(raw_files, database, report)
    if target == "spark":
        report(f"loading {raw_dir} into Spark")
        return load_spark(raw_files, report)
    raise LoadError(f"unknown target {target!r}: use dev or spark")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-dir", required=True, type=Path, help="directory of <source>/<table>.csv|parquet"
    )
    parser.add_argument("--target", choices=("dev", "spark"), default="dev")
    parser.add_argument(
        "--batch",
        help="append the directory to the raw tables as this batch instead of replacing them "
        "(docs/incremental.md); build incrementally afterwards",
    )
    parser.add_argument(
        "--duckdb-path",
        help=f"DuckDB file for --target dev (default: $DATONG_DUCKDB_PATH or "
        f"{DEFAULT_DUCKDB_PATH})",
    )


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        results = load(args.raw_dir, args.target, args.duckdb_path, batch=args.batch)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    total_rows = sum(result.rows for result in results)
    print(
        f"loaded {len(results)} tables, {total_rows:,} rows "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0
