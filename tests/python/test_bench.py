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


def test_a_small_build_never_spills(bench_report):
    # 300 persons fit many times over in DuckDB's memory limit: a sampler that reported a
    # spill here would be reading the wrong directory or files DuckDB did not write.
    report = bench_report["json"]
    assert report["spill_peak_mb"] == 0
    assert report["spilling_nodes"] == {}
    assert "it never grew during a node" in bench_report["markdown"]


def test_the_spill_sampler_sees_files_come_and_go(tmp_path):
    spill_dir = tmp_path / "datong.duckdb.tmp"
    with bench.SpillSampler(spill_dir, interval=0.02) as spill:
        for _ in range(100):  # a first reading before the directory exists
            if spill.samples:
                break
            spill._stop.wait(0.02)
        spill_dir.mkdir()
        (spill_dir / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 2**20)
        (spill_dir / "nested").mkdir()
        (spill_dir / "nested" / "block.tmp").write_bytes(b"\0" * 2**20)
        for _ in range(100):  # until a reading saw both files
            if spill.samples and spill.samples[-1][1] >= 2**21:
                break
            spill._stop.wait(0.02)
        for path in (spill_dir / "duckdb_temp_storage-0.tmp", spill_dir / "nested" / "block.tmp"):
            path.unlink()
    assert spill.peak_mb() == 2.0
    assert spill.samples[0][1] == 0  # before the directory existed
    assert spill.samples[-1][1] == 0  # after the files were removed


def test_the_spill_sampler_reads_on_when_duckdb_removes_its_directory(tmp_path, monkeypatch):
    # DuckDB removes `<file>.tmp` when it no longer spills, possibly between the check that
    # the directory exists and its listing: that reading counts what it listed, and the
    # sampler goes on reading.
    spill_dir = tmp_path / "datong.duckdb.tmp"
    spill_dir.mkdir()
    (spill_dir / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 2**20)
    listed = bench.Path.glob

    def removed_while_listed(self, pattern):
        yield from listed(self, pattern)
        raise FileNotFoundError(2, "No such file or directory", str(self))

    monkeypatch.setattr(bench.Path, "glob", removed_while_listed)
    with bench.SpillSampler(spill_dir, interval=0.02) as spill:
        for _ in range(100):  # until several readings were taken
            if len(spill.samples) >= 3:
                break
            spill._stop.wait(0.02)
    assert len(spill.samples) >= 3
    assert all(value == 2**20 for _, value in spill.samples)


def test_a_sampler_that_stops_reading_fails_the_run():
    class Broken(bench.PeriodicSampler):
        def read(self) -> float:
            if self.samples:
                raise OSError("unreadable")
            return 1.0

    with pytest.raises(RuntimeError, match="Broken stopped reading"):
        with Broken(interval=0.01) as sampler:
            sampler._stop.wait(0.1)


def test_spilling_nodes_are_those_running_while_the_directory_grew():
    mib = 2**20
    samples = [(0.0, 0.0), (1.0, 0.0), (2.0, 10 * mib), (3.0, 10 * mib), (4.0, 30 * mib),
               (5.0, 30 * mib), (6.0, 5 * mib), (7.0, 25 * mib)]
    nodes = [
        {"name": "before", "started_at": 0.0, "completed_at": 1.5},
        {"name": "grower", "started_at": 1.5, "completed_at": 4.5},
        {"name": "beside", "started_at": 3.5, "completed_at": 4.2},
        {"name": "kept_file", "started_at": 4.6, "completed_at": 5.5},
        {"name": "after_shrink", "started_at": 5.8, "completed_at": 7.2},
        {"name": "unit", "started_at": None, "completed_at": None},
    ]
    # The spill left behind by a query (30 MiB at 5 s) names no one; a shrink is no growth.
    assert bench.spilling_nodes(samples, nodes) == {"grower": 20.0, "after_shrink": 20.0}


def test_the_spill_sampler_sees_duckdb_spill(tmp_path):
    # A sort larger than a small memory limit: DuckDB writes the excess to `<file>.tmp`, the
    # directory the bench watches beside the warehouse.
    import duckdb

    database = tmp_path / "datong.duckdb"
    connection = duckdb.connect(str(database))
    connection.execute("set memory_limit = '64MB'; set threads = 1")
    with bench.SpillSampler(database.with_suffix(".duckdb.tmp"), interval=0.02) as spill:
        started = bench.time.time()
        connection.execute(
            "create table sorted as select i, md5(i::varchar) as h from range(3000000) t(i) "
            "order by h")
        completed = bench.time.time()
    connection.close()
    assert spill.peak_mb() > 10
    node = {"name": "sorted", "started_at": started, "completed_at": completed}
    assert bench.spilling_nodes(spill.samples, [node])["sorted"] > 10
