"""The remoteness rule (pure Python; see the docstring of kenes.geo.models)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

DEFAULT_POPULATION = 500
DEFAULT_DISTANCE_KM = 50.0
DEFAULT_KINDS = ("wintering", "railway_siding", "station", "site")


@dataclass(frozen=True)
class RemoteRule:
    population_below: int = DEFAULT_POPULATION
    distance_km: float = DEFAULT_DISTANCE_KM
    kinds: tuple[str, ...] = DEFAULT_KINDS

    @classmethod
    def from_settings(cls) -> RemoteRule:
        kinds = getattr(settings, "KENES_REMOTE_KINDS", DEFAULT_KINDS)
        if isinstance(kinds, str):
            kinds = tuple(k.strip() for k in kinds.split(",") if k.strip())
        return cls(
            int(getattr(settings, "KENES_REMOTE_POPULATION", DEFAULT_POPULATION)),
            float(getattr(settings, "KENES_REMOTE_DISTANCE_KM", DEFAULT_DISTANCE_KM)),
            tuple(kinds),
        )


@dataclass(frozen=True)
class Place:
    code: str
    region: str
    kind: str
    is_settlement: bool
    is_centre: bool
    population: int | None
    lat: float | None
    lon: float | None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def remote_codes(places: Iterable[Place], rule: RemoteRule) -> set[str]:
    """Return the codes of the remote settlements among ``places``."""
    places = list(places)
    centres: dict[str, list[tuple[float, float]]] = {}
    for p in places:
        if (p.is_centre or p.kind == "city") and p.lat is not None and p.lon is not None:
            centres.setdefault(p.region, []).append((p.lat, p.lon))
    remote = set()
    for p in places:
        if not p.is_settlement or p.is_centre or p.kind == "city":
            continue
        if p.kind in rule.kinds:
            remote.add(p.code)
        elif p.population is not None and p.population < rule.population_below:
            remote.add(p.code)
        elif p.lat is not None and p.lon is not None and centres.get(p.region):
            lat, lon = p.lat, p.lon
            nearest = min(distance_km(lat, lon, c_lat, c_lon) for c_lat, c_lon in centres[p.region])
            if nearest > rule.distance_km:
                remote.add(p.code)
    return remote
