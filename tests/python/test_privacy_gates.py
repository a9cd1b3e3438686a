"""Erasure and consent gates, checked over the whole built warehouse against the demo truth.

Erasure: the generator writes `privacy.erasure_requests` for persons it flags
`erasure_requested` in truth/persons.parquet. For every request, the customers holding the
requested identifier (or, for a phone, its platform-masked form) are gone from every
per-person relation of `marts` and `pii`, none of their identifier pseudonyms appears in any
mart, their orders are still in fct_orders without a customer, and revenue is unchanged.

Consent: every model tagged `meta: {privacy: <purpose>}` in its YAML (docs/privacy.md) holds,
for customers without that consent in force, no row (model tag only) or nulls in the tagged
columns (column tags).
"""

from __future__ import annotations

import re
import unicodedata

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import yaml

from datong.pseudonym import key_from_environment, pseudonym
from warehouse import REPO, demo_warehouse_from_env_or_build

PURPOSES = ("location", "profiling", "marketing")
PER_PERSON_SCHEMAS = ("marts", "pii")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_warehouse_from_env_or_build(tmp_path_factory)


@pytest.fixture(scope="module")
def con(demo):
    connection = duckdb.connect(str(demo.duckdb_path), read_only=True)
    yield connection
    connection.close()


def relations_with_column(con, column: str) -> list[tuple[str, str]]:
    """Relations of the marts and the restricted contact lists that have `column`."""
    return con.execute(
        "select table_schema, table_name from information_schema.columns "
        "where column_name = ? and (table_schema = 'marts' "
        "or (table_schema = 'pii' and table_name like 'pii\\_%' escape '\\')) "
        "order by 1, 2",
        [column],
    ).fetchall()


def mart_string_columns(con) -> list[tuple[str, str, str]]:
    return con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and (table_schema = 'marts' "
        "or (table_schema = 'pii' and table_name like 'pii\\_%' escape '\\')) "
        "order by 1, 2, 3"
    ).fetchall()


def values_found(con, values: set[str]) -> list[tuple[str, str, str, str]]:
    """(schema, relation, column, value) where a value, or a `:`-part of one, is in `values`."""
    if not values:
        return []
    con.register("sought", pa.table({"value": sorted(values)}))
    hits = []
    try:
        for schema, relation, column in mart_string_columns(con):
            rows = con.execute(f"""
                with cells as (
                    select distinct "{column}" as cell from "{schema}"."{relation}"
                ),
                parts as (
                    select cell as part from cells
                    union
                    select unnest(string_split(cell, ':')) as part from cells
                )
                select parts.part from parts inner join sought on parts.part = sought.value
                limit 3
            """).fetchall()
            hits.extend((schema, relation, column, value) for (value,) in rows)
    finally:
        con.unregister("sought")
    return hits


@pytest.fixture(scope="module")
def requested(con):
    """Per request: the (identifier_type, pseudonym) pairs it names, the mask included."""
    key = key_from_environment(allow_development_key=True)
    # The raw request, read apart from the privacy models (the pii area drops erased numbers).
    rows = con.execute("""
        select requests.erasure_request_id, requests.subject_type, requests.subject_pseudonym,
            raw.subject_value
        from staging.stg_privacy__erasure_requests as requests
        inner join raw_privacy.erasure_requests as raw
            on requests._source_file = raw._source_file
            and requests._row_number = raw._row_number
    """).fetchall()
    subjects: dict[str, set[tuple[str, str]]] = {}
    for request_id, subject_type, subject_pseudonym, raw_value in rows:
        names = subjects.setdefault(request_id, set())
        names.add((subject_type, subject_pseudonym))
        if subject_type == "phone":
            digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", raw_value))
            phone = re.sub(r"^(0086|86)(?=1[0-9]{10}$)", "", digits)
            # The number as staging normalised it: its pseudonym is the request's.
            assert pseudonym(phone, key) == subject_pseudonym, raw_value
            names.add(("masked_phone", pseudonym(f"{phone[:3]}****{phone[7:]}", key)))
    assert subjects, "the demo data has erasure requests"
    return subjects


@pytest.fixture(scope="module")
def erased(con, requested) -> set[str]:
    """Customers holding an identifier a request names, found without the privacy models."""
    pairs = {pair for names in requested.values() for pair in names}
    con.register("requested_pairs", pa.table({
        "identifier_type": [t for t, _ in pairs], "identifier_value": [v for _, v in pairs],
    }))
    try:
        return {
            customer for (customer,) in con.execute("""
                select distinct identifiers.customer_id
                from intermediate.int_identifiers_resolved as identifiers
                inner join requested_pairs
                    on identifiers.identifier_type = requested_pairs.identifier_type
                    and identifiers.identifier_value = requested_pairs.identifier_value
                where identifiers.customer_id is not null
            """).fetchall()
        }
    finally:
        con.unregister("requested_pairs")


def test_masked_form_of_a_phone_is_the_one_staging_pseudonymises(con):
    """The erasure gate masks a requested phone as `138****1234` and pseudonymises that; the
    platforms' masked phones must be staged in the same form for the two to meet."""
    key = key_from_environment(allow_development_key=True)
    rows = con.execute("""
        select trim(raw.receiver_phone), staged.receiver_phone_masked_pseudonym
        from raw_ecommerce.orders as raw
        inner join staging.stg_ecommerce__orders as staged
            on staged.order_id = trim(raw.platform) || ':' || trim(raw.order_id)
        where regexp_full_match(trim(raw.receiver_phone), '1[3-9][0-9][*]{4}[0-9]{4}')
        limit 200
    """).fetchall()
    assert rows
    for masked, staged in rows:
        assert pseudonym(masked, key) == staged, masked


def test_erasure_gate_lists_exactly_the_requested_customers(con, erased):
    modelled = {c for (c,) in con.sql(
        "select customer_id from intermediate.int_privacy_erasures_resolved").fetchall()}
    assert erased and modelled == erased


def test_erased_customers_are_in_no_per_person_relation(con, erased):
    relations = relations_with_column(con, "customer_id")
    names = {name for _, name in relations}
    assert {"dim_customers", "bdg_customer_identifiers", "fct_orders",
            "pii_customer_contacts"} <= names
    con.register("erased", pa.table({"customer_id": sorted(erased)}))
    try:
        for schema, relation in relations:
            found = con.execute(
                f'select count(*) from "{schema}"."{relation}" '
                "where customer_id in (select customer_id from erased)"
            ).fetchall()[0][0]
            assert found == 0, (schema, relation, found)
    finally:
        con.unregister("erased")


def test_erased_customers_identifier_pseudonyms_appear_in_no_mart(con, erased):
    con.register("erased", pa.table({"customer_id": sorted(erased)}))
    try:
        pseudonyms = {v for (v,) in con.execute(
            "select identifier_value from intermediate.int_identifiers_resolved "
            "where customer_id in (select customer_id from erased)").fetchall()}
        assert len(pseudonyms) >= len(erased)
        assert values_found(con, pseudonyms) == []
        # Their survey answers: responses given with one of their phones or a requested phone.
        responses = con.execute("""
            select response_id, respondent_phone_pseudonym
            from staging.stg_survey__responses
            where respondent_phone_pseudonym in (
                select identifier_value from intermediate.int_identifiers_resolved
                where identifier_type = 'phone'
                    and customer_id in (select customer_id from erased)
                union all
                select subject_pseudonym from staging.stg_privacy__erasure_requests
                where subject_type = 'phone'
            )
        """).fetchall()
    finally:
        con.unregister("erased")
    answers = {value for row in responses for value in row}
    print(f"\nerasure: {len(pseudonyms)} identifiers of erased customers, "
          f"{len(responses)} survey answers given with their phones")
    assert values_found(con, answers) == []


def test_erased_customers_orders_stay_as_anonymous_sales(con, erased):
    con.register("erased", pa.table({"customer_id": sorted(erased)}))
    try:
        kept, with_customer, revenue = con.execute("""
            select count(*), count(orders.customer_id), sum(orders.net_amount)
            from intermediate.int_identity_records_resolved as records
            inner join marts.fct_orders as orders
                on (records.source_model = 'stg_ecommerce__orders'
                    and orders.order_id = records.source_record_id)
                or (records.source_model = 'stg_pos__receipts'
                    and orders.pos_receipt_id = records.source_record_id)
            where records.customer_id in (select customer_id from erased)
        """).fetchall()[0]
    finally:
        con.unregister("erased")
    assert kept > 0 and with_customer == 0 and revenue != 0
    staged, mart = con.execute("""
        select
            (select sum(case when paid_at is not null
                        then paid_amount - coalesce(refund_amount, 0) else 0 end)
             from staging.stg_ecommerce__orders)
            + (select sum(paid_amount) from staging.stg_pos__receipts),
            (select sum(net_amount) from marts.fct_orders)
    """).fetchall()[0]
    assert staged == mart


def test_erasure_reaches_every_truth_customer_it_can_identify(con, demo, requested, erased):
    """Against the truth: every customer holding an erased person's order or receipt is
    erased, except customers that carry none of the requested identifiers (full or masked),
    which nothing in the warehouse ties to the request (an identity split, or a phone that
    appears only in the request)."""
    truth = Path(demo.truth_dir)
    rows = con.execute(f"""
        with persons as (
            select person_id from read_parquet('{truth / "persons.parquet"}')
            where erasure_requested
        ),
        records as (
            select
                case when "table" = 'ecommerce.orders'
                    then split_part(record_id, '|', 1) || ':'
                        || substr(record_id, length(split_part(record_id, '|', 1)) + 2)
                    else record_id end as source_record_id,
                person_id
            from read_parquet('{truth / "record_persons.parquet"}')
            where "table" in ('ecommerce.orders', 'pos.receipts')
                and person_id in (select person_id from persons)
        )
        select distinct records.person_id, resolved.customer_id
        from records
        inner join intermediate.int_identity_records_resolved as resolved
            on records.source_record_id = resolved.source_record_id
            and resolved.source_model in ('stg_ecommerce__orders', 'stg_pos__receipts')
        where resolved.customer_id is not null
    """).fetchall()
    persons = con.execute(
        f"select count(*) from read_parquet('{truth / 'persons.parquet'}') "
        "where erasure_requested").fetchall()[0][0]
    assert persons == len(requested)
    missed = {customer for _, customer in rows if customer not in erased}
    pairs = {pair for names in requested.values() for pair in names}
    for customer in missed:
        held = set(con.execute(
            "select identifier_type, identifier_value from intermediate.int_identifiers_resolved "
            "where customer_id = ?", [customer]).fetchall())
        assert not held & pairs, customer
    reached = {person for person, customer in rows if customer in erased}
    print(f"\nerasure: {persons} requests, {len(erased)} customers erased; "
          f"{len(reached)} of {len({p for p, _ in rows})} erased persons with purchases reached; "
          f"{len(missed)} customers of theirs carry no requested identifier")
    assert len(reached) >= len({p for p, _ in rows}) - len(missed)


def tagged_models() -> dict[str, dict[str, list[str]]]:
    """{model: {purpose: [tagged columns]}} from every model YAML's `meta: {privacy: ...}`."""
    tags: dict[str, dict[str, list[str]]] = {}
    for path in sorted((REPO / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or []:
            meta = {**(model.get("meta") or {}), **((model.get("config") or {}).get("meta") or {})}
            purposes = meta.get("privacy") or []
            purposes = [purposes] if isinstance(purposes, str) else list(purposes)
            columns: dict[str, list[str]] = {purpose: [] for purpose in purposes}
            for column in model.get("columns") or []:
                column_meta = {**(column.get("meta") or {}),
                               **((column.get("config") or {}).get("meta") or {})}
                column_purposes = column_meta.get("privacy") or []
                if isinstance(column_purposes, str):
                    column_purposes = [column_purposes]
                for purpose in column_purposes:
                    columns.setdefault(purpose, []).append(column["name"])
            if columns:
                tags[model["name"]] = columns
    return tags


def test_privacy_tags_name_known_purposes():
    tags = tagged_models()
    assert tags.get("int_customer_areas_located", {}).get("location") == [
        "home_street", "home_latitude", "home_longitude"]
    assert "marketing" in tags.get("pii_customer_contacts", {})
    for model, purposes in tags.items():
        assert set(purposes) <= set(PURPOSES), model


def test_no_row_of_a_customer_without_consent_carries_gated_data(con):
    tags = tagged_models()
    # Tagged models wherever they are built (marts, pii, intermediate), if they have customers.
    placed = {name: schema for schema, name in con.execute(
        "select table_schema, table_name from information_schema.columns "
        "where column_name = 'customer_id' "
        "and table_schema in ('marts', 'pii', 'intermediate')").fetchall()}
    checked = []
    for model, purposes in tags.items():
        if model not in placed:
            continue
        for purpose, columns in purposes.items():
            carried = " or ".join(f'gated."{c}" is not null' for c in columns) or "true"
            violations = con.execute(f"""
                select count(*)
                from "{placed[model]}"."{model}" as gated
                left join intermediate.int_privacy_consents_resolved as consents
                    on gated.customer_id = consents.customer_id
                    and consents.purpose = ?
                where gated.customer_id is not null
                    and not coalesce(consents.is_granted, false)
                    and ({carried})
            """, [purpose]).fetchall()[0][0]
            assert violations == 0, (model, purpose, violations)
            checked.append((model, purpose))
    assert ("int_customer_areas_located", "location") in checked
    assert ("pii_customer_contacts", "marketing") in checked


def test_location_gate_bites(con):
    """Customers who shared locations but hold no location consent exist, and their shares
    decide nothing: no home region of theirs comes from a location share."""
    without, from_shares = con.execute("""
        with sharers as (
            select distinct customer_id from intermediate.int_identity_records_resolved
            where source_model = 'stg_wechat__location_shares' and customer_id is not null
        )
        select
            count(*),
            count(case when customers.home_district_source like '%location_share%' then 1 end)
        from marts.dim_customers as customers
        inner join sharers on customers.customer_id = sharers.customer_id
        where not customers.has_location_consent
    """).fetchall()[0]
    assert without > 0 and from_shares == 0


def test_pii_area_holds_no_raw_value_of_an_erased_person(con, erased, requested):
    """The restricted area keeps no number, openid, card, name or address of an erased
    customer, nor of a requested subject that no customer carries."""
    con.register("erased_customers", pa.table({"customer_id": sorted(erased)}))
    pairs = {pair for names in requested.values() for pair in names}
    con.register("requested_pairs", pa.table({
        "identifier_type": [t for t, _ in pairs], "identifier_value": [v for _, v in pairs],
    }))
    try:
        erased_values = con.execute("""
            select identifiers.identifier_type, identifiers.identifier_value
            from intermediate.int_identifiers_resolved as identifiers
            inner join erased_customers
                on identifiers.customer_id = erased_customers.customer_id
            union
            select identifier_type, identifier_value from requested_pairs
        """).fetchall()
        assert any(kind == "phone" for kind, _ in erased_values)
        con.register("erased_values", pa.table({
            "identifier_type": [t for t, _ in erased_values],
            "identifier_value": [v for _, v in erased_values],
        }))
        kept = con.execute("""
            select 'phone', count(*) from pii.stg_pii__phone_contacts as contacts
            inner join erased_values on erased_values.identifier_type = 'phone'
                and contacts.phone_pseudonym = erased_values.identifier_value
            union all
            select 'openid', count(*) from pii.stg_pii__openid_contacts as contacts
            inner join erased_values on erased_values.identifier_type = 'openid'
                and contacts.openid_pseudonym = erased_values.identifier_value
            union all
            select 'card', count(*) from pii.stg_pii__member_contacts as contacts
            inner join erased_values on erased_values.identifier_type = 'member_card'
                and contacts.member_card_pseudonym = erased_values.identifier_value
            where contacts.member_card_no is not null or contacts.member_name is not null
            union all
            select 'profile', count(*) from pii.stg_pii__wechat_user_contacts as contacts
            inner join erased_values on erased_values.identifier_type = 'openid'
                and contacts.openid_pseudonym = erased_values.identifier_value
            where contacts.openid is not null or contacts.nickname is not null
        """).fetchall()
        assert all(count == 0 for _, count in kept), kept
        # Their delivery rows stay (pseudonymous, district only) with nothing personal.
        delivered = con.execute("""
            select count(*), count(contacts.receiver_phone), count(contacts.receiver_name),
                count(contacts.receiver_address), count(contacts.buyer_id)
            from pii.stg_pii__delivery_contacts as contacts
            inner join intermediate.int_identity_records_resolved as records
                on records.source_model = 'stg_ecommerce__orders'
                and contacts.order_id = records.source_record_id
            inner join erased_customers on records.customer_id = erased_customers.customer_id
        """).fetchall()[0]
        assert delivered[0] > 0 and delivered[1:] == (0, 0, 0, 0), delivered
    finally:
        for name in ("erased_customers", "requested_pairs", "erased_values"):
            try:
                con.unregister(name)
            except Exception:
                pass
