"""`datong publish`: copy the marts, and only the marts, out of the DuckDB warehouse for BI.

DuckDB has no users or grants: whoever can open the warehouse file can read every schema,
`pii` and `staging` included. BI users therefore get a separate file holding nothing but the
`marts` schema, and the same tables as Parquet:

    <out-dir>/datong_bi.duckdb          schema `marts`, one table per mart
    <out-dir>/parquet/<model>.parquet   one file per mart

`<out-dir>` defaults to `bi/` beside the warehouse file (`warehouse/bi`). Before writing, the
command refuses (and writes nothing) when a relation outside `marts` would be copied or a
published column has the name of a personal-data column (`datong.personal_data`). It builds
into a fresh directory, re-opens the new DuckDB file read-only and checks that it holds
exactly the planned tables with the source's row counts (and each Parquet file too), and only
then replaces the previous publication.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from datong.loader import DEFAULT_DUCKDB_PATH, resolve_duckdb_path
from datong.personal_data import BLOCKED_COLUMN_NAMES

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    import duckdb

PUBLISHED_SCHEMA = "marts"
BI_DATABASE_NAME = "datong_bi.duckdb"
PARQUET_DIR_NAME = "parquet"


class PublishRefused(RuntimeError):
    """The publication would expose something that must stay in the warehouse."""


@dataclass(frozen=True)
class PublishedTable:
    schema: str
    name: str
    columns: tuple[str, ...]
    row_count: int


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def plan_publication(
    connection: duckdb.DuckDBPyConnection, catalog: str
) -> list[PublishedTable]:
    """Every table and view of the `marts` schema in `catalog`, with its columns and rows."""
    rows = connection.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ? "
        "order by table_name, ordinal_position",
        [catalog, PUBLISHED_SCHEMA],
    ).fetchall()
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        columns.setdefault((schema, table), []).append(column)
    plan = []
    for (schema, table), names in columns.items():
        count = connection.execute(
            f"select count(*) from {_quote(catalog)}.{_quote(schema)}.{_quote(table)}"
        ).fetchone()[0]
        plan.append(PublishedTable(schema, table, tuple(names), count))
    return plan


def check_plan(plan: list[PublishedTable]) -> None:
    """Refuse a plan that copies anything but `marts` or any personal-data column."""
    problems = []
    for table in plan:
        if table.schema != PUBLISHED_SCHEMA:
            problems.append(
                f"{table.schema}.{table.name}: only the {PUBLISHED_SCHEMA} schema is published"
            )
        blocked = sorted(c for c in table.columns if c.lower() in BLOCKED_COLUMN_NAMES)
        if blocked:
            problems.append(
                f"{table.schema}.{table.name}: personal-data column(s) {', '.join(blocked)}"
            )
    if not plan:
        problems.append(f"no relation in schema {PUBLISHED_SCHEMA}: build the warehouse first")
    if problems:
        raise PublishRefused("publish refused:\n  " + "\n  ".join(problems))


def _write(source: Path, plan: list[PublishedTable], staging_dir: Path) -> None:
    import duckdb

    parquet_dir = staging_dir / PARQUET_DIR_NAME
    parquet_dir.mkdir(parents=True)
    connection = duckdb.connect(str(staging_dir / BI_DATABASE_NAME))
    try:
        connection.execute("attach ? as source (read_only)", [str(source)])
        connection.execute(f"create schema {_quote(PUBLISHED_SCHEMA)}")
        for table in plan:
            relation = f"source.{_quote(table.schema)}.{_quote(table.name)}"
            connection.execute(
                f"create table {_quote(PUBLISHED_SCHEMA)}.{_quote(table.name)} as "
                f"select * from {relation}"
            )
            target = str(parquet_dir / f"{table.name}.parquet").replace("'", "''")
            connection.execute(f"copy (select * from {relation}) to '{target}' (format parquet)")
        connection.execute("detach source")
    finally:
        connection.close()


def verify(out_dir: Path, plan: list[PublishedTable]) -> None:
    """Re-open the publication read-only: exactly the planned tables, rows and columns."""
    import duckdb

    connection = duckdb.connect(str(out_dir / BI_DATABASE_NAME), read_only=True)
    try:
        rows = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema not in "
            "('information_schema', 'pg_catalog') order by 1, 2"
        ).fetchall()
        expected = sorted((PUBLISHED_SCHEMA, table.name) for table in plan)
        if sorted(rows) != expected:
            raise PublishRefused(f"published relations {rows} are not the plan {expected}")
        for table in plan:
            relation = f"{_quote(PUBLISHED_SCHEMA)}.{_quote(table.name)}"
            columns = tuple(
                name for (name,) in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [PUBLISHED_SCHEMA, table.name],
                ).fetchall()
            )
            count = connection.execute(f"select count(*) from {relation}").fetchone()[0]
            parquet = str(out_dir / PARQUET_DIR_NAME / f"{table.name}.parquet").replace("'", "''")
            parquet_count = connection.execute(
                f"select count(*) from read_parquet('{parquet}')"
            ).fetchone()[0]
            if (
                columns != table.columns
                or count != table.row_count
                or parquet_count != table.row_count
            ):
                raise PublishRefused(
                    f"{relation}: published {count} rows / {parquet_count} in Parquet and "
                    f"columns {columns}, expected {table.row_count} and {table.columns}"
                )
        parquet_files = sorted(p.stem for p in (out_dir / PARQUET_DIR_NAME).glob("*.parquet"))
        if parquet_files != sorted(table.name for table in plan):
            raise PublishRefused(f"Parquet files {parquet_files} are not the plan")
    finally:
        connection.close()


def publish(source: Path, out_dir: Path, report=print) -> list[PublishedTable]:
    """Write the marts of `source` to `out_dir`, verified; returns what was published."""
    import duckdb

    if not source.is_file():
        raise FileNotFoundError(f"no warehouse at {source}: build it first")
    connection = duckdb.connect(str(source), read_only=True)
    try:
        catalog = connection.execute("select current_database()").fetchone()[0]
        plan = plan_publication(connection, catalog)
    finally:
        connection.close()
    check_plan(plan)
    staging_dir = out_dir.with_name(out_dir.name + ".publishing")
    if staging_dir.exists():
        shutil.rmtree(staging_dir)
    try:
        _write(source, plan, staging_dir)
        verify(staging_dir, plan)
    except BaseException:
        shutil.rmtree(staging_dir, ignore_errors=True)
        raise
    if out_dir.exists():
        shutil.rmtree(out_dir)
    staging_dir.rename(out_dir)
    for table in plan:
        report(f"  {PUBLISHED_SCHEMA}.{table.name:<40} {table.row_count:>10,} rows")
    report(f"published {len(plan)} marts to {out_dir / BI_DATABASE_NAME} and "
           f"{out_dir / PARQUET_DIR_NAME}/ (verified read-only)")
    return plan


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--duckdb-path",
        help=f"warehouse file (default: $DATONG_DUCKDB_PATH or {DEFAULT_DUCKDB_PATH})",
    )
    parser.add_argument(
        "--out-dir",
        help="publication directory (default: bi/ beside the warehouse file)",
    )


def run(args: argparse.Namespace) -> int:
    source = resolve_duckdb_path(args.duckdb_path)
    out_dir = Path(args.out_dir) if args.out_dir else source.parent / "bi"
    try:
        publish(source, out_dir)
    except (PublishRefused, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0
