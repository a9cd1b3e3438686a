"""`datong summary`: headline figures of a built DuckDB warehouse.

Opens the warehouse read-only and prints what exists, skipping what does not (a fresh load has
only the raw schemas; staging and marts appear as the build progresses): raw rows per table,
customers, orders per channel, and rows quarantined per table and reason. Relations are found
through `information_schema`, never assumed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from datong.contract import TABLES
from datong.loader import DEFAULT_DUCKDB_PATH, resolve_duckdb_path

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    import duckdb

QUARANTINE_PATTERN = "stg_%__quarantine"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class Warehouse:
    """The relations and columns present in a DuckDB file, read once."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        rows = connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() order by table_schema, table_name, "
            "ordinal_position"
        ).fetchall()
        self.columns: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in rows:
            self.columns.setdefault((schema, table), []).append(column)

    def has(self, schema: str, table: str, *columns: str) -> bool:
        present = self.columns.get((schema, table))
        return present is not None and all(column in present for column in columns)

    def relation(self, schema: str, table: str) -> str:
        return f"{_quote(schema)}.{_quote(table)}"

    def count(self, schema: str, table: str) -> int:
        return self.connection.execute(
            f"select count(*) from {self.relation(schema, table)}"
        ).fetchone()[0]

    def quarantine_tables(self) -> list[str]:
        return [
            table
            for (schema, table) in self.columns
            if schema == "staging"
            and table.startswith("stg_")
            and table.endswith("__quarantine")
            and self.has(schema, table, "source_table", "reject_reason")
        ]


def raw_counts(warehouse: Warehouse) -> list[tuple[str, int]]:
    return [
        (f"{table.schema}.{table.name}", warehouse.count(table.schema, table.name))
        for table in TABLES
        if warehouse.has(table.schema, table.name)
    ]


def orders_by_channel(warehouse: Warehouse) -> tuple[str, list[tuple[str, int]]]:
    """Orders per channel from the mart when built, else from the staging models."""
    if warehouse.has("marts", "fct_orders", "channel"):
        rows = warehouse.connection.execute(
            f"select coalesce(cast(channel as varchar), '(none)') as channel, count(*) "
            f"from {warehouse.relation('marts', 'fct_orders')} group by 1 order by 2 desc, 1"
        ).fetchall()
        return "marts.fct_orders", [(str(channel), count) for channel, count in rows]
    rows, sources = [], []
    if warehouse.has("staging", "stg_ecommerce__orders"):
        sources.append("staging.stg_ecommerce__orders")
        rows.append(("online", warehouse.count("staging", "stg_ecommerce__orders")))
    if warehouse.has("staging", "stg_pos__receipts"):
        sources.append("staging.stg_pos__receipts")
        rows.append(("offline", warehouse.count("staging", "stg_pos__receipts")))
    return " + ".join(sources), rows


def quarantine_counts(warehouse: Warehouse) -> list[tuple[str, str, int]]:
    tables = warehouse.quarantine_tables()
    if not tables:
        return []
    union = "\n    union all\n    ".join(
        f"select cast(source_table as varchar) as source_table, "
        f"cast(reject_reason as varchar) as reject_reason "
        f"from {warehouse.relation('staging', table)}"
        for table in tables
    )
    return warehouse.connection.execute(
        f"with quarantined as (\n    {union}\n)\n"
        "select source_table, reject_reason, count(*) as row_count from quarantined "
        "group by 1, 2 order by 1, 2"
    ).fetchall()


def summarise(database: Path, out=print) -> None:
    import duckdb

    size_mb = database.stat().st_size / (1 << 20)
    out(f"warehouse: {database.resolve()} ({size_mb:,.1f} MiB)")
    connection = duckdb.connect(str(database), read_only=True)
    try:
        warehouse = Warehouse(connection)

        raw = raw_counts(warehouse)
        if raw:
            out(f"\nraw rows ({sum(count for _, count in raw):,} in {len(raw)} tables)")
            for name, count in raw:
                out(f"  {name:<32} {count:>12,}")

        if warehouse.has("marts", "dim_customers"):
            customers = warehouse.count("marts", "dim_customers")
            out(f"\ncustomers (marts.dim_customers): {customers:,}")

        source, channels = orders_by_channel(warehouse)
        if channels:
            out(f"\norders per channel ({source})")
            for channel, count in channels:
                out(f"  {channel:<32} {count:>12,}")

        quarantined = quarantine_counts(warehouse)
        if quarantined:
            total = sum(count for *_, count in quarantined)
            out(f"\nquarantined rows ({total:,})")
            for source_table, reason, count in quarantined:
                out(f"  {str(source_table):<28} {str(reason):<30} {count:>10,}")

        if not (raw or channels or quarantined or warehouse.has("marts", "dim_customers")):
            out("\nnothing loaded or built yet: run `make load build`")
    finally:
        connection.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", choices=("dev",), default="dev")
    parser.add_argument(
        "--duckdb-path",
        help=f"DuckDB file (default: $DATONG_DUCKDB_PATH or {DEFAULT_DUCKDB_PATH})",
    )


def run(args: argparse.Namespace) -> int:
    import duckdb

    database = resolve_duckdb_path(args.duckdb_path)
    if not database.is_file():
        print(f"error: no warehouse at {database}: run `make load build` first", file=sys.stderr)
        return 1
    try:
        summarise(database)
    except duckdb.Error as exc:
        print(f"error: cannot read {database}: {exc}", file=sys.stderr)
        return 1
    return 0
