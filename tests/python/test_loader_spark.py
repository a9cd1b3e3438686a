"""The raw loader on Spark: a later, separate process sees the tables through the metastore.

Both the load and the read-back run as their own Python processes, as `datong load` and
`dbt` do, with the Spark settings of profiles/profiles.yml and a private DATONG_SPARK_DIR.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from conftest import REPO_ROOT, read_fixture_rows

from datong.contract import LINEAGE_COLUMNS, TABLES

READ_BACK = textwrap.dedent(
    """
    import json
    from datong.contract import TABLES
    from datong.spark_session import spark_session

    spark = spark_session()
    result = {}
    for table in TABLES:
        frame = spark.table(f"{table.schema}.{table.name}")
        rows = [list(row) for row in frame.orderBy("_row_number").collect()]
        result[table.qualified_name] = {
            "columns": [[f.name, f.dataType.simpleString()] for f in frame.schema.fields],
            "rows": rows,
        }
    spark.stop()
    print("RESULT " + json.dumps(result, ensure_ascii=False))
    """
)

LOAD = textwrap.dedent(
    """
    import argparse, sys
    from datong import loader

    parser = argparse.ArgumentParser()
    loader.add_arguments(parser)
    sys.exit(loader.run(parser.parse_args(sys.argv[1:])))
    """
)


def test_spark_tables_are_visible_to_a_new_process(raw_mini_dir, tmp_path):
    env = dict(
        os.environ,
        DATONG_SPARK_DIR=str(tmp_path / "spark"),
        DBT_PROFILES_DIR=str(REPO_ROOT / "profiles"),
    )
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD, "--raw-dir", str(raw_mini_dir), "--target", "spark"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert "loaded 14 tables" in loaded.stdout
    assert (tmp_path / "spark" / "metastore_db").is_dir()
    assert not (tmp_path / "spark" / "_loading").exists(), "scratch Parquet is removed"

    read = subprocess.run(
        [sys.executable, "-c", READ_BACK],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert read.returncode == 0, read.stderr[-3000:]
    line = next(line for line in read.stdout.splitlines() if line.startswith("RESULT "))
    tables = json.loads(line.removeprefix("RESULT "))
    for table in TABLES:
        seen = tables[table.qualified_name]
        expected_columns = [
            [name, "bigint" if name == "_row_number" else "string"]
            for name in table.columns + LINEAGE_COLUMNS
        ]
        assert seen["columns"] == expected_columns
        fixture = read_fixture_rows(raw_mini_dir, table)
        expected_rows = [
            row + [f"{table.source}/{table.name}.csv", number]
            for number, row in enumerate(fixture, start=1)
        ]
        assert seen["rows"] == expected_rows, table.qualified_name
