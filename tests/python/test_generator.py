"""The demo data generator: contract, determinism, faults, ground truth, planted patterns."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from datong.contract import TABLES
from datong.generator.core import Config, generate
from datong.generator.faults import INVALID_TIMESTAMPS, PLACEHOLDER_PHONES, QUARANTINE_REASON
from datong.generator import geo

SEED = 7
END = datetime(2025, 12, 31, 23, 59, 59)
VALID_PHONE = re.compile(r"^1[3-9][0-9]{9}$")
MASKED_PHONE = re.compile(r"^1[3-9][0-9]\*{4}[0-9]{4}$")
FULL_TO_HALF = str.maketrans("０１２３４５６７８９", "0123456789")


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-\.\(\)]", "", value.translate(FULL_TO_HALF))
    digits = digits.removeprefix("+")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix):]
    return digits


def parse_ts(value: str) -> datetime | None:
    try:
        if value.endswith("Z"):
            return datetime.fromisoformat(value[:-1]) + pd.Timedelta(hours=8)
        if value.endswith("+08:00"):
            return datetime.fromisoformat(value[:-6])
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(Config(persons=4000, seed=SEED, out=out, chunk_size=1500), log=lambda _m: None)
    return out


def raw(out: Path, table: str) -> pd.DataFrame:
    source, name = table.split(".")
    frame = pq.read_table(out / "raw" / source / f"{name}.parquet").to_pandas()
    frame.index = np.arange(1, len(frame) + 1)  # _row_number
    return frame


def truth(out: Path, name: str) -> pd.DataFrame:
    return pq.read_table(out / "truth" / f"{name}.parquet").to_pandas()


def test_same_arguments_give_identical_bytes(tmp_path):
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        generate(Config(persons=600, seed=3, out=out, chunk_size=250), log=lambda _m: None)
        digests.append({str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted(out.rglob("*")) if p.is_file()})
    assert digests[0] == digests[1]
    assert len(digests[0]) == len(TABLES) + 5


def test_other_seed_gives_other_data(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(Config(persons=300, seed=1, out=a), log=lambda _m: None)
    generate(Config(persons=300, seed=2, out=b), log=lambda _m: None)
    assert (a / "raw/ecommerce/orders.parquet").read_bytes() != \
        (b / "raw/ecommerce/orders.parquet").read_bytes()


def test_parquet_has_every_contract_table_and_column_as_text(demo):
    for table in TABLES:
        schema = pq.read_schema(demo / "raw" / table.source / f"{table.name}.parquet")
        assert tuple(schema.names) == table.columns
        assert all(str(t) == "string" for t in schema.types)
        assert pq.read_metadata(demo / "raw" / table.source / f"{table.name}.parquet").num_rows > 0


def test_csv_has_every_contract_table_and_column(tmp_path):
    generate(Config(persons=400, seed=5, out=tmp_path, format="csv"), log=lambda _m: None)
    for table in TABLES:
        path = tmp_path / "raw" / table.source / f"{table.name}.csv"
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(f'"{c}"' for c in table.columns)
        parsed = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={c: "string" for c in table.columns}))
        assert tuple(parsed.column_names) == table.columns
    manifest = json.loads((tmp_path / "truth" / "manifest.json").read_text())
    orders = pacsv.read_csv(tmp_path / "raw/ecommerce/orders.csv")
    assert orders.num_rows == manifest["rows"]["ecommerce.orders"]


def test_manifest_counts_rows_and_faults(demo):
    manifest = json.loads((demo / "truth" / "manifest.json").read_text())
    faults = truth(demo, "faults")
    for table in TABLES:
        assert manifest["rows"][table.qualified_name] == len(raw(demo, table.qualified_name))
    counted = {(f["table"], f["fault"], f["expected"]): f["rows"] for f in manifest["faults"]}
    actual = faults.groupby(["table", "fault", "expected"]).size().to_dict()
    assert counted == actual


def test_fault_rates_are_roughly_as_asked(demo):
    faults = truth(demo, "faults")
    orders = raw(demo, "ecommerce.orders")
    eligible = (orders["platform"].str.strip().str.lower() != "wechat_mall").sum()
    masked = (faults["fault"] == "phone_masked").sum()
    assert 0.62 < masked / eligible < 0.78  # default 0.7
    for table in ("ecommerce.orders", "pos.receipts", "wechat.location_shares"):
        n = len(raw(demo, table))
        dup = ((faults["table"] == table) & (faults["fault"] == "duplicate_export")).sum()
        assert 0.004 < dup / n < 0.02  # default 0.01
    quarantined = faults[faults["expected"].str.startswith("quarantine:")]
    share = len(quarantined[quarantined["table"] == "ecommerce.orders"]) / len(orders)
    assert 0.002 < share < 0.015  # 0.003 + 0.002 + 0.001 + 0.001


def test_rates_follow_the_command_line(tmp_path):
    rates = {k: 0.0 for k in QUARANTINE_REASON} | {"duplicate_export": 0.0, "reexport_newer": 0.0}
    config = Config(persons=500, seed=11, out=tmp_path)
    config.rates.update(rates)
    config.rates["negative_amount"] = 0.2
    generate(config, log=lambda _m: None)
    faults = truth(tmp_path, "faults")
    assert not faults["fault"].isin(["duplicate_export", "reexport_newer", "missing_required"]).any()
    neg = faults[faults["fault"] == "negative_amount"]
    orders = raw(tmp_path, "ecommerce.orders")
    assert 0.14 < (neg["table"] == "ecommerce.orders").sum() / len(orders) < 0.24


def test_every_fault_is_really_in_its_row(demo):
    faults = truth(demo, "faults")
    tables = {t.qualified_name: raw(demo, t.qualified_name) for t in TABLES}
    for row in faults.itertuples(index=False):
        frame = tables[row.table]
        record = frame.loc[row.row_number]
        value = record[row.column] if isinstance(row.column, str) else None
        fault = row.fault
        if fault == "phone_format":
            assert not VALID_PHONE.match(value) and VALID_PHONE.match(normalise_phone(value))
        elif fault == "phone_masked":
            assert MASKED_PHONE.match(value)
        elif fault == "phone_invalid":
            assert not VALID_PHONE.match(normalise_phone(value)) and "*" not in value
        elif fault in ("phone_placeholder",):
            assert value in PLACEHOLDER_PHONES
        elif fault == "phone_cashier":
            assert VALID_PHONE.match(value)
        elif fault == "whitespace_padding":
            assert value != value.strip() or value != value.lower()
        elif fault == "timestamp_with_offset":
            assert "T" in value and (value.endswith("Z") or value.endswith("+08:00"))
        elif fault == "broken_encoding":
            assert "\ufffd" in value or any("\u0080" <= ch <= "\u00ff" for ch in value)
        elif fault == "coord_swapped":
            assert float(value) > 53.6 and float(record["longitude"]) < 53.6
        elif fault == "missing_required":
            assert value == ""
        elif fault == "invalid_timestamp":
            assert value in INVALID_TIMESTAMPS
        elif fault == "future_timestamp":
            assert parse_ts(value) > END.replace(year=END.year + 4)
        elif fault == "negative_amount":
            assert value.startswith("-")
        elif fault == "coord_out_of_range":
            lat, lon = float(record["latitude"]), float(record["longitude"])
            assert not (3.8 <= lat <= 53.6 and 73.5 <= lon <= 135.1)
            assert not (73.5 <= lat <= 135.1 and 3.8 <= lon <= 53.6)
        elif fault == "coord_system_unknown":
            assert value not in ("wgs84", "gcj02", "bd09")
        elif fault == "duplicate_export":
            earlier = frame.loc[: row.row_number - 1]
            same = (earlier.fillna("\0") == record.fillna("\0")).all(axis=1)
            assert same.any()
        elif fault == "reexport_newer":
            key = "member_card_no" if row.table == "crm.members" else "order_id"
            later = frame.loc[row.row_number + 1:]
            later = later[later[key].str.strip() == record[key].strip()]
            assert (later["updated_at"].map(parse_ts) > parse_ts(record["updated_at"])).any()
        else:
            pytest.fail(f"unchecked fault {fault}")


def test_at_most_one_quarantining_fault_per_row(demo):
    faults = truth(demo, "faults")
    q = faults[faults["expected"].str.startswith("quarantine:")]
    assert not q.duplicated(["table", "row_number"]).any()
    # appended copies never come from quarantined rows
    dup = faults[faults["fault"].isin(["duplicate_export", "reexport_newer"])]
    assert not dup.merge(q, on=["table", "record_id"]).shape[0]


def test_clean_rows_never_match_a_quarantine_rule(demo):
    faults = truth(demo, "faults")
    q = faults[faults["expected"].str.startswith("quarantine:")]
    receipts = raw(demo, "pos.receipts")
    bad = set(q.loc[q["table"] == "pos.receipts", "row_number"])
    clean = receipts.drop(index=list(bad))
    assert (clean[["receipt_id", "store_id", "txn_at"]] != "").all().all()
    times = clean["txn_at"].map(parse_ts)
    assert times.notna().all() and (times <= END).all()
    sales = clean[clean["receipt_type"].str.strip().str.lower() == "sale"]
    assert not sales["paid_amount"].str.startswith("-").any()
    returns = clean[clean["receipt_type"].str.strip().str.lower() == "return"]
    assert len(returns) and returns["paid_amount"].str.startswith("-").all()
    shares = raw(demo, "wechat.location_shares")
    bad = set(q.loc[q["table"] == "wechat.location_shares", "row_number"])
    clean = shares.drop(index=list(bad))
    lat, lon = clean["latitude"].astype(float), clean["longitude"].astype(float)
    lat, lon = np.where(lat > 53.6, lon, lat), np.where(lat > 53.6, lat, lon)
    assert ((lat > 3.8) & (lat < 53.6) & (lon > 73.5) & (lon < 135.1)).all()
    assert clean["coord_system"].str.strip().str.lower().isin(["wgs84", "gcj02", "bd09"]).all()
    # no random phone is a placeholder
    placeholders = faults[faults["fault"] == "phone_placeholder"]
    for table, column in (("ecommerce.orders", "receiver_phone"), ("crm.members", "phone")):
        values = raw(demo, table)[column]
        hits = set(values[values.isin(PLACEHOLDER_PHONES)].index)
        assert hits == set(placeholders.loc[placeholders["table"] == table, "row_number"])


def test_truth_covers_every_keyed_record(demo):
    records = truth(demo, "record_persons")
    assert not records.duplicated(["table", "record_id"]).any()
    persons = truth(demo, "persons")
    assert set(records["person_id"]) <= set(persons["person_id"])
    keys = {
        "ecommerce.orders": lambda f: f["platform"].str.strip().str.lower() + "|"
        + f["order_id"].str.strip(),
        "pos.receipts": lambda f: f["receipt_id"].str.strip(),
        "wechat.users": lambda f: f["appid"].str.strip() + "|" + f["openid"].str.strip(),
        "crm.members": lambda f: f["member_card_no"].str.strip(),
        "wechat.location_shares": lambda f: f["share_id"].str.strip(),
        "marketing.coupons": lambda f: f["coupon_id"].str.strip(),
        "survey.responses": lambda f: f["response_id"].str.strip(),
    }
    for table, key in keys.items():
        frame = raw(demo, table)
        values = key(frame)
        values = values[~values.str.endswith("|") & ~values.str.startswith("|") & (values != "")]
        known = set(records.loc[records["table"] == table, "record_id"])
        assert set(values) <= known, table
        assert len(known) >= len(set(values)) > 0


def _spend_by_home_district(demo) -> pd.DataFrame:
    faults = truth(demo, "faults")
    dropped = faults[faults["expected"].str.startswith(("quarantine:", "collapsed"))]
    records = truth(demo, "record_persons")
    persons = truth(demo, "persons")[["person_id", "home_district_code"]]
    parts = []
    orders = raw(demo, "ecommerce.orders")
    orders = orders.drop(index=dropped.loc[dropped["table"] == "ecommerce.orders", "row_number"])
    orders["record_id"] = orders["platform"].str.strip().str.lower() + "|" + orders["order_id"].str.strip()
    orders["online"] = orders["paid_amount"].astype(float)
    parts.append(orders[["record_id", "online"]].assign(offline=0.0, table="ecommerce.orders"))
    receipts = raw(demo, "pos.receipts")
    receipts = receipts.drop(index=dropped.loc[dropped["table"] == "pos.receipts", "row_number"])
    receipts["record_id"] = receipts["receipt_id"].str.strip()
    receipts["offline"] = receipts["paid_amount"].astype(float)
    parts.append(receipts[["record_id", "offline"]].assign(online=0.0, table="pos.receipts"))
    spend = pd.concat(parts).merge(records, on=["table", "record_id"]).merge(persons, on="person_id")
    return spend.groupby("home_district_code")[["online", "offline"]].sum()


def test_online_and_offline_dominant_districts_show_in_raw_spend(demo):
    patterns = json.loads((demo / "truth" / "patterns.json").read_text())
    spend = _spend_by_home_district(demo)
    share = spend["online"] / (spend["online"] + spend["offline"])
    overall = spend["online"].sum() / spend.sum().sum()
    assert len(patterns["online_dominant_districts"]) >= 3
    assert len(patterns["offline_dominant_districts"]) >= 3
    for d in patterns["online_dominant_districts"]:
        assert d["customers"] >= 30
        assert share[d["district_code"]] > max(0.6, overall)
    for d in patterns["offline_dominant_districts"]:
        assert d["customers"] >= 30
        assert share[d["district_code"]] < 0.35


def test_white_space_has_customers_and_shares_but_no_store(demo):
    ws = json.loads((demo / "truth" / "patterns.json").read_text())["white_space"]
    stores = raw(demo, "pos.stores")
    lat, lon = ws["center_gcj02"]
    km = geo.km_between(stores["latitude"].astype(float), stores["longitude"].astype(float), lat, lon)
    assert km.min() > ws["no_store_within_km"] >= 5
    shares = raw(demo, "wechat.location_shares")
    here = shares[(shares["city"] == ws["city"]) & (shares["district"] == ws["district"])]
    per_district = shares.groupby(["city", "district"]).size()
    assert len(here) >= per_district.quantile(0.95)
    assert (here["street"] == ws["street"]).sum() > 0
    persons = truth(demo, "persons")
    assert (persons["home_district_code"] == ws["district_code"]).sum() >= 50


def test_price_led_online_and_experience_led_offline(demo):
    cats = json.loads((demo / "truth" / "patterns.json").read_text())["categories"]
    products = raw(demo, "catalog.products")[["sku_code", "category_l2"]]
    items = raw(demo, "ecommerce.order_items")
    items = items[items["sku_code"].fillna("").str.strip() != ""]
    items = items.assign(sku_code=items["sku_code"].str.strip())
    lines = raw(demo, "pos.receipt_lines")
    lines = lines[lines["quantity"].astype(int) > 0].assign(sku_code=lines["sku_code"].str.strip())

    def discount(frame):
        frame = frame.merge(products, on="sku_code")
        listed = frame["unit_list_price"].astype(float) * frame["quantity"].astype(float)
        paid = frame["line_paid_amount"].astype(float)
        frame = frame.assign(listed=listed, paid=paid)
        sums = frame.groupby("category_l2")[["listed", "paid"]].sum()
        return 1 - sums["paid"] / sums["listed"], frame

    online, items_cat = discount(items)
    offline, _ = discount(lines)
    for name in cats["price_led_online"]:
        assert online[name] > 0.35 and online[name] > offline[name] + 0.2
    for name in cats["experience_led_offline"]:
        assert offline[name] < 0.08
    # demand reacts to discount online: deeper discount, more units per line
    price_led = items_cat[items_cat["category_l2"].isin(cats["price_led_online"])]
    rate = 1 - price_led["paid"] / price_led["listed"]
    assert np.corrcoef(rate, price_led["quantity"].astype(float))[0, 1] > 0.2


def test_buyer_groups_behave_differently(demo):
    records = truth(demo, "record_persons")
    persons = truth(demo, "persons")[["person_id", "buyer_type"]]
    orders = raw(demo, "ecommerce.orders").drop_duplicates("order_id")
    orders = orders[orders["created_at"].str.match(r"^20[0-9]{2}-[0-9]{2}-[0-9]{2} ")]
    orders = orders.assign(record_id=orders["platform"].str.strip().str.lower() + "|"
                           + orders["order_id"].str.strip(), table="ecommerce.orders")
    orders = orders.merge(records, on=["table", "record_id"]).merge(persons, on="person_id")
    hour = orders["created_at"].str[11:13].astype(int)
    orders["late"] = (hour >= 22) | (hour < 2)
    orders["refunded"] = orders["status"].str.strip().str.lower() == "refunded"
    goods = orders["goods_amount"].astype(float)
    orders["discount"] = orders["discount_amount"].astype(float) / goods
    by = orders.groupby("buyer_type").agg(late=("late", "mean"), refunded=("refunded", "mean"),
                                          discount=("discount", "mean"))
    assert by.loc["impulsive", "late"] > 2 * by.drop("impulsive")["late"].max()
    assert by.loc["impulsive", "refunded"] > by.drop("impulsive")["refunded"].max()
    assert by.loc["price_sensitive", "discount"] > by.loc["conservative", "discount"]
    coupons = raw(demo, "marketing.coupons")
    used = coupons[coupons["redeemed_at"].notna()].assign(table="marketing.coupons",
                                                          record_id=lambda f: f["coupon_id"].str.strip())
    per = used.merge(records, on=["table", "record_id"]).merge(persons, on="person_id")
    counts = per.groupby("buyer_type").size() / truth(demo, "persons").groupby("buyer_type").size()
    assert counts["price_sensitive"] == counts.max()


def test_migrating_persons_shift_channel(demo):
    records = truth(demo, "record_persons")
    persons = truth(demo, "persons")[["person_id", "segment"]]
    rows = []
    for table, column in (("ecommerce.orders", "created_at"), ("pos.receipts", "txn_at")):
        frame = raw(demo, table)
        key = (frame["platform"].str.strip().str.lower() + "|" + frame["order_id"].str.strip()
               if table == "ecommerce.orders" else frame["receipt_id"].str.strip())
        rows.append(pd.DataFrame({"table": table, "record_id": key,
                                  "year": frame[column].str[:4], "online": table != "pos.receipts"}))
    events = pd.concat(rows).drop_duplicates(["table", "record_id"])
    events = events.merge(records, on=["table", "record_id"]).merge(persons, on="person_id")
    share = events.groupby(["segment", "year"])["online"].mean()
    assert share["offline_to_online", "2025"] > share["offline_to_online", "2024"] + 0.15
    assert share["online_to_offline", "2025"] < share["online_to_offline", "2024"] - 0.15


MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from datong.generator.core import Config, generate
generate(Config(persons=int(sys.argv[1]), seed=1, out=Path(sys.argv[2]), chunk_size=1000),
         log=lambda _m: None)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_memory_stays_bounded_as_persons_grow(tmp_path):
    peaks = {}
    for n in (2000, 12000):
        result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(n), str(tmp_path / str(n))],
                                check=True, capture_output=True, text=True)
        peaks[n] = int(result.stdout.strip().splitlines()[-1])
    rows = json.loads((tmp_path / "12000" / "truth" / "manifest.json").read_text())["rows"]
    assert sum(rows.values()) > 5 * json.loads(
        (tmp_path / "2000" / "truth" / "manifest.json").read_text())["rows"]["ecommerce.orders"]
    assert peaks[12000] < peaks[2000] * 1.2
