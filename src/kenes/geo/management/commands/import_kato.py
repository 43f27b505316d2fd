"""``kenes import-kato FILE [--population FILE]``: load the KATO classifier in one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.geo.services import KatoFileError, kato_import, population_import

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Load a KATO classifier CSV (kato, parent_kato, level, type, name_ru[, name_kk]). "
        "The whole file is checked first; any problem is reported by line and nothing is "
        "loaded. --population adds population, coordinates and district centres."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, nargs="?", help="classifier CSV (omit to load only --population)"
        )
        parser.add_argument(
            "--population",
            type=Path,
            metavar="FILE",
            help="CSV with kato, population, lat, lon[, centre][, name_kk]",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, population = options["file"], options["population"]
        if path is None and population is None:
            raise CommandError("Give a classifier FILE, --population FILE, or both.")
        for p in (path, population):
            if p is not None and not p.is_file():
                raise CommandError(f"{p}: no such file.")
        try:
            if path is not None:
                result = kato_import(actor=None, path=path, population_path=population)
            else:
                result = population_import(actor=None, path=population)
        except KatoFileError as exc:
            for problem in exc.problems[:SHOWN]:
                self.stderr.write(f"{exc.name}: {problem}")
            if len(exc.problems) > SHOWN:
                self.stderr.write(f"... and {len(exc.problems) - SHOWN} more.")
            raise CommandError(
                f"Nothing was loaded: {len(exc.problems)} problem(s) in {exc.name}."
            ) from exc
        self.stdout.write(
            f"{result.units:,} units loaded, {result.with_population:,} with "
            f"population data, {result.remote:,} remote settlements "
            f"({result.seconds:.1f} s)."
        )
