"""Small-cell suppression: the macros hide small cells and `min_cell_count` catches leaks.

A scratch project made of the repository's `dbt_project.yml`, macros and generic tests and
two tiny aggregate models (cells of 3, 9, 10 and 40 people): one wraps its figure in
`suppress_small_cell` and flags `is_small_cell`, the other publishes the figure raw. Built on
a temporary DuckDB file, the first passes `min_cell_count` and the second fails it, once per
small cell; a `min_count` override moves the threshold.
"""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from warehouse import BIN, scratch_project

CELLS = """
select * from (
    values ('a', 3, 30.0), ('b', 9, 90.0), ('c', 10, 100.0), ('d', 40, 400.0)
) as cells (area_id, people_count, revenue)
"""

SUPPRESSED = f"""
with cells as ({CELLS})
select
    area_id,
    people_count,
    {{{{ suppress_small_cell('revenue', 'people_count') }}}} as revenue,
    {{{{ is_small_cell('people_count') }}}} as is_suppressed
from cells
"""

RAW = f"select * from ({CELLS}) as cells"

PROPERTIES = """
version: 2
models:
  - name: cells_suppressed
    data_tests:
      - min_cell_count:
          arguments:
            people_count_column: people_count
            figure_columns: [revenue]
  - name: cells_raw
    data_tests:
      - min_cell_count:
          arguments:
            people_count_column: people_count
            figure_columns: [revenue, area_id]
      - min_cell_count:
          name: cells_raw_min_cell_count_of_11
          arguments:
            people_count_column: people_count
            figure_columns: [revenue]
            min_count: 11
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("small_cells")
    env = scratch_project(root, {"cells_suppressed.sql": SUPPRESSED, "cells_raw.sql": RAW,
                                 "_cells.yml": PROPERTIES})
    result = subprocess.run(
        [str(BIN / "dbt"), "build", "--target", "dev", "--no-use-colors"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    return root, result


def test_macros_hide_small_cells(built):
    root, _ = built
    connection = duckdb.connect(str(root / "scratch.duckdb"), read_only=True)
    try:
        rows = connection.execute(
            "select area_id, people_count, revenue, is_suppressed from main.cells_suppressed "
            "order by area_id"
        ).fetchall()
    finally:
        connection.close()
    assert [(a, n, None if r is None else float(r), s) for a, n, r, s in rows] == [
        ("a", 3, None, True),
        ("b", 9, None, True),
        ("c", 10, 100.0, False),
        ("d", 40, 400.0, False),
    ]


def test_min_cell_count_passes_suppressed_and_fails_raw_figures(built):
    _, result = built
    lines = result.stdout.splitlines()

    def outcome(test_name: str) -> str:
        found = [line for line in lines if test_name in line and (" PASS " in line
                 or " FAIL " in line)]
        assert found, (test_name, result.stdout[-3000:])
        return found[-1]

    assert " PASS " in outcome("min_cell_count_cells_suppressed_revenue__people_count")
    raw = outcome("min_cell_count_cells_raw_revenue__area_id__people_count")
    assert " FAIL 2 " in raw  # the cells of 3 and 9 people
    assert " FAIL 3 " in outcome("cells_raw_min_cell_count_of_11")  # 3, 9 and 10 people
    assert result.returncode != 0
