"""dbt-duckdb plugin: gives every DuckDB cursor the pseudonym key material.

Declared in profiles/profiles.yml under the DuckDB output's `plugins`. The key is read from
the environment when dbt starts; each cursor gets two session variables
(`datong_hmac_inner`, `datong_hmac_outer`) that the `pseudonymize` macro reads with
`getvariable`. Session variables live only in memory: nothing reaches compiled SQL, logs or the
database file. `allow_development_key: true` (set only on development outputs) lets a run
without DATONG_PSEUDONYM_KEY use the labelled development key; any other output refuses to run.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from datong.pseudonym import hmac_pads, key_from_environment


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        allow = bool(plugin_config.get("allow_development_key", False))
        self._inner, self._outer = hmac_pads(key_from_environment(allow))

    def configure_cursor(self, cursor):
        cursor.execute("set variable datong_hmac_inner = from_hex(?)", [self._inner.hex()])
        cursor.execute("set variable datong_hmac_outer = from_hex(?)", [self._outer.hex()])
        return cursor
