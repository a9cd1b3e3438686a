"""One chunk of persons turned into raw records: purchases, profiles, shares, cards, consents.

All of it is vectorised over the chunk: occasions are exploded from persons with np.repeat,
order lines from occasions, and every table is built column by column as pyarrow strings.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import fmt, geo
from .faults import Frame
from .people import (AGE_BANDS, APPIDS, CASHIER_PHONE_OFFSET, SECOND_PHONE_OFFSET, buyer_ids,
                     card_numbers, openids, person_ids, phones, unionids)
from .world import (CATEGORIES, CHANNEL_AFFINITY, COLD, DISCOUNT, DISTRICT_WHITESPACE, KINDS,
                    PLATFORMS, WARM, World)

DAY = 86400
# per buyer type: price_sensitive, impulsive, conservative, regular
OCCASIONS = np.array([5.5, 11.0, 2.6, 4.2])
COUPON_USE = np.array([0.38, 0.05, 0.02, 0.08])
ONLINE_RETURN = np.array([0.12, 0.28, 0.04, 0.09])
OFFLINE_RETURN = np.array([0.06, 0.15, 0.02, 0.05])
LATE_NIGHT = np.array([0.07, 0.38, 0.03, 0.07])
FACES = np.array([2000, 3000, 5000, 10000])
MIN_SPEND = np.array([9900, 19900, 29900, 49900])
PAYMENT = ("wechat_pay", "alipay", "card", "cash")
NICK_WORDS = ("阳光", "微笑", "晴天", "柠檬", "奶茶", "小鱼", "橘子", "星星", "月亮", "可乐",
              "Lucky", "Amy", "Jason", "Coco", "Kevin", "Lily", "木子", "清风", "小熊", "咖啡",
              "🌸花花", "🍀", "旅行者", "追风", "慢慢", "糖果", "小白", "大海", "山水", "北北")
NICK_PREFIX = ("", "", "小", "阿", "Miss", "爱吃", "快乐的", "")


def _category_table() -> np.ndarray:
    """Cumulative category weights by [online, promo, month]."""
    n_cat = len(CATEGORIES)
    table = np.zeros((2, 2, 13, n_cat))
    for c, category in enumerate(CATEGORIES):
        code, kind = category[2], category[6]
        affinity = CHANNEL_AFFINITY[kind]
        for month in range(1, 13):
            cold_season = month in (10, 11, 12, 1, 2)
            warm_season = month in (5, 6, 7, 8)
            season = 1.0
            if code in COLD:
                season = COLD[code] if cold_season else (1 / COLD[code] if warm_season else 1.0)
            if code in WARM:
                season = WARM[code] if warm_season else (1 / WARM[code] if cold_season else 1.0)
            for online in (0, 1):
                for promo in (0, 1):
                    boost = 2.2 if (online and promo and kind == "price_led") else 1.0
                    table[online, promo, month, c] = affinity[1 - online] * season * boost
    return np.cumsum(table, axis=3) / table.sum(axis=3, keepdims=True).clip(1e-9)


CATEGORY_CUM = _category_table()


def _group_starts(owner: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(owner, np.arange(n))


def _explode(counts: np.ndarray):
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    seq = np.arange(len(owner)) - np.repeat(starts, counts)
    return owner, seq


def _addresses(world: World, person, district_street, salt: int) -> pa.Array:
    person = np.asarray(person, dtype=np.int64)
    road = (fmt.mix64(person, salt) % np.uint64(len(geo.ROAD_STEMS))).astype(np.int64)
    suffix = (fmt.mix64(person, salt + 1) % np.uint64(len(geo.ROAD_SUFFIXES))).astype(np.int64)
    h = fmt.mix64(person, salt + 2)
    number = pa.array(((h % np.uint64(899)) + np.uint64(1)).astype(np.int64)).cast(pa.string())
    building = pa.array(((h >> np.uint64(16)) % np.uint64(30) + np.uint64(1)).astype(np.int64)
                        ).cast(pa.string())
    room = pa.array(((h >> np.uint64(32)) % np.uint64(28) + np.uint64(1)).astype(np.int64) * 100
                    + ((h >> np.uint64(48)) % np.uint64(4) + np.uint64(1)).astype(np.int64)
                    ).cast(pa.string())
    return fmt.cat(pa.array(world.s_name[district_street]), fmt.take(list(geo.ROAD_STEMS), road),
                   fmt.take(list(geo.ROAD_SUFFIXES), suffix), number, "号", building, "栋", room,
                   "室")


class Chunk:
    """Builds every table's frame for one chunk of persons."""

    def __init__(self, world: World, people: dict, rng: np.random.Generator, rates: dict,
                 platform_sku_ids: list[pa.Array], nicknames: pa.Array):
        self.w = world
        self.p = people
        self.rng = rng
        self.rates = rates
        self.platform_sku_ids = platform_sku_ids
        self.nicknames = nicknames
        self.n = len(people["index"])
        self.frames: dict[str, Frame] = {}
        self.truth: list[tuple[str, pa.Array, pa.Array]] = []

    def frame(self, table: str, columns: dict, record_id: pa.Array) -> Frame:
        f = Frame(table, columns, record_id, self.rates, self.rng, self.w.end_seconds)
        self.frames[table] = f
        return f

    def run(self) -> None:
        self._occasions()
        self._lines()
        self._wechat_and_cards()
        self._coupons_used()
        self._orders()
        self._receipts()
        self._users()
        self._shares()
        self._members()
        self._coupons()
        self._responses()
        self._consents()
        self._erasures()

    # ---------------------------------------------------------------------------- occasions
    def _occasions(self) -> None:
        w, p, rng, n = self.w, self.p, self.rng, self.n
        bt = p["buyer_type"]
        active = (w.n_days - p["join_day"]) / w.n_days
        lam = OCCASIONS[bt] * p["spending_power"] ** 0.4 * active * (w.n_days / 730)
        counts = np.minimum(rng.poisson(lam), 120)
        owner, seq = _explode(counts)
        self.occ_counts = counts
        self.occ_p, self.occ_seq = owner, seq
        m = len(owner)
        join = p["join_day"][owner]
        day = np.empty(m, dtype=np.int64)
        u = rng.random(m)
        for name, sel in (("promo_hunter", bt[owner] == 0), ("regular", bt[owner] != 0)):
            cum = w.day_cum[name]
            lo = np.where(join[sel] > 0, cum[np.maximum(join[sel] - 1, 0)], 0.0)
            day[sel] = np.searchsorted(cum, lo + u[sel] * (1 - lo), side="right")
        day = np.clip(day, join, w.n_days - 1)
        t = day / w.n_days
        pon = p["online_start"][owner] + (p["online_end"][owner] - p["online_start"][owner]) * t
        access = np.exp(-np.maximum(p["km_nearest"][owner] - 3.0, 0.0) / 6.0)
        pon = pon / np.maximum(pon + (1 - pon) * access, 1e-9)
        online = rng.random(m) < pon
        st = w.stores
        cand = np.stack([p["store_home1"][owner], p["store_home2"][owner],
                         p["store_work"][owner]], axis=1)
        dist = np.stack([p["km_home1"][owner], p["km_home2"][owner], p["km_work"][owner]], axis=1)
        weight = np.array([0.55, 0.2, 0.25]) * np.exp(-dist / 6.0) + 1e-12
        pick = (rng.random(m)[:, None] * weight.sum(axis=1, keepdims=True)
                >= np.cumsum(weight, axis=1)).sum(axis=1)
        hour_off = rng.integers(10, 22, m)
        second = w.day_seconds[day] + hour_off * 3600 + rng.integers(0, 3600, m)
        is_open = (st["opened"][cand] <= second[:, None]) & (
            (st["closed"][cand] < 0) | (st["closed"][cand] > second[:, None]))
        chosen_open = is_open[np.arange(m), pick]
        fallback = np.argmax(is_open, axis=1)
        pick = np.where(chosen_open, pick, fallback)
        any_open = is_open.any(axis=1)
        online |= ~any_open
        store = cand[np.arange(m), pick]
        late = rng.random(m) < LATE_NIGHT[bt[owner]]
        hour_on = np.where(late, rng.choice([22, 23, 0, 1], m),
                           rng.choice(np.arange(8, 22), m))
        on_second = w.day_seconds[day] + hour_on * 3600 + rng.integers(0, 3600, m)
        self.occ_time = np.where(online, on_second, second)
        self.occ_day = day
        self.occ_online = online
        self.occ_store = np.where(online, -1, store)
        self.occ_pon = pon
        # online: platform and shop
        pw = p["platform_weight"][owner]
        pcum = np.cumsum(pw, axis=1)
        platform = (rng.random(m)[:, None] * pcum[:, -1:] >= pcum).sum(axis=1)
        self.occ_platform = np.minimum(platform, 4)
        shops = w.shops
        preferred = p["preferred_shop"][owner, self.occ_platform]
        other = np.empty(m, dtype=np.int64)
        for k in range(5):
            sel = self.occ_platform == k
            cand_shops = np.flatnonzero(shops["platform_idx"] == k)
            other[sel] = rng.choice(cand_shops, size=int(sel.sum()))
        self.occ_shop = np.where(rng.random(m) < 0.7, preferred, other)
        kind = shops["kind"][self.occ_shop]
        self.occ_outlet = np.where(online, kind == "outlet", st["format"][store] == "outlet")
        self.occ_promo = online & w.day_promo[day]
        # buy online, pick up in store
        bopis_ok = (online & np.isin(self.occ_platform, (0, 4)) & (p["km_home1"][owner] < 8)
                    & np.isin(p["segment"][owner], (2, 3, 4)))
        h1 = p["store_home1"][owner]
        open_h1 = (st["opened"][h1] <= self.occ_time) & ((st["closed"][h1] < 0)
                                                          | (st["closed"][h1] > self.occ_time))
        self.occ_pickup = np.where(bopis_ok & open_h1 & (rng.random(m) < 0.12), h1, -1)

    # --------------------------------------------------------------------------------- lines
    def _lines(self) -> None:
        w, p, rng = self.w, self.p, self.rng
        m = len(self.occ_p)
        bt = p["buyer_type"][self.occ_p]
        nl = np.select(
            [bt == 1, bt == 2, bt == 0],
            [np.where(rng.random(m) < 0.85, 1, rng.integers(3, 7, m)),
             1 + rng.poisson(1.3, m), 1 + rng.poisson(0.9, m)],
            1 + rng.poisson(0.6, m))
        nl = np.minimum(nl, 6)
        owner, seq = _explode(nl)
        self.occ_nlines = nl
        self.line_occ, self.line_no = owner, seq + 1
        k = len(owner)
        online = self.occ_online[owner]
        promo = self.occ_promo[owner]
        month = w.day_month[self.occ_day[owner]]
        cum = CATEGORY_CUM[online.astype(int), promo.astype(int), month]
        cat = (rng.random(k)[:, None] >= cum).sum(axis=1)
        cat = np.minimum(cat, len(CATEGORIES) - 1)
        launches = np.array([c[2] for c in w.collections])
        from .world import to_seconds

        launch_s = np.array([to_seconds(d) for d in launches])
        coll = np.searchsorted(launch_s, self.occ_time[owner], side="right") - 1
        coll = np.maximum(coll, 0)
        outlet = self.occ_outlet[owner]
        kind = w.cat_kind[cat]
        clearance_rate = np.where(online, 0.22, np.array([0.15, 0.12, 0.03])[kind])
        clearance = (((outlet & (kind != 2)) | (rng.random(k) < clearance_rate)) & (coll > 0))
        coll = coll - clearance
        group = cat * len(w.collections) + coll
        sku = w.sku_by_group[w.group_start[group] + (rng.random(k) * w.group_len[group]).astype(int)]
        table = np.array([DISCOUNT[name] for name in KINDS])
        is_ps = p["buyer_type"][self.occ_p[owner]] == 0
        disc_on = table[kind, 0] + promo * table[kind, 1] + is_ps * 0.04 + rng.normal(0, 0.05, k)
        noise_off = np.where(kind == 2, np.abs(rng.normal(0, 0.015, k)), rng.normal(0, 0.04, k))
        disc_off = table[kind, 2] + noise_off
        disc = (np.where(online, disc_on, disc_off) + clearance * 0.15
                + outlet * np.array([0.25, 0.2, 0.08])[kind])
        disc = np.clip(disc, 0.0, 0.75)
        price = w.sku["price"][sku]
        unit_paid = np.maximum(np.rint(price * (1 - disc) / 100) * 100, 100).astype(np.int64)
        qty = np.where(online & (kind == 0), 1 + rng.poisson(3.0 * disc),
                       1 + (rng.random(k) < 0.08))
        self.line_sku, self.line_cat, self.line_qty = sku, cat, qty
        self.line_list = price
        self.line_paid = unit_paid * qty
        self.occ_first_line = np.searchsorted(owner, np.arange(m))
        self.occ_goods = np.add.reduceat(price * qty, self.occ_first_line) if m else np.zeros(0)
        self.occ_value = np.add.reduceat(self.line_paid, self.occ_first_line) if m else np.zeros(0)

    # -------------------------------------------------------------------- wechat and cards
    def _wechat_and_cards(self) -> None:
        p, rng, n, w = self.p, self.rng, self.n, self.w
        join_s = w.start_seconds + p["join_day"] * DAY
        self.mp_registered = (join_s - rng.integers(1, 400, n) * DAY + rng.integers(8, 22, n) * 3600
                              + rng.integers(0, 3600, n))
        self.oa_registered = (join_s - rng.integers(1, 500, n) * DAY + rng.integers(8, 22, n) * 3600
                              + rng.integers(0, 3600, n))
        first_off = np.full(n, np.iinfo(np.int64).max)
        off = ~self.occ_online
        np.minimum.at(first_off, self.occ_p[off], self.occ_time[off])
        has_off = first_off < np.iinfo(np.int64).max
        self.store_card = has_off & (rng.random(n) < np.where(p["segment"] == 1, 0.72, 0.55))
        self.store_enrolled = np.where(self.store_card, first_off - 300, -1)
        self.store_enrolled_store = np.full(n, -1)
        first_idx = np.full(n, -1)
        order = np.lexsort((self.occ_time, ~off, self.occ_p))
        firsts = order[np.searchsorted(self.occ_p[order], np.arange(n))[has_off]]
        first_idx[has_off] = firsts
        self.store_enrolled_store[has_off] = self.occ_store[firsts]
        self.wechat_card = p["has_mp"] & (rng.random(n) < 0.3)
        self.wechat_enrolled = np.where(
            self.wechat_card,
            np.minimum(self.mp_registered + rng.integers(1, 60, n) * DAY, w.end_seconds - DAY), -1)
        spend = np.zeros(n)
        np.add.at(spend, self.occ_p, self.occ_value)
        self.tier = np.searchsorted([100000, 300000, 800000], spend, side="right")
        self.openid_mp = openids(p["index"], 0)
        self.openid_oa = openids(p["index"], 1)
        self.card_store = card_numbers(p["index"], 0)
        self.card_wechat = card_numbers(p["index"], 1)
        self.phone = phones(p["index"])
        self.phone2 = phones(p["index"] + SECOND_PHONE_OFFSET)
        self.pid = person_ids(p["index"])

    # ------------------------------------------------------------------------------ coupons
    def _coupons_used(self) -> None:
        p, rng, w = self.p, self.rng, self.w
        m = len(self.occ_p)
        owner = self.occ_p
        bt = p["buyer_type"][owner]
        wants = rng.random(m) < COUPON_USE[bt]
        face_idx = np.searchsorted(MIN_SPEND, self.occ_value, side="right") - 1
        wants &= face_idx >= 0
        t = self.occ_time
        has_mp = p["has_mp"][owner] & (self.mp_registered[owner] < t - DAY)
        card_kind = np.where(self.store_card[owner] & (self.store_enrolled[owner] < t - DAY), 0,
                             np.where(self.wechat_card[owner]
                                      & (self.wechat_enrolled[owner] < t - DAY), 1, -1))
        has_card = card_kind >= 0
        plat = self.occ_platform
        online = self.occ_online
        r = rng.random(m)
        # 0 wechat, 1 tmall, 2 jd, 3 store
        channel = np.full(m, -1)
        holder_openid = np.zeros(m, dtype=bool)
        off = ~online
        c = off & has_mp & (r < 0.65)
        channel[c], holder_openid[c] = 0, True
        c2 = off & (channel < 0) & has_card
        channel[c2] = np.where(p["platforms"][owner[c2], 0] & (r[c2] < 0.8), 1, 3)
        c3 = off & (channel < 0) & has_mp
        channel[c3], holder_openid[c3] = 0, True
        wm = online & (plat == 4) & has_mp
        channel[wm & (r < 0.6)] = 0
        holder_openid[wm & (r < 0.6)] = True
        c4 = wm & (r >= 0.6)
        channel[c4] = 3
        holder_openid[c4 & ~has_card] = True
        tj = online & np.isin(plat, (0, 1)) & has_card
        channel[tj] = np.where(plat[tj] == 0, 1, 2)
        use = wants & (channel >= 0)
        self.occ_coupon = use
        self.occ_coupon_face = np.where(use, FACES[np.maximum(face_idx, 0)], 0)
        self.occ_coupon_min = np.where(use, MIN_SPEND[np.maximum(face_idx, 0)], 0)
        self.occ_coupon_channel = channel
        self.occ_coupon_openid = holder_openid
        self.occ_coupon_card = card_kind
        lower = np.where(holder_openid, self.mp_registered[owner],
                         np.where(card_kind == 0, self.store_enrolled[owner],
                                  self.wechat_enrolled[owner]))
        issued = t - rng.integers(3600, 25 * DAY, m)
        self.occ_coupon_issued = np.maximum(issued, lower + 600)
        # allocate the coupon over the occasion's lines
        if len(self.line_occ):
            face = self.occ_coupon_face[self.line_occ]
            value = self.occ_value[self.line_occ]
            alloc = (self.line_paid * face) // np.maximum(value, 1)
            rest = self.occ_coupon_face - np.add.reduceat(alloc, self.occ_first_line)
            alloc[self.occ_first_line] += rest
            self.line_paid = self.line_paid - alloc
            self.occ_value = np.add.reduceat(self.line_paid, self.occ_first_line)

    # ------------------------------------------------------------------------------- orders
    def _orders(self) -> None:
        w, p, rng = self.w, self.p, self.rng
        sel = np.flatnonzero(self.occ_online)
        self.order_occ = sel
        m = len(sel)
        owner = self.occ_p[sel]
        person = p["index"][owner]
        x = person * 256 + self.occ_seq[sel]
        plat = self.occ_platform[sel]
        order_id = pa.array([""] * m, pa.string()) if m == 0 else None
        widths = ((18, 601, ""), (12, 602, ""), (18, 603, "6"), (15, 604, ""), (16, 605, "WX"))
        ids = [fmt.cat(prefix, fmt.decimal_id(x, width, salt)) for width, salt, prefix in widths]
        order_id = ids[0]
        for k in range(1, 5):
            order_id = pc.if_else(pa.array(plat == k), ids[k], order_id)
        buyer = buyer_ids(person, 0)
        for k in range(1, 5):
            buyer = pc.if_else(pa.array(plat == k), buyer_ids(person, k), buyer)
        self.order_id = order_id
        self.order_platform = plat
        created = self.occ_time[sel]
        pickup = self.occ_pickup[sel]
        at_work = rng.random(m) < 0.15
        district = np.where(at_work, p["work_district"][owner], p["district"][owner])
        street = np.where(at_work, p["work_street"][owner], p["street"][owner])
        home_addr = _addresses(w, person, p["street"][owner], 610)
        work_addr = _addresses(w, person, p["work_street"][owner], 620)
        address = pc.if_else(pa.array(at_work), work_addr, home_addr)
        st = w.stores
        has_pickup = pickup >= 0
        pk = np.maximum(pickup, 0)
        province = np.where(has_pickup, st["province"][pk], w.d_province[district])
        city = np.where(has_pickup, st["city"][pk], w.d_city[district])
        dist_name = np.where(has_pickup, w.d_name[st["district_idx"][pk]], w.d_name[district])
        address = pc.if_else(pa.array(has_pickup), fmt.take(list(st["address"]), pk), address)
        del street
        other_name = rng.random(m) < 0.06
        from .people import _names

        name = pc.if_else(pa.array(other_name), _names(rng, m), self.p["name"].take(pa.array(owner)))
        phone = self.phone.take(pa.array(owner))
        # amounts
        goods = self.occ_goods[sel]
        paid_lines = self.occ_value[sel]
        shipping = np.where(has_pickup | (paid_lines >= 9900) | (plat == 3), 0, 800)
        paid = paid_lines + shipping
        # returns and status
        bt = p["buyer_type"][owner]
        recent = created >= w.end_seconds - 3 * DAY
        returned = ~recent & (rng.random(m) < ONLINE_RETURN[bt])
        full = returned & ((self.occ_nlines[sel] == 1) | (rng.random(m) < 0.5))
        partial = returned & ~full
        closed = ~recent & ~returned & (rng.random(m) < 0.03)
        status = np.where(closed, "closed", np.where(full, "refunded", "completed")).astype(object)
        rs = rng.random(m)
        status[recent] = np.where(rs[recent] < 0.1, "created",
                                  np.where(rs[recent] < 0.5, "paid", "shipped"))
        status = status.astype(str)
        paid_at = created + rng.integers(5, 1200, m)
        has_paid = ~np.isin(status, ("created", "closed"))
        first_line = self.occ_first_line[sel]
        refund = np.where(full, paid, np.where(partial, self.line_paid[first_line], 0))
        updated = np.select(
            [status == "completed", status == "refunded", status == "closed",
             status == "created", status == "paid"],
            [created + rng.integers(5 * DAY, 12 * DAY, m), created + rng.integers(8 * DAY, 25 * DAY, m),
             created + 1800, created, paid_at], paid_at + rng.integers(7200, 2 * DAY, m))
        updated = np.minimum(updated, w.end_seconds)
        updated = np.maximum(updated, np.where(has_paid, paid_at, created))
        # item refund status
        line_sel = np.repeat(np.arange(m), self.occ_nlines[sel])
        n_items = len(line_sel)
        line_idx = (np.repeat(first_line, self.occ_nlines[sel])
                    + (np.arange(n_items) - np.repeat(np.cumsum(self.occ_nlines[sel])
                                                      - self.occ_nlines[sel], self.occ_nlines[sel])))
        item_refunded = full[line_sel] | (partial[line_sel] & (self.line_no[line_idx] == 1))
        # re-exports: the base row shows the older state
        old_updated = paid_at + rng.integers(3600, 36 * 3600, m)
        eligible = np.isin(status, ("completed", "refunded")) & (old_updated < updated)
        reexport = eligible & (rng.random(m) < self.rates["reexport_newer"])
        status_text = pa.array(status, pa.string())
        final_updated_text = fmt.timestamps(updated)
        final_refund_text = fmt.money(refund)
        base_status = pc.if_else(pa.array(reexport), "shipped", status_text)
        base_updated = np.where(reexport, old_updated, updated)
        base_refund = np.where(reexport, 0, refund)
        cols = {
            "order_id": order_id,
            "platform": fmt.take(list(PLATFORMS), plat),
            "shop_id": fmt.take(list(w.shops["shop_id"]), self.occ_shop[sel]),
            "buyer_id": buyer,
            "receiver_name": name,
            "receiver_phone": phone,
            "receiver_province": pa.array(province),
            "receiver_city": pa.array(city),
            "receiver_district": pa.array(dist_name),
            "receiver_address": address,
            "pickup_store_id": fmt.nullify(fmt.take(list(st["store_id"]), pk), ~has_pickup),
            "created_at": fmt.timestamps(created),
            "paid_at": fmt.nullify(fmt.timestamps(paid_at), ~has_paid),
            "status": base_status,
            "goods_amount": fmt.money(goods),
            "discount_amount": fmt.money(goods - paid_lines),
            "shipping_fee": fmt.money(shipping),
            "paid_amount": fmt.money(paid),
            "refund_amount": fmt.money(base_refund),
            "updated_at": fmt.timestamps(base_updated),
        }
        record_id = fmt.cat(cols["platform"], "|", order_id)
        self.truth.append(("ecommerce.orders", record_id, self.pid.take(pa.array(owner))))
        f = self.frame("ecommerce.orders", cols, record_id)
        f.protected = reexport.copy()
        f.quarantine({
            "missing_required": np.ones(m, bool),
            "invalid_timestamp": np.ones(m, bool),
            "future_timestamp": np.ones(m, bool),
            "negative_amount": (status != "refunded") & (paid > 0),
        })
        f.phones("receiver_phone", masked_eligible=plat != 4)
        f.padding()
        f.offsets({"created_at": created, "paid_at": paid_at, "updated_at": base_updated})
        f.broken_encoding()
        f.append_versions("reexport_newer", reexport & ~f.quarantined, {
            "status": status_text.filter(pa.array(reexport & ~f.quarantined)),
            "refund_amount": final_refund_text.filter(pa.array(reexport & ~f.quarantined)),
            "updated_at": final_updated_text.filter(pa.array(reexport & ~f.quarantined)),
        }, "collapsed")
        f.append_versions("duplicate_export",
                          f.draw(self.rates["duplicate_export"], ~f.quarantined), {}, None)
        # order items
        isku = self.line_sku[line_idx]
        iplat = plat[line_sel]
        psku = self.platform_sku_ids[0].take(pa.array(isku))
        for k in range(1, 5):
            psku = pc.if_else(pa.array(iplat == k), self.platform_sku_ids[k].take(pa.array(isku)),
                              psku)
        missing_sku = rng.random(n_items) < np.array([0.03, 0.05, 0.4, 0.6, 0.0])[iplat]
        icols = {
            "order_id": order_id.take(pa.array(line_sel)),
            "platform": fmt.take(list(PLATFORMS), iplat),
            "line_no": pa.array(self.line_no[line_idx]).cast(pa.string()),
            "platform_sku_id": psku,
            "sku_code": fmt.nullify(fmt.take(list(w.sku["sku_code"]), isku), missing_sku),
            "quantity": pa.array(self.line_qty[line_idx]).cast(pa.string()),
            "unit_list_price": fmt.money(self.line_list[line_idx]),
            "line_paid_amount": fmt.money(self.line_paid[line_idx]),
            "refund_status": fmt.take(["none", "refunded"], item_refunded.astype(int)),
        }
        irec = fmt.cat(icols["platform"], "|", icols["order_id"], "|", icols["line_no"])
        fi = self.frame("ecommerce.order_items", icols, irec)
        fi.quarantine({"missing_required": np.ones(n_items, bool)})
        fi.padding()
        fi.append_versions("duplicate_export",
                           fi.draw(self.rates["duplicate_export"], ~fi.quarantined), {}, None)
        self.order_status = status

    # ----------------------------------------------------------------------------- receipts
    def _receipts(self) -> None:
        w, p, rng = self.w, self.p, self.rng
        st = w.stores
        sale = np.flatnonzero(~self.occ_online)
        m = len(sale)
        owner = self.occ_p[sale]
        person = p["index"][owner]
        t = self.occ_time[sale]
        store = self.occ_store[sale]
        bt = p["buyer_type"][owner]
        # returns
        ret_t = t + rng.integers(DAY, 25 * DAY, m)
        ret_ok = (ret_t <= w.end_seconds) & ((st["closed"][store] < 0) | (st["closed"][store] > ret_t))
        ret_t = w.day_seconds[np.minimum((ret_t - w.start_seconds) // DAY, w.n_days - 1)] + \
            rng.integers(10, 21, m) * 3600 + rng.integers(0, 3600, m)
        returned = ret_ok & (rng.random(m) < OFFLINE_RETURN[bt])
        r_src = np.flatnonzero(returned)
        n_all = m + len(r_src)
        src = np.concatenate([np.arange(m), r_src])
        is_ret = np.concatenate([np.zeros(m, bool), np.ones(len(r_src), bool)])
        occ = sale[src]
        x = (person[src] * 256 + self.occ_seq[occ]) * 2 + is_ret
        receipt_id = fmt.cat("R", fmt.decimal_id(x, 15, 701))
        time = np.concatenate([t, ret_t[r_src]])
        store_all = store[src]
        own = owner[src]
        # lines: a return takes back the first line of the sale
        nl = np.where(is_ret, 1, self.occ_nlines[occ])
        line_owner, line_seq = _explode(nl)
        line_idx = self.occ_first_line[occ][line_owner] + line_seq
        sign = np.where(is_ret[line_owner], -1, 1)
        qty = self.line_qty[line_idx] * sign
        paid_line = self.line_paid[line_idx] * sign
        list_line = self.line_list[line_idx]
        starts = np.cumsum(nl) - nl
        gross = np.add.reduceat(list_line * qty, starts) if n_all else np.zeros(0, np.int64)
        paid = np.add.reduceat(paid_line, starts) if n_all else np.zeros(0, np.int64)
        # member card and phone at the till
        scan = rng.random(n_all) < 0.8
        sc = self.store_card[own] & (self.store_enrolled[own] <= time) & scan
        wc = ~sc & self.wechat_card[own] & (self.wechat_enrolled[own] <= time) & scan
        card = pc.if_else(pa.array(sc), self.card_store.take(pa.array(own)),
                          self.card_wechat.take(pa.array(own)))
        card = fmt.nullify(card, ~(sc | wc))
        typed = rng.random(n_all) < np.where(sc | wc, 0.1, 0.3)
        phone = fmt.nullify(self.phone.take(pa.array(own)), ~typed)
        registers = st["registers"][store_all]
        cashiers = st["cashiers"][store_all]
        store_id = fmt.take(list(st["store_id"]), store_all)
        register = fmt.cat(store_id, "-POS", pa.array(rng.integers(0, 10**6, n_all) % registers + 1)
                           .cast(pa.string()))
        cashier = fmt.cat(store_id, "-C", fmt.digits(rng.integers(0, 10**6, n_all) % cashiers + 1, 2))
        payment = rng.choice(4, n_all, p=[0.55, 0.3, 0.1, 0.05])
        original = fmt.nullify(receipt_id.take(pa.array(np.concatenate(
            [np.arange(m), np.flatnonzero(returned)]))), ~is_ret)
        updated = time + rng.integers(0, 600, n_all)
        updated = np.minimum(updated, w.end_seconds)
        cols = {
            "receipt_id": receipt_id,
            "store_id": store_id,
            "register_id": register,
            "cashier_id": cashier,
            "member_card_no": card,
            "customer_phone": phone,
            "receipt_type": fmt.take(["sale", "return"], is_ret.astype(int)),
            "original_receipt_id": original,
            "gross_amount": fmt.money(gross),
            "discount_amount": fmt.money(gross - paid),
            "paid_amount": fmt.money(paid),
            "payment_method": fmt.take(list(PAYMENT), payment),
            "txn_at": fmt.timestamps(time),
            "updated_at": fmt.timestamps(updated),
        }
        self.truth.append(("pos.receipts", receipt_id, self.pid.take(pa.array(own))))
        f = self.frame("pos.receipts", cols, receipt_id)
        f.quarantine({
            "missing_required": np.ones(n_all, bool),
            "invalid_timestamp": np.ones(n_all, bool),
            "future_timestamp": np.ones(n_all, bool),
            "negative_amount": ~is_ret & (paid > 0),
        })
        lazy = st["lazy_cashier"][store_all]
        cashier_eligible = lazy & (rng.random(n_all) < min(1.0, 3 * self.rates["phone_cashier"]))
        cashier_phone = phones(CASHIER_PHONE_OFFSET + store_all)
        f.phones("customer_phone", cashier=(cashier_eligible, cashier_phone))
        f.padding()
        f.offsets({"txn_at": time, "updated_at": updated})
        f.append_versions("duplicate_export",
                          f.draw(self.rates["duplicate_export"], ~f.quarantined), {}, None)
        lcols = {
            "receipt_id": receipt_id.take(pa.array(line_owner)),
            "line_no": pa.array(line_seq + 1).cast(pa.string()),
            "sku_code": fmt.take(list(w.sku["sku_code"]), self.line_sku[line_idx]),
            "quantity": pa.array(qty).cast(pa.string()),
            "unit_list_price": fmt.money(list_line),
            "line_paid_amount": fmt.money(paid_line),
        }
        lrec = fmt.cat(lcols["receipt_id"], "|", lcols["line_no"])
        fl = self.frame("pos.receipt_lines", lcols, lrec)
        fl.quarantine({"missing_required": np.ones(len(line_owner), bool)})
        fl.padding()
        fl.append_versions("duplicate_export",
                           fl.draw(self.rates["duplicate_export"], ~fl.quarantined), {}, None)
        self.receipt_id = receipt_id
        self.receipt_occ = occ
        self.receipt_is_ret = is_ret
        self.receipt_time = time
        self.receipt_store = store_all
        self.receipt_owner = own

    # -------------------------------------------------------------------------------- users
    def _users(self) -> None:
        w, p, rng, n = self.w, self.p, self.rng, self.n
        st = w.stores
        parts = []
        for app, has, registered in ((0, p["has_mp"], self.mp_registered),
                                     (1, p["has_oa"], self.oa_registered)):
            idx = np.flatnonzero(has)
            parts.append((app, idx, registered[idx]))
        app = np.concatenate([np.full(len(i), a) for a, i, _ in parts])
        own = np.concatenate([i for _, i, _ in parts])
        registered = np.concatenate([r for _, _, r in parts])
        k = len(own)
        openid = pc.if_else(pa.array(app == 0), self.openid_mp.take(pa.array(own)),
                            self.openid_oa.take(pa.array(own)))
        union = fmt.nullify(unionids(p["index"][own]), ~p["authorised"][own])
        nick = self.nicknames.take(pa.array((fmt.mix64(p["index"][own], 900 + app)
                                             % np.uint64(len(self.nicknames))).astype(np.int64)))
        gender = np.where(rng.random(k) < 0.1, "0", np.where(p["female"][own], "2", "1"))
        birth = fmt.nullify(fmt.dates(p["birth_seconds"][own]), rng.random(k) > 0.25)
        phone = fmt.nullify(self.phone.take(pa.array(own)), ~(p["mp_phone"][own] & (app == 0)))
        store = p["store_home1"][own]
        store_ok = (p["km_nearest"][own] < 40) & (st["opened"][store] < registered) & (
            (st["closed"][store] < 0) | (st["closed"][store] > registered))
        qr = store_ok & np.isin(p["segment"][own], (1, 2, 4)) & (rng.random(k) < 0.5)
        scene = np.where(qr, 0, rng.choice([1, 2, 3, 4], k, p=[0.35, 0.3, 0.2, 0.15]))
        updated = np.minimum(registered + rng.integers(0, 300 * DAY, k), w.end_seconds)
        updated = np.maximum(updated, registered)
        cols = {
            "openid": openid,
            "appid": fmt.take(list(APPIDS), app),
            "unionid": union,
            "nickname": nick,
            "gender": pa.array(gender),
            "birth_date": birth,
            "phone": phone,
            "register_scene": fmt.take(["store_qr", "ad", "share", "search", "other"], scene),
            "register_store_id": fmt.nullify(fmt.take(list(st["store_id"]), store), ~qr),
            "registered_at": fmt.timestamps(registered),
            "updated_at": fmt.timestamps(updated),
        }
        rec = fmt.cat(cols["appid"], "|", openid)
        self.truth.append(("wechat.users", rec, self.pid.take(pa.array(own))))
        f = self.frame("wechat.users", cols, rec)
        f.quarantine({"missing_required": np.ones(k, bool)})
        f.phones("phone")
        f.padding()
        f.offsets({"registered_at": registered, "updated_at": updated})
        f.broken_encoding()
        f.append_versions("duplicate_export",
                          f.draw(self.rates["duplicate_export"], ~f.quarantined), {}, None)

    # ------------------------------------------------------------------------------- shares
    def _shares(self) -> None:
        w, p, rng, n = self.w, self.p, self.rng, self.n
        active = (w.n_days - p["join_day"]) / w.n_days
        boost = np.where(w.d_class[p["district"]] == DISTRICT_WHITESPACE, 3.0, 1.0)
        lam = 4.0 * boost * active * (w.n_days / 730)
        counts = np.where(p["sharer"], np.minimum(rng.poisson(lam), 300), 0)
        owner, seq = _explode(counts)
        k = len(owner)
        at_home = rng.random(k) < 0.65
        a_lat = np.where(at_home, p["home_lat"][owner], p["work_lat"][owner])
        a_lon = np.where(at_home, p["home_lon"][owner], p["work_lon"][owner])
        district = np.where(at_home, p["district"][owner], p["work_district"][owner])
        street = np.where(at_home, p["street"][owner], p["work_street"][owner])
        lat, lon = geo.offset_km(a_lat, a_lon, rng.normal(0, 0.25, k), rng.normal(0, 0.25, k))
        system = rng.choice(3, k, p=[0.5, 0.35, 0.15])
        wlat, wlon = geo.gcj02_to_wgs84(lat, lon)
        blat, blon = geo.gcj02_to_bd09(lat, lon)
        out_lat = np.select([system == 0, system == 1], [wlat, lat], blat)
        out_lon = np.select([system == 0, system == 1], [wlon, lon], blon)
        accuracy = np.where(system == 0, rng.integers(5, 66, k), rng.integers(30, 1500, k))
        start = np.maximum(self.mp_registered, w.start_seconds + p["join_day"] * DAY) + DAY
        start = np.minimum(start, w.end_seconds - DAY)
        shared = start[owner] + (rng.random(k) * (w.end_seconds - start[owner])).astype(np.int64)
        device = rng.integers(0, 2, k) % p["devices"][owner]
        person = p["index"][owner]
        share_id = fmt.cat("LS", fmt.decimal_id(person * 1024 + seq, 15, 801))
        cols = {
            "share_id": share_id,
            "openid": self.openid_mp.take(pa.array(owner)),
            "appid": pa.array([APPIDS[0]] * k, pa.string()),
            "device_id": fmt.encode(fmt.mix64(person * 2 + device, 950), fmt.HEX_UPPER, 16),
            "latitude": fmt.fixed(out_lat, 6),
            "longitude": fmt.fixed(out_lon, 6),
            "coord_system": fmt.take(["wgs84", "gcj02", "bd09"], system),
            "accuracy_m": pa.array(accuracy).cast(pa.string()),
            "province": pa.array(w.d_province[district]),
            "city": pa.array(w.d_city[district]),
            "district": pa.array(w.d_name[district]),
            "street": pa.array(w.s_name[street]),
            "shared_at": fmt.timestamps(shared),
        }
        self.truth.append(("wechat.location_shares", share_id, self.pid.take(pa.array(owner))))
        f = self.frame("wechat.location_shares", cols, share_id)
        ones = np.ones(k, bool)
        f.quarantine({"missing_required": ones, "invalid_timestamp": ones,
                      "future_timestamp": ones, "coord_out_of_range": ones,
                      "coord_system_unknown": ones})
        f.padding()
        f.offsets({"shared_at": shared})
        f.swap_coordinates()
        f.append_versions("duplicate_export",
                          f.draw(self.rates["duplicate_export"], ~f.quarantined), {}, None)
        self.share_counts = counts
        last = np.full(n, -1, dtype=np.int64)
        np.maximum.at(last, owner, shared)
        self.last_share = last

    # ------------------------------------------------------------------------------ members
    def _members(self) -> None:
        w, p, rng = self.w, self.p, self.rng
        st = w.stores
        s_idx = np.flatnonzero(self.store_card)
        w_idx = np.flatnonzero(self.wechat_card)
        own = np.concatenate([s_idx, w_idx])
        program = np.concatenate([np.zeros(len(s_idx), int), np.ones(len(w_idx), int)])
        k = len(own)
        card = pc.if_else(pa.array(program == 0), self.card_store.take(pa.array(own)),
                          self.card_wechat.take(pa.array(own)))
        enrolled = np.where(program == 0, self.store_enrolled[own], self.wechat_enrolled[own])
        enrolled_store = np.where(program == 0, self.store_enrolled_store[own], -1)
        bound = p["authorised"][own] & ((program == 1) | (rng.random(k) < 0.3))
        union = unionids(p["index"][own])
        tier = self.tier[own]
        status = rng.choice(3, k, p=[0.95, 0.02, 0.03])
        updated = np.minimum(enrolled + (rng.random(k) * (w.end_seconds - enrolled)).astype(np.int64),
                             w.end_seconds)
        old_updated = enrolled + (updated - enrolled) // 3
        reexport = (updated - old_updated > 3600) & (rng.random(k) < self.rates["reexport_newer"])
        change = np.where(tier > 0, 0, np.where(p["new_phone"][own], 1, np.where(bound, 2, 3)))
        change = np.where(rng.random(k) < 0.3, np.where(p["new_phone"][own], 1,
                                                        np.where(bound, 2, change)), change)
        tier_names = ["basic", "silver", "gold", "platinum"]
        phone_now = pc.if_else(pa.array(p["new_phone"][own] & (change == 1)),
                               self.phone2.take(pa.array(own)), self.phone.take(pa.array(own)))
        phone_old = self.phone.take(pa.array(own))
        union_now = fmt.nullify(union, ~bound)
        old_tier = np.where(reexport & (change == 0), np.maximum(tier - 1, 0), tier)
        union_base = fmt.nullify(union, ~bound | (reexport & (change == 2)))
        phone_base = pc.if_else(pa.array(reexport), phone_old, phone_now)
        gender = np.where(rng.random(k) < 0.05, "", np.where(p["female"][own], "F", "M"))
        cols = {
            "member_card_no": card,
            "program": fmt.take(["store_card", "wechat_card"], program),
            "name": self.p["name"].take(pa.array(own)),
            "phone": phone_base,
            "gender": fmt.nullify(pa.array(gender), gender == ""),
            "birth_date": fmt.nullify(fmt.dates(p["birth_seconds"][own]), rng.random(k) > 0.7),
            "unionid": union_base,
            "enrolled_store_id": fmt.nullify(fmt.take(list(st["store_id"]),
                                                      np.maximum(enrolled_store, 0)),
                                             enrolled_store < 0),
            "enrolled_at": fmt.timestamps(enrolled),
            "tier": fmt.take(tier_names, old_tier),
            "status": fmt.take(["active", "frozen", "cancelled"], status),
            "updated_at": fmt.timestamps(np.where(reexport, old_updated, updated)),
        }
        self.truth.append(("crm.members", card, self.pid.take(pa.array(own))))
        f = self.frame("crm.members", cols, card)
        f.protected = reexport.copy()
        f.quarantine({"missing_required": np.ones(k, bool)})
        f.phones("phone")
        f.padding()
        f.offsets({"enrolled_at": enrolled, "updated_at": np.where(reexport, old_updated, updated)})
        f.broken_encoding()
        keep = pa.array(reexport & ~f.quarantined)
        f.append_versions("reexport_newer", reexport & ~f.quarantined, {
            "tier": fmt.take(tier_names, tier).filter(keep),
            "phone": phone_now.filter(keep),
            "unionid": union_now.filter(keep),
            "updated_at": fmt.timestamps(updated).filter(keep),
        }, "collapsed")
        f.append_versions("duplicate_export",
                          f.draw(self.rates["duplicate_export"], ~f.quarantined), {}, None)
        self.member_phone = phone_now
        self.member_own = own
        self.member_enrolled = enrolled
        self.member_card = card

    # ------------------------------------------------------------------------------ coupons
    def _coupons(self) -> None:
        w, p, rng, n = self.w, self.p, self.rng, self.n
        used = np.flatnonzero(self.occ_coupon)
        # unredeemed coupons for holders
        holder = p["has_mp"] | self.store_card | self.wechat_card
        extra = np.where(holder, np.minimum(rng.poisson(0.8, n), 20), 0)
        e_owner, _ = _explode(extra)
        ke = len(e_owner)
        e_openid = p["has_mp"][e_owner] & ((rng.random(ke) < 0.6)
                                           | ~(self.store_card | self.wechat_card)[e_owner])
        e_card_kind = np.where(self.store_card[e_owner], 0, 1)
        lower = np.where(e_openid, self.mp_registered[e_owner],
                         np.where(e_card_kind == 0, self.store_enrolled[e_owner],
                                  self.wechat_enrolled[e_owner]))
        lower = np.maximum(lower, w.start_seconds)
        e_issued = lower + (rng.random(ke) * np.maximum(w.end_seconds - lower - DAY, 0)).astype(np.int64)
        e_channel = np.where(e_openid, 0, rng.choice([1, 2, 3], ke, p=[0.3, 0.2, 0.5]))
        e_face = rng.integers(0, 4, ke)
        owner = np.concatenate([self.occ_p[used], e_owner])
        seq = np.concatenate([self.occ_seq[used], 200 + np.arange(ke)
                              - np.repeat(np.cumsum(extra) - extra, extra)])
        k = len(owner)
        is_used = np.arange(k) < len(used)
        channel = np.concatenate([self.occ_coupon_channel[used], e_channel])
        to_openid = np.concatenate([self.occ_coupon_openid[used], e_openid])
        card_kind = np.concatenate([self.occ_coupon_card[used], e_card_kind])
        face = np.concatenate([self.occ_coupon_face[used], FACES[e_face]])
        min_spend = np.concatenate([self.occ_coupon_min[used], MIN_SPEND[e_face]])
        issued = np.concatenate([self.occ_coupon_issued[used], e_issued])
        redeemed = np.concatenate([self.occ_time[used], np.zeros(ke, np.int64)])
        online = np.concatenate([self.occ_online[used], np.zeros(ke, bool)])
        person = p["index"][owner]
        coupon_id = fmt.cat("CP", fmt.decimal_id(person * 512 + seq, 14, 901))
        issued_text = fmt.timestamps(issued)
        channel_names = ["wechat", "tmall", "jd", "store"]
        # redeemed order / receipt ids
        order_lookup = np.full(len(self.occ_p), -1)
        order_lookup[self.order_occ] = np.arange(len(self.order_occ))
        receipt_lookup = np.full(len(self.occ_p), -1)
        sales = ~self.receipt_is_ret
        receipt_lookup[self.receipt_occ[sales]] = np.flatnonzero(sales)
        occ_all = np.concatenate([used, np.zeros(ke, int)])
        o_idx = np.where(is_used & online, order_lookup[occ_all], -1)
        r_idx = np.where(is_used & ~online, receipt_lookup[occ_all], -1)
        cols = {
            "coupon_id": coupon_id,
            "campaign_id": fmt.cat("CMP", pc.utf8_slice_codeunits(issued_text, 0, 4),
                                   pc.utf8_slice_codeunits(issued_text, 5, 7), "-",
                                   pc.utf8_upper(fmt.take(channel_names, channel))),
            "issued_channel": fmt.take(channel_names, channel),
            "issued_to_openid": fmt.nullify(self.openid_mp.take(pa.array(owner)), ~to_openid),
            "issued_to_member_card_no": fmt.nullify(
                pc.if_else(pa.array(card_kind == 0), self.card_store.take(pa.array(owner)),
                           self.card_wechat.take(pa.array(owner))), to_openid),
            "face_value": fmt.money(face),
            "min_spend": fmt.money(min_spend),
            "issued_at": issued_text,
            "redeemed_at": fmt.nullify(fmt.timestamps(redeemed), ~is_used),
            "redeemed_channel": fmt.nullify(fmt.take(["offline", "online"], online.astype(int)),
                                            ~is_used),
            "redeemed_order_id": fmt.nullify(self.order_id.take(pa.array(np.maximum(o_idx, 0)))
                                             if len(self.order_occ) else
                                             pa.array([None] * k, pa.string()), o_idx < 0),
            "redeemed_receipt_id": fmt.nullify(self.receipt_id.take(pa.array(np.maximum(r_idx, 0)))
                                               if len(self.receipt_occ) else
                                               pa.array([None] * k, pa.string()), r_idx < 0),
            "redeemed_store_id": fmt.nullify(fmt.take(list(w.stores["store_id"]),
                                                      np.maximum(self.occ_store[occ_all], 0)),
                                             r_idx < 0),
        }
        self.truth.append(("marketing.coupons", coupon_id, self.pid.take(pa.array(owner))))
        f = self.frame("marketing.coupons", cols, coupon_id)
        f.quarantine({"missing_required": np.ones(k, bool), "invalid_timestamp": np.ones(k, bool)})
        f.padding()
        f.offsets({"issued_at": issued, "redeemed_at": redeemed})

    # ---------------------------------------------------------------------------- responses
    def _responses(self) -> None:
        w, p, rng = self.w, self.p, self.rng
        sales = np.flatnonzero(~self.receipt_is_ret)
        pick = sales[rng.random(len(sales)) < 0.02]
        own = self.receipt_owner[pick]
        k = len(pick)
        bt = p["buyer_type"][own]
        occ = self.receipt_occ[pick]
        pon = p["online_start"][own] + (p["online_end"][own] - p["online_start"][own]) * (
            self.occ_day[occ] / w.n_days)
        preferred = np.where(pon > 0.65, 0, np.where(pon < 0.35, 1, 2))
        price = np.clip(np.rint(np.array([4.5, 3.2, 1.8, 3.0])[bt] + rng.normal(0, 0.6, k)), 1, 5)
        experience = np.clip(np.rint(np.array([2.5, 3.0, 4.3, 3.2])[bt] + (1 - pon)
                                     + rng.normal(0, 0.6, k)), 1, 5)
        answered = self.receipt_time[pick] + rng.integers(60, 900, k)
        answered = np.minimum(answered, w.end_seconds)
        person = p["index"][own]
        response_id = fmt.cat("SV", fmt.decimal_id(person * 64 + (self.occ_seq[occ] % 64), 12, 1001))
        cols = {
            "response_id": response_id,
            "store_id": fmt.take(list(w.stores["store_id"]), self.receipt_store[pick]),
            "respondent_phone": fmt.nullify(self.phone.take(pa.array(own)), rng.random(k) > 0.55),
            "answered_at": fmt.timestamps(answered),
            "age_band": fmt.take(list(AGE_BANDS), p["age_band"][own]),
            "gender": pa.array(np.where(p["female"][own], "F", "M")),
            "home_district": pa.array(w.d_name[p["district"][own]]),
            "preferred_channel": fmt.take(["online", "offline", "both"], preferred),
            "price_importance": pa.array(price.astype(np.int64)).cast(pa.string()),
            "experience_importance": pa.array(experience.astype(np.int64)).cast(pa.string()),
        }
        self.truth.append(("survey.responses", response_id, self.pid.take(pa.array(own))))
        f = self.frame("survey.responses", cols, response_id)
        f.quarantine({"missing_required": np.ones(k, bool), "invalid_timestamp": np.ones(k, bool)})
        f.phones("respondent_phone")
        f.padding()
        f.offsets({"answered_at": answered})

    # ----------------------------------------------------------------------------- consents
    def _consents(self) -> None:
        w, p, rng, n = self.w, self.p, self.rng, self.n
        types, values, purposes, granted, times, owners = [], [], [], [], [], []

        def add(sel, subject_type, subject_values, purpose, grant, at):
            idx = np.flatnonzero(sel)
            if not len(idx):
                return
            types.append(pa.array([subject_type] * len(idx), pa.string()))
            values.append(subject_values.take(pa.array(idx)))
            purposes.append(pa.array([purpose] * len(idx), pa.string()))
            granted.append(pa.array(["true" if grant else "false"] * len(idx), pa.string()))
            times.append(np.minimum(np.asarray(at)[idx], w.end_seconds))

        mp = p["has_mp"]
        reg = np.maximum(self.mp_registered, w.start_seconds - 400 * DAY)
        u = rng.random((n, 6))
        add(mp & (u[:, 0] < 0.7), "openid", self.openid_mp, "marketing", True, reg + 60)
        add(mp & (u[:, 1] < 0.5), "openid", self.openid_mp, "profiling", True, reg + 120)
        add(mp & p["sharer"], "openid", self.openid_mp, "location", True, reg + 180)
        withdraw_at = reg + 600 + (rng.random(n) * (w.end_seconds - reg - 600)).astype(np.int64)
        add(mp & (u[:, 0] < 0.07), "openid", self.openid_mp, "marketing", False, withdraw_at)
        loc_withdraw = self.last_share + rng.integers(DAY, 60 * DAY, n)
        add(mp & p["sharer"] & (self.last_share > 0) & (loc_withdraw < w.end_seconds)
            & (u[:, 2] < 0.05), "openid", self.openid_mp, "location", False, loc_withdraw)
        card_open = np.where(self.store_card, self.store_enrolled, self.wechat_enrolled)
        has_card = self.store_card | self.wechat_card
        card = pc.if_else(pa.array(self.store_card), self.card_store, self.card_wechat)
        add(has_card & (u[:, 3] < 0.6), "member_card", card, "marketing", True, card_open + 60)
        add(has_card & (u[:, 4] < 0.4), "member_card", card, "profiling", True, card_open + 90)
        add(has_card & (u[:, 5] < 0.3), "phone", self.phone, "marketing", True, card_open + 120)
        add(has_card & (u[:, 5] < 0.04), "phone", self.phone, "marketing", False,
            card_open + 120 + (rng.random(n) * np.maximum(w.end_seconds - card_open - 120, 0))
            .astype(np.int64))
        if not types:
            return
        at = np.concatenate(times)
        cols = {
            "subject_type": pa.concat_arrays(types),
            "subject_value": pa.concat_arrays(values),
            "purpose": pa.concat_arrays(purposes),
            "granted": pa.concat_arrays(granted),
            "recorded_at": fmt.timestamps(at),
        }
        rec = fmt.cat(cols["subject_type"], "|", cols["subject_value"], "|", cols["purpose"], "|",
                      cols["recorded_at"])
        f = self.frame("privacy.consents", cols, rec)
        k = len(at)
        f.quarantine({"missing_required": np.ones(k, bool), "invalid_timestamp": np.ones(k, bool)})
        f.offsets({"recorded_at": at})

    def _erasures(self) -> None:
        w, p, rng, n = self.w, self.p, self.rng, self.n
        sel = np.flatnonzero(rng.random(n) < 0.003)
        k = len(sel)
        kind = np.where(self.store_card[sel], 2, np.where(p["has_mp"][sel], 1, 0))
        value = pc.if_else(pa.array(kind == 2), self.card_store.take(pa.array(sel)),
                           pc.if_else(pa.array(kind == 1), self.openid_mp.take(pa.array(sel)),
                                      self.phone.take(pa.array(sel))))
        at = w.end_seconds - rng.integers(DAY, 120 * DAY, k)
        request_id = fmt.cat("ER", fmt.decimal_id(p["index"][sel], 10, 1101))
        cols = {
            "request_id": request_id,
            "subject_type": fmt.take(["phone", "openid", "member_card"], kind),
            "subject_value": value,
            "requested_at": fmt.timestamps(at),
        }
        self.frame("privacy.erasure_requests", cols, request_id)
        self.erased = sel
