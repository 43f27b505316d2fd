"""``kenes opendata build [--out DIR] [--date YYYY-MM-DD] [--enqueue]``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.opendata.build import build_package
from kenes.opendata.selectors import output_dir


class Command(BaseCommand):
    help = "Build the open-data package (a Frictionless Data Package in a ZIP)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="write DIR/kenes-opendata-YYYY-MM-DD.zip")
        build.add_argument("--out", type=Path, help="folder (default: MEDIA_ROOT/opendata)")
        build.add_argument("--date", help="date in the file name (default: today)")
        build.add_argument(
            "--enqueue", action="store_true", help="build in the background task queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = options.get("out") or output_dir()
        day = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out must be a folder: {out} is a file")
        if options.get("enqueue"):
            from kenes.opendata.tasks import opendata_build

            queued = opendata_build.enqueue(str(out))
            self.stdout.write(f"Queued the open-data build ({queued.id}).")
            return
        result = build_package(out_dir=out, day=day)
        if not result.rows.get("proposals"):
            self.stdout.write("No proposals yet: the package holds empty tables.")
        self.stdout.write(result.summary())
