"""No raw personal data outside the raw schemas and the restricted `pii` schema.

The personal values are taken from the raw tables themselves (phones as written and
normalised, names, street addresses, openids, unionids, card numbers, buyer ids, device ids,
privacy subjects), then every column of every relation in every other schema of the built
warehouse is scanned for them: a hit is a value equal to one of them after trimming, or a
`:`-separated part of a value equal to one (composite keys such as `appid:openid`).
"""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pyarrow as pa
import pyarrow.csv  # noqa: F401  (pa.csv)
import pytest

from datong.contract import BY_NAME
from datong.personal_data import PERSONAL_COLUMNS, PHONE_COLUMNS
from warehouse import REPO, demo_warehouse_from_env_or_build

RESTRICTED_SCHEMAS = ("pii",)
MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalise_phone(text: str) -> str | None:
    """docs/data_quality.md, "Phone normalisation", written independently of the SQL macro."""
    digits = re.sub(r"[\s\-.()]", "", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix):]
            break
    return digits if MOBILE.fullmatch(digits) else None


def personal_values(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every personal value in the raw tables, trimmed, mapped to where it was found."""
    values: dict[str, str] = {}
    for qualified_name, columns in PERSONAL_COLUMNS.items():
        table = BY_NAME[qualified_name]
        for column in columns:
            assert column in table.columns, (qualified_name, column)
            rows = con.execute(
                f'select distinct "{column}" from {table.schema}.{table.name}'
            ).fetchall()
            for (raw,) in rows:
                value = (raw or "").strip()  # spaces, tabs, line breaks, U+3000
                if not value:
                    continue
                values.setdefault(value, f"{qualified_name}.{column}")
                if column in PHONE_COLUMNS:
                    normalised = normalise_phone(value)
                    if normalised:
                        values.setdefault(normalised, f"{qualified_name}.{column} (normalised)")
    # A store's own address is public, not personal: orders collected in store are addressed
    # to it, and the stores' staging model rightly keeps it.
    stores = BY_NAME["pos.stores"]
    for (address,) in con.execute(
        f"select distinct address from {stores.schema}.{stores.name}"
    ).fetchall():
        values.pop((address or "").strip(), None)
    for junk in blocklisted_values():
        values.pop(junk, None)
    return values


def blocklisted_values() -> set[str]:
    """Junk numbers of the identity blocklist seed (13800138000, repeated digits, test cards):
    typed into forms to get past them, they are nobody's, and the seed must hold them."""
    blocklist = pa.csv.read_csv(
        REPO / "seeds" / "identity" / "identity_blocklist.csv",
        convert_options=pa.csv.ConvertOptions(column_types={"raw_value": pa.string()}),
    )
    return {str(junk).strip() for junk in blocklist.column("raw_value").to_pylist()}


def scanned_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(schema, relation, column) of every relation outside the raw and restricted schemas."""
    return con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema not like 'raw\\_%' escape '\\' "
        "and table_schema not in ('information_schema', 'pg_catalog') "
        f"and table_schema not in ({', '.join(repr(s) for s in RESTRICTED_SCHEMAS)}) "
        "order by table_schema, table_name, ordinal_position"
    ).fetchall()


def find_personal_data(
    con: duckdb.DuckDBPyConnection, values: dict[str, str]
) -> list[tuple[str, str, str, str, str]]:
    """Hits as (schema, relation, column, value found, raw column it comes from)."""
    columns = scanned_relations(con)
    con.register("personal_values", pa.table({"value": list(values)}))
    hits = []
    try:
        for schema, relation, column in columns:
            rows = con.execute(
                f"""
                with column_values as (
                    select distinct trim(cast("{column}" as varchar)) as cell
                    from "{schema}"."{relation}"
                ),
                parts as (
                    select cell as part from column_values
                    union
                    select unnest(string_split(cell, ':')) as part from column_values
                )
                select parts.part
                from parts
                inner join personal_values on parts.part = personal_values.value
                limit 3
                """
            ).fetchall()
            hits.extend((schema, relation, column, part, values[part]) for (part,) in rows)
    finally:
        con.unregister("personal_values")
    return hits


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_warehouse_from_env_or_build(tmp_path_factory)


@pytest.fixture(scope="module")
def con(demo):
    connection = duckdb.connect(str(demo.duckdb_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def values(con):
    return personal_values(con)


def test_raw_tables_supply_every_kind_of_personal_value(con, values):
    """The scan searches for something: every personal column has values, all collected."""
    for qualified_name, columns in PERSONAL_COLUMNS.items():
        table = BY_NAME[qualified_name]
        for column in columns:
            sample = con.execute(
                f'select distinct trim("{column}") from {table.schema}.{table.name} '
                f"where trim(\"{column}\") != '' limit 20"
            ).fetchall()
            assert sample, (qualified_name, column)
            assert any(value in values for (value,) in sample), (qualified_name, column)
    assert any(origin.endswith("(normalised)") for origin in values.values())


def test_no_personal_data_outside_raw_and_pii(con, values):
    relations = {(schema, relation) for schema, relation, _ in scanned_relations(con)}
    assert {schema for schema, _ in relations} >= {"staging"}
    assert find_personal_data(con, values) == []


def test_pii_area_holds_the_contacts(con, values):
    """The restricted area is where the values went: its phones and openids are raw ones."""
    phones = [row[0] for row in con.sql("select phone from pii.stg_pii__phone_contacts").fetchall()]
    openids = [
        row[0] for row in con.sql("select openid from pii.stg_pii__openid_contacts").fetchall()
    ]
    assert phones and openids
    junk = blocklisted_values()
    assert all(phone in values or phone in junk for phone in phones)
    assert all(openid in values for openid in openids)


def test_scanner_finds_a_deliberate_leak(con, values):
    """The scan can fail: planted leaks in a scratch database are found, `pii` is not."""
    raw_phone = con.execute(
        "select receiver_phone from raw_ecommerce.orders where receiver_phone like '+86%' "
        "limit 1"
    ).fetchone()[0]
    normalised = normalise_phone(raw_phone)
    openid = con.execute("select trim(openid) from raw_wechat.users limit 1").fetchone()[0]
    name = con.execute(
        "select trim(name) from raw_crm.members where trim(name) != '' limit 1"
    ).fetchone()[0]
    scratch = duckdb.connect()
    try:
        scratch.execute("create schema marts")
        scratch.execute("create schema pii")
        scratch.execute(
            "create table marts.leaky as select ? as contact, ? as profile_id, ? as note, "
            "42 as amount",
            [f" {normalised} ", f"wxa:{openid}", name],
        )
        scratch.execute("create table marts.clean as select 'store_card:ab12' as member_id")
        scratch.execute("create table pii.allowed as select ? as phone", [normalised])
        hits = find_personal_data(scratch, values)
    finally:
        scratch.close()
    assert {(schema, relation, column) for schema, relation, column, _, _ in hits} == {
        ("marts", "leaky", "contact"),
        ("marts", "leaky", "profile_id"),
        ("marts", "leaky", "note"),
    }
    assert normalised in {value for *_, value, _ in hits}
