"""Writes of the geo app: loading the classifier and population data, computing remoteness."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.geo.importing import KatoFileError, read_kato, read_population
from kenes.geo.models import Unit
from kenes.geo.remote import Place, RemoteRule, remote_codes

__all__ = ["KatoFileError", "KatoImportResult", "kato_import", "remote_recompute"]

BATCH = 2000


@dataclass
class KatoImportResult:
    units: int = 0
    with_population: int = 0
    remote: int = 0
    seconds: float = 0.0


def _district_of(code: str, parents: dict[str, str], levels: dict[str, int]) -> str | None:
    """Return the unit's ancestor just below its region (district, city administration or a
    city's district; itself when it is one); None for a region."""
    if levels.get(code) == 1:
        return None
    steps = 0
    while parents.get(code) and levels.get(parents[code], 1) != 1 and steps < 12:
        code, steps = parents[code], steps + 1
    return code


@transaction.atomic
def kato_import(
    *,
    actor: Actor,
    path: Path | str,
    population_path: Path | str | None = None,
    rule: RemoteRule | None = None,
) -> KatoImportResult:
    """Load a KATO classifier file (and optionally a population file) in one transaction.

    Both files are checked completely first; any problem raises KatoFileError listing every
    problem by line, and nothing is written. Units already stored are updated (names, parent,
    kind); population and coordinates change only through a population file. Remoteness is
    recomputed for the regions touched.
    """
    started = time.monotonic()
    path = Path(path)
    stored = dict(Unit.objects.values_list("code", "level"))
    stored_parent = dict(Unit.objects.values_list("code", "parent_id"))
    existing = {c: (lvl, stored_parent.get(c) or "") for c, lvl in stored.items()}
    units = read_kato(path, existing=existing)
    population = []
    if population_path is not None:
        known = set(stored) | {u.code for u in units}
        population = read_population(Path(population_path), known=known)
    parents = {c: p for c, (_lvl, p) in existing.items()}
    levels = dict(stored)
    for u in units:
        parents[u.code] = u.parent
        levels[u.code] = u.level
    objs = [
        Unit(
            code=u.code,
            parent_id=u.parent or None,
            level=u.level,
            kind=u.kind,
            name_ru=u.name_ru,
            name_kk=u.name_kk,
            region_code=u.code[:2],
            district_id=_district_of(u.code, parents, levels),
            is_settlement=u.is_settlement,
        )
        for u in units
    ]
    new = [o for o in objs if o.code not in stored]
    old = [o for o in objs if o.code in stored]
    Unit.objects.bulk_create(new, batch_size=BATCH)
    if old:
        Unit.objects.bulk_update(
            old,
            ["parent", "level", "kind", "name_ru", "region_code", "district", "is_settlement"],
            batch_size=BATCH,
        )
        with_kk = [o for o in old if o.name_kk]
        Unit.objects.bulk_update(with_kk, ["name_kk"], batch_size=BATCH)
    regions = {u.code[:2] for u in units}
    if population:
        _apply_population(population)
        regions |= {r.code[:2] for r in population}
    remote = remote_recompute(regions=regions, rule=rule)
    result = KatoImportResult(
        units=len(units),
        with_population=len(population),
        remote=remote,
        seconds=time.monotonic() - started,
    )
    audit_record(
        actor=actor,
        action="geo.kato_import",
        target=Unit.objects.order_by("code").first() or Unit(code="-"),
        data={
            "file": path.name,
            "units": len(units),
            "new": len(new),
            "population_rows": len(population),
            "remote": remote,
        },
    )
    return result


def _apply_population(rows: list[Any]) -> None:
    units = Unit.objects.in_bulk([r.code for r in rows])
    changed = []
    for r in rows:
        unit = units[r.code]
        if r.population is not None:
            unit.population = r.population
        if r.lat is not None:
            unit.lat, unit.lon = r.lat, r.lon
        if r.centre is not None:
            unit.is_centre = r.centre
        if r.name_kk:
            unit.name_kk = r.name_kk
        changed.append(unit)
    Unit.objects.bulk_update(
        changed, ["population", "lat", "lon", "is_centre", "name_kk"], batch_size=BATCH
    )


@transaction.atomic
def population_import(
    *, actor: Actor, path: Path | str, rule: RemoteRule | None = None
) -> KatoImportResult:
    """Add population, coordinates and district centres from a population file."""
    started = time.monotonic()
    path = Path(path)
    rows = read_population(path, known=set(Unit.objects.values_list("code", flat=True)))
    _apply_population(rows)
    remote = remote_recompute(regions={r.code[:2] for r in rows}, rule=rule)
    first = Unit.objects.order_by("code").first()
    if first is not None:
        audit_record(
            actor=actor,
            action="geo.population_import",
            target=first,
            data={"file": path.name, "rows": len(rows), "remote": remote},
        )
    return KatoImportResult(
        units=0, with_population=len(rows), remote=remote, seconds=time.monotonic() - started
    )


def remote_recompute(*, regions: set[str] | None = None, rule: RemoteRule | None = None) -> int:
    """Recompute ``Unit.remote`` (for ``regions``, or everywhere); return the remote count."""
    rule = rule or RemoteRule.from_settings()
    qs = Unit.objects.all()
    if regions is not None:
        qs = qs.filter(region_code__in=regions)
    places = [
        Place(*row)
        for row in qs.values_list(
            "code", "region_code", "kind", "is_settlement", "is_centre", "population", "lat", "lon"
        )
    ]
    remote = remote_codes(places, rule)
    qs.filter(remote=True).update(remote=False)
    codes = sorted(remote)
    for i in range(0, len(codes), 900):
        Unit.objects.filter(code__in=codes[i : i + 900]).update(remote=True)
    return len(remote)
