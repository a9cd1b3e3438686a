"""The key tests (`unique`, `unique_combination_of_columns`) find exactly the duplicates.

Both group rows by a 64-bit hash first and compare values only for the rows of a hash seen
twice (`row_hash`; docs/scale.md, "Key tests by hash"). A scratch project made of the
repository's `dbt_project.yml`, macros and generic tests and two tiny models tests one table
of unique keys and one with duplicates, nulls among them, and reads each test's number of
failing rows from `run_results.json`. It does so twice: with the real hash, and with a hash
that gives every row the same value, so that every row is a candidate and only the comparison
of values can tell duplicates from rows that merely share a hash.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from warehouse import BIN, REPO, scratch_project

UNIQUE_KEYS = """
select * from (
    values (1, 'a'), (2, 'b'), (3, 'c'), (null, 'd'), (null, 'e')
) as keys (key_id, label)
"""

DUPLICATED_KEYS = """
select * from (
    values ('x', 1), ('x', 1), ('y', 2), ('y', 3), ('z', 4), ('z', 4), ('z', 4),
        (null, 5), (null, 5), ('w', 6)
) as keys (key_id, label)
"""

# Both models carry both key tests.
PROPERTIES = "version: 2\nmodels:\n" + "".join(f"""
  - name: {name}
    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [key_id, label]
    columns:
      - name: key_id
        data_tests: [unique]
""" for name in ("keys_unique", "keys_duplicated"))

# Every row hashes alike: each one is a candidate, and only the values decide.
COLLIDING_HASH = """
{% macro duckdb__row_hash(columns) -%}
    cast(0 as ubigint)
{%- endmacro %}
"""

EXPECTED_FAILURES = {
    "unique_keys_unique_key_id": 0,  # two nulls are not a duplicate
    "unique_combination_of_columns_keys_unique_key_id__label": 0,
    "unique_keys_duplicated_key_id": 3,  # x, y and z
    # (x, 1) twice, (z, 4) three times, (null, 5) twice: nulls compare equal in a key
    "unique_combination_of_columns_keys_duplicated_key_id__label": 3,
}


def build(root, colliding: bool) -> dict[str, int]:
    env = scratch_project(root, {"keys_unique.sql": UNIQUE_KEYS,
                                 "keys_duplicated.sql": DUPLICATED_KEYS,
                                 "_keys.yml": PROPERTIES})
    if colliding:
        (root / "macros" / "cross_db" / "row_hash.sql").write_text(
            (REPO / "macros" / "cross_db" / "row_hash.sql").read_text(encoding="utf-8")
            .replace("{% macro duckdb__row_hash", "{% macro unused_duckdb__row_hash")
            + COLLIDING_HASH,
            encoding="utf-8",
        )
    result = subprocess.run(
        [str(BIN / "dbt"), "build", "--target", "dev", "--no-use-colors"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    failures = {
        r["unique_id"].split(".")[2]: r["failures"]
        for r in results if r["unique_id"].startswith("test.")
    }
    assert failures, result.stdout[-3000:]
    compiled = "\n".join(p.read_text() for p in (root / "target" / "compiled").rglob("*.sql"))
    return {"failures": failures, "compiled": compiled}


@pytest.fixture(scope="module", params=["real hash", "colliding hash"])
def built(request, tmp_path_factory):
    colliding = request.param == "colliding hash"
    root = tmp_path_factory.mktemp("key_tests_" + request.param.replace(" ", "_"))
    return colliding, build(root, colliding)


def test_the_key_tests_fail_exactly_on_duplicates(built):
    _, outcome = built
    assert outcome["failures"] == EXPECTED_FAILURES


def test_the_key_tests_group_by_the_hash_that_was_built(built):
    colliding, outcome = built
    if colliding:
        assert "cast(0 as ubigint)" in outcome["compiled"]
    else:
        assert "hash(key_id)" in outcome["compiled"]
        assert "hash(key_id, label)" in outcome["compiled"]
