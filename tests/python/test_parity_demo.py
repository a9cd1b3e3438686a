"""The demo warehouse is the same on DuckDB and on Spark, model by model.

`make test` builds both warehouses from the same demo data (`build`, then `test-spark`) and
sets DATONG_PARITY=1 for pytest; this test then runs `datong parity` on them, as a separate
process since Spark's Derby metastore admits one process at a time. Building the Spark
warehouse takes minutes, so pytest run on its own does not do it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT

BUILT_BY_MAKE_TEST = os.environ.get("DATONG_PARITY") == "1"


@pytest.mark.skipif(
    not BUILT_BY_MAKE_TEST, reason="both warehouses are built by `make test` (DATONG_PARITY=1)"
)
def test_duckdb_and_spark_warehouses_are_equal():
    duckdb_path = os.environ["DATONG_DUCKDB_PATH"]
    assert Path(duckdb_path).is_file(), f"no DuckDB warehouse at {duckdb_path}"
    assert Path(os.environ["DATONG_SPARK_DIR"], "metastore_db").is_dir(), "no Spark warehouse"
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "datong"), "parity", "--duckdb-path", duckdb_path],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800,
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    assert "0 difference(s)" in completed.stdout
