"""`datong bench-day` on a tiny run: one night on top of the history, two checkouts side by
side, and the figures it reports are taken from real builds."""

from __future__ import annotations

import json
import statistics
import sys
import textwrap

import pytest

from datong import bench_day
from datong.bench_identity import REPO

from conftest import parse_command, run_bench_command

PERSONS = 300
ROUNDS = 2


@pytest.fixture(scope="module")
def night_report(tmp_path_factory):
    # This checkout against itself: the side-by-side path without a second clone.
    return run_bench_command(bench_day, "bench_day", tmp_path_factory, "--persons", str(PERSONS),
                             "--seed", "11", "--models-only", "--baseline-dir", str(REPO),
                             "--rounds", str(ROUNDS))


def test_the_batches_together_are_the_whole_data(night_report):
    report = night_report["json"]
    batches = report["batches"]
    assert list(batches) == ["batch_001", "batch_002"]
    # The night is a small part of the data, and nothing is lost in the cut.
    assert 0 < batches["batch_002"] < batches["batch_001"] / 10
    assert sum(batches.values()) == sum(report["manifest_rows"].values())
    for checkout in report["checkouts"]:
        assert checkout["raw_rows_before_night"] == report["manifest_rows"]
        assert checkout["raw_rows_match_manifest"] is True


def test_checkouts_alternate_from_the_same_copy(night_report):
    report = night_report["json"]
    checkouts = report["checkouts"]
    assert [c["label"] for c in checkouts] == ["baseline", "candidate"]
    nights = sorted(((night["started_at"], c["label"]) for c in checkouts
                     for night in c["nights"]))
    assert [label for _, label in nights] == ["baseline", "candidate"] * ROUNDS
    for checkout in checkouts:
        # The kept warehouse is the state before the night: no night wrote to it.
        kept = night_report["workdir"] / checkout["label"] / "before_night.duckdb"
        assert kept.stat().st_mtime <= min(n["started_at"] for n in checkout["nights"])
        assert not (night_report["workdir"] / checkout["label"] / "night.duckdb").exists()


def test_every_model_is_built_and_timed_each_night(night_report):
    report = night_report["json"]
    for checkout in report["checkouts"]:
        history = checkout["history_build"]
        assert history["failures"] == []
        assert len(history["model_seconds"]) > 40
        for night in checkout["nights"]:
            assert night["failures"] == []
            assert set(night["model_seconds"]) == set(history["model_seconds"])
            assert night["nodes_timed_inside_build"] == night["nodes_timed"] > 40
            threads = report["machine"]["dbt_threads"]
            assert 0 < night["model_seconds_total"] <= threads * night["seconds"]
            assert 0 < night["cpu_seconds"] <= report["machine"]["cpus"] * night["seconds"] + 1
            assert night["peak_rss_mb"] > 50
            # 300 persons fit in DuckDB's memory many times over.
            assert night["spill_peak_mb"] == 0
            assert night["spilling_nodes"] == {}
        median = checkout["night_median_seconds"]
        assert min(n["seconds"] for n in checkout["nights"]) <= median <= max(
            n["seconds"] for n in checkout["nights"])
        assert checkout["night_share_of_history"] == pytest.approx(
            median / history["seconds"], abs=1e-3)


def test_the_markdown_shows_both_checkouts(night_report):
    markdown = night_report["markdown"]
    assert f"one day on top of the history, {PERSONS:,} persons" in markdown
    assert "| | baseline (" in markdown and "| candidate (" in markdown
    assert "| night build, median wall (s) |" in markdown
    assert "| DuckDB's spill, night (MiB, largest round) | 0 | 0 |" in markdown
    assert "Nodes of the candidate that ran while DuckDB's spill grew" in markdown
    nights = night_report["json"]["checkouts"][-1]["nights"]
    slowest = max(nights[0]["model_seconds"], key=lambda name: sorted(
        night["model_seconds"][name] for night in nights)[(len(nights) - 1) // 2])
    assert f"| {slowest} |" in markdown


@pytest.mark.parametrize("flags, selection", [
    ([], ["--exclude-resource-type", "unit_test"]),
    (["--models-only"], ["--resource-type", "model", "--resource-type", "seed"]),
])
def test_the_history_is_built_in_full_and_the_night_as_make_build_batch(flags, selection):
    args = parse_command(bench_day, "--persons", "10", *flags)
    history, night = bench_day.build_commands(args, "dbt")
    assert history == ["dbt", "build", "--target", "dev", "--quiet", "--full-refresh",
                       *selection]
    assert night == ["dbt", "build", "--target", "dev", "--quiet", *selection]


# Stands in for `dbt build`: one model runs 1.2 s and, half-way, DuckDB spills 2 MiB into the
# night warehouse's spill directory; then the run's artifacts are written as dbt writes them.
FAKE_BUILD = textwrap.dedent("""
    import json, sys, time
    from datetime import datetime, timezone
    from pathlib import Path
    spill_dir, target = Path(sys.argv[1]), Path(sys.argv[2])
    def stamp():
        return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    started = stamp()
    time.sleep(0.6)
    spill_dir.mkdir(exist_ok=True)
    (spill_dir / "duckdb_temp_storage-0.tmp").write_bytes(bytes(2 ** 21))
    time.sleep(0.6)
    completed = stamp()
    target.mkdir(exist_ok=True)
    node = "model.datong.fct_spilling"
    (target / "run_results.json").write_text(json.dumps({"results": [{
        "unique_id": node, "status": "success", "execution_time": 1.2,
        "timing": [{"name": "execute", "started_at": started, "completed_at": completed}]}]}))
    (target / "manifest.json").write_text(json.dumps({"nodes": {node: {
        "name": "fct_spilling", "fqn": ["datong", "marts", "fct_spilling"]}}}))
""")


def test_a_night_reports_the_spill_of_its_own_warehouse(tmp_path):
    checkout = bench_day.Checkout("candidate", REPO, tmp_path)
    warehouse = checkout.dir / "night.duckdb"
    spill_dir = warehouse.with_suffix(".duckdb.tmp")
    # A spill file left by an earlier run is not this night's: it is cleared first.
    spill_dir.mkdir(parents=True)
    (spill_dir / "stale.tmp").write_bytes(bytes(2 ** 22))
    night = bench_day.measure_build("night_1", [sys.executable, "-c", FAKE_BUILD,
                                                str(spill_dir), str(checkout.target)],
                                    checkout, warehouse)
    assert night["spill_peak_mb"] == 2.0
    assert night["spilling_nodes"] == {"fct_spilling": 2.0}
    assert json.loads((checkout.target / "run_results.json").read_text())["results"]


def test_the_large_facts_are_timed_apart_each_night(night_report):
    report = night_report["json"]
    for checkout in report["checkouts"]:
        for night in checkout["nights"]:
            facts = night["facts"]
            assert facts["models"] == len(bench_day.FACT_MODELS)
            assert facts["model_seconds"] == pytest.approx(sum(
                night["model_seconds"][name] for name in bench_day.FACT_MODELS), abs=1e-3)
            assert 0 < facts["model_seconds"] < night["model_seconds_total"]
            # `--models-only`: no data test ran.
            assert facts["tests"] == 0 and facts["test_seconds"] == 0
    assert "| large facts' batch: models, dbt's time summed (s, median) |" in \
        night_report["markdown"]


def test_a_facts_test_reads_only_the_facts_and_what_comes_before_the_marts():
    def node(kind, name, seconds, layer=None, reads=()):
        return {"kind": kind, "name": name, "seconds": seconds, "layer": layer,
                "reads": list(reads)}

    nodes = [
        node("model", "stg_ecommerce__orders", 1.0, "staging"),
        node("model", "int_identity_records_resolved", 5.0, "intermediate"),
        node("model", "fct_orders", 2.0, "marts"),
        node("model", "dim_customers", 7.0, "marts"),
        node("test", "unique_fct_orders_order_id", 0.5, reads=["fct_orders"]),
        node("test", "customer_missing_only_when_erased", 0.25,
             reads=["fct_orders", "int_identity_records_resolved"]),
        node("test", "acquisitions_reconcile", 3.0, reads=["fct_orders", "dim_customers"]),
        node("test", "unique_dim_customers_customer_id", 3.0, reads=["dim_customers"]),
    ]
    assert bench_day.fact_seconds(nodes) == {
        "models": 2, "model_seconds": 3.0, "tests": 2, "test_seconds": 0.75,
        "test_names": ["customer_missing_only_when_erased", "unique_fct_orders_order_id"]}


def test_the_night_apart_builds_every_model_once_in_order(night_report):
    report = night_report["json"]
    for checkout in report["checkouts"]:
        manifest = json.loads((night_report["workdir"] / checkout["label"] / "target"
                               / "manifest.json").read_text())
        parents = {node["name"]: {p.split(".")[-1] for p in node["depends_on"]["nodes"]
                                  if p.startswith("model.")}
                   for node in manifest["nodes"].values() if node["resource_type"] == "model"}
        for apart, night in zip(checkout["apart"], checkout["nights"], strict=True):
            assert apart["failures"] == []
            # The apart round starts after the whole night of its round, from its own copy.
            assert apart["started_at"] > night["started_at"] + night["seconds"]
            stages = [set(stage["model_seconds"]) for stage in apart["stages"]]
            assert [s["stage"] for s in apart["stages"]] == [
                "upstream of the facts' staging", "facts' staging",
                "upstream of the fact tables", "fact tables", "the night's other models"]
            # Disjoint, together the night's models, and a model's parents come before it.
            assert sum(len(models) for models in stages) == len(set().union(*stages))
            assert set().union(*stages) == set(night["model_seconds"])
            built: set[str] = set()
            for models in stages:
                for model in models:
                    assert parents[model] <= built | models, model
                built |= models
            counted = [s for s in apart["stages"] if s["counted"]]
            assert set().union(*(s["model_seconds"] for s in counted)) == set(
                bench_day.FACT_MODELS)
            assert apart["facts_wall_seconds"] == pytest.approx(
                sum(s["seconds"] for s in counted), abs=1e-3)
            # `--models-only`: the facts' data tests are not run apart either.
            assert apart["facts_tests_wall_seconds"] is None and apart["facts_tests_run"] == 0
            assert apart["fact_tables"] == night["fact_tables"]
            assert all(rows > 0 for rows, _ in night["fact_tables"].values())
        assert checkout["apart_fact_tables_match_night"] is True
        assert checkout["apart_facts_median_seconds"] == pytest.approx(statistics.median(
            a["facts_wall_seconds"] for a in checkout["apart"]), abs=1e-3)
    assert "| large facts apart, median wall (s) |" in night_report["markdown"]
    assert "| fact tables apart equal the whole night's | yes | yes |" in night_report["markdown"]


def test_the_facts_data_tests_run_apart_by_name():
    stages = bench_day.apart_stages("dbt", ["not_null_fct_orders_order_id", "orders_reconcile"])
    name, counted, command = stages[-1]
    assert (name, counted) == ("facts' data tests", False)
    assert command[:2] == ["dbt", "test"]
    assert command[command.index("-s") + 1:] == ["not_null_fct_orders_order_id",
                                                 "orders_reconcile"]
    assert [s[0] for s in bench_day.apart_stages("dbt", [])][-1] == "the night's other models"


def test_a_fact_fingerprint_ignores_order_and_built_at_but_not_values(tmp_path):
    import duckdb

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        for table in bench_day.FACT_TABLES:
            con.execute(f"create table marts.{table} as select * from (values "
                        "('a', 1.50::decimal(18, 2), now()), ('b', null, now())) "
                        "as t(order_id, amount, _built_at)")
    before = bench_day.fact_fingerprints(path)
    assert {rows for rows, _ in before.values()} == {2}
    with duckdb.connect(str(path)) as con:
        # Written again in another order, at another time: the same rows.
        con.execute("create or replace table marts.fct_orders as select order_id, amount, "
                    "now() + interval 1 day as _built_at from marts.fct_orders "
                    "order by order_id desc")
    assert bench_day.fact_fingerprints(path) == before
    with duckdb.connect(str(path)) as con:
        con.execute("update marts.fct_order_lines set amount = 1.51 where order_id = 'a'")
    after = bench_day.fact_fingerprints(path)
    assert after["fct_order_lines"] != before["fct_order_lines"]
    assert after["fct_orders"] == before["fct_orders"]


@pytest.fixture(scope="module")
def tested_night_report(tmp_path_factory):
    # One checkout, one round, data tests on: the facts' tests are run apart by name.
    return run_bench_command(bench_day, "bench_day", tmp_path_factory, "--persons", str(PERSONS),
                             "--seed", "11", "--rounds", "1")


def test_the_facts_data_tests_run_apart_are_the_nights(tested_night_report):
    (checkout,) = tested_night_report["json"]["checkouts"]
    (night,), (apart,) = checkout["nights"], checkout["apart"]
    assert night["failures"] == [] and apart["failures"] == []
    facts = night["facts"]
    # Reconciliations, relationships with `dim_customers`, keys: the facts' tests are many.
    assert facts["tests"] == len(facts["test_names"]) > 100
    assert "assert_order_lines_reconcile_to_fct_orders" in facts["test_names"]
    assert "relationships_fct_orders_customer_id__customer_id__ref_dim_customers_" in \
        facts["test_names"]
    # Two tests may share a name; selected by name, both run, as in the night.
    assert apart["facts_tests_run"] == facts["tests"]
    assert apart["stages"][-1]["stage"] == "facts' data tests"
    assert apart["facts_tests_wall_seconds"] == apart["stages"][-1]["seconds"] > 0
    assert apart["fact_tables"] == night["fact_tables"]
    assert f"({facts['tests']})" in tested_night_report["markdown"]
