"""The coverage map: the 20 regions drawn server-side as inline SVG from a GeoJSON file.

The file is named by the setting ``KENES_REGIONS_GEOJSON`` (or the environment variable of
the same name); when neither is set, ``../shared/data/kz/kz_regions_adm1_simplified.geojson``
beside the checkout is used if present. Each feature needs a ``kato_prefix`` property (the
two-digit region code) and a Polygon or MultiPolygon geometry in longitude/latitude. Without
a file the coverage page shows its tables only and says why.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

WIDTH = 1000.0
MIN_STEP = 1.5  # drop points closer than this (in SVG units) to the previous one


@dataclass(frozen=True)
class Shape:
    code: str
    d: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    shapes: tuple[Shape, ...]


def geojson_path() -> Path | None:
    configured = settings.KENES_REGIONS_GEOJSON
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    shared = Path(
        os.environ.get("KENES_SHARED_DIR", Path(settings.BASE_DIR).parents[1].parent / "shared")
    )
    path = shared / "data" / "kz" / "kz_regions_adm1_simplified.geojson"
    return path if path.is_file() else None


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Map | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        features = [
            (
                str(
                    f["properties"].get("kato_prefix")
                    or str(f["properties"].get("kato_code", ""))[:2]
                ),
                _rings(f["geometry"]),
            )
            for f in data["features"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    points = [p for _c, rings in features for ring in rings for p in ring]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    scale = WIDTH / ((max(lons) - min(lons)) * k)
    height = (max(lats) - min(lats)) * scale

    def xy(p: list[float]) -> tuple[float, float]:
        return (p[0] - min(lons)) * k * scale, (max(lats) - p[1]) * scale

    shapes = []
    for code, rings in features:
        parts, all_x, all_y, area_best = [], [], [], -1.0
        cx = cy = 0.0
        for ring in rings:
            pts = [xy(p) for p in ring]
            kept = [pts[0]]
            for x, y in pts[1:]:
                if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= MIN_STEP:
                    kept.append((x, y))
            if len(kept) < 3:
                continue
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in kept) + "Z")
            xs, ys = [x for x, _ in kept], [y for _, y in kept]
            all_x += xs
            all_y += ys
            area = (max(xs) - min(xs)) * (max(ys) - min(ys))
            if area > area_best:
                area_best, cx, cy = area, sum(xs) / len(xs), sum(ys) / len(ys)
        if parts:
            shapes.append(Shape(code, "".join(parts), round(cx, 1), round(cy, 1)))
    return Map(int(WIDTH), math.ceil(height), tuple(shapes))


def regions_map() -> Map | None:
    path = geojson_path()
    if path is None:
        return None
    return _load(str(path), path.stat().st_mtime)


# Colour bins by the share of settlements reached (sequential, readable on white).
BINS = [
    (0.5, "#08519c"),
    (0.25, "#3182bd"),
    (0.1, "#6baed6"),
    (0.0001, "#bdd7e7"),
    (0.0, "#eff3ff"),
]
NO_DATA = "#d9d9d9"


def colour(share: float | None) -> str:
    if share is None:
        return NO_DATA
    for threshold, fill in BINS:
        if share >= threshold:
            return fill
    return BINS[-1][1]
