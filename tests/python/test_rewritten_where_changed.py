"""A model rewritten only where its rows changed equals a table built from the same SQL.

`rewritten_where_changed(unique_key)` makes a model incremental on DuckDB with the strategy
`replace_changed` (docs/incremental.md, "Rewritten where changed"): its SQL selects every
row, and a build deletes and inserts only the keys whose row differs from the stored one,
appeared or left; its key columns are never null, as a primary key's. A scratch project holds
two such models over a table the test changes between builds, one keyed by a column and one
by two: rows changed in one column (a null among them), rows added, rows removed, rows left
alone. After every build the model must
equal its source, with a contract enforced; the build must have written again only the
changed and added rows and removed the removed ones (the strategy logs its counts); and a
build with nothing changed must write nothing.
"""

from __future__ import annotations

import re
import subprocess

import duckdb
import pytest

from warehouse import BIN, scratch_project

ONE_KEY = """{{ config(**rewritten_where_changed('item_id')) }}
select item_id, group_id, label, amount from main.items
"""
TWO_KEYS = """{{ config(**rewritten_where_changed(['group_id', 'item_id'])) }}
select group_id, item_id, label, amount from main.items
"""
CONTRACT = """version: 2
models:
  - name: items_by_one_key
    config:
      contract:
        enforced: true
    columns:
      - name: item_id
        data_type: varchar
        constraints:
          - type: not_null
      - name: group_id
        data_type: varchar
      - name: label
        data_type: varchar
      - name: amount
        data_type: decimal(18, 2)
"""
MODELS = ("items_by_one_key", "items_by_two_keys")
WRITTEN = re.compile(r"(items_by_\w+): (\d+) of (\d+) rows written again, (\d+) removed")


def _write(database, rows) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("create or replace table main.items (item_id varchar, "
                           "group_id varchar, label varchar, amount decimal(18, 2))")
        connection.executemany("insert into main.items values (?, ?, ?, ?)", rows)


def _build(root, env) -> dict[str, tuple[int, int, int]]:
    """Per model, the strategy's counts: rows written again, rows selected, rows removed (none
    on the first build, which creates the table)."""
    result = subprocess.run(
        [str(BIN / "dbt"), "run", "--target", "dev", "--no-use-colors",
         "--select", *MODELS],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return {match[0]: (int(match[1]), int(match[2]), int(match[3]))
            for match in WRITTEN.findall(result.stdout)}


def _differing(database) -> dict[str, tuple[int, int]]:
    """Per model, its rows missing from the source and the source's rows missing from it."""
    differing = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for model in MODELS:
            schema, = connection.execute(
                "select table_schema from information_schema.tables "
                f"where table_name = '{model}'"
            ).fetchone()
            columns = "item_id, group_id, label, amount"
            differing[model] = connection.execute(
                f"select (select count(*) from (select {columns} from {schema}.{model} "
                f"except all select {columns} from main.items)), "
                f"(select count(*) from (select {columns} from main.items "
                f"except all select {columns} from {schema}.{model}))"
            ).fetchone()
    return differing


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("rewritten_where_changed")
    env = scratch_project(root, {"items_by_one_key.sql": ONE_KEY,
                                 "items_by_two_keys.sql": TWO_KEYS,
                                 "items.yml": CONTRACT})
    database = root / "scratch.duckdb"
    rows = [(f"i{n:03d}", f"g{n % 7}", f"label {n}", n * 1.5) for n in range(200)]
    _write(database, rows)
    counts = [_build(root, env)]
    differing = [_differing(database)]

    changed = rows[:]
    changed[10] = (changed[10][0], changed[10][1], "relabelled", changed[10][3])
    changed[20] = (changed[20][0], changed[20][1], None, changed[20][3])
    changed[30] = (changed[30][0], "g_moved", changed[30][2], changed[30][3])
    changed[40] = (changed[40][0], changed[40][1], changed[40][2], 999.99)
    removed = {changed[50][0], changed[60][0]}
    changed = [row for row in changed if row[0] not in removed]
    changed += [("i900", "g1", "new", 1.0), ("i901", "g2", None, None)]
    _write(database, changed)
    counts.append(_build(root, env))
    differing.append(_differing(database))

    counts.append(_build(root, env))
    differing.append(_differing(database))
    return {"counts": counts, "differing": differing}


def test_every_build_equals_the_source(builds):
    for step, differing in enumerate(builds["differing"]):
        for model in MODELS:
            assert differing[model] == (0, 0), (step, model)


def test_only_the_changed_rows_are_written_again(builds):
    """Four rows changed and two added are written again, two removed; by the two-column key
    the row moved to another group is also a removal of its old key."""
    first, changed = builds["counts"][0], builds["counts"][1]
    assert first == {}  # the first build creates the table
    assert changed["items_by_one_key"] == (6, 200, 2)
    assert changed["items_by_two_keys"] == (6, 200, 3)


def test_an_unchanged_source_writes_nothing(builds):
    assert builds["counts"][2] == {model: (0, 200, 0) for model in MODELS}
