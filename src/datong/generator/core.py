"""Orchestration: reference tables, then persons chunk by chunk, then the truth summaries.

Each chunk is generated from its own seeded numpy Generator (seed, chunk number), built in
memory, written as one record batch per table, and dropped; only small per-district and
per-group tallies survive between chunks, so memory stays flat as the person count grows.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from datong.contract import TABLES

from . import fmt, geo
from .activity import NICK_PREFIX, NICK_WORDS, Chunk
from .faults import FAULTS
from .people import BUYER_TYPES, SEGMENTS, draw_persons, hidden_table
from .world import CATEGORIES, PLATFORMS, World, build_world

DEFAULT_CHUNK = 20_000


@dataclass
class Config:
    persons: int
    seed: int
    out: Path
    format: str = "parquet"
    start: date = date(2024, 1, 1)
    end: date = date(2025, 12, 31)
    chunk_size: int = DEFAULT_CHUNK
    rates: dict[str, float] = field(default_factory=lambda: {k: v[0] for k, v in FAULTS.items()})


class Writer:
    """Streams record batches of string columns into one Parquet or CSV file."""

    def __init__(self, path: Path, schema: pa.Schema, file_format: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.rows = 0
        if file_format == "parquet":
            self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            options = pacsv.WriteOptions(include_header=True, quoting_style="all_valid")
            self._writer = pacsv.CSVWriter(path, schema, write_options=options)

    def write(self, columns: dict[str, pa.Array]) -> None:
        arrays = [columns[name].cast(self.schema.field(name).type) for name in self.schema.names]
        batch = pa.record_batch(arrays, schema=self.schema)
        if batch.num_rows:
            self._writer.write_batch(batch) if hasattr(self._writer, "write_batch") else \
                self._writer.write(batch)
        self.rows += batch.num_rows

    def close(self) -> None:
        self._writer.close()


def _string_schema(columns) -> pa.Schema:
    return pa.schema([(c, pa.string()) for c in columns])


FAULT_SCHEMA = pa.schema([("table", pa.string()), ("row_number", pa.int64()),
                          ("record_id", pa.string()), ("fault", pa.string()),
                          ("column", pa.string()), ("expected", pa.string())])
RECORD_SCHEMA = _string_schema(("table", "record_id", "person_id"))


def _reference_tables(world: World) -> dict[str, dict[str, pa.Array]]:
    st = world.stores
    n = len(st["store_id"])
    stores = {
        "store_id": pa.array(st["store_id"]),
        "store_name": pa.array(st["name"]),
        "store_format": pa.array(st["format"]),
        "province": pa.array(st["province"]),
        "city": pa.array(st["city"]),
        "district": pa.array(world.d_name[st["district_idx"]]),
        "street": pa.array(world.s_name[st["street_idx"]]),
        "address": pa.array(st["address"]),
        "latitude": fmt.fixed(st["lat"], 6),
        "longitude": fmt.fixed(st["lon"], 6),
        "floor_area_sqm": pa.array(st["area"]).cast(pa.string()),
        "opened_at": fmt.dates(st["opened"]),
        "closed_at": fmt.nullify(fmt.dates(np.maximum(st["closed"], 0)), st["closed"] < 0),
    }
    assert len(stores["store_id"]) == n
    sku = world.sku
    products = {
        "sku_code": pa.array(sku["sku_code"]),
        "spu_code": pa.array(sku["spu_code"]),
        "product_name": pa.array(sku["name"]),
        "category_l1": pa.array([CATEGORIES[c][0] for c in sku["cat"]]),
        "category_l2": pa.array([CATEGORIES[c][1] for c in sku["cat"]]),
        "season": pa.array(sku["season"]),
        "gender_target": pa.array(sku["gender"]),
        "size": pa.array(sku["size"]),
        "color": pa.array(sku["color"]),
        "list_price": fmt.money(sku["price"]),
        "launched_at": fmt.dates(sku["launched"]),
    }
    platform_ids = platform_sku_ids(world)
    n_sku = len(sku["sku_code"])
    platform_skus = {
        "platform": pa.array(np.repeat(np.array(PLATFORMS), n_sku)),
        "platform_sku_id": pa.concat_arrays(platform_ids),
        "sku_code": pa.array(np.tile(sku["sku_code"], len(PLATFORMS))),
    }
    return {"pos.stores": stores, "catalog.products": products,
            "catalog.platform_skus": platform_skus}


def platform_sku_ids(world: World) -> list[pa.Array]:
    index = np.arange(len(world.sku["sku_code"]))
    ids = [fmt.decimal_id(index, 12, 1200 + k) for k in range(4)]
    ids.append(fmt.cat("WM", fmt.digits(index + 100001, 8)))
    return ids


def _nicknames() -> pa.Array:
    from faker.providers.person.zh_CN import Provider

    given = list(dict.fromkeys(Provider.first_names))
    names = [prefix + word for prefix in NICK_PREFIX for word in NICK_WORDS]
    names += [g + g for g in given] + ["小" + g for g in given]
    return pa.array(list(dict.fromkeys(names)), pa.string())


def generate(config: Config, log=print) -> dict:
    out = Path(config.out)
    raw_dir, truth_dir = out / "raw", out / "truth"
    world = build_world(config.seed, config.start, config.end)
    ext = "parquet" if config.format == "parquet" else "csv"
    writers = {t.qualified_name: Writer(raw_dir / t.source / f"{t.name}.{ext}",
                                        _string_schema(t.columns), config.format)
               for t in TABLES}
    truth_dir.mkdir(parents=True, exist_ok=True)
    fault_writer = Writer(truth_dir / "faults.parquet", FAULT_SCHEMA, "parquet")
    record_writer = Writer(truth_dir / "record_persons.parquet", RECORD_SCHEMA, "parquet")
    person_writer = None
    fault_counts: Counter = Counter()
    for name, columns in _reference_tables(world).items():
        writers[name].write(columns)
    psku = platform_sku_ids(world)
    nicknames = _nicknames()
    tallies = Tallies(world)
    n_chunks = (config.persons + config.chunk_size - 1) // config.chunk_size
    for chunk_no in range(n_chunks):
        first = chunk_no * config.chunk_size
        size = min(config.chunk_size, config.persons - first)
        rng = np.random.default_rng([config.seed, 2, chunk_no])
        people = draw_persons(world, first, size, rng)
        chunk = Chunk(world, people, rng, config.rates, psku, nicknames)
        chunk.run()
        hidden = hidden_table(world, people)
        erased = np.zeros(size, dtype=bool)
        erased[chunk.erased] = True
        hidden = hidden.append_column("erasure_requested", pa.array(erased))
        if person_writer is None:
            person_writer = Writer(truth_dir / "persons.parquet", hidden.schema, "parquet")
        person_writer.write({name: hidden.column(name).combine_chunks()
                             for name in hidden.column_names})
        for table, record_id, person_id in chunk.truth:
            record_writer.write({"table": pa.array([table] * len(record_id), pa.string()),
                                 "record_id": record_id, "person_id": person_id})
        for table in (t.qualified_name for t in TABLES):
            frame = chunk.frames.get(table)
            if frame is None:
                continue
            columns, _record_id, faults = frame.finish()
            offset = writers[table].rows
            writers[table].write(columns)
            k = len(faults["position"])
            if k:
                column = pa.array(faults["column"], pa.string())
                fault_writer.write({
                    "table": pa.array([table] * k, pa.string()),
                    "row_number": pa.array(faults["position"] + offset, pa.int64()),
                    "record_id": faults["record_id"],
                    "fault": pa.array(faults["fault"], pa.string()),
                    "column": fmt.nullify(column, np.array(faults["column"]) == ""),
                    "expected": pa.array(faults["expected"], pa.string()),
                })
                for key, count in Counter(zip(faults["fault"], faults["expected"])).items():
                    fault_counts[(table,) + key] += count
        tallies.add(chunk)
        log(f"chunk {chunk_no + 1}/{n_chunks}: persons {first + size}")
    for writer in writers.values():
        writer.close()
    fault_writer.close()
    record_writer.close()
    if person_writer is not None:
        person_writer.close()
    patterns = tallies.patterns()
    (truth_dir / "patterns.json").write_text(json.dumps(patterns, ensure_ascii=False, indent=2,
                                                        sort_keys=True) + "\n", encoding="utf-8")
    manifest = {
        "seed": config.seed,
        "persons": config.persons,
        "chunk_size": config.chunk_size,
        "start_date": config.start.isoformat(),
        "end_date": config.end.isoformat(),
        "format": config.format,
        "rates": dict(sorted(config.rates.items())),
        "rows": {name: w.rows for name, w in writers.items()},
        "faults": [{"table": t, "fault": f, "expected": e, "rows": c}
                   for (t, f, e), c in sorted(fault_counts.items())],
    }
    (truth_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2)
                                             + "\n", encoding="utf-8")
    return manifest


class Tallies:
    """Small running sums over chunks that the planted-pattern summary needs."""

    def __init__(self, world: World):
        self.w = world
        d = len(world.d_code)
        self.customers = np.zeros(d)
        self.online_spend = np.zeros(d)
        self.offline_spend = np.zeros(d)
        self.shares = np.zeros(d)
        self.street_people = Counter()
        n_cat = len(CATEGORIES)
        self.cat_list = np.zeros((2, n_cat))
        self.cat_paid = np.zeros((2, n_cat))
        self.cat_units = np.zeros((2, n_cat))
        g = len(BUYER_TYPES)
        self.g_persons = np.zeros(g)
        self.g_occ = np.zeros(g)
        self.g_late = np.zeros(g)
        self.g_coupon = np.zeros(g)
        self.g_list = np.zeros(g)
        self.g_paid = np.zeros(g)
        self.g_value_sum = np.zeros(g)
        self.g_value_sq = np.zeros(g)
        self.g_online_orders = np.zeros(g)
        self.g_returns = np.zeros(g)
        self.segments = np.zeros(len(SEGMENTS))

    def add(self, c: Chunk) -> None:
        p, w = c.p, self.w
        d = len(w.d_code)
        district = p["district"]
        buyer = (c.occ_counts > 0)
        self.customers += np.bincount(district[buyer], minlength=d)
        home = district[c.occ_p]
        self.online_spend += np.bincount(home, weights=c.occ_value * c.occ_online, minlength=d)
        self.offline_spend += np.bincount(home, weights=c.occ_value * ~c.occ_online, minlength=d)
        self.shares += np.bincount(district, weights=c.share_counts, minlength=d)
        ws = w.whitespace_district
        for s in p["street"][district == ws].tolist():
            self.street_people[s] += 1
        online_line = c.occ_online[c.line_occ].astype(int)
        n_cat = len(CATEGORIES)
        for ch in (0, 1):
            sel = online_line == ch
            self.cat_list[ch] += np.bincount(c.line_cat[sel], weights=(c.line_list * c.line_qty)[sel],
                                             minlength=n_cat)
            self.cat_paid[ch] += np.bincount(c.line_cat[sel], weights=c.line_paid[sel],
                                             minlength=n_cat)
            self.cat_units[ch] += np.bincount(c.line_cat[sel], weights=c.line_qty[sel],
                                              minlength=n_cat)
        g = len(BUYER_TYPES)
        bt = p["buyer_type"][c.occ_p]
        hour = (c.occ_time % 86400) // 3600
        late = (hour >= 22) | (hour < 2)
        self.g_persons += np.bincount(p["buyer_type"], minlength=g)
        self.g_occ += np.bincount(bt, minlength=g)
        self.g_late += np.bincount(bt, weights=late, minlength=g)
        self.g_coupon += np.bincount(bt, weights=c.occ_coupon, minlength=g)
        self.g_list += np.bincount(bt, weights=c.occ_goods, minlength=g)
        self.g_paid += np.bincount(bt, weights=c.occ_value, minlength=g)
        self.g_value_sum += np.bincount(bt, weights=c.occ_value, minlength=g)
        self.g_value_sq += np.bincount(bt, weights=c.occ_value.astype(float) ** 2, minlength=g)
        order_bt = p["buyer_type"][c.occ_p[c.order_occ]]
        self.g_online_orders += np.bincount(order_bt, minlength=g)
        self.g_returns += np.bincount(order_bt, weights=np.isin(c.order_status, ("refunded",))
                                      | False, minlength=g)
        self.segments += np.bincount(p["segment"], minlength=len(SEGMENTS))

    def _district(self, i: int) -> dict:
        w = self.w
        total = self.online_spend[i] + self.offline_spend[i]
        return {
            "district_code": str(w.d_code[i]),
            "district": str(w.d_name[i]),
            "city": str(w.d_city[i]),
            "province": str(w.d_province[i]),
            "customers": int(self.customers[i]),
            "online_share_of_spend": round(float(self.online_spend[i] / total), 4) if total else None,
        }

    def patterns(self) -> dict:
        w = self.w
        st = w.stores
        ws = w.whitespace_district
        km = geo.km_between(st["lat"], st["lon"], w.d_lat[ws], w.d_lon[ws])
        street = max(self.street_people.items(), key=lambda kv: (kv[1], -kv[0]))[0] \
            if self.street_people else int(w.d_first_street[ws])
        kinds = [c[6] for c in CATEGORIES]
        disc = 1 - self.cat_paid / np.maximum(self.cat_list, 1)
        categories = [{
            "category_l1": c[0], "category_l2": c[1], "kind": c[6],
            "online_discount_rate": round(float(disc[1, i]), 4),
            "offline_discount_rate": round(float(disc[0, i]), 4),
            "online_share_of_units": round(float(self.cat_units[1, i]
                                                 / max(self.cat_units[:, i].sum(), 1)), 4),
        } for i, c in enumerate(CATEGORIES)]
        groups = {}
        for g, name in enumerate(BUYER_TYPES):
            occ = max(self.g_occ[g], 1)
            mean = self.g_value_sum[g] / occ
            groups[name] = {
                "persons": int(self.g_persons[g]),
                "purchase_occasions": int(self.g_occ[g]),
                "late_night_share": round(float(self.g_late[g] / occ), 4),
                "coupon_share": round(float(self.g_coupon[g] / occ), 4),
                "discount_rate": round(float(1 - self.g_paid[g] / max(self.g_list[g], 1)), 4),
                "mean_basket_yuan": round(float(mean / 100), 2),
                "basket_cv": round(float(np.sqrt(max(self.g_value_sq[g] / occ - mean**2, 0))
                                         / max(mean, 1)), 4),
                "online_refund_rate": round(float(self.g_returns[g]
                                                  / max(self.g_online_orders[g], 1)), 4),
            }
        return {
            "online_dominant_districts": [self._district(i) for i in w.online_districts],
            "offline_dominant_districts": [self._district(i) for i in w.offline_districts],
            "white_space": {
                **self._district(ws),
                "street": str(w.s_name[street]),
                "street_center_gcj02": [round(float(w.s_lat[street]), 6),
                                        round(float(w.s_lon[street]), 6)],
                "center_gcj02": [round(float(w.d_lat[ws]), 6), round(float(w.d_lon[ws]), 6)],
                "no_store_within_km": 10.0,
                "nearest_store_id": str(st["store_id"][int(np.argmin(km))]),
                "nearest_store_km": round(float(km.min()), 3),
                "location_shares": int(self.shares[ws]),
            },
            "categories": {
                "price_led_online": [c[1] for c in CATEGORIES if c[6] == "price_led"],
                "experience_led_offline": [c[1] for c in CATEGORIES if c[6] == "experience_led"],
                "by_category": categories,
            },
            "buyer_groups": groups,
            "segments": {name: int(self.segments[i]) for i, name in enumerate(SEGMENTS)},
            "kinds": sorted(set(kinds)),
        }
