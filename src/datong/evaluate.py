"""`datong evaluate`: accuracy of identity resolution against the demo data's ground truth.

Compares the customer each order and receipt of `marts.fct_orders` was assigned to with the
true person behind it (`<truth-dir>/record_persons.parquet`), and reports:

- pairwise precision and recall: over pairs of records, how many pairs that share a predicted
  customer truly share a person, and how many pairs of one person were put together. Pairs are
  counted from group sizes (n·(n−1)/2 per group), never enumerated, so the cost is linear;
- predicted and true cluster counts and the largest predicted cluster;
- the headline: per month, the customers each channel's own system counts as new (the first
  purchase of a platform buyer id on that platform, of a member card in the stores) next to the
  true number of persons new to the brand and the number the warehouse counts.

Anonymous records (no usable identifier, `customer_id` null) cannot be linked to anyone. The
precision and recall that the accuracy gate uses are over the identified records; the recall
over all records, anonymous ones counted as unlinked singletons, is reported beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datong.loader import DEFAULT_DUCKDB_PATH, resolve_duckdb_path

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    import duckdb

TRUTH_TABLES = ("ecommerce.orders", "pos.receipts")

# The id each channel's own system knows a buyer by: the staged column, in order of
# preference (the keyed pseudonym once staging carries it, the plain value before).
SYSTEM_ID_COLUMNS = {
    "stg_ecommerce__orders": ("buyer_pseudonym", "buyer_id"),
    "stg_pos__receipts": ("member_card_pseudonym", "member_card_no"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duckdb-path", default=None,
                        help=f"warehouse file (default: $DATONG_DUCKDB_PATH or "
                             f"{DEFAULT_DUCKDB_PATH})")
    parser.add_argument("--truth-dir", type=Path, required=True,
                        help="the generator's truth directory (record_persons.parquet)")
    parser.add_argument("--json", type=Path, default=None, dest="json_path",
                        help="also write the figures to this JSON file")


def pair_count_sql(group_columns: str, relation: str) -> str:
    """SQL summing n·(n−1)/2 over the groups of `relation` by `group_columns`."""
    return (
        f"select coalesce(sum(n * (n - 1) / 2), 0)::hugeint from ("
        f"select count(*)::hugeint as n from {relation} group by {group_columns})"
    )


def pairwise_scores(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[str, Any]:
    """Pairwise precision/recall of `relation(record_id, predicted, actual)`.

    `predicted` is the predicted cluster; a null `predicted` is a singleton (it shares a
    cluster with nobody), so such records add to the true pairs only.
    """
    connection.execute(
        f"create or replace temp view _scored as select record_id, "
        f"coalesce(predicted, '~singleton~' || record_id) as predicted, actual from {relation}"
    )
    both = connection.execute(pair_count_sql("predicted, actual", "_scored")).fetchone()[0]
    predicted = connection.execute(pair_count_sql("predicted", "_scored")).fetchone()[0]
    actual = connection.execute(pair_count_sql("actual", "_scored")).fetchone()[0]
    records, predicted_clusters, true_clusters = connection.execute(
        "select count(*), count(distinct predicted), count(distinct actual) from _scored"
    ).fetchone()
    largest = connection.execute(
        "select predicted, count(*) as n, count(distinct actual) as persons from _scored "
        "group by predicted order by n desc, predicted limit 1"
    ).fetchone()
    largest_true = connection.execute(
        "select count(*) as n from _scored group by actual order by n desc limit 1"
    ).fetchone()
    return {
        "records": int(records),
        "true_pairs": int(actual),
        "predicted_pairs": int(predicted),
        "correct_pairs": int(both),
        "precision": float(both) / float(predicted) if predicted else 1.0,
        "recall": float(both) / float(actual) if actual else 1.0,
        "predicted_clusters": int(predicted_clusters),
        "true_clusters": int(true_clusters),
        "largest_predicted_cluster_records": int(largest[1]) if largest else 0,
        "largest_predicted_cluster_persons": int(largest[2]) if largest else 0,
        "largest_true_cluster_records": int(largest_true[0]) if largest_true else 0,
    }


def _column(connection: duckdb.DuckDBPyConnection, model: str) -> str:
    present = {
        row[0]
        for row in connection.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'staging' and table_name = ?",
            [model],
        ).fetchall()
    }
    for candidate in SYSTEM_ID_COLUMNS[model]:
        if candidate in present:
            return candidate
    raise RuntimeError(f"staging.{model} has none of {SYSTEM_ID_COLUMNS[model]}")


def prepare(connection: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    """Temp views: the truth keyed like fct_orders, and each record with both assignments."""
    truth_file = str(truth_dir / "record_persons.parquet").replace("'", "''")
    tables = ", ".join(f"'{table}'" for table in TRUTH_TABLES)
    # Orders are `platform|number` in the truth and `platform:number` once staged;
    # receipts keep their receipt id, which fct_orders carries as pos_receipt_id.
    connection.execute(f"""
        create or replace temp view _truth as
        select
            case when "table" = 'ecommerce.orders'
                then split_part(record_id, '|', 1) || ':'
                    || substr(record_id, length(split_part(record_id, '|', 1)) + 2)
            end as online_order_id,
            case when "table" = 'pos.receipts' then record_id end as pos_receipt_id,
            person_id
        from read_parquet('{truth_file}')
        where "table" in ({tables})
    """)
    connection.execute("""
        create or replace temp table _records as
        with assigned as (
            select
                orders.order_id as record_id,
                orders.customer_id as predicted,
                coalesce(online_truth.person_id, offline_truth.person_id) as actual,
                orders.channel,
                orders.is_return,
                orders.is_first_purchase_ever,
                orders.is_paid,
                orders.ordered_at
            from marts.fct_orders as orders
            left join _truth as online_truth
                on orders.order_id = online_truth.online_order_id
            left join _truth as offline_truth
                on orders.pos_receipt_id = offline_truth.pos_receipt_id
        )
        select * from assigned where actual is not null
    """)


def new_customers_by_month(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Per month: new ids per channel system, true new-to-brand persons, warehouse's count."""
    buyer = _column(connection, "stg_ecommerce__orders")
    card = _column(connection, "stg_pos__receipts")
    rows = connection.execute(f"""
        with purchases as (
            select * from _records where is_paid and not is_return
        ),
        system_ids as (
            select
                'online:' || online.platform as system_name,
                online.{buyer} as system_id,
                purchases.ordered_at
            from purchases
            inner join staging.stg_ecommerce__orders as online
                on purchases.record_id = online.order_id
            where online.{buyer} is not null
            union all
            select
                'pos' as system_name,
                offline.{card} as system_id,
                purchases.ordered_at
            from purchases
            inner join marts.fct_orders as orders on purchases.record_id = orders.order_id
            inner join staging.stg_pos__receipts as offline
                on orders.pos_receipt_id = offline.receipt_id
            where offline.{card} is not null
        ),
        system_new as (
            select date_trunc('month', min(ordered_at)) as month
            from system_ids group by system_name, system_id
        ),
        true_new as (
            select date_trunc('month', min(ordered_at)) as month
            from purchases group by actual
        ),
        warehouse_new as (
            select date_trunc('month', ordered_at) as month
            from purchases where is_first_purchase_ever
        ),
        months as (
            select month, 'system' as kind from system_new
            union all select month, 'true' from true_new
            union all select month, 'warehouse' from warehouse_new
        )
        select
            strftime(month, '%Y-%m') as month,
            count(*) filter (where kind = 'system') as channel_systems_new,
            count(*) filter (where kind = 'true') as true_new_to_brand,
            count(*) filter (where kind = 'warehouse') as warehouse_new_to_brand
        from months
        group by month
        order by month
    """).fetchall()
    return [
        {
            "month": month,
            "channel_systems_new": int(system),
            "true_new_to_brand": int(true),
            "warehouse_new_to_brand": int(warehouse),
        }
        for month, system, true, warehouse in rows
    ]


def evaluate(duckdb_path: Path, truth_dir: Path) -> dict[str, Any]:
    import duckdb

    connection = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        prepare(connection, truth_dir)
        fct_rows = connection.execute("select count(*) from marts.fct_orders").fetchone()[0]
        matched, anonymous = connection.execute(
            "select count(*), count(*) filter (where predicted is null) from _records"
        ).fetchone()
        identified = pairwise_scores(
            connection, "(select * from _records where predicted is not null)"
        )
        overall = pairwise_scores(connection, "_records")
        by_month = new_customers_by_month(connection)
    finally:
        connection.close()
    # The headline month: the last one, when most persons already bought before, so that
    # "new" means new and not merely first seen since the data begins.
    headline = by_month[-1] if by_month else None
    return {
        "fct_orders_rows": int(fct_rows),
        "records_with_truth": int(matched),
        "anonymous_records": int(anonymous),
        "identified": identified,
        "all_records": overall,
        "new_customers_by_month": by_month,
        "headline_month": headline,
    }


def render(result: dict[str, Any]) -> str:
    identified = result["identified"]
    overall = result["all_records"]
    lines = [
        f"records of fct_orders with truth: {result['records_with_truth']:,} "
        f"of {result['fct_orders_rows']:,} ({result['anonymous_records']:,} anonymous)",
        f"identified records:  precision {identified['precision']:.4f}  "
        f"recall {identified['recall']:.4f}  "
        f"(pairs: {identified['correct_pairs']:,} correct, "
        f"{identified['predicted_pairs']:,} predicted, {identified['true_pairs']:,} true)",
        f"all records:         precision {overall['precision']:.4f}  "
        f"recall {overall['recall']:.4f}",
        f"clusters: {identified['predicted_clusters']:,} predicted, "
        f"{identified['true_clusters']:,} true persons; largest predicted "
        f"{identified['largest_predicted_cluster_records']:,} records of "
        f"{identified['largest_predicted_cluster_persons']} person(s); largest true "
        f"{identified['largest_true_cluster_records']:,} records",
    ]
    headline = result["headline_month"]
    if headline:
        lines.append(
            f"new customers in {headline['month']}: channel systems count "
            f"{headline['channel_systems_new']:,}, truly new to the brand "
            f"{headline['true_new_to_brand']:,}, warehouse "
            f"{headline['warehouse_new_to_brand']:,}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    duckdb_path = resolve_duckdb_path(args.duckdb_path)
    result = evaluate(Path(duckdb_path), args.truth_dir)
    print(render(result))
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        args.json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(argparse.ArgumentParser().parse_args()))
