"""Every mart with an enforced contract names its key, and dbt build asserts that key.

A mart's key is declared as `config: {meta: {primary_key: [...]}}`, not as a `primary_key`
constraint: DuckDB enforces such a constraint with an ART index that it rebuilds on every build
and writes into the warehouse (at 1M persons it cost more than the table itself, docs/scale.md,
"Primary keys: declared, asserted, not indexed"). What the constraint guaranteed is asserted
here to stay in the build: each key column is `not null` in the contract and carries the
`unique` and `not_null` data tests (a key of several columns, `unique_combination_of_columns`).
"""

from functools import cache

import pytest
import yaml

from warehouse import REPO


@cache
def contracted_models() -> dict[str, dict]:
    """{model name: its YAML entry} for every model whose contract is enforced."""
    models: dict[str, dict] = {}
    for path in sorted((REPO / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or []:
            contract = (model.get("config") or {}).get("contract") or {}
            if contract.get("enforced"):
                models[model["name"]] = model
    return models


def test_the_marts_have_enforced_contracts():
    # Sixteen marts are read by BI tools; a lost contract would silently skip these checks.
    names = contracted_models()
    assert len(names) >= 16, sorted(names)
    marts = {path.stem for path in (REPO / "models" / "marts").rglob("*.sql")}
    assert set(names) <= marts, sorted(set(names) - marts)


def _test_names(entries) -> set[str]:
    names = set()
    for entry in entries or []:
        names.add(entry if isinstance(entry, str) else next(iter(entry)))
    return names


@pytest.mark.parametrize("name", sorted(contracted_models()))
def test_a_contracted_model_declares_and_tests_its_key(name):
    model = contracted_models()[name]
    key = ((model.get("config") or {}).get("meta") or {}).get("primary_key")
    assert key and isinstance(key, list), f"{name}: no config.meta.primary_key"

    constraint_types = [c.get("type") for c in model.get("constraints") or []]
    columns = {column["name"]: column for column in model.get("columns") or []}
    for column in columns.values():
        constraint_types += [c.get("type") for c in column.get("constraints") or []]
    assert "primary_key" not in constraint_types, (
        f"{name}: a primary_key constraint is an index DuckDB rebuilds on every build; "
        "declare the key in config.meta.primary_key")

    for column_name in key:
        assert column_name in columns, f"{name}: key column {column_name} is not documented"
        column = columns[column_name]
        assert "not_null" in [c.get("type") for c in column.get("constraints") or []], (
            f"{name}.{column_name}: the contract does not make the key not null")
        assert "not_null" in _test_names(column.get("data_tests")), (
            f"{name}.{column_name}: no not_null test on the key")

    if len(key) == 1:
        assert "unique" in _test_names(columns[key[0]].get("data_tests")), (
            f"{name}.{key[0]}: no unique test on the key")
    else:
        combinations = [
            sorted(entry["unique_combination_of_columns"]["arguments"]["combination_of_columns"])
            for entry in model.get("data_tests") or []
            if isinstance(entry, dict) and "unique_combination_of_columns" in entry
        ]
        assert sorted(key) in combinations, f"{name}: no unique_combination_of_columns on {key}"
