"""The benchmark's measuring tools: peak memory over a process tree, and dbt's model timings."""

from __future__ import annotations

import json
import os
import sys

import pytest

from datong.bench_identity import compiled_sql, measure_step, model_timings

# A child that starts a grandchild holding ~300 MiB for a moment: the peak must count the
# grandchild, which the direct child's own RSS never shows.
GRANDCHILD = (
    "import subprocess, sys; subprocess.run([sys.executable, '-c', "
    "\"b = bytearray(300 * 2**20); import time; time.sleep(1.0)\"], check=True)"
)


def test_peak_memory_includes_grandchildren(tmp_path):
    step = measure_step("grandchild", [sys.executable, "-c", GRANDCHILD], dict(os.environ),
                        tmp_path)
    assert step.peak_rss_mb > 250
    assert step.seconds >= 1.0


def test_a_failing_step_raises_with_its_log(tmp_path):
    command = [sys.executable, "-c", "print('boom'); raise SystemExit(3)"]
    with pytest.raises(RuntimeError, match="boom"):
        measure_step("failing", command, dict(os.environ), tmp_path)


def test_model_timings_read_models_only(tmp_path):
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": "model.datong.int_identity_edges_linked", "execution_time": 1.23456},
        {"unique_id": "test.datong.not_null_x", "execution_time": 9.0},
        {"unique_id": "model.datong.int_identifiers_resolved", "execution_time": 0.5},
    ]}))
    assert model_timings(tmp_path) == {
        "int_identity_edges_linked": 1.235,
        "int_identifiers_resolved": 0.5,
    }


def test_compiled_sql_is_the_model_not_a_unit_test_fixture(tmp_path):
    models = tmp_path / "compiled" / "datong" / "models" / "identity"
    (models / "int_other.yml").mkdir(parents=True)
    (models / "int_other.yml" / "int_components.sql").write_text("select 'fixture'")
    (models / "int_components.sql").write_text("select 'model'")
    assert compiled_sql(tmp_path, "int_components") == "select 'model'"
