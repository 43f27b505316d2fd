"""Reading and checking KATO classifier files and population files (no writes here).

Classifier CSV (UTF-8, header row; the columns of the published classifier)::

    kato, parent_kato, level, type, name_ru[, name_kk][, region_kato, region_name_ru]

Population CSV (UTF-8, header row; only ``kato`` is required, empty cells are "unknown")::

    kato, population, lat, lon[, centre][, name_kk]

Every problem is collected with its line number before anything is written; a file with any
problem raises :class:`KatoFileError` listing them all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.utils.translation import gettext as _

from kenes.geo.models import SETTLEMENT_KINDS

KATO_REQUIRED = ("kato", "parent_kato", "level", "type", "name_ru")
KATO_OPTIONAL = ("name_kk", "region_kato", "region_name_ru")
POPULATION_COLUMNS = ("kato", "population", "lat", "lon", "centre", "name_kk")
TRUE = {"1", "true", "yes", "y", "да", "иә", "x", "+"}
# Kazakhstan's bounding box with a margin: catches swapped latitude and longitude.
LAT_RANGE = (39.0, 57.0)
LON_RANGE = (45.0, 89.0)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class KatoFileError(Exception):
    """A file that cannot be loaded; ``problems`` lists every reason with its line."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        super().__init__(f"{name}: {len(problems)} problem(s)")


@dataclass
class UnitRow:
    line: int
    code: str
    parent: str
    level: int
    kind: str
    name_ru: str
    name_kk: str = ""

    @property
    def is_settlement(self) -> bool:
        return self.level >= 3 and self.kind in SETTLEMENT_KINDS


@dataclass
class PopulationRow:
    line: int
    code: str
    population: int | None = None
    lat: float | None = None
    lon: float | None = None
    centre: bool | None = None
    name_kk: str = ""


@dataclass
class Parsed:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _read_csv(path: Path, required: Iterable[str], known: Iterable[str]) -> Parsed:
    """Read a UTF-8 CSV into (line, row) pairs, reporting undecodable lines and bad columns."""
    parsed = Parsed()
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    lines = raw.split(b"\n")
    decoded = []
    for number, line in enumerate(lines, 1):
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            parsed.problems.append(
                Problem(
                    number,
                    _("byte %(col)s is not UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel).")
                    % {"col": exc.start + 1},
                )
            )
            decoded.append(line.decode("utf-8", errors="replace"))
    text = "\n".join(decoded)
    first = decoded[0] if decoded else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        parsed.problems.append(Problem(1, str(exc)))
        return parsed
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h and h not in (*required, *known)]
    if missing or unknown:
        parsed.problems.append(
            Problem(
                1,
                _(
                    "missing columns: %(missing)s; unknown columns: %(unknown)s; the columns are: "
                    "%(columns)s."
                )
                % {
                    "missing": ", ".join(missing) or "-",
                    "unknown": ", ".join(unknown) or "-",
                    "columns": ", ".join((*required, *known)),
                },
            )
        )
        return parsed
    start = 2
    try:
        for values in reader:
            if any(v.strip() for v in values):
                if len(values) > len(header):
                    parsed.problems.append(
                        Problem(
                            start,
                            _("%(n)s cells, the header has %(m)s.")
                            % {"n": len(values), "m": len(header)},
                        )
                    )
                row = {k: (v or "").strip() for k, v in zip(header, values, strict=False)}
                parsed.rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        parsed.problems.append(Problem(reader.line_num, str(exc)))
    return parsed


def read_kato(path: Path, *, existing: dict[str, tuple[int, str]] | None = None) -> list[UnitRow]:
    """Read and check a classifier file; return its units sorted by level and code.

    ``existing`` maps codes already stored to (level, parent code): a parent may be there
    instead of in the file. Raises KatoFileError with every problem.
    """
    existing = existing or {}
    parsed = _read_csv(path, KATO_REQUIRED, KATO_OPTIONAL)
    problems = list(parsed.problems)
    units: dict[str, UnitRow] = {}
    for line, row in parsed.rows:
        code, parent = row.get("kato", ""), row.get("parent_kato", "")
        bad = False
        if not (len(code) == 9 and code.isdigit()):
            problems.append(
                Problem(line, _("the KATO code %(code)r is not 9 digits.") % {"code": code})
            )
            bad = True
        elif code in units:
            problems.append(
                Problem(
                    line,
                    _("duplicate code %(code)s (first on line %(first)s).")
                    % {"code": code, "first": units[code].line},
                )
            )
            bad = True
        level_raw = row.get("level", "")
        level = int(level_raw) if level_raw.isdigit() else 0
        if not 1 <= level <= 4:
            problems.append(
                Problem(line, _("the level %(level)r is not 1, 2, 3 or 4.") % {"level": level_raw})
            )
            bad = True
        if not row.get("type"):
            problems.append(Problem(line, _("the type is empty.")))
            bad = True
        elif len(row["type"]) > 32:
            problems.append(Problem(line, _("the type is longer than 32 characters.")))
            bad = True
        if not row.get("name_ru"):
            problems.append(Problem(line, _("the Russian name is empty.")))
            bad = True
        if level == 1 and parent:
            problems.append(Problem(line, _("a region (level 1) has no parent.")))
            bad = True
        if level > 1 and not parent:
            problems.append(
                Problem(line, _("a unit of level %(level)s needs a parent.") % {"level": level})
            )
            bad = True
        if not bad:
            units[code] = UnitRow(
                line,
                code,
                parent,
                level,
                row["type"],
                row["name_ru"][:200],
                row.get("name_kk", "")[:200],
            )
    for unit in units.values():
        if not unit.parent:
            continue
        parent_level = (
            units[unit.parent].level
            if unit.parent in units
            else existing.get(unit.parent, (None, ""))[0]
        )
        if parent_level is None:
            problems.append(
                Problem(
                    unit.line,
                    _("unknown parent %(parent)s: it is neither in the file nor already loaded.")
                    % {"parent": unit.parent},
                )
            )
        elif unit.parent == unit.code:
            problems.append(Problem(unit.line, _("the unit is its own parent.")))
        elif parent_level > unit.level:
            # The classifier places some villages under the village that centres their
            # okrug (same level), never under a lower level.
            problems.append(
                Problem(
                    unit.line,
                    _("the parent %(parent)s has level %(plevel)s, below the unit's %(level)s.")
                    % {"parent": unit.parent, "plevel": parent_level, "level": unit.level},
                )
            )
        elif unit.parent[:2] != unit.code[:2]:
            problems.append(
                Problem(
                    unit.line,
                    _("the parent %(parent)s is in another region.") % {"parent": unit.parent},
                )
            )
    problems.extend(_cycles(units, existing))
    if problems:
        raise KatoFileError(path.name, sorted(problems, key=lambda p: p.line))
    return sorted(units.values(), key=lambda u: (u.level, u.code))


def _cycles(units: dict[str, UnitRow], existing: dict[str, tuple[int, str]]) -> list[Problem]:
    """Report units whose chain of parents never reaches a region (a loop)."""
    parent_of = {c: p for c, (_lvl, p) in existing.items()}
    parent_of.update({c: u.parent for c, u in units.items()})
    problems = []
    for unit in units.values():
        code, steps = unit.code, 0
        while parent_of.get(code) and steps < 12:
            code, steps = parent_of[code], steps + 1
        if steps >= 12:
            problems.append(Problem(unit.line, _("the chain of parents loops back on itself.")))
    return problems


def _number(
    raw: str, kind: type, line: int, label: str, problems: list[Problem]
) -> int | float | None:
    if raw == "":
        return None
    try:
        value = kind(raw.replace(",", ".") if kind is float else raw.replace(" ", ""))
    except ValueError:
        problems.append(
            Problem(
                line, _("%(label)s %(value)r is not a number.") % {"label": label, "value": raw}
            )
        )
        return None
    return cast(int | float, value)


def read_population(path: Path, *, known: set[str]) -> list[PopulationRow]:
    """Read and check a population file against the ``known`` codes; raise KatoFileError."""
    parsed = _read_csv(path, ("kato",), POPULATION_COLUMNS[1:])
    problems = list(parsed.problems)
    rows: list[PopulationRow] = []
    seen: dict[str, int] = {}
    for line, row in parsed.rows:
        code = row.get("kato", "")
        if code in seen:
            problems.append(
                Problem(
                    line,
                    _("duplicate code %(code)s (first on line %(first)s).")
                    % {"code": code, "first": seen[code]},
                )
            )
            continue
        seen[code] = line
        if code not in known:
            problems.append(Problem(line, _("unknown KATO code %(code)r.") % {"code": code}))
            continue
        population = _number(row.get("population", ""), int, line, _("population"), problems)
        lat = _number(row.get("lat", ""), float, line, _("latitude"), problems)
        lon = _number(row.get("lon", ""), float, line, _("longitude"), problems)
        if population is not None and population < 0:
            problems.append(Problem(line, _("the population is negative.")))
        if (lat is None) != (lon is None):
            problems.append(Problem(line, _("give both latitude and longitude, or neither.")))
        if lat is not None and not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
            problems.append(
                Problem(
                    line,
                    _(
                        "latitude %(lat)s is outside Kazakhstan (are latitude and longitude swapped?)."
                    )
                    % {"lat": lat},
                )
            )
        if lon is not None and not LON_RANGE[0] <= lon <= LON_RANGE[1]:
            problems.append(
                Problem(line, _("longitude %(lon)s is outside Kazakhstan.") % {"lon": lon})
            )
        centre_raw = row.get("centre", "")
        rows.append(
            PopulationRow(
                line,
                code,
                int(population) if population is not None else None,
                float(lat) if lat is not None else None,
                float(lon) if lon is not None else None,
                centre_raw.lower() in TRUE if centre_raw else None,
                row.get("name_kk", "")[:200],
            )
        )
    if problems:
        raise KatoFileError(path.name, sorted(problems, key=lambda p: p.line))
    return rows
