"""A consent withdrawal takes effect in the next build.

Builds a small demo warehouse (2,000 persons) up to the consent gate and the marts it
guards, picks a customer whose `location` consent is in force and whose home district was
decided by their location shares, and
one on the marketing contact list, appends a withdrawal for each to the raw consents file
(on the phone or openid that decided their consent, a second after the grant), reloads and rebuilds
from the consents' staging onwards, and checks that both lost what the consent allowed.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse import BIN, REPO, dbt_env

GATED = ["dim_customers", "pii_customer_contacts"]
REBUILT = ["base_privacy__consents", "stg_privacy__consents", "int_privacy_consents_resolved",
           "int_customer_areas_located", *GATED]


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("withdrawal")
    env = dbt_env(workdir / "datong.duckdb", workdir)
    data = workdir / "demo"
    run([str(BIN / "datong"), "generate", "--persons", "2000", "--seed", "11",
         "--out", str(data)], env)
    run([str(BIN / "datong"), "load", "--raw-dir", str(data / "raw"), "--target", "dev"], env)
    run([str(BIN / "dbt"), "build", "--target", "dev", "--quiet",
         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
         "--select", *[f"+{model}" for model in GATED], "stg_pii__openid_contacts"], env)
    return workdir, data / "raw", env


def consented(con, purpose: str, condition: str) -> tuple[str, str, str, datetime]:
    """A customer whose `purpose` consent is in force, decided on a phone or an openid:
    (customer, subject type, its raw value from the pii area, when granted)."""
    row = con.execute(f"""
        with subjects as (
            select 'phone' as subject_type, phone_pseudonym as pseudonym, phone as raw_value
            from pii.stg_pii__phone_contacts
            union all
            select 'openid', openid_pseudonym, openid from pii.stg_pii__openid_contacts
        )
        select consents.customer_id, subjects.subject_type, subjects.raw_value,
            consents.decided_at
        from intermediate.int_privacy_consents_resolved as consents
        inner join staging.stg_privacy__consents as events
            on consents.deciding_consent_id = events.consent_id
        inner join subjects
            on events.subject_type = subjects.subject_type
            and events.subject_pseudonym = subjects.pseudonym
        inner join marts.dim_customers as customers
            on consents.customer_id = customers.customer_id
        where consents.purpose = ? and consents.is_granted and {condition}
        order by consents.customer_id
        limit 1
    """, [purpose]).fetchall()
    assert row, f"the demo data has a customer with a {purpose} consent in force"
    return row[0]


def test_withdrawal_takes_effect_in_the_next_build(small):
    workdir, raw, env = small
    con = duckdb.connect(str(workdir / "datong.duckdb"), read_only=True)
    try:
        located, located_type, located_value, located_at = consented(
            con, "location", "customers.home_district_source = 'location_share'")
        contacted, contacted_type, contacted_value, contacted_at = consented(
            con, "marketing",
            "customers.customer_id in (select customer_id from pii.pii_customer_contacts)")
    finally:
        con.close()

    consents_file = raw / "privacy" / "consents.parquet"
    table = pq.read_table(consents_file)
    withdrawals = pa.table({
        "subject_type": [located_type, contacted_type],
        "subject_value": [located_value, contacted_value],
        "purpose": ["location", "marketing"],
        "granted": ["false", "false"],
        "recorded_at": [(at + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
                        for at in (located_at, contacted_at)],
    }, schema=table.schema)
    pq.write_table(pa.concat_tables([table, withdrawals]), consents_file)

    run([str(BIN / "datong"), "load", "--raw-dir", str(raw), "--target", "dev"], env)
    # Cautious: only the tests of these models, not those of marts built on them elsewhere.
    run([str(BIN / "dbt"), "build", "--target", "dev", "--quiet",
         "--indirect-selection", "cautious", "--select", *REBUILT], env)

    con = duckdb.connect(str(workdir / "datong.duckdb"), read_only=True)
    try:
        # Without the consent the shares no longer count: the home region is gone, or comes
        # from what the customer gave to buy (deliveries, store visits).
        location = con.execute("""
            select has_location_consent, coalesce(home_district_source, 'none')
            from marts.dim_customers where customer_id = ?
        """, [located]).fetchall()
        assert location in ([(False, "none")], [(False, "delivery")], [(False, "store_visit")])
        assert con.execute("""
            select count(*) from intermediate.int_customer_areas_located
            where customer_id = ? and (home_street is not null or home_latitude is not null)
        """, [located]).fetchall() == [(0,)]
        marketing = con.execute(
            "select has_marketing_consent from marts.dim_customers where customer_id = ?",
            [contacted]).fetchall()
        assert marketing == [(False,)]
        assert con.execute(
            "select count(*) from pii.pii_customer_contacts where customer_id = ?",
            [contacted]).fetchall() == [(0,)]
        assert con.execute("""
            select count(*) from intermediate.int_privacy_consents_resolved
            where is_granted and (customer_id, purpose) in
                (select ?, 'location' union all select ?, 'marketing')
        """, [located, contacted]).fetchall() == [(0,)]
    finally:
        con.close()
