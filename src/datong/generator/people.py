"""Persons: the hidden truth behind every record, drawn chunk by chunk.

Everything a person is (where they live and work, how they shop, which platforms and apps
they use, which cards they hold) is drawn here as numpy arrays; `activity.py` turns it into
records. Identifiers are bijections of the global person index, so they never collide
across chunks.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import fmt, geo
from .world import (DISTRICT_OFFLINE, DISTRICT_ONLINE, DISTRICT_WHITESPACE, PLATFORMS, World)

SEGMENTS = ("online_only", "offline_only", "omnichannel", "offline_to_online", "online_to_offline")
# online share of purchase occasions at the start and at the end of the period
SEGMENT_ONLINE = np.array([(0.97, 0.97), (0.03, 0.03), (0.5, 0.5), (0.15, 0.85), (0.85, 0.15)])
SEGMENT_MIX = {
    "normal": (0.30, 0.22, 0.30, 0.10, 0.08),
    DISTRICT_ONLINE: (0.72, 0.02, 0.16, 0.09, 0.01),
    DISTRICT_OFFLINE: (0.06, 0.58, 0.28, 0.03, 0.05),
}
BUYER_TYPES = ("price_sensitive", "impulsive", "conservative", "regular")
AGE_BANDS = ("<18", "18-24", "25-34", "35-44", "45-54", "55+")
MOBILE_PREFIXES = np.array([130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153,
                            155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178, 180, 181, 182,
                            183, 184, 185, 186, 187, 188, 189, 191, 198])
RESERVED_PREFIX = 199
SECOND_PHONE_OFFSET = 50_000_000
CASHIER_PHONE_OFFSET = 90_000_000
APPIDS = ("wx8a3f2c9e1b7d4056", "wx51c0e9d7a2b34f18")  # mini-program, official account
APP_PREFIX = ("oX3kQ", "oGm7v")


def phones(index) -> pa.Array:
    """A unique valid mobile number per index; never one of the placeholder patterns."""
    index = np.asarray(index, dtype=np.int64)
    prefix = MOBILE_PREFIXES[(fmt.mix64(index, 3) % np.uint64(len(MOBILE_PREFIXES))).astype(np.int64)]
    suffix = (index * 7_654_321 + 13_579_246) % 100_000_000
    bad = np.isin(suffix, [d * 11_111_111 for d in range(10)] + [12_345_678, 87_654_321,
                                                                  138_000 + 0, 138_138])
    bad |= (prefix == 138) & (suffix == 138_000)
    prefix = np.where(bad, RESERVED_PREFIX, prefix)
    return fmt.digits(prefix * 100_000_000 + suffix, 11)


def openids(person, app: int) -> pa.Array:
    person = np.asarray(person, dtype=np.int64)
    return fmt.cat(APP_PREFIX[app], fmt.encode(fmt.mix64(person, 100 + app), fmt.BASE64, 11),
                   fmt.encode(fmt.mix64(person, 200 + app), fmt.BASE64, 12))


def unionids(person) -> pa.Array:
    person = np.asarray(person, dtype=np.int64)
    return fmt.cat("oDt7Q", fmt.encode(fmt.mix64(person, 300), fmt.BASE64, 11),
                   fmt.encode(fmt.mix64(person, 301), fmt.BASE64, 12))


def card_numbers(person, program: int) -> pa.Array:
    person = np.asarray(person, dtype=np.int64)
    return fmt.cat(("8", "6")[program], fmt.decimal_id(person, 11, 401 + program))


def buyer_ids(person, platform: int) -> pa.Array:
    person = np.asarray(person, dtype=np.int64)
    if platform == 0:
        return fmt.cat("tb", fmt.encode(fmt.mix64(person, 500), fmt.BASE36, 13))
    if platform == 1:
        return fmt.cat("jd_", fmt.encode(fmt.mix64(person, 501), fmt.BASE36, 13))
    if platform == 2:
        return fmt.cat("dy", fmt.decimal_id(person, 14, 502))
    if platform == 3:
        return fmt.cat("pdd", fmt.decimal_id(person, 11, 503))
    return openids(person, 0)


def person_ids(person) -> pa.Array:
    return fmt.cat("P", fmt.digits(np.asarray(person, dtype=np.int64), 8))


def _names(rng: np.random.Generator, n: int) -> pa.Array:
    from faker.providers.person.zh_CN import Provider

    surnames = list(Provider.last_names.keys())
    weights = np.array(list(Provider.last_names.values()), dtype=np.float64)
    given = list(dict.fromkeys(Provider.first_names))
    s = rng.choice(len(surnames), size=n, p=weights / weights.sum())
    g1 = rng.integers(len(given), size=n)
    g2 = rng.integers(len(given), size=n)
    two = rng.random(n) < 0.7
    name = fmt.cat(fmt.take(surnames, s), fmt.take(given, g1))
    import pyarrow.compute as pc

    return pc.if_else(pa.array(two), fmt.cat(name, fmt.take(given, g2)), name)


def draw_persons(world: World, first: int, n: int, rng: np.random.Generator) -> dict:
    """Hidden attributes of persons first..first+n-1."""
    p = {"index": np.arange(first, first + n, dtype=np.int64)}
    p["female"] = rng.random(n) < 0.62
    age = np.clip(np.rint(rng.normal(33, 10, n)), 16, 72).astype(np.int64)
    p["age"] = age
    birth_year = world.start.year - age
    p["birth_seconds"] = ((birth_year - 1970) * 365.25 * 86400).astype(np.int64) + \
        rng.integers(0, 365, n) * 86400
    p["age_band"] = np.searchsorted([18, 25, 35, 45, 55], age, side="right")
    cum = np.cumsum(world.d_weight)
    district = np.minimum(np.searchsorted(cum / cum[-1], rng.random(n), side="right"),
                          len(cum) - 1)
    p["district"] = district
    street = np_street = None
    from .world import sample_streets

    street = sample_streets(world, district, rng.random(n))
    p["street"] = street
    p["home_lat"], p["home_lon"] = geo.offset_km(world.s_lat[street], world.s_lon[street],
                                                 rng.normal(0, 0.6, n), rng.normal(0, 0.6, n))
    # workplace: mostly another district of the same city, weighted by district size
    work = district.copy()
    city = world.d_city_idx[district]
    moves = rng.random(n) < 0.65
    for c in np.unique(city[moves]):
        members = np.flatnonzero(moves & (city == c))
        candidates = np.flatnonzero(world.d_city_idx == c)
        weights = world.d_weight[candidates] * np.where(world.d_center_km[candidates] < 12, 3, 1)
        work[members] = rng.choice(candidates, size=len(members), p=weights / weights.sum())
    p["work_district"] = work
    work_street = sample_streets(world, work, rng.random(n))
    p["work_street"] = work_street
    p["work_lat"], p["work_lon"] = geo.offset_km(world.s_lat[work_street],
                                                 world.s_lon[work_street],
                                                 rng.normal(0, 0.4, n), rng.normal(0, 0.4, n))
    # store access
    st = world.stores
    d_home = geo.km_between(p["home_lat"][:, None], p["home_lon"][:, None], st["lat"][None, :],
                            st["lon"][None, :])
    d_work = geo.km_between(p["work_lat"][:, None], p["work_lon"][:, None], st["lat"][None, :],
                            st["lon"][None, :])
    order = np.argsort(d_home, axis=1, kind="stable")[:, :2]
    p["store_home1"] = order[:, 0]
    p["store_home2"] = order[:, 1]
    p["store_work"] = np.argmin(d_work, axis=1)
    rows = np.arange(n)
    p["km_home1"] = d_home[rows, order[:, 0]]
    p["km_home2"] = d_home[rows, order[:, 1]]
    p["km_work"] = d_work[rows, p["store_work"]]
    p["km_nearest"] = np.minimum(p["km_home1"], p["km_work"])
    # segment, by the district's character
    segment = np.empty(n, dtype=np.int64)
    klass = world.d_class[district]
    for key, mix in SEGMENT_MIX.items():
        sel = (klass == key) if key != "normal" else ~np.isin(klass, (DISTRICT_ONLINE,
                                                                     DISTRICT_OFFLINE))
        segment[sel] = rng.choice(len(SEGMENTS), size=int(sel.sum()), p=mix)
    no_store = p["km_nearest"] > 40
    segment[no_store & (segment != 0)] = 0
    p["segment"] = segment
    jitter = rng.uniform(-0.15, 0.15, n)
    p["online_start"] = np.clip(SEGMENT_ONLINE[segment, 0] + np.where(segment == 2, jitter, 0), 0, 1)
    p["online_end"] = np.clip(SEGMENT_ONLINE[segment, 1] + np.where(segment == 2, jitter, 0), 0, 1)
    # buyer type: younger people are more often impulsive, older more often conservative
    young = age < 30
    old = age >= 45
    probs = np.where(young[:, None], [0.27, 0.30, 0.13, 0.30],
                     np.where(old[:, None], [0.27, 0.07, 0.38, 0.28], [0.29, 0.15, 0.24, 0.32]))
    u = rng.random(n)
    p["buyer_type"] = (u[:, None] >= np.cumsum(probs, axis=1)).sum(axis=1)
    p["spending_power"] = rng.lognormal(0.0, 0.45, n) * np.where(world.d_tier[district] == 1, 1.25,
                                                                 np.where(world.d_tier[district] == 4,
                                                                          0.8, 1.0))
    joined = rng.random(n) < 0.5
    p["join_day"] = np.where(joined, 0, rng.integers(0, int(world.n_days * 0.9), n))
    # platforms: adoption and preference
    adopt = rng.random((n, 5)) < np.array([0.62, 0.35, 0.30, 0.22, 0.30])
    adopt[:, 2] |= young & (rng.random(n) < 0.25)
    adopt[:, 3] |= (p["buyer_type"] == 0) & (rng.random(n) < 0.25)
    none = ~adopt.any(axis=1)
    adopt[none, 0] = True
    p["platforms"] = adopt
    p["platform_weight"] = adopt * rng.gamma(2.0, 1.0, (n, 5))
    shops = world.shops
    preferred = np.zeros((n, 5), dtype=np.int64)
    for k in range(5):
        cand = np.flatnonzero(shops["platform_idx"] == k)
        w = shops["weight"][cand].astype(float)
        if (p["buyer_type"] == 0).any():
            pass
        preferred[:, k] = rng.choice(cand, size=n, p=w / w.sum())
    p["preferred_shop"] = preferred
    # WeChat: mini-program (where wechat_mall lives) and official account
    offline_leaning = np.isin(segment, (1, 2, 4))
    p["has_mp"] = adopt[:, 4] | (rng.random(n) < np.where(offline_leaning, 0.45, 0.3))
    p["has_oa"] = rng.random(n) < np.where(p["has_mp"], 0.45, 0.12)
    p["authorised"] = rng.random(n) < 0.85
    p["mp_phone"] = p["has_mp"] & (rng.random(n) < 0.45)
    p["sharer"] = p["has_mp"] & (rng.random(n) < np.where(klass == DISTRICT_WHITESPACE, 0.85, 0.4))
    p["devices"] = 1 + (rng.random(n) < 0.2)
    p["name"] = _names(rng, n)
    p["new_phone"] = rng.random(n) < 0.04
    return p


def hidden_table(world: World, p: dict) -> pa.Table:
    """persons.parquet rows for a chunk."""
    shops = world.shops
    platforms = np.array(PLATFORMS)
    combos = [",".join(platforms[[(m >> k) & 1 == 1 for k in range(5)]]) for m in range(32)]
    bits = (p["platforms"] * (1 << np.arange(5))).sum(axis=1)
    adopted = fmt.take(combos, bits)
    import pyarrow.compute as pc

    pieces = []
    for k in range(5):
        piece = fmt.cat(f"{platforms[k]}:", fmt.take(list(shops["shop_id"]), p["preferred_shop"][:, k]))
        pieces.append(fmt.nullify(piece, ~p["platforms"][:, k]))
    shop_ids = pc.binary_join_element_wise(*pieces, ",", null_handling="skip")
    st = world.stores
    return pa.table({
        "person_id": person_ids(p["index"]),
        "gender": pa.array(np.where(p["female"], "F", "M")),
        "birth_date": fmt.dates(p["birth_seconds"]),
        "age": pa.array(p["age"]),
        "age_band": fmt.take(list(AGE_BANDS), p["age_band"]),
        "segment": fmt.take(list(SEGMENTS), p["segment"]),
        "online_share_start": pa.array(p["online_start"]),
        "online_share_end": pa.array(p["online_end"]),
        "buyer_type": fmt.take(list(BUYER_TYPES), p["buyer_type"]),
        "spending_power": pa.array(np.round(p["spending_power"], 4)),
        "join_date": fmt.dates(world.start_seconds + p["join_day"] * 86400),
        "home_province": pa.array(world.d_province[p["district"]]),
        "home_city": pa.array(world.d_city[p["district"]]),
        "home_district_code": pa.array(world.d_code[p["district"]]),
        "home_district": pa.array(world.d_name[p["district"]]),
        "home_street": pa.array(world.s_name[p["street"]]),
        "home_lat": pa.array(np.round(p["home_lat"], 6)),
        "home_lon": pa.array(np.round(p["home_lon"], 6)),
        "work_district_code": pa.array(world.d_code[p["work_district"]]),
        "work_street": pa.array(world.s_name[p["work_street"]]),
        "work_lat": pa.array(np.round(p["work_lat"], 6)),
        "work_lon": pa.array(np.round(p["work_lon"], 6)),
        "nearest_store_id": pa.array(st["store_id"][np.where(p["km_home1"] <= p["km_work"],
                                                             p["store_home1"], p["store_work"])]),
        "nearest_store_km": pa.array(np.round(p["km_nearest"], 3)),
        "platforms": adopted,
        "shops": shop_ids,
        "phone": phones(p["index"]),
        "has_wechat_mini_program": pa.array(p["has_mp"]),
        "has_wechat_official_account": pa.array(p["has_oa"]),
        "wechat_authorised": pa.array(p["authorised"]),
        "shares_location": pa.array(p["sharer"]),
    })
