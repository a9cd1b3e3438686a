"""`datong bench` on a tiny run: the report has its parts, and its figures are real ones."""

from __future__ import annotations

import json

import pytest

from datong import bench
from datong.contract import TABLES

from conftest import parse_command, run_bench_command

PERSONS = 300


@pytest.fixture(scope="module")
def bench_report(tmp_path_factory):
    return run_bench_command(bench, "bench", tmp_path_factory, "--persons", str(PERSONS),
                             "--seed", "11", "--models-only")


def test_report_structure(bench_report):
    report = bench_report["json"]
    assert report["persons"] == PERSONS
    assert [step["name"] for step in report["steps"]] == ["generate", "load", "build"]
    for key in ("machine", "load_average_1m", "total_seconds", "peak_rss_mb", "build",
                "raw_rows", "manifest_rows", "warehouse_mb"):
        assert key in report
    assert report["build"]["failures"] == []
    assert set(report["build"]["layer_seconds"]) >= {"staging", "intermediate", "marts"}
    markdown = bench_report["markdown"]
    assert f"# Build benchmark: {PERSONS:,} persons" in markdown
    assert "| build |" in markdown
    slowest = next(iter(report["build"]["model_seconds"]))
    assert f"| {slowest} |" in markdown


def test_raw_rows_equal_the_generator_manifest(bench_report):
    report = bench_report["json"]
    manifest = json.loads((bench_report["workdir"] / "data" / "truth" / "manifest.json")
                          .read_text())
    assert report["raw_rows"] == manifest["rows"]
    assert set(report["raw_rows"]) == {table.qualified_name for table in TABLES}
    assert report["raw_rows_match_manifest"] is True
    assert report["raw_rows"]["ecommerce.orders"] > 0


def test_model_times_fit_in_the_build(bench_report):
    report = bench_report["json"]
    build = report["build"]
    step_seconds = {step["name"]: step["seconds"] for step in report["steps"]}
    # Every model was built and timed, inside the build step's wall clock.
    run_results = json.loads((bench_report["workdir"] / "target" / "run_results.json")
                             .read_text())
    models = [r for r in run_results["results"] if r["unique_id"].startswith("model.")]
    assert len(build["model_seconds"]) == len(models) > 40
    assert build["nodes_timed_inside_build"] == build["nodes_timed"] > len(models)
    assert all(seconds > 0 for seconds in build["model_seconds"].values())
    # dbt runs up to `threads` models at once: their own times cannot add up to more.
    threads = report["machine"]["dbt_threads"]
    assert 0 < build["model_seconds_total"] <= threads * build["seconds"]
    assert build["seconds"] == step_seconds["build"]
    assert sum(step_seconds.values()) <= report["total_seconds"] + 0.5
    # The slowest model first.
    seconds = list(build["model_seconds"].values())
    assert seconds == sorted(seconds, reverse=True)


def test_peak_memory_is_the_largest_step(bench_report):
    report = bench_report["json"]
    peaks = [step["peak_rss_mb"] for step in report["steps"]]
    # dbt with DuckDB needs well over 100 MiB; a sampler that saw nothing would report 0.
    assert min(peaks) > 50
    assert report["peak_rss_mb"] == max(peaks)


def test_cpu_time_is_measured(bench_report):
    report = bench_report["json"]
    for step in report["steps"]:
        # Work was done, and no more than every core busy for the whole step.
        assert 0 < step["cpu_seconds"] <= report["machine"]["cpus"] * step["seconds"] + 1.0


@pytest.mark.parametrize("flags, expected", [
    ([], []),
    (["--without-unit-tests"], ["--exclude-resource-type", "unit_test"]),
    (["--models-only"], ["--resource-type", "model", "--resource-type", "seed"]),
])
def test_the_build_command_selects_what_the_flags_say(flags, expected):
    args = parse_command(bench, "--persons", "10", *flags)
    command = bench.dbt_build_command(args, "dbt")
    assert command == ["dbt", "build", "--target", "dev", "--quiet", *expected]
