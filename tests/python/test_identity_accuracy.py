"""Identity resolution against the generator's ground truth, on the demo warehouse.

The build fails when accuracy regresses: pairwise precision and recall of the customer each
order and receipt of `fct_orders` was given, over the identified records, against the true
person behind it (`datong evaluate`), at the generator's default dirt levels.
"""

from __future__ import annotations

import pytest

from datong.evaluate import evaluate
from warehouse import demo_warehouse_from_env_or_build

MIN_PRECISION = 0.995
MIN_RECALL = 0.98


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    demo = demo_warehouse_from_env_or_build(tmp_path_factory)
    return evaluate(demo.duckdb_path, demo.truth_dir)


def test_every_order_and_receipt_has_a_true_person(result):
    assert result["fct_orders_rows"] > 0
    assert result["records_with_truth"] == result["fct_orders_rows"]


def test_pairwise_precision(result):
    identified = result["identified"]
    assert identified["precision"] >= MIN_PRECISION, identified


def test_pairwise_recall(result):
    identified = result["identified"]
    assert identified["recall"] >= MIN_RECALL, identified


def test_most_records_are_identified(result):
    # Anonymous records are walk-in receipts without card or phone; online orders always
    # carry a buyer id, so far fewer than half of all records can be anonymous.
    assert result["anonymous_records"] < result["records_with_truth"] / 2


def test_channel_systems_overcount_new_customers(result):
    """The headline: each channel counts a known customer as new on their first visit there."""
    month = result["headline_month"]
    assert month["channel_systems_new"] > month["true_new_to_brand"] > 0
    warehouse_error = abs(month["warehouse_new_to_brand"] - month["true_new_to_brand"])
    systems_error = month["channel_systems_new"] - month["true_new_to_brand"]
    assert warehouse_error < systems_error
