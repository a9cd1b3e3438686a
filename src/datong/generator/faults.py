"""Fault injection, following docs/data_quality.md verbatim (fault names, reasons, outcomes).

A `Frame` is one chunk of one raw table as string columns. Faults are injected in three
steps: at most one quarantining fault per row; then the in-place faults on the remaining rows;
then re-exports and duplicates, made only from rows without a quarantining fault and appended
after the originals. Every injected fault is recorded with its position in the frame.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import fmt

# fault -> (default rate, help)
FAULTS: dict[str, tuple[float, str]] = {
    "phone_format": (0.08, "phones written with +86, 0086, spaces, dashes or full-width digits"),
    "phone_masked": (0.7, "platform receiver phones masked as 138****1234 (not wechat_mall)"),
    "phone_invalid": (0.01, "phones that are not mobile numbers"),
    "phone_placeholder": (0.005, "junk phones typed to get past a form (13800138000, ...)"),
    "phone_cashier": (0.04, "receipts without a customer phone that carry the cashier's own"),
    "whitespace_padding": (0.02, "ids and enums with spaces/tabs, enums in upper case"),
    "timestamp_with_offset": (0.01, "timestamps as ISO 8601 with an offset"),
    "broken_encoding": (0.005, "names, nicknames and addresses with mojibake"),
    "coord_swapped": (0.005, "location shares with latitude and longitude exchanged"),
    "duplicate_export": (0.01, "rows exported twice, byte for byte"),
    "reexport_newer": (0.08, "orders and member cards exported again with a newer updated_at"),
    "missing_required": (0.003, "a required column left empty"),
    "invalid_timestamp": (0.002, "unreadable event timestamps"),
    "future_timestamp": (0.001, "event timestamps 5 to 20 years after the end date"),
    "negative_amount": (0.001, "a sale's paid amount with a minus sign"),
    "coord_out_of_range": (0.002, "location shares outside any valid position in China"),
    "coord_system_unknown": (0.002, "location shares with an unknown coordinate system"),
}
QUARANTINE_REASON = {
    "missing_required": "missing_required_field",
    "invalid_timestamp": "invalid_timestamp",
    "future_timestamp": "future_timestamp",
    "negative_amount": "negative_amount_not_return",
    "coord_out_of_range": "coordinates_out_of_range",
    "coord_system_unknown": "unknown_coordinate_system",
}
PLACEHOLDER_PHONES = ("13800138000", "13888888888", "13900000000")
INVALID_TIMESTAMPS = ("0000-00-00 00:00:00", "2025-13-45 25:61:00", "N/A")
UNKNOWN_COORD_SYSTEMS = ("", "mercator", "baidu_mc")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Per table: the columns each fault may hit (see docs/data_generator.md).
REQUIRED = {
    "ecommerce.orders": ("order_id", "platform", "created_at", "updated_at"),
    "ecommerce.order_items": ("order_id", "platform", "line_no"),
    "wechat.users": ("openid", "appid"),
    "wechat.location_shares": ("share_id", "openid", "latitude", "longitude", "shared_at"),
    "pos.receipts": ("receipt_id", "store_id", "txn_at"),
    "pos.receipt_lines": ("receipt_id", "line_no"),
    "crm.members": ("member_card_no", "program"),
    "marketing.coupons": ("coupon_id", "issued_at"),
    "survey.responses": ("response_id", "answered_at"),
    "privacy.consents": ("subject_type", "subject_value", "purpose", "granted", "recorded_at"),
}
EVENT_TIMESTAMP = {
    "ecommerce.orders": "created_at",
    "wechat.location_shares": "shared_at",
    "pos.receipts": "txn_at",
    "marketing.coupons": "issued_at",
    "survey.responses": "answered_at",
    "privacy.consents": "recorded_at",
}
FUTURE_TIMESTAMP = ("ecommerce.orders", "pos.receipts", "wechat.location_shares")
PHONES = {
    "ecommerce.orders": ("receiver_phone",),
    "wechat.users": ("phone",),
    "pos.receipts": ("customer_phone",),
    "crm.members": ("phone",),
    "survey.responses": ("respondent_phone",),
}
PADDING_IDS = {
    "ecommerce.orders": ("order_id", "shop_id", "buyer_id"),
    "ecommerce.order_items": ("order_id", "sku_code"),
    "wechat.users": ("openid", "unionid"),
    "wechat.location_shares": ("share_id", "openid"),
    "pos.receipts": ("receipt_id", "store_id", "member_card_no"),
    "pos.receipt_lines": ("receipt_id", "sku_code"),
    "crm.members": ("member_card_no", "unionid"),
    "marketing.coupons": ("coupon_id", "issued_to_openid", "issued_to_member_card_no"),
    "survey.responses": ("response_id", "store_id"),
}
PADDING_ENUMS = {
    "ecommerce.orders": ("platform", "status"),
    "ecommerce.order_items": ("platform", "refund_status"),
    "wechat.users": ("register_scene",),
    "wechat.location_shares": ("coord_system",),
    "pos.receipts": ("receipt_type", "payment_method"),
    "crm.members": ("program", "tier", "status"),
    "marketing.coupons": ("issued_channel",),
    "survey.responses": ("preferred_channel",),
}
TIMESTAMPS = {
    "ecommerce.orders": ("created_at", "paid_at", "updated_at"),
    "wechat.users": ("registered_at", "updated_at"),
    "wechat.location_shares": ("shared_at",),
    "pos.receipts": ("txn_at", "updated_at"),
    "crm.members": ("enrolled_at", "updated_at"),
    "marketing.coupons": ("issued_at", "redeemed_at"),
    "survey.responses": ("answered_at",),
    "privacy.consents": ("recorded_at",),
}
BROKEN_ENCODING = {
    "ecommerce.orders": "receiver_address",
    "wechat.users": "nickname",
    "crm.members": "name",
}
DUPLICATE_TABLES = ("ecommerce.orders", "ecommerce.order_items", "pos.receipts",
                    "pos.receipt_lines", "wechat.users", "wechat.location_shares", "crm.members")
REEXPORT_TABLES = ("ecommerce.orders", "crm.members")


class Frame:
    """One chunk of one raw table, with the faults injected into it."""

    def __init__(self, table: str, columns: dict[str, pa.Array], record_id: pa.Array,
                 rates: dict[str, float], rng: np.random.Generator, end_seconds: int):
        self.table = table
        self.columns = columns
        self.record_id = record_id
        self.n = len(record_id)
        self.rates = rates
        self.rng = rng
        self.end_seconds = end_seconds
        self.quarantined = np.zeros(self.n, dtype=bool)
        self.protected = np.zeros(self.n, dtype=bool)
        self.records: list[tuple[np.ndarray, str, str, str]] = []
        self.appended: list[tuple[np.ndarray, dict[str, pa.Array]]] = []

    # -- helpers ---------------------------------------------------------------------------
    def values(self, column: str) -> pa.Array:
        return self.columns[column]

    def set(self, column: str, mask: np.ndarray, new_values, fault: str, expected: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        if not isinstance(new_values, pa.Array):
            new_values = pa.array(new_values, type=pa.string())
        self.columns[column] = pc.replace_with_mask(self.columns[column], pa.array(mask),
                                                    new_values)
        self.records.append((np.flatnonzero(mask), fault, column, expected))

    def present(self, column: str) -> np.ndarray:
        values = self.columns[column]
        return (pc.fill_null(pc.not_equal(values, ""), False)).to_numpy(zero_copy_only=False)

    def draw(self, rate: float, eligible: np.ndarray) -> np.ndarray:
        return eligible & (self.rng.random(self.n) < rate)

    # -- step 1: quarantining faults -------------------------------------------------------
    def quarantine(self, eligible: dict[str, np.ndarray]) -> None:
        """At most one quarantining fault per row, each among its eligible rows."""
        names = [f for f in QUARANTINE_REASON if f in eligible]
        if not names:
            return
        probs = np.zeros((self.n, len(names)))
        for k, name in enumerate(names):
            probs[:, k] = np.where(eligible[name] & ~self.protected, self.rates[name], 0.0)
        cum = np.cumsum(probs, axis=1)
        u = self.rng.random(self.n)
        chosen = (u[:, None] >= cum).sum(axis=1)
        for k, name in enumerate(names):
            mask = chosen == k
            if mask.any():
                self.quarantined |= mask
                getattr(self, "_q_" + name)(mask, "quarantine:" + QUARANTINE_REASON[name])

    def _q_missing_required(self, mask, expected):
        required = [c for c in REQUIRED[self.table]]
        pick = self.rng.integers(len(required), size=self.n)
        for k, column in enumerate(required):
            sub = mask & (pick == k)
            self.set(column, sub, pa.array([""] * int(sub.sum()), pa.string()),
                     "missing_required", expected)

    def _q_invalid_timestamp(self, mask, expected):
        values = fmt.take(list(INVALID_TIMESTAMPS),
                          self.rng.integers(len(INVALID_TIMESTAMPS), size=int(mask.sum())))
        self.set(EVENT_TIMESTAMP[self.table], mask, values, "invalid_timestamp", expected)

    def _q_future_timestamp(self, mask, expected):
        column = EVENT_TIMESTAMP[self.table]
        k = int(mask.sum())
        years = self.rng.uniform(5.0, 20.0, k)
        seconds = self.end_seconds + (years * 365.25 * 86400).astype(np.int64)
        self.set(column, mask, fmt.timestamps(seconds), "future_timestamp", expected)

    def _q_negative_amount(self, mask, expected):
        values = self.columns["paid_amount"].filter(pa.array(mask))
        self.set("paid_amount", mask, fmt.cat("-", values), "negative_amount", expected)

    def _q_coord_out_of_range(self, mask, expected):
        k = int(mask.sum())
        kind = self.rng.integers(4, size=k)
        lat = np.select([kind == 0, kind == 1, kind == 2], [0.0, self.rng.uniform(90.5, 99.9, k),
                        48.8566 + self.rng.normal(0, 0.01, k)], -33.8688 + self.rng.normal(0, 0.01, k))
        lon = np.select([kind == 0, kind == 1, kind == 2], [0.0, self.rng.uniform(100.0, 125.0, k),
                        2.3522 + self.rng.normal(0, 0.01, k)], 151.2093 + self.rng.normal(0, 0.01, k))
        lat_text, lon_text = fmt.fixed(lat, 6), fmt.fixed(lon, 6)
        self.set("latitude", mask, lat_text, "coord_out_of_range", expected)
        # one fault, two columns: the record is kept once, on latitude
        self.columns["longitude"] = pc.replace_with_mask(self.columns["longitude"],
                                                         pa.array(mask), lon_text)

    def _q_coord_system_unknown(self, mask, expected):
        values = fmt.take(list(UNKNOWN_COORD_SYSTEMS),
                          self.rng.integers(len(UNKNOWN_COORD_SYSTEMS), size=int(mask.sum())))
        self.set("coord_system", mask, values, "coord_system_unknown", expected)

    # -- step 2: in-place faults -------------------------------------------------------------
    def phones(self, column: str, masked_eligible: np.ndarray | None = None,
               cashier: tuple[np.ndarray, pa.Array] | None = None) -> None:
        """Phone faults on one phone column; a value gets at most one of them."""
        clean = ~self.quarantined & self.present(column)
        free = clean.copy()
        if masked_eligible is not None:
            mask = self.draw(self.rates["phone_masked"], free & masked_eligible)
            values = self.columns[column].filter(pa.array(mask))
            masked = fmt.cat(pc.utf8_slice_codeunits(values, 0, 3), "****",
                             pc.utf8_slice_codeunits(values, 7, 11))
            self.set(column, mask, masked, "phone_masked", f"flagged:is_{column}_masked")
            free &= ~mask
        mask = self.draw(self.rates["phone_invalid"], free)
        k = int(mask.sum())
        if k:
            values = self.columns[column].filter(pa.array(mask))
            kind = self.rng.integers(5, size=k)
            tail = pc.utf8_slice_codeunits(values, 3, 11)
            options = [
                pc.utf8_slice_codeunits(values, 0, 10),
                fmt.cat("021", tail),
                fmt.cat("12", pc.utf8_slice_codeunits(values, 2, 11)),
                pa.array(["abc"] * k),
                pa.array(["无"] * k),
            ]
            out = options[0]
            for j in range(1, 5):
                out = pc.if_else(pa.array(kind == j), options[j], out)
            self.set(column, mask, out, "phone_invalid", f"flagged:{column}_invalid_reason")
            free &= ~mask
        mask = self.draw(self.rates["phone_placeholder"], free)
        values = fmt.take(list(PLACEHOLDER_PHONES),
                          self.rng.integers(len(PLACEHOLDER_PHONES), size=int(mask.sum())))
        self.set(column, mask, values, "phone_placeholder", "kept")
        free &= ~mask
        mask = self.draw(self.rates["phone_format"], free)
        k = int(mask.sum())
        if k:
            values = self.columns[column].filter(pa.array(mask)).to_pylist()
            kind = self.rng.integers(6, size=k)
            out = []
            for value, style in zip(values, kind.tolist()):
                a, b, c = value[:3], value[3:7], value[7:]
                out.append((f"+86 {a} {b} {c}", f"0086-{value}", f"{a}-{b}-{c}", f"{a} {b} {c}",
                            value.translate(FULL_WIDTH), f"86{value}")[style])
            self.set(column, mask, out, "phone_format", "normalised")
        if cashier is not None:
            eligible, phones = cashier
            mask = ~self.quarantined & eligible & ~self.present(column)
            self.set(column, mask, phones.filter(pa.array(mask)), "phone_cashier", "kept")

    def padding(self) -> None:
        ids = PADDING_IDS.get(self.table, ())
        enums = PADDING_ENUMS.get(self.table, ())
        targets = list(ids) + list(enums)
        if not targets:
            return
        mask = self.draw(self.rates["whitespace_padding"], ~self.quarantined)
        pick = self.rng.integers(len(targets), size=self.n)
        style = self.rng.integers(4, size=self.n)
        for k, column in enumerate(targets):
            sub = mask & (pick == k) & self.present(column)
            if not sub.any():
                continue
            values = self.columns[column].filter(pa.array(sub))
            st = style[sub]
            padded = pc.if_else(pa.array(st == 0), fmt.cat(" ", values),
                                pc.if_else(pa.array(st == 1), fmt.cat(values, "  "),
                                           fmt.cat(values, "\t")))
            if column in enums:
                padded = pc.if_else(pa.array(st == 3), pc.utf8_upper(values), padded)
            else:
                padded = pc.if_else(pa.array(st == 3), fmt.cat(" ", values, " "), padded)
            self.set(column, sub, padded, "whitespace_padding", "normalised")

    def offsets(self, seconds: dict[str, np.ndarray]) -> None:
        """ISO 8601 with offset; `seconds` gives each timestamp column's true local time."""
        targets = [c for c in TIMESTAMPS.get(self.table, ()) if c in seconds]
        if not targets:
            return
        mask = self.draw(self.rates["timestamp_with_offset"], ~self.quarantined)
        pick = self.rng.integers(len(targets), size=self.n)
        utc = self.rng.random(self.n) < 0.5
        for k, column in enumerate(targets):
            sub = mask & (pick == k) & self.present(column)
            if not sub.any():
                continue
            local = seconds[column][sub]
            z = utc[sub]
            text = pc.if_else(pa.array(z), fmt.cat(fmt.timestamps(local - 8 * 3600, "T"), "Z"),
                              fmt.cat(fmt.timestamps(local, "T"), "+08:00"))
            self.set(column, sub, text, "timestamp_with_offset", "normalised")

    def broken_encoding(self) -> None:
        column = BROKEN_ENCODING.get(self.table)
        if column is None:
            return
        mask = self.draw(self.rates["broken_encoding"], ~self.quarantined & self.present(column))
        k = int(mask.sum())
        if not k:
            return
        values = self.columns[column].filter(pa.array(mask)).to_pylist()
        style = self.rng.integers(3, size=k).tolist()
        out = []
        for value, s in zip(values, style):
            if s == 0:
                out.append(value.encode("utf-8").decode("latin-1"))
            elif s == 1:
                out.append(value.encode("utf-8").decode("cp1252", errors="replace"))
            else:
                out.append("\ufffd" * 2 + value[len(value) // 2:])
        self.set(column, mask, out, "broken_encoding", "flagged:has_broken_encoding")

    def swap_coordinates(self) -> None:
        mask = self.draw(self.rates["coord_swapped"], ~self.quarantined)
        if not mask.any():
            return
        lat = self.columns["latitude"].filter(pa.array(mask))
        lon = self.columns["longitude"].filter(pa.array(mask))
        self.set("latitude", mask, lon, "coord_swapped", "flagged:is_coordinate_swapped")
        self.columns["longitude"] = pc.replace_with_mask(self.columns["longitude"],
                                                         pa.array(mask), lat)

    # -- step 3: appended rows ------------------------------------------------------------------
    def append_versions(self, fault: str, mask: np.ndarray, overrides: dict[str, pa.Array],
                        expected_on_original: str | None) -> np.ndarray:
        """Append a copy of the masked rows (with `overrides` for changed columns).

        For a re-export the older original is the row that ends collapsed; for a duplicate the
        appended copy is. Faults of the copied rows are copied too, except on overridden columns.
        """
        mask = np.asarray(mask, dtype=bool) & ~self.quarantined
        positions = np.flatnonzero(mask)
        if positions.size == 0:
            return positions
        self.appended.append((positions, overrides, fault, expected_on_original))
        return positions

    def finish(self):
        """Columns (originals then appended rows) and fault records with 1-based positions."""
        base_cols = dict(self.columns)
        parts = {c: [v] for c, v in base_cols.items()}
        rec_pos, rec_fault, rec_col, rec_exp = [], [], [], []
        for pos, fault, column, expected in self.records:
            rec_pos.append(pos)
            rec_fault += [fault] * len(pos)
            rec_col += [column] * len(pos)
            rec_exp += [expected] * len(pos)
        all_pos = np.concatenate(rec_pos) if rec_pos else np.zeros(0, dtype=np.int64)
        all_col = np.array(rec_col, dtype=object)
        record_ids = [self.record_id]
        total = self.n
        extra_pos, extra_fault, extra_col, extra_exp = [], [], [], []
        for positions, overrides, fault, expected_on_original in self.appended:
            idx = pa.array(positions)
            for column in parts:
                copy = base_cols[column].take(idx)
                if column in overrides:
                    copy = overrides[column]
                parts[column].append(copy)
            record_ids.append(self.record_id.take(idx))
            new_pos = total + np.arange(len(positions))
            lookup = np.full(self.n, -1, dtype=np.int64)
            lookup[positions] = new_pos
            if len(all_pos):
                hit = (lookup[all_pos] >= 0) & ~np.isin(all_col, list(overrides))
                for j in np.flatnonzero(hit):
                    extra_pos.append(lookup[all_pos[j]])
                    extra_fault.append(rec_fault[j])
                    extra_col.append(rec_col[j])
                    extra_exp.append(rec_exp[j])
            if expected_on_original is None:
                extra_pos += new_pos.tolist()
                extra_exp += ["collapsed"] * len(positions)
            else:
                extra_pos += positions.tolist()
                extra_exp += [expected_on_original] * len(positions)
            extra_fault += [fault] * len(positions)
            extra_col += ["updated_at" if fault == "reexport_newer" else ""] * len(positions)
            total += len(positions)
        columns = {c: pa.concat_arrays(v) if len(v) > 1 else v[0] for c, v in parts.items()}
        record_id = pa.concat_arrays(record_ids) if len(record_ids) > 1 else record_ids[0]
        pos = np.concatenate([all_pos, np.array(extra_pos, dtype=np.int64)]).astype(np.int64)
        faults = {
            "position": pos + 1,
            "record_id": record_id.take(pa.array(pos)) if len(pos) else pa.array([], pa.string()),
            "fault": rec_fault + extra_fault,
            "column": rec_col + extra_col,
            "expected": rec_exp + extra_exp,
        }
        return columns, record_id, faults
