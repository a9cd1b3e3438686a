"""`datong split`: cut one raw directory into batches that arrive one after another.

Each row goes to the batch of its own time: the time the source system exported it
(`updated_at` of orders, receipts, member cards and WeChat profiles, so that a late re-export
with a newer `updated_at` lands in a later batch than the first export), or the time of the
event for tables that are never re-exported (`shared_at`, `answered_at`, `recorded_at`,
`requested_at`, a coupon's redemption or else its issue). Order lines and receipt lines travel
with the first export of their order or receipt; reference tables (stores, products, platform
SKUs) and rows whose time cannot be read (`YYYY-MM-DD` at the start of the value) are in the
first batch, rows after the last cut in the last one.

Two ways to cut (docs/incremental.md):
- `--batches N`: N batches of about equal numbers of order and receipt exports (cuts at
  day quantiles);
- `--last-days K`: the history up to K days before the end as the first batch, then one batch
  per day; the end is the 99.5th percentile of the order and receipt days, so that the few
  timestamps years in the future (a fault) do not stretch it.

Every batch directory holds all contract tables as Parquet text columns (values verbatim, an
empty CSV field stays an empty string), rows in their original file order, ready for
`datong load --batch <name>`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from datong.contract import LINEAGE_COLUMNS, TABLES
from datong.loader import LoadError, discover, iter_batches

# Per table: the column whose day places a row, as a SQL expression over text columns.
TIME_COLUMNS = {
    "ecommerce.orders": "updated_at",
    "wechat.users": "updated_at",
    "wechat.location_shares": "shared_at",
    "pos.receipts": "updated_at",
    "crm.members": "updated_at",
    "marketing.coupons": "coalesce(nullif(trim(redeemed_at), ''), issued_at)",
    "survey.responses": "answered_at",
    "privacy.consents": "recorded_at",
    "privacy.erasure_requests": "requested_at",
}
# Child tables: (parent table, join condition of child `c` and parent `p`).
CHILD_TABLES = {
    "ecommerce.order_items": (
        "ecommerce.orders",
        "trim(c.order_id) = trim(p.order_id) and lower(trim(c.platform)) = lower(trim(p.platform))",
    ),
    "pos.receipt_lines": ("pos.receipts", "trim(c.receipt_id) = trim(p.receipt_id)"),
}
# Tables whose days set the cuts.
FACT_TABLES = ("ecommerce.orders", "pos.receipts")


def _day(expression: str) -> str:
    return f"try_cast(substr(trim({expression}), 1, 10) as date)"


def _table_name(qualified: str) -> str:
    return qualified.replace(".", "__")


def cut_days(connection, batches: int | None, last_days: int | None) -> list:
    """The last day of every batch but the last one (a sorted list of dates)."""
    days = " union all ".join(
        f"select {_day(TIME_COLUMNS[name])} as day from {_table_name(name)}"
        for name in FACT_TABLES
    )
    if batches is not None:
        if batches < 1:
            raise LoadError("--batches must be at least 1")
        quantiles = [index / batches for index in range(1, batches)]
        if not quantiles:
            return []
        row = connection.execute(
            f"select quantile_disc(day, {quantiles}) from ({days}) where day is not null"
        ).fetchone()
        return sorted(set(row[0] or []))
    if last_days is None or last_days < 1:
        raise LoadError("give --batches N or --last-days K (both at least 1)")
    (end,) = connection.execute(
        f"select quantile_disc(day, 0.995) from ({days}) where day is not null"
    ).fetchone()
    if end is None:
        raise LoadError("no readable order or receipt day to cut at")
    import datetime as dt

    return [end - dt.timedelta(days=offset) for offset in range(last_days, 0, -1)]


def split(raw_dir: Path, out_dir: Path, batches: int | None = None,
          last_days: int | None = None, report=print) -> list[str]:
    """Write the batch directories under `out_dir`; return their names in arrival order."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw_files, _warnings = discover(raw_dir)
    connection = duckdb.connect()
    tables = {}
    for raw_file in raw_files:
        batches_read = list(iter_batches(raw_file))
        table = pa.Table.from_batches(batches_read, schema=None) if batches_read else None
        if table is None:
            from datong.loader import output_schema

            table = output_schema(raw_file).empty_table()
        name = raw_file.table.qualified_name
        tables[name] = (raw_file, table)
        connection.register(_table_name(name), table)

    cuts = cut_days(connection, batches, last_days)
    count = len(cuts) + 1
    connection.execute("create temp table cuts (batch_index integer, last_day date)")
    for index, day in enumerate(cuts, start=1):
        connection.execute("insert into cuts values (?, ?)", [index, day])

    def batch_of(day_sql: str) -> str:
        # First batch whose last day is on or after the row's day; unreadable -> 1.
        return (
            f"case when {day_sql} is null then 1 else coalesce("
            f"(select min(batch_index) from cuts where cuts.last_day >= {day_sql}), {count}) end"
        )

    assigned = {}
    for name in TIME_COLUMNS:
        connection.execute(
            f"create temp table b_{_table_name(name)} as "
            f"select _row_number, {batch_of(_day(TIME_COLUMNS[name]))} as batch_index "
            f"from {_table_name(name)}"
        )
        assigned[name] = f"b_{_table_name(name)}"
    for name, (parent, condition) in CHILD_TABLES.items():
        connection.execute(
            f"create temp table b_{_table_name(name)} as "
            f"select c._row_number, coalesce(min(pb.batch_index), 1) as batch_index "
            f"from {_table_name(name)} as c "
            f"left join {_table_name(parent)} as p on {condition} "
            f"left join {assigned[parent]} as pb on p._row_number = pb._row_number "
            f"group by c._row_number"
        )
        assigned[name] = f"b_{_table_name(name)}"

    names = [f"batch_{index:03d}" for index in range(1, count + 1)]
    for name, (raw_file, table) in tables.items():
        columns = [column for column in table.schema.names if column not in LINEAGE_COLUMNS]
        select_list = ", ".join(f't."{column}"' for column in columns)
        for index, batch_name in enumerate(names, start=1):
            if name in assigned:
                query = (
                    f"select {select_list} from {_table_name(name)} as t "
                    f"inner join {assigned[name]} as b on t._row_number = b._row_number "
                    f"where b.batch_index = {index} order by t._row_number"
                )
            elif index == 1:
                query = f"select {select_list} from {_table_name(name)} as t order by _row_number"
            else:
                query = f"select {select_list} from {_table_name(name)} as t where false"
            part = connection.sql(query).to_arrow_table()
            part = part.cast(pa.schema([pa.field(column, pa.string()) for column in columns]))
            target = out_dir / batch_name / raw_file.table.source / f"{raw_file.table.name}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(part, target)
    for index, batch_name in enumerate(names, start=1):
        last = f"up to {cuts[index - 1]}" if index <= len(cuts) else "the rest"
        report(f"  {batch_name}: {last}")
    connection.close()
    return names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-dir", required=True, type=Path, help="the raw directory to cut")
    parser.add_argument("--out", required=True, type=Path,
                        help="directory for the batch directories batch_001, batch_002, ...")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--batches", type=int, help="N batches of about equal size")
    how.add_argument("--last-days", type=int,
                     help="history, then one batch for each of the last K days")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        names = split(args.raw_dir, args.out, args.batches, args.last_days)
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(names)} batches of {len(TABLES)} tables to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0
