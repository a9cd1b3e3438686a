"""Real Chinese geography (the `cpca` region table) and the public coordinate transforms.

Regions come from `cpca/resources/adcodes.csv` (adcode, name, longitude, latitude): the first
two digits of an adcode give the province, four the city, six the district. Streets (街道) are
generated per district, stable for a given district code, around the district's centre.
"""

from __future__ import annotations

import csv
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Cities where the brand's customers concentrate: (province, city, tier, weight, stores).
# Municipalities are listed with the province name as the city.
CITIES: tuple[tuple[str, str, int, float, int], ...] = (
    ("上海市", "上海市", 1, 11.0, 9),
    ("北京市", "北京市", 1, 10.0, 8),
    ("广东省", "广州市", 1, 7.0, 6),
    ("广东省", "深圳市", 1, 7.0, 6),
    ("四川省", "成都市", 2, 5.0, 5),
    ("浙江省", "杭州市", 2, 5.0, 5),
    ("重庆市", "重庆市", 2, 4.0, 3),
    ("湖北省", "武汉市", 2, 4.0, 4),
    ("陕西省", "西安市", 2, 3.0, 3),
    ("江苏省", "苏州市", 2, 3.5, 3),
    ("江苏省", "南京市", 2, 3.5, 3),
    ("天津市", "天津市", 2, 3.0, 2),
    ("湖南省", "长沙市", 2, 2.5, 2),
    ("河南省", "郑州市", 2, 2.5, 2),
    ("山东省", "青岛市", 2, 2.0, 2),
    ("浙江省", "宁波市", 2, 2.0, 2),
    ("辽宁省", "沈阳市", 3, 1.5, 1),
    ("云南省", "昆明市", 3, 1.5, 1),
    ("安徽省", "合肥市", 3, 1.5, 1),
    ("广东省", "佛山市", 3, 1.5, 1),
    ("福建省", "厦门市", 3, 1.2, 1),
    ("福建省", "福州市", 3, 1.2, 0),
    ("山东省", "济南市", 3, 1.2, 1),
    ("江苏省", "无锡市", 3, 1.2, 1),
    ("辽宁省", "大连市", 3, 1.0, 0),
    ("黑龙江省", "哈尔滨市", 3, 1.0, 0),
    ("浙江省", "温州市", 3, 1.0, 0),
    ("广西壮族自治区", "南宁市", 3, 0.8, 0),
    ("贵州省", "贵阳市", 3, 0.8, 0),
    ("江西省", "南昌市", 3, 0.8, 0),
)
REST_OF_CHINA_WEIGHT = 10.0
"""Weight of all other prefecture-level cities together (customers there buy online only)."""

STREET_STEMS = (
    "人民", "解放", "建设", "中山", "和平", "新华", "胜利", "长安", "东湖", "西湖", "南湖",
    "北苑", "望京", "花园", "湖滨", "滨江", "江南", "金桥", "龙华", "新城", "东风", "光明",
    "朝阳", "红旗", "文化", "青年", "振兴", "友谊", "幸福", "和谐", "翠竹", "桂园", "梅林",
    "莲花", "沙河", "石门", "松林", "白云", "天河", "五里", "十里", "城关", "清河", "大观",
    "凤凰", "锦江", "玉泉", "金山", "银湖", "月湖", "临江", "海岸", "洪山", "紫金", "仙林",
    "东城", "西城", "南门", "北门", "高新", "科技城", "新港", "钟楼", "鼓楼", "太平", "永安",
)
ROAD_STEMS = (
    "人民", "中山", "解放", "建设", "新华", "和平", "青年", "文化", "复兴", "淮海", "南京",
    "长江", "黄河", "珠江", "湖滨", "滨河", "科技", "创业", "学府", "工业", "体育", "花园",
    "迎宾", "友谊", "光华", "东风", "延安", "民主", "团结", "振华", "金融", "商业",
)
ROAD_SUFFIXES = ("路", "大道", "街", "东路", "西路", "南路", "北路")

A_KRASOVSKY = 6378245.0
EE_KRASOVSKY = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0
CHINA_BOX = {"lat": (3.8, 53.6), "lon": (73.5, 135.1)}


def _adcodes_path() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (its region table) is required")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    lon: float
    lat: float


def load_regions() -> dict[str, Region]:
    """Six-digit adcode -> region, for every row of the cpca table with coordinates."""
    regions: dict[str, Region] = {}
    with _adcodes_path().open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row["longitude"] or not row["latitude"]:
                continue
            code = row["adcode"][:6]
            regions[code] = Region(code, row["name"], float(row["longitude"]), float(row["latitude"]))
    return dict(sorted(regions.items()))


def km_between(lat1, lon1, lat2, lon2):
    """Equirectangular distance in km; exact enough within a city."""
    lat1, lon1, lat2, lon2 = (np.asarray(v, dtype=np.float64) for v in (lat1, lon1, lat2, lon2))
    dx = (lon1 - lon2) * 111.32 * np.cos(np.radians((lat1 + lat2) / 2))
    dy = (lat1 - lat2) * 110.57
    return np.sqrt(dx * dx + dy * dy)


def offset_km(lat, lon, north_km, east_km):
    """Move points by kilometre offsets."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    new_lat = lat + np.asarray(north_km) / 110.57
    new_lon = lon + np.asarray(east_km) / (111.32 * np.cos(np.radians(lat)))
    return new_lat, new_lon


def _delta(lat, lon):
    x = lon - 105.0
    y = lat - 35.0
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1 - EE_KRASOVSKY * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((A_KRASOVSKY * (1 - EE_KRASOVSKY)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (A_KRASOVSKY / sqrtmagic * np.cos(radlat) * np.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat, lon):
    """The public forward transform (Krasovsky ellipsoid)."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat, lon):
    """Inverse of `wgs84_to_gcj02` by fixed-point iteration (sub-centimetre after 3 steps)."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    wlat, wlon = lat.copy(), lon.copy()
    for _ in range(3):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        wlat, wlon = wlat - (glat - lat), wlon - (glon - lon)
    return wlat, wlon


def gcj02_to_bd09(lat, lon):
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * X_PI)
    return z * np.sin(theta) + 0.006, z * np.cos(theta) + 0.0065


def bd09_to_gcj02(lat, lon):
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    return z * np.sin(theta), z * np.cos(theta)
