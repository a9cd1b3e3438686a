"""No model or singular test makes DuckDB copy a whole table into memory through an import CTE.

DuckDB materialises a CTE that a query reads more than once. For an import CTE
(`orders as (select * from {{ ref('fct_orders') }})`) that copies every column of the table,
spilled to disk beyond the memory limit, before each reference scans the copy: at 1M persons
`int_identifiers_screened` spilled 31 GB that way. Such CTEs carry `{{ not_materialized() }}`
(docs/scale.md, "Import CTEs read more than once"). This test compiles every model and every
singular data test against a copy of the demo warehouse, asks DuckDB for each plan (`EXPLAIN`,
nothing is run) and fails on any import CTE that DuckDB would still materialise, so that a
second reference added to an import CTE without the clause is caught.
"""

from __future__ import annotations

import re
import subprocess

import duckdb
import pytest

from warehouse import BIN, REPO, dbt_env, demo_warehouse_copy

IMPORT_CTE = re.compile(
    r"^(\w+) as (?:\{\{ not_materialized\(\) \}\} )?\(\n\s*select \* from "
    r"\{\{ (?:ref|source)\([^)]*\) \}\}\n\)",
    re.MULTILINE,
)
MATERIALIZED_CTE = re.compile(r"CTE Name:\s*(\w+)")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """(warehouse copy, {name: compiled SQL}) for every model and singular test."""
    root, copy = demo_warehouse_copy(tmp_path_factory, "import_ctes")
    env = dbt_env(copy, root)
    result = subprocess.run(
        [str(BIN / "dbt"), "compile", "--target", "dev", "--quiet",
         "--select", "resource_type:model", "test_type:singular"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    compiled_root = root / "target" / "compiled" / "datong"
    models = {
        path.stem: path.read_text(encoding="utf-8")
        for path in (compiled_root / "models").rglob("*.sql")
        if not path.parent.name.endswith(".yml")  # unit-test fixtures, generic tests
    }
    singular = {
        path.stem: path.read_text(encoding="utf-8")
        for path in (compiled_root / "tests" / "singular").glob("*.sql")
    }
    assert not models.keys() & singular.keys()
    return copy, models | singular


def source_path(name: str):
    """The model or singular test file that `name` was compiled from."""
    return next(
        path
        for folder in (REPO / "models", REPO / "tests" / "singular")
        for path in folder.rglob(f"{name}.sql")
    )


def import_ctes(name: str) -> set[str]:
    return set(IMPORT_CTE.findall(source_path(name).read_text(encoding="utf-8")))


def materialized_ctes(connection, sql: str) -> set[str]:
    plan = connection.execute("explain " + sql).fetchall()[0][1]
    return set(MATERIALIZED_CTE.findall(plan))


def test_no_import_cte_is_materialized(compiled):
    copy, models = compiled
    assert len(models) >= 90, sorted(models)
    assert sum(name.startswith("assert_") for name in models) >= 13, sorted(models)
    connection = duckdb.connect(str(copy), read_only=True)
    try:
        offenders = {
            model: sorted(materialized_ctes(connection, sql) & import_ctes(model))
            for model, sql in sorted(models.items())
        }
    finally:
        connection.close()
    offenders = {model: ctes for model, ctes in offenders.items() if ctes}
    assert not offenders, (
        "import CTEs DuckDB would copy whole; write `<name> as {{ not_materialized() }} (`: "
        f"{offenders}"
    )


def assert_the_clause_decides(compiled, name: str, cte: str) -> None:
    """`cte` of `name` is an import CTE written with the clause, DuckDB does not materialise
    it, and it would without the clause."""
    copy, models = compiled
    sql = models[name]
    assert f"{cte} as not materialized (" in sql
    assert cte in import_ctes(name)
    connection = duckdb.connect(str(copy), read_only=True)
    try:
        assert cte not in materialized_ctes(connection, sql)
        plain = sql.replace(f"{cte} as not materialized (", f"{cte} as (")
        assert cte in materialized_ctes(connection, plain)
    finally:
        connection.close()


def test_without_the_clause_duckdb_materializes_the_import(compiled):
    """The check can fail: the screening model without the clause materialises `sightings`."""
    assert_the_clause_decides(compiled, "int_identifiers_screened", "sightings")


def test_a_singular_test_without_the_clause_materializes_the_import(compiled):
    """Singular tests are checked too: the components test's `identifiers` without the clause."""
    assert_the_clause_decides(compiled, "assert_identity_components_converged", "identifiers")
