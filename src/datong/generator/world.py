"""The fixed world every chunk of persons lives in: geography, stores, shops, catalog, calendar.

Built once per run from the seed; it is small (thousands of rows), so plain Python is fine here.
The planted geographic patterns (online- and offline-dominant districts, the white-space
district) are decided here, because store placement has to respect them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from . import geo

BRAND = "大同"
PLATFORMS = ("tmall", "jd", "douyin", "pdd", "wechat_mall")
MALLS = (
    "万达广场", "万象城", "大悦城", "印象城", "龙湖天街", "吾悦广场", "银泰城", "来福士",
    "恒隆广场", "凯德广场", "宝龙广场", "太古汇", "环球港", "K11", "新世界百货", "正大广场",
)

# (l1, l2, code, low, high price in yuan, size kind, pattern kind, adjectives)
CATEGORIES: tuple[tuple, ...] = (
    ("上装", "T恤", "TS", 79, 199, "apparel", "price_led", ("纯棉圆领", "宽松印花", "速干", "重磅")),
    ("上装", "衬衫", "SH", 149, 399, "apparel", "neutral", ("牛津纺", "法式", "亚麻", "条纹")),
    ("上装", "卫衣", "SW", 149, 349, "apparel", "price_led", ("连帽", "加绒", "圆领", "刺绣")),
    ("上装", "毛衫", "KN", 199, 599, "apparel", "neutral", ("羊毛", "开衫", "高领", "麻花")),
    ("外套", "羽绒服", "DJ", 599, 1699, "apparel", "experience_led", ("长款", "轻薄", "连帽", "鹅绒")),
    ("外套", "大衣", "CT", 799, 2299, "apparel", "experience_led", ("双面呢", "羊绒", "茧型", "西装领")),
    ("外套", "夹克", "JK", 299, 799, "apparel", "neutral", ("工装", "立领", "防风", "牛仔")),
    ("下装", "牛仔裤", "JN", 199, 499, "apparel", "price_led", ("直筒", "修身", "阔腿", "弹力")),
    ("下装", "休闲裤", "PT", 159, 399, "apparel", "neutral", ("九分", "束脚", "垂感", "卡其")),
    ("下装", "半身裙", "SK", 199, 499, "apparel", "neutral", ("百褶", "A字", "针织", "半裙")),
    ("鞋履", "运动鞋", "SN", 299, 799, "shoes", "neutral", ("跑步", "板鞋", "老爹", "透气")),
    ("鞋履", "皮鞋", "LS", 499, 1299, "shoes", "experience_led", ("真皮", "乐福", "切尔西", "德比")),
    ("配饰", "袜子", "SO", 29, 69, "onesize", "price_led", ("棉质", "船袜", "中筒", "运动")),
    ("配饰", "帽子", "HT", 79, 199, "onesize", "neutral", ("棒球", "渔夫", "针织", "贝雷")),
    ("配饰", "包袋", "BG", 199, 899, "onesize", "neutral", ("托特", "斜挎", "双肩", "腋下")),
)
KINDS = ("price_led", "neutral", "experience_led")
# Mean discount rate by pattern kind: online off-promo, extra online in promotions, offline.
DISCOUNT = {
    "price_led": (0.28, 0.20, 0.10),
    "neutral": (0.18, 0.12, 0.08),
    "experience_led": (0.10, 0.06, 0.02),
}
# How much a category is bought online / offline (relative weights).
CHANNEL_AFFINITY = {"price_led": (1.4, 0.6), "neutral": (1.0, 1.0), "experience_led": (0.55, 1.8)}
COLD = {"DJ": 3.0, "CT": 2.5, "KN": 1.8, "SW": 1.3, "JK": 1.2}
WARM = {"TS": 2.5, "SK": 1.6, "SH": 1.2}
SIZES = {
    "apparel": ("S", "M", "L", "XL", "XXL"),
    "shoes": ("36", "37", "38", "39", "40", "41", "42", "43", "44"),
    "onesize": ("均码",),
}
COLORS = (("BK", "黑色"), ("WH", "白色"), ("GY", "灰色"), ("NV", "藏青"), ("KH", "卡其"),
          ("CR", "米白"), ("RD", "酒红"), ("BL", "雾蓝"), ("GN", "军绿"))

# (platform, shop name, kind, weight within platform)
SHOPS = (
    ("tmall", f"{BRAND}官方旗舰店", "brand", 6.0),
    ("tmall", f"{BRAND}奥莱店", "outlet", 2.0),
    ("tmall", f"{BRAND}服饰华东专营店", "distributor", 1.5),
    ("tmall", f"优选鞋服{BRAND}专卖店", "distributor", 1.0),
    ("jd", f"{BRAND}京东自营旗舰店", "platform_retail", 4.0),
    ("jd", f"{BRAND}官方旗舰店", "brand", 3.0),
    ("jd", f"{BRAND}奥莱店", "outlet", 1.0),
    ("douyin", f"{BRAND}官方旗舰店", "brand", 4.0),
    ("douyin", f"{BRAND}直播专营店", "distributor", 2.0),
    ("pdd", f"{BRAND}官方旗舰店", "brand", 3.0),
    ("pdd", f"{BRAND}品牌折扣店", "distributor", 2.0),
    ("wechat_mall", f"{BRAND}微信商城", "brand", 1.0),
)

PROMO_WINDOWS = ((1, 5, 1, 20), (3, 1, 3, 8), (6, 1, 6, 18), (10, 20, 11, 11), (12, 8, 12, 12))
"""(month, day) to (month, day): 年货节, 女王节, 618, 双11, 双12 — online promotions."""


def to_seconds(day: date) -> int:
    return int((datetime(day.year, day.month, day.day) - datetime(1970, 1, 1)).total_seconds())


@dataclass
class World:
    seed: int
    start: date
    end: date
    # districts
    d_code: np.ndarray = field(default=None)
    d_name: np.ndarray = field(default=None)
    d_province: np.ndarray = field(default=None)
    d_city: np.ndarray = field(default=None)
    d_city_idx: np.ndarray = field(default=None)
    d_tier: np.ndarray = field(default=None)
    d_lat: np.ndarray = field(default=None)
    d_lon: np.ndarray = field(default=None)
    d_weight: np.ndarray = field(default=None)
    d_class: np.ndarray = field(default=None)
    d_urban: np.ndarray = field(default=None)
    d_center_km: np.ndarray = field(default=None)
    # streets (grouped by district, in district order)
    s_district: np.ndarray = field(default=None)
    s_name: np.ndarray = field(default=None)
    s_lat: np.ndarray = field(default=None)
    s_lon: np.ndarray = field(default=None)
    s_key: np.ndarray = field(default=None)
    d_first_street: np.ndarray = field(default=None)
    d_street_count: np.ndarray = field(default=None)
    patterns: dict = field(default_factory=dict)


DISTRICT_NORMAL, DISTRICT_ONLINE, DISTRICT_OFFLINE, DISTRICT_WHITESPACE = 0, 1, 2, 3


def build_world(seed: int, start: date, end: date) -> World:
    rng = np.random.default_rng([seed, 1])
    world = World(seed=seed, start=start, end=end)
    _build_geography(world, rng)
    _choose_pattern_districts(world, rng)
    _build_streets(world)
    _build_stores(world, rng)
    _build_shops(world)
    _build_catalog(world, rng)
    _build_calendar(world)
    return world


def _build_geography(world: World, rng: np.random.Generator) -> None:
    regions = geo.load_regions()
    by_name_level: dict[tuple[str, str], str] = {}
    for code, region in regions.items():
        if code[2:] == "0000":
            by_name_level[(region.name, "province")] = code
    rows = []  # (code, name, province, city, city_idx, tier, lat, lon, weight, urban, center_km)
    configured_prefixes = set()
    city_index = 0

    def add_city(province: str, city: str, tier: int, weight: float, codes: list[str],
                 centre: geo.Region) -> None:
        nonlocal city_index
        districts = [regions[c] for c in codes if regions[c].name != "市辖区"]
        if not districts:
            return
        lat = np.array([d.lat for d in districts])
        lon = np.array([d.lon for d in districts])
        urban = np.array([d.name.endswith("区") for d in districts])
        center_km = geo.km_between(lat, lon, centre.lat, centre.lon)
        base = rng.lognormal(0.0, 0.35, len(districts)) * np.where(urban, 3.0, 0.4)
        base *= np.exp(-center_km / 40.0)
        base = base / base.sum() * weight
        for i, district in enumerate(districts):
            rows.append((district.code, district.name, province, city, city_index, tier,
                         district.lat, district.lon, base[i], bool(urban[i]), center_km[i]))
        city_index += 1

    for province, city, tier, weight, _stores in geo.CITIES:
        prov_code = by_name_level[(province, "province")]
        if province == city:
            centre = regions[prov_code]
            codes = [c for c in regions if c[:2] == prov_code[:2] and c[4:] != "00"]
            configured_prefixes.add(prov_code[:2])
        else:
            city_code = next(c for c, r in regions.items()
                             if r.name == city and c[:2] == prov_code[:2] and c[4:] == "00"
                             and c[2:4] != "00")
            centre = regions[city_code]
            codes = [c for c in regions if c[:4] == city_code[:4] and c[4:] != "00"]
            configured_prefixes.add(city_code[:4])
        add_city(province, city, tier, weight, codes, centre)
    n_configured_cities = city_index
    rest = []
    for code, region in regions.items():
        if code[4:] != "00" or code[2:4] == "00" or region.name == "市辖区":
            continue
        if code[:4] in configured_prefixes or code[:2] in configured_prefixes:
            continue
        children = [c for c in regions if c[:4] == code[:4] and c[4:] != "00"]
        if children:
            rest.append((code, region, children))
    for code, region, children in rest:
        province = regions[code[:2] + "0000"].name
        add_city(province, region.name, 4, geo.REST_OF_CHINA_WEIGHT / len(rest), children, region)
    cols = list(zip(*rows))
    world.d_code = np.array(cols[0])
    world.d_name = np.array(cols[1])
    world.d_province = np.array(cols[2])
    world.d_city = np.array(cols[3])
    world.d_city_idx = np.array(cols[4], dtype=np.int64)
    world.d_tier = np.array(cols[5], dtype=np.int64)
    world.d_lat = np.array(cols[6], dtype=np.float64)
    world.d_lon = np.array(cols[7], dtype=np.float64)
    world.d_weight = np.array(cols[8], dtype=np.float64)
    world.d_urban = np.array(cols[9], dtype=bool)
    world.d_center_km = np.array(cols[10], dtype=np.float64)
    world.d_class = np.zeros(len(rows), dtype=np.int64)
    world.n_configured_cities = n_configured_cities


def _choose_pattern_districts(world: World, rng: np.random.Generator) -> None:
    """Pick the districts that carry the planted geographic patterns and boost their weight."""
    def core_districts(city: str, max_km: float) -> list[int]:
        idx = np.flatnonzero((world.d_city == city) & world.d_urban & (world.d_center_km < max_km))
        return sorted(idx.tolist(), key=lambda i: -world.d_weight[i])

    online_cities = ("上海市", "深圳市", "杭州市", "北京市")
    offline_cities = ("广州市", "成都市", "武汉市", "南京市")
    online, offline = [], []
    for city in online_cities:
        candidates = core_districts(city, 15.0)[:4]
        online.append(int(rng.choice(candidates)))
    for city in offline_cities:
        candidates = core_districts(city, 12.0)[:3]
        offline.append(int(rng.choice(candidates)))
    ws_candidates = np.flatnonzero(
        np.isin(world.d_city, ("北京市", "上海市", "广州市", "成都市", "重庆市", "天津市"))
        & world.d_urban & (world.d_center_km > 18.0) & (world.d_center_km < 45.0)
    )
    ws_candidates = [int(i) for i in ws_candidates if i not in online and i not in offline]
    whitespace = int(rng.choice(sorted(ws_candidates)))
    world.d_class[online] = DISTRICT_ONLINE
    world.d_class[offline] = DISTRICT_OFFLINE
    world.d_class[whitespace] = DISTRICT_WHITESPACE
    targets = {i: 0.018 for i in online + offline}
    targets[whitespace] = 0.03
    weights = world.d_weight / world.d_weight.sum()
    fixed = np.zeros(len(weights), dtype=bool)
    fixed[list(targets)] = True
    weights[~fixed] *= (1.0 - sum(targets.values())) / weights[~fixed].sum()
    for i, share in targets.items():
        weights[i] = share
    world.d_weight = weights
    world.online_districts = online
    world.offline_districts = offline
    world.whitespace_district = whitespace


def _build_streets(world: World) -> None:
    names, lats, lons, weights, owners = [], [], [], [], []
    first = np.zeros(len(world.d_code), dtype=np.int64)
    count = np.zeros(len(world.d_code), dtype=np.int64)
    for i, code in enumerate(world.d_code):
        local = np.random.default_rng(int(code))
        urban = world.d_urban[i]
        n = int(local.integers(5, 10) if urban else local.integers(3, 6))
        stems = local.choice(len(geo.STREET_STEMS), size=n, replace=False)
        spread = 1.6 if urban else 4.0
        north = local.normal(0, spread, n)
        east = local.normal(0, spread, n)
        lat, lon = geo.offset_km(np.full(n, world.d_lat[i]), np.full(n, world.d_lon[i]), north, east)
        suffix = "街道" if urban else "镇"
        first[i] = len(names)
        count[i] = n
        for j in range(n):
            names.append(geo.STREET_STEMS[stems[j]] + suffix)
        lats.extend(lat.tolist())
        lons.extend(lon.tolist())
        weights.extend(local.lognormal(0.0, 0.5, n).tolist())
        owners.extend([i] * n)
    world.s_district = np.array(owners, dtype=np.int64)
    world.s_name = np.array(names)
    world.s_lat = np.array(lats)
    world.s_lon = np.array(lons)
    w = np.array(weights)
    cum = np.zeros(len(w))
    for i in range(len(world.d_code)):
        block = slice(first[i], first[i] + count[i])
        cum[block] = np.cumsum(w[block]) / w[block].sum()
        cum[first[i] + count[i] - 1] = 1.0
    world.s_key = world.s_district + cum
    world.d_first_street = first
    world.d_street_count = count


def sample_streets(world: World, districts: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A street of each given district, drawn by the streets' weights (u uniform in [0, 1))."""
    idx = np.searchsorted(world.s_key, districts + u, side="right")
    return np.minimum(idx, world.d_first_street[districts] + world.d_street_count[districts] - 1)


def _build_stores(world: World, rng: np.random.Generator) -> None:
    ws = world.whitespace_district
    ws_lat, ws_lon = world.d_lat[ws], world.d_lon[ws]
    keep_out_km = 10.0
    rows = []
    start_s = to_seconds(world.start)
    end_s = to_seconds(world.end)
    span = end_s - start_s
    for city_idx, (province, city, tier, _weight, n_stores) in enumerate(geo.CITIES):
        if n_stores == 0:
            continue
        in_city = np.flatnonzero(world.d_city_idx == city_idx)
        plan: list[tuple[int, str]] = []
        for d in world.offline_districts:
            if world.d_city_idx[d] == city_idx:
                plan += [(d, "mall"), (d, "street")]
        eligible = [int(d) for d in in_city
                    if world.d_class[d] in (DISTRICT_NORMAL, DISTRICT_OFFLINE)
                    and world.d_urban[d]
                    and geo.km_between(world.d_lat[d], world.d_lon[d], ws_lat, ws_lon) > keep_out_km + 6]
        core = sorted([d for d in eligible if world.d_center_km[d] < 12],
                      key=lambda d: -world.d_weight[d])
        outer = [d for d in eligible if world.d_center_km[d] >= 12]
        if tier == 1 and core:
            plan.insert(0, (core[0], "flagship"))
        if tier <= 2 and outer and n_stores >= 3:
            plan.append((int(rng.choice(outer)), "outlet"))
        w = world.d_weight[eligible] / world.d_weight[eligible].sum()
        while len(plan) < n_stores:
            d = int(rng.choice(eligible, p=w))
            plan.append((d, "mall" if rng.random() < 0.7 else "street"))
        for d, store_format in plan[:max(n_stores, len(plan))]:
            for _attempt in range(50):
                s = int(world.d_first_street[d] + rng.integers(world.d_street_count[d]))
                lat, lon = geo.offset_km(world.s_lat[s], world.s_lon[s], rng.normal(0, 0.3),
                                         rng.normal(0, 0.3))
                if geo.km_between(lat, lon, ws_lat, ws_lon) > keep_out_km:
                    break
            rows.append((province, city, tier, d, s, float(lat), float(lon), store_format))
    n = len(rows)
    st = {}
    st["store_id"] = np.array([f"ST{i + 1:04d}" for i in range(n)])
    st["province"] = np.array([r[0] for r in rows])
    st["city"] = np.array([r[1] for r in rows])
    st["district_idx"] = np.array([r[3] for r in rows], dtype=np.int64)
    st["street_idx"] = np.array([r[4] for r in rows], dtype=np.int64)
    st["lat"] = np.array([r[5] for r in rows])
    st["lon"] = np.array([r[6] for r in rows])
    st["format"] = np.array([r[7] for r in rows])
    names, addresses, areas, opened, closed = [], [], [], [], []
    for i, row in enumerate(rows):
        province, city, tier, d, s, lat, lon, store_format = row
        short_city = city.rstrip("市")
        district = world.d_name[d]
        road = (geo.ROAD_STEMS[int(rng.integers(len(geo.ROAD_STEMS)))]
                + geo.ROAD_SUFFIXES[int(rng.integers(len(geo.ROAD_SUFFIXES)))])
        number = int(rng.integers(1, 900))
        if store_format == "flagship":
            names.append(f"{BRAND}{short_city}旗舰店")
            addresses.append(f"{road}{number}号1-2层")
            areas.append(int(rng.integers(800, 1500)))
        elif store_format == "mall":
            mall = MALLS[int(rng.integers(len(MALLS)))]
            names.append(f"{BRAND}{short_city}{district.rstrip('区')}{mall}店")
            addresses.append(f"{road}{number}号{mall}{int(rng.integers(1, 5))}层"
                             f"{int(rng.integers(1, 60)):02d}号")
            areas.append(int(rng.integers(150, 400)))
        elif store_format == "street":
            names.append(f"{BRAND}{short_city}{world.s_name[s].removesuffix('街道')}店")
            addresses.append(f"{road}{number}号")
            areas.append(int(rng.integers(80, 220)))
        else:
            names.append(f"{BRAND}{short_city}奥莱店")
            addresses.append(f"{road}{number}号奥特莱斯{int(rng.integers(1, 9))}栋")
            areas.append(int(rng.integers(300, 650)))
        if rng.random() < 0.75 or store_format == "flagship":
            opened.append(to_seconds(date(2012, 1, 1)) + int(rng.integers(0, start_s - 30 * 86400
                                                                          - to_seconds(date(2012, 1, 1)))))
        else:
            opened.append(start_s + int(rng.integers(0, int(span * 0.75))) // 86400 * 86400
                          + 10 * 3600)
        closes = (store_format in ("mall", "street") and d not in world.offline_districts
                  and rng.random() < 0.08)
        if closes:
            earliest = max(opened[-1], start_s) + 120 * 86400
            closed.append(earliest + int(rng.integers(0, max(1, end_s - earliest - 60 * 86400)))
                          // 86400 * 86400 + 22 * 3600 if earliest < end_s - 90 * 86400 else -1)
        else:
            closed.append(-1)
        opened[-1] = opened[-1] // 86400 * 86400 + 10 * 3600
    st["name"] = np.array(names)
    st["address"] = np.array(addresses)
    st["area"] = np.array(areas, dtype=np.int64)
    st["opened"] = np.array(opened, dtype=np.int64)
    st["closed"] = np.array(closed, dtype=np.int64)
    st["registers"] = rng.integers(2, 6, n)
    st["cashiers"] = rng.integers(3, 9, n)
    st["lazy_cashier"] = rng.random(n) < 1 / 3
    world.stores = st


def _build_shops(world: World) -> None:
    shops = {"platform": [], "shop_id": [], "name": [], "kind": [], "weight": []}
    for i, (platform, name, kind, weight) in enumerate(SHOPS):
        shops["platform"].append(platform)
        shops["shop_id"].append(str(57300000 + 7919 * (i + 1)) if platform != "wechat_mall"
                                else "wxmall01")
        shops["name"].append(name)
        shops["kind"].append(kind)
        shops["weight"].append(weight)
    world.shops = {k: np.array(v) for k, v in shops.items()}
    world.shops["platform_idx"] = np.array([PLATFORMS.index(p) for p in shops["platform"]])


def collections(start: date, end: date) -> list[tuple[str, str, date]]:
    """Seasonal collections (label, season, launch date) on sale during the period."""
    result = []
    for year in range(start.year - 1, end.year + 1):
        for season, launch in (("春夏", date(year, 2, 15)), ("秋冬", date(year, 8, 15))):
            result.append((f"{year}{'SS' if season == '春夏' else 'AW'}", season, launch))
    current = [c for c in result if c[2] <= start]
    later = [c for c in result if start < c[2] <= end]
    return current[-1:] + later


def _build_catalog(world: World, rng: np.random.Generator) -> None:
    colls = collections(world.start, world.end)
    world.collections = colls
    sku = {k: [] for k in ("sku_code", "spu_code", "name", "cat", "coll", "season", "gender",
                           "size", "color", "price", "launched")}
    for ci, (label, season, launch) in enumerate(colls):
        for cat_idx, (l1, l2, code, low, high, size_kind, kind, adjectives) in enumerate(CATEGORIES):
            n_spu = 3 if size_kind != "onesize" else 2
            for k in range(n_spu):
                spu = f"DT{label}{code}{k + 1:03d}"
                price = int(rng.integers(low // 10, high // 10 + 1)) * 10 - 1
                adjective = adjectives[int(rng.integers(len(adjectives)))]
                gender = ("女" if l2 == "半身裙" else
                          str(rng.choice(["男", "女", "中性"], p=[0.4, 0.45, 0.15])))
                colours = rng.choice(len(COLORS), size=int(rng.integers(2, 4)), replace=False)
                for colour in sorted(colours.tolist()):
                    for size in SIZES[size_kind]:
                        sku["sku_code"].append(f"{spu}-{COLORS[colour][0]}-{size if size != '均码' else 'F'}")
                        sku["spu_code"].append(spu)
                        sku["name"].append(f"{BRAND}{adjective}{l2}")
                        sku["cat"].append(cat_idx)
                        sku["coll"].append(ci)
                        sku["season"].append("四季" if size_kind == "onesize" else season)
                        sku["gender"].append(gender)
                        sku["size"].append(size)
                        sku["color"].append(COLORS[colour][1])
                        sku["price"].append(price * 100)
                        sku["launched"].append(to_seconds(launch) + 10 * 3600)
    world.sku = {k: np.array(v) for k, v in sku.items()}
    n_cat = len(CATEGORIES)
    groups = world.sku["cat"] * len(colls) + world.sku["coll"]
    order = np.argsort(groups, kind="stable")
    world.sku_by_group = order
    world.group_start = np.searchsorted(groups[order], np.arange(n_cat * len(colls)))
    world.group_len = np.bincount(groups, minlength=n_cat * len(colls))
    world.cat_kind = np.array([KINDS.index(c[6]) for c in CATEGORIES])


def _build_calendar(world: World) -> None:
    start_s = to_seconds(world.start)
    n_days = (world.end - world.start).days + 1
    day_s = start_s + np.arange(n_days, dtype=np.int64) * 86400
    d64 = (day_s // 86400).astype("datetime64[D]")
    month = (d64.astype("datetime64[M]").astype(np.int64) % 12) + 1
    dom = (d64 - d64.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    weekday = ((day_s // 86400) + 3) % 7  # 0 = Monday
    promo = np.zeros(n_days, dtype=bool)
    for m1, d1, m2, d2 in PROMO_WINDOWS:
        key = month * 100 + dom
        promo |= (key >= m1 * 100 + d1) & (key <= m2 * 100 + d2)
    base = 1.0 + 0.25 * (weekday >= 5) + 0.15 * np.isin(month, (11, 12, 1))
    world.n_days = n_days
    world.day_seconds = day_s
    world.day_month = month
    world.day_promo = promo
    regular = base * np.where(promo, 1.8, 1.0)
    hunter = base * np.where(promo, 7.0, 0.6)
    offline = base * (1.0 + 0.4 * (weekday >= 5))
    world.day_cum = {name: np.cumsum(w) / w.sum() for name, w in
                     (("regular", regular), ("promo_hunter", hunter), ("offline", offline))}
    world.start_seconds = start_s
    world.end_seconds = start_s + n_days * 86400 - 1
