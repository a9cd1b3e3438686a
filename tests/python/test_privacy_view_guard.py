"""`pseudonymize` refuses to compile inside a view.

A view keeps its SQL in the catalogue; on Spark that SQL holds the pseudonym key, which Spark
substitutes for `${env:DATONG_PSEUDONYM_KEY}` when it parses the view's definition. The
macro raises a compiler error when the model calling it is materialized as a view. Proven on
a scratch project made of the repository's `dbt_project.yml` and macros and two one-line
models, compiled on DuckDB (nothing is run).
"""

from __future__ import annotations

import subprocess

import pytest

from warehouse import BIN, dbt_env, scratch_project

PSEUDONYMIZED = "select {{ pseudonymize(\"'13800138000'\") }} as phone_pseudonym\n"


@pytest.fixture(scope="module")
def guard_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("view_guard")
    scratch_project(root, {
        "guard_in_view.sql": "{{ config(materialized='view') }}\n" + PSEUDONYMIZED,
        "guard_in_table.sql": "{{ config(materialized='table') }}\n" + PSEUDONYMIZED,
    })
    return root


def compile_model(root, name: str) -> subprocess.CompletedProcess:
    env = dbt_env(root / "scratch.duckdb", root, profiles_dir=root / "profiles")
    return subprocess.run(
        [str(BIN / "dbt"), "compile", "--target", "dev", "--select", name],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def test_pseudonymize_in_a_view_fails_to_compile(guard_project):
    result = compile_model(guard_project, "guard_in_view")
    assert result.returncode != 0
    assert "pseudonymize() in guard_in_view, materialized as view" in result.stdout


def test_pseudonymize_in_a_table_compiles(guard_project):
    result = compile_model(guard_project, "guard_in_table")
    assert result.returncode == 0, result.stdout[-3000:]
    compiled = next((guard_project / "target" / "compiled").rglob("guard_in_table.sql"))
    assert "getvariable('datong_hmac_outer')" in compiled.read_text(encoding="utf-8")
