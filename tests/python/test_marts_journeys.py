"""Journeys and true new customers against the generator's ground truth, on the demo warehouse.

The generator gives every person a channel segment (`patterns.json`, `segments`): online only,
offline only, omnichannel, offline-to-online (online share of purchases drifting from 0.15 to
0.85 over the two years) and online-to-offline (the reverse). Segments are propensities, not
outcomes: a person's realised purchases are random. So each figure of the marts is compared
with the same figure computed from the truth, over the purchases in `fct_orders` mapped to
their true person through `record_persons.parquet` (`datong.evaluate.prepare`), and the
planted segments are shown in the direction of the mart's channel switches.

Purchases without a customer (anonymous walk-ins, erased customers) are nobody in the
warehouse; the truth figures are computed over the purchases the warehouse identified, so
that a difference measures identity errors, not anonymity.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from datong.evaluate import prepare
from warehouse import demo_warehouse_from_env_or_build

# Each person split by identity into k customers shows k - 1 extra "new" customers, at the
# first purchase of each extra fragment, and a merge hides one; at pairwise recall ~0.988
# and precision ~0.995 about 4% of the buying persons are split. Bound: 8% in total, and
# per channel-month no more than the identity errors that touch the cell.
MAX_TOTAL_TRUE_NEW_ERROR = 0.08
# A channel system counts a known customer as new on its first visit there.
MIN_SYSTEM_OVER_TRUE = 1.5

# A switch is lost when identity put the two purchases into different customers (a person
# split along the channel boundary) and a spurious one appears when two persons are merged.
MIN_TRANSITION_PRECISION = 0.98
MAX_TRANSITION_ERROR_SEEN_BY_IDENTITY = 0.02
MIN_TRANSITION_RECALL = 0.85
# Planted drift: of the customers whose purchases moved net in one direction, the drifting
# segment moves its way at least this many times as often as the other way.
MIN_DIRECTION_RATIO = 3.0


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_warehouse_from_env_or_build(tmp_path_factory)


@pytest.fixture(scope="module")
def con(demo):
    connection = duckdb.connect(str(demo.duckdb_path), read_only=True)
    prepare(connection, demo.truth_dir)
    persons = str(Path(demo.truth_dir) / "persons.parquet").replace("'", "''")
    connection.execute(f"create temp view _persons as select * from read_parquet('{persons}')")
    connection.execute("""
        create temp table _purchases as
        select
            records.record_id as order_id,
            records.actual as person_id,
            records.predicted as customer_id,
            orders.channel,
            coalesce(orders.platform, 'offline') as acquisition_channel,
            orders.ordered_at,
            cast(date_trunc('month', orders.ordered_at) as date) as month_start_date
        from _records as records
        inner join marts.fct_orders as orders on records.record_id = orders.order_id
        where orders.is_paid and not orders.is_return and records.predicted is not null
    """)
    connection.execute("""
        create temp table _customer_persons as
        select customer_id, arg_max(person_id, n) as person_id
        from (
            select customer_id, person_id, count(*) as n
            from _purchases group by all
        )
        group by 1
    """)
    yield connection
    connection.close()


def _segments(demo_truth_dir: Path) -> dict[str, int]:
    return json.loads((demo_truth_dir / "patterns.json").read_text())["segments"]


# ------------------------------------------------------------------------- true new customers

def _true_new_cells(con) -> list[tuple]:
    """Per channel-month: true new persons, the mart's true new customers, the systems' new
    ids, the false new customers (a split person's later fragment, first buying here) and the
    hidden new persons (a person merged into a customer that had bought before)."""
    return con.execute("""
        with person_firsts as (
            select *
            from _purchases
            qualify row_number() over (
                partition by person_id order by ordered_at, order_id
            ) = 1
        ),
        customer_firsts as (
            select *
            from _purchases
            qualify row_number() over (
                partition by customer_id order by ordered_at, order_id
            ) = 1
        ),
        truth as (
            select
                month_start_date,
                acquisition_channel,
                count(*) as n,
                count(*) filter (where order_id not in (select order_id from customer_firsts))
                    as hidden
            from person_firsts
            group by all
        ),
        false_new as (
            select month_start_date, acquisition_channel, count(*) as false_new
            from customer_firsts
            where order_id not in (select order_id from person_firsts)
            group by all
        ),
        mart as (
            select month_start_date, acquisition_channel, true_new_to_brand, system_new_customers
            from marts.fct_channel_acquisitions_monthly
            where not is_brand_total
        ),
        cells as (
            select month_start_date, acquisition_channel from mart
            union
            select month_start_date, acquisition_channel from truth
        )
        select
            cells.month_start_date,
            cells.acquisition_channel,
            coalesce(truth.n, 0) as truth_new,
            coalesce(mart.true_new_to_brand, 0) as mart_new,
            coalesce(mart.system_new_customers, 0) as system_new,
            coalesce(false_new.false_new, 0) as false_new,
            coalesce(truth.hidden, 0) as hidden_new
        from cells
        left join mart using (month_start_date, acquisition_channel)
        left join truth using (month_start_date, acquisition_channel)
        left join false_new using (month_start_date, acquisition_channel)
        order by 1, 2
    """).fetchall()


def test_true_new_to_brand_is_close_to_truth_in_total(con):
    cells = _true_new_cells(con)
    truth = sum(cell[2] for cell in cells)
    mart = sum(cell[3] for cell in cells)
    assert truth > 0
    assert abs(mart - truth) / truth <= MAX_TOTAL_TRUE_NEW_ERROR, (mart, truth)


def test_true_new_to_brand_differs_from_truth_only_by_identity_errors(con):
    """In every channel-month the mart is off from the truth by exactly the identity errors
    that land there (false new fragments of split persons, minus new persons hidden in a
    merged customer): the counting itself adds no error, and those errors are few."""
    cells = _true_new_cells(con)
    off = [cell for cell in cells if cell[3] - cell[2] != cell[5] - cell[6]]
    assert not off, off
    errors = sum(cell[5] + cell[6] for cell in cells)
    truth = sum(cell[2] for cell in cells)
    assert errors <= MAX_TOTAL_TRUE_NEW_ERROR * truth, (errors, truth)


def test_channel_systems_count_far_more_new_customers_than_truth(con):
    cells = _true_new_cells(con)
    months = sorted({cell[0] for cell in cells})
    # The first quarter of the data: everyone is "new" to everything; judge the rest.
    judged = [cell for cell in cells if cell[0] >= months[3]]
    system = sum(cell[4] for cell in judged)
    truth = sum(cell[2] for cell in judged)
    mart = sum(cell[3] for cell in judged)
    assert system >= MIN_SYSTEM_OVER_TRUE * truth, (system, truth)
    assert abs(mart - truth) < (system - truth) / 5, (mart, truth, system)
    # The headline month, last of the data, on the brand row.
    last = months[-1]
    brand = con.execute(
        "select system_new_customers, true_new_to_brand from "
        "marts.fct_channel_acquisitions_monthly where is_brand_total and month_start_date = ?",
        [last],
    ).fetchone()
    truth_last = sum(cell[2] for cell in cells if cell[0] == last)
    assert brand[0] >= MIN_SYSTEM_OVER_TRUE * truth_last, (brand, truth_last)
    assert abs(brand[1] - truth_last) < brand[0] - truth_last, (brand, truth_last)


# -------------------------------------------------------------------------- channel switches

def _truth_transitions(con) -> dict[str, tuple[int, int]]:
    """Per direction: the truth's switches, and those whose two purchases share a customer."""
    rows = con.execute("""
        with sequenced as (
            select
                *,
                lag(channel) over w as previous_channel,
                lag(customer_id) over w as previous_customer_id
            from _purchases
            window w as (partition by person_id order by ordered_at, order_id)
        )
        select
            previous_channel || '_to_' || channel as direction,
            count(*) as n,
            sum(case when customer_id = previous_customer_id then 1 else 0 end) as seen
        from sequenced
        where previous_channel != channel
        group by 1
    """).fetchall()
    return {direction: (int(n), int(seen)) for direction, n, seen in rows}


def test_transitions_are_true_switches(con):
    total, true = con.execute("""
        with sequenced as (
            select
                order_id,
                lag(channel) over (
                    partition by person_id order by ordered_at, order_id
                ) as previous_channel
            from _purchases
        )
        select count(*), count(sequenced.order_id)
        from marts.fct_channel_transitions as transitions
        left join sequenced
            on transitions.next_order_id = sequenced.order_id
            and transitions.previous_channel = sequenced.previous_channel
    """).fetchone()
    assert total > 0
    assert true / total >= MIN_TRANSITION_PRECISION, (true, total)


def test_transitions_recover_the_truth_the_identity_can_see(con):
    truth = _truth_transitions(con)
    mart = dict(con.execute(
        "select direction, count(*) from marts.fct_channel_transitions group by 1"
    ).fetchall())
    for direction in ("online_to_offline", "offline_to_online"):
        n, seen = truth[direction]
        assert abs(mart[direction] - seen) <= MAX_TRANSITION_ERROR_SEEN_BY_IDENTITY * seen, (
            direction, mart[direction], seen)
        assert mart[direction] >= MIN_TRANSITION_RECALL * n, (direction, mart[direction], n)


def _direction_by_segment(con) -> dict[str, dict[str, float]]:
    rows = con.execute("""
        with net as (
            select
                customer_id,
                count(*) as transitions,
                sum(case when direction = 'offline_to_online' then 1 else -1 end) as net_move
            from marts.fct_channel_transitions
            group by 1
        )
        select
            persons.segment,
            count(*) as customers,
            sum(case when net.net_move > 0 then 1 else 0 end) as moved_online,
            sum(case when net.net_move < 0 then 1 else 0 end) as moved_offline,
            avg(coalesce(net.transitions, 0)) as transitions_per_customer
        from _customer_persons as customer_persons
        inner join _persons as persons on customer_persons.person_id = persons.person_id
        left join net on customer_persons.customer_id = net.customer_id
        group by 1
    """).fetchall()
    return {
        segment: {"customers": customers, "moved_online": online, "moved_offline": offline,
                  "transitions_per_customer": per_customer}
        for segment, customers, online, offline, per_customer in rows
    }


def test_planted_segments_show_in_the_direction_of_switches(con):
    by_segment = _direction_by_segment(con)
    to_online = by_segment["offline_to_online"]
    to_offline = by_segment["online_to_offline"]
    omni = by_segment["omnichannel"]
    assert to_online["moved_online"] >= MIN_DIRECTION_RATIO * to_online["moved_offline"], to_online
    assert to_offline["moved_offline"] >= MIN_DIRECTION_RATIO * to_offline["moved_online"], (
        to_offline)
    # Omnichannel buyers switch both ways alike; single-channel buyers hardly switch.
    assert 2 / 3 <= omni["moved_online"] / omni["moved_offline"] <= 3 / 2, omni
    for single in ("online_only", "offline_only"):
        assert (by_segment[single]["transitions_per_customer"]
                < omni["transitions_per_customer"] / 2), (single, by_segment[single], omni)


def test_planted_segment_sizes_are_recovered(con, demo):
    """Customers per true segment against the planted person counts of patterns.json.

    A planted person is missing when they bought nothing, or only anonymously (an
    offline-only walk-in without card or phone); split persons map twice. So the mart's
    count is a little below the planted one, never far above it.
    """
    planted = _segments(Path(demo.truth_dir))
    by_segment = _direction_by_segment(con)
    for segment, persons in planted.items():
        customers = by_segment[segment]["customers"]
        assert 0.8 * persons <= customers <= 1.02 * persons, (segment, customers, persons)


def test_no_planted_store_qr_link_to_offline_to_online(con):
    """The generator gives store-QR registrations only to offline-only, omnichannel and
    online-to-offline persons, at a time unrelated to their purchases: it plants no
    store-QR -> offline-to-online link, and the marts show none."""
    qr_segments = dict(con.execute("""
        select persons.segment, count(*)
        from marts.fct_customer_touchpoints as touchpoints
        inner join _customer_persons as customer_persons
            on touchpoints.customer_id = customer_persons.customer_id
        inner join _persons as persons on customer_persons.person_id = persons.person_id
        where touchpoints.register_scene = 'store_qr'
        group by 1
    """).fetchall())
    assert sum(qr_segments.values()) > 0
    assert qr_segments.get("offline_to_online", 0) <= 0.01 * sum(qr_segments.values()), (
        qr_segments)
    with_qr, total = con.execute("""
        select sum(case when has_store_qr_registration then 1 else 0 end), count(*)
        from marts.fct_channel_transitions
        where direction = 'offline_to_online'
    """).fetchone()
    assert with_qr <= 0.01 * total, (with_qr, total)
