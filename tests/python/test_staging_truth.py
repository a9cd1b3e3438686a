"""Staging against the generator's ground truth.

Every injected fault must end where docs/data_quality.md says: the quarantined rows are
exactly the rows injected with a quarantining fault (same row, same reason), the collapsed
rows are exactly the duplicate exports and superseded re-exports, and flagged faults are
flagged on the staged row. Nothing is lost: per raw table, raw = staged + quarantined +
collapsed.
"""

from __future__ import annotations

from collections import Counter

import duckdb
import pyarrow.parquet as pq
import pytest

from datong.contract import TABLES
from warehouse import demo_warehouse_from_env_or_build


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_warehouse_from_env_or_build(tmp_path_factory)


@pytest.fixture(scope="module")
def con(demo):
    connection = duckdb.connect(str(demo.duckdb_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def faults(demo):
    return pq.read_table(demo.truth_dir / "faults.parquet").to_pylist()


def _count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def _quarantined(con, table) -> dict[int, str]:
    rows = con.execute(
        f"select _row_number, reject_reason from staging.stg_{table.source}__quarantine "
        "where source_table = ?",
        [table.qualified_name],
    ).fetchall()
    return {int(row_number): reason for row_number, reason in rows}


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.qualified_name)
def test_quarantine_is_exactly_the_injected_faults(con, faults, table):
    expected = {
        int(fault["row_number"]): fault["expected"].split(":", 1)[1]
        for fault in faults
        if fault["table"] == table.qualified_name and fault["expected"].startswith("quarantine:")
    }
    assert _quarantined(con, table) == expected


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.qualified_name)
def test_every_raw_row_is_staged_quarantined_or_collapsed(con, faults, table):
    raw = _count(con, f"select count(*) from raw_{table.source}.{table.name}")
    staged = _count(con, f"select count(*) from staging.stg_{table.source}__{table.name}")
    quarantined = len(_quarantined(con, table))
    collapsed = sum(
        1 for fault in faults
        if fault["table"] == table.qualified_name and fault["expected"] == "collapsed"
    )
    assert raw > 0
    assert raw == staged + quarantined + collapsed, (raw, staged, quarantined, collapsed)


def test_flagged_faults_are_flagged_on_the_staged_row(con, faults):
    """A staged row carries a flag if and only if the truth says its raw row had that fault.

    Compared on the surviving row of each key: a copy that was collapsed keeps no flag.
    """
    by_table_flag: dict[tuple[str, str], set[int]] = {}
    for fault in faults:
        if fault["expected"].startswith("flagged:"):
            key = (fault["table"], fault["expected"].split(":", 1)[1])
            by_table_flag.setdefault(key, set()).add(int(fault["row_number"]))
    assert by_table_flag, "the demo data should carry flagged faults"
    for (qualified_name, flag), faulty_rows in by_table_flag.items():
        source, name = qualified_name.split(".")
        staged = dict(
            con.execute(
                f"select _row_number, coalesce(cast({flag} as varchar), 'false') != 'false' "
                f"from staging.stg_{source}__{name}"
            ).fetchall()
        )
        flagged = {int(row) for row, is_flagged in staged.items() if is_flagged}
        surviving_faulty = {row for row in faulty_rows if row in staged}
        assert surviving_faulty, (qualified_name, flag, "no faulty row survived")
        assert flagged == surviving_faulty, (qualified_name, flag)


def test_quarantine_counts_by_reason_match_injected_counts(con, faults):
    injected = Counter(
        (fault["table"], fault["expected"].split(":", 1)[1])
        for fault in faults
        if fault["expected"].startswith("quarantine:")
    )
    quarantined: Counter = Counter()
    for table in TABLES:
        for reason in _quarantined(con, table).values():
            quarantined[(table.qualified_name, reason)] += 1
    assert quarantined == injected
    assert sum(injected.values()) > 0
