"""Keyed pseudonyms: HMAC-SHA-256 of an identifier's normalised value, its first 128 bits as
lowercase hex (32 digits; docs/privacy.md, "Width").

The key comes from the environment variable DATONG_PSEUDONYM_KEY and never from a file in the
repository. In SQL the same value is computed by the `pseudonymize` macro: on Spark with the
built-in `hmac`, on DuckDB (which has no HMAC) from its `sha256` over two session variables
that hold the key padded and XOR-ed with the HMAC constants (RFC 2104), set on every connection
by `datong.duckdb_plugin`. This module is the reference both are tested against.
"""

from __future__ import annotations

import hashlib
import hmac
import os

KEY_ENV = "DATONG_PSEUDONYM_KEY"
DEVELOPMENT_KEY = "datong-development-key-NOT-FOR-PRODUCTION"
BLOCK_SIZE = 64  # SHA-256 block size in bytes
# 128 bits of the HMAC: far from any collision among billions of values, and half the bytes
# of every key the warehouse writes and joins on (docs/scale.md).
PSEUDONYM_HEX_DIGITS = 32


class MissingKeyError(RuntimeError):
    """Raised when a production target runs without a pseudonym key."""


def key_from_environment(allow_development_key: bool) -> bytes:
    value = os.environ.get(KEY_ENV, "")
    if value:
        return value.encode("utf-8")
    if allow_development_key:
        return DEVELOPMENT_KEY.encode("utf-8")
    raise MissingKeyError(
        f"{KEY_ENV} is not set: this target needs the production pseudonym key "
        "(only development targets fall back to the labelled development key)"
    )


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(key XOR ipad, key XOR opad), each one SHA-256 block long."""
    if len(key) > BLOCK_SIZE:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK_SIZE, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def pseudonym(value: str, key: bytes) -> str:
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_DIGITS]
