"""The pseudonym key shapes every pseudonym and is never written anywhere by a build.

A small demo warehouse is built on DuckDB with DATONG_PSEUDONYM_KEY set to a distinctive
value; then the compiled SQL, the run artefacts, the logs and the database file are searched
byte for byte for the key, and the pseudonyms the build wrote are recomputed in Python with
`datong.pseudonym.pseudonym(value, key)` from the raw values kept in the `pii` area. Unit
tests are left out of this build: their expected pseudonyms are computed with the
development key.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import duckdb
import pytest

from datong.pseudonym import DEVELOPMENT_KEY, KEY_ENV, pseudonym
from warehouse import BIN, REPO

# (pii relation, raw value column, pseudonym column) pairs that must agree.
PAIRS = (
    ("pii.stg_pii__phone_contacts", "phone", "phone_pseudonym"),
    ("pii.stg_pii__openid_contacts", "openid", "openid_pseudonym"),
    ("pii.stg_pii__wechat_user_contacts", "openid", "openid_pseudonym"),
    ("pii.stg_pii__member_contacts", "member_card_no", "member_card_pseudonym"),
    ("pii.stg_pii__delivery_contacts", "buyer_id", "buyer_pseudonym"),
    ("pii.stg_pii__delivery_contacts", "receiver_phone", "receiver_phone_pseudonym"),
)


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, (command, result.stdout[-4000:], result.stderr[-4000:])


@pytest.fixture(scope="module")
def keyed_build(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("keyed")
    key = f"datong-test-key-{secrets.token_hex(12)}"
    env = dict(os.environ)
    env.update({
        KEY_ENV: key,
        "DATONG_DUCKDB_PATH": str(workdir / "datong.duckdb"),
        "DBT_PROFILES_DIR": str(REPO / "profiles"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    })
    _run([str(BIN / "datong"), "generate", "--persons", "300", "--seed", "11",
          "--out", str(workdir / "demo")], env)
    _run([str(BIN / "datong"), "load", "--raw-dir", str(workdir / "demo" / "raw"),
          "--target", "dev"], env)
    # Staging, and the pii area with the identity and erasure models it is filtered by.
    _run([str(BIN / "dbt"), "build", "--target", "dev",
          "--select", "staging", "+path:models/staging/pii",
          "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious"], env)
    return workdir, key


def build_outputs(workdir: Path) -> list[Path]:
    """The files a build writes: compiled and run SQL, artefacts, logs, the database."""
    return [
        path for path in workdir.rglob("*")
        if path.is_file() and (
            path.is_relative_to(workdir / "target")
            or path.is_relative_to(workdir / "logs")
            or path.name.startswith("datong.duckdb")
        )
    ]


def files_containing(paths: list[Path], secret: str) -> list[str]:
    needle = secret.encode("utf-8")
    return [str(path) for path in paths if needle in path.read_bytes()]


def test_key_is_never_written(keyed_build):
    workdir, key = keyed_build
    searched = build_outputs(workdir)
    assert any(path.name == "datong.duckdb" for path in searched)
    assert any(path.suffix == ".sql" for path in searched), "compiled SQL should be searched"
    assert any(path.is_relative_to(workdir / "logs") for path in searched)
    assert files_containing(searched, key) == []


def test_search_finds_a_planted_key(tmp_path):
    """The search is not vacuous: a key written into a log or compiled file is found."""
    (tmp_path / "logs").mkdir()
    (tmp_path / "target" / "run").mkdir(parents=True)
    (tmp_path / "logs" / "dbt.log").write_text("connecting with k-123\n", encoding="utf-8")
    (tmp_path / "target" / "run" / "model.sql").write_text("select 1", encoding="utf-8")
    (tmp_path / "datong.duckdb").write_bytes(b"\x00k-123\x00")
    found = files_containing(build_outputs(tmp_path), "k-123")
    assert sorted(Path(path).name for path in found) == ["datong.duckdb", "dbt.log"]


@pytest.mark.parametrize("relation, value_column, pseudonym_column", PAIRS)
def test_pseudonyms_are_the_reference_hmac_under_the_key(
    keyed_build, relation, value_column, pseudonym_column
):
    workdir, key = keyed_build
    con = duckdb.connect(str(workdir / "datong.duckdb"), read_only=True)
    try:
        rows = con.execute(
            f"select {value_column}, {pseudonym_column} from {relation} "
            f"where {value_column} is not null"
        ).fetchall()
    finally:
        con.close()
    assert rows
    key_bytes = key.encode("utf-8")
    development = DEVELOPMENT_KEY.encode("utf-8")
    assert [(value, pseudonym(value, key_bytes)) for value, _ in rows] == rows
    assert all(pseudonym(value, development) != found for value, found in rows)


def test_staging_pseudonyms_join_the_pii_area(keyed_build):
    """A staged phone pseudonym is found in the phone contacts under the same key."""
    workdir, _ = keyed_build
    con = duckdb.connect(str(workdir / "datong.duckdb"), read_only=True)
    try:
        missing = con.execute(
            """
            select count(*) from (
                select phone_pseudonym from staging.stg_crm__members
                union all
                select customer_phone_pseudonym from staging.stg_pos__receipts
                union all
                select phone_pseudonym from staging.stg_wechat__users
            ) as staged
            where phone_pseudonym is not null
              and phone_pseudonym not in (
                  select phone_pseudonym from pii.stg_pii__phone_contacts
              )
            """
        ).fetchone()[0]
        staged = con.execute(
            "select count(phone_pseudonym) from staging.stg_crm__members"
        ).fetchone()[0]
    finally:
        con.close()
    assert staged > 0
    assert missing == 0
