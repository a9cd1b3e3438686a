"""Vectorised value formatting: ids, money, timestamps and coordinates as contract text.

Everything here works on whole numpy arrays and returns pyarrow string arrays, so that a
chunk of a million rows is formatted without a Python loop per row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
BASE36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
BASE64 = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
)
HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def mix64(values, salt: int) -> np.ndarray:
    """SplitMix64 finaliser of `values + salt`: a bijection on uint64, so ids stay unique."""
    with np.errstate(over="ignore"):
        z = np.asarray(values).astype(np.uint64) + np.uint64(salt) * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def ascii_matrix(codes: np.ndarray) -> pa.Array:
    """A (rows, width) uint8 matrix of ASCII codes as a pyarrow string array."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    rows, width = codes.shape
    offsets = (np.arange(rows + 1, dtype=np.int64) * width).astype(np.int32)
    return pa.Array.from_buffers(
        pa.string(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(codes.tobytes())]
    )


def digit_matrix(values, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as a (rows, width) code matrix."""
    values = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return DIGITS[(values[:, None] // powers[None, :]) % 10]


def digits(values, width: int) -> pa.Array:
    return ascii_matrix(digit_matrix(values, width))


def encode(values_u64, alphabet: np.ndarray, width: int) -> pa.Array:
    """Fixed-width base-k text of uint64 values (most significant first)."""
    base = np.uint64(len(alphabet))
    values = np.asarray(values_u64, dtype=np.uint64).copy()
    out = np.empty((len(values), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        out[:, position] = alphabet[(values % base).astype(np.int64)]
        values //= base
    return ascii_matrix(out)


def decimal_id(values, width: int, salt: int) -> pa.Array:
    """Random-looking but unique decimal ids: an affine bijection modulo 10**width.

    `values` must be distinct non-negative integers below min(10**width, 2**36); width <= 18.
    """
    modulus = 10**width
    multiplier = int(mix64(np.array([salt]), 7)[0] % np.uint64(1 << 22)) + (1 << 22)
    while multiplier % 2 == 0 or multiplier % 5 == 0:
        multiplier += 1
    offset = int(mix64(np.array([salt]), 11)[0] % np.uint64(modulus))
    values = np.asarray(values, dtype=np.int64)
    return digits((values * multiplier + offset) % modulus, width)


def cat(*parts) -> pa.Array:
    """Concatenate string arrays and literals element-wise (null if any part is null)."""
    return pc.binary_join_element_wise(*parts, "")


def fixed(values, decimals: int) -> pa.Array:
    """Signed decimal text with exactly `decimals` places, from float or scaled int input."""
    scaled = np.asarray(values)
    if scaled.dtype.kind == "f":
        scaled = np.rint(scaled * 10**decimals).astype(np.int64)
    scaled = scaled.astype(np.int64)
    sign = np.where(scaled < 0, "-", "")
    magnitude = np.abs(scaled)
    whole = pa.array(magnitude // 10**decimals).cast(pa.string())
    frac = digits(magnitude % 10**decimals, decimals)
    return cat(pa.array(sign), whole, ".", frac)


def money(cents) -> pa.Array:
    """Yuan with two decimals from integer fen."""
    return fixed(np.asarray(cents, dtype=np.int64), 2)


def _calendar(seconds: np.ndarray):
    seconds = np.asarray(seconds, dtype=np.int64)
    days = seconds // 86400
    day64 = days.astype("datetime64[D]")
    month64 = day64.astype("datetime64[M]")
    year64 = day64.astype("datetime64[Y]")
    year = year64.astype(np.int64) + 1970
    month = (month64 - year64.astype("datetime64[M]")).astype(np.int64) + 1
    day = (day64 - month64.astype("datetime64[D]")).astype(np.int64) + 1
    rest = seconds - days * 86400
    return year, month, day, rest // 3600, (rest // 60) % 60, rest % 60


def timestamps(seconds, sep: str = " ") -> pa.Array:
    """`YYYY-MM-DD HH:MM:SS` from seconds since 1970-01-01 (naive local time)."""
    year, month, day, hour, minute, second = _calendar(seconds)
    rows = len(year)
    out = np.empty((rows, 19), dtype=np.uint8)
    out[:, 0:4] = digit_matrix(year, 4)
    out[:, 4] = ord("-")
    out[:, 5:7] = digit_matrix(month, 2)
    out[:, 7] = ord("-")
    out[:, 8:10] = digit_matrix(day, 2)
    out[:, 10] = ord(sep)
    out[:, 11:13] = digit_matrix(hour, 2)
    out[:, 13] = ord(":")
    out[:, 14:16] = digit_matrix(minute, 2)
    out[:, 16] = ord(":")
    out[:, 17:19] = digit_matrix(second, 2)
    return ascii_matrix(out)


def dates(seconds) -> pa.Array:
    """`YYYY-MM-DD` from seconds since 1970-01-01."""
    return pc.utf8_slice_codeunits(timestamps(seconds), 0, 10)


def take(pool, indices) -> pa.Array:
    """Values of a small pool (list or pyarrow array) at the given indices."""
    if not isinstance(pool, pa.Array):
        pool = pa.array(pool, type=pa.string())
    return pool.take(pa.array(np.asarray(indices, dtype=np.int64)))


def nullify(values: pa.Array, mask) -> pa.Array:
    """Null where `mask` is true."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return values
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), values)
