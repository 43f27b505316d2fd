"""``kenes import-proposals FILE --document SLUG --version LABEL --channel C --source NAME``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.proposals.importing import (
    BATCH_SIZE,
    IMPORT_CHANNELS,
    ImportFileError,
    Progress,
    proposals_import_file,
)


class ProgressLine:
    """A plain-text progress line on stderr: rows, rows/s, counts; at most once a second."""

    def __init__(self, stream: Any = None, every: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.last = 0.0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, p: Progress, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < self.every:
            return
        self.last = now
        rate = p.rows / p.seconds if p.seconds > 0 else 0.0
        line = (
            f"{p.rows:>10,} rows  {rate:>8,.0f} rows/s  created {p.created:,}  "
            f"skipped {p.skipped:,}  errors {p.failed:,}  {p.seconds:,.0f} s"
        )
        end = "\n" if final or not self.tty else ""
        self.stream.write(("\r" if self.tty else "") + line + end)
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import proposals from a .csv, .jsonl or .xlsx file (columns: id, text, article, point, "
        "language, author_kind, region, contact, consent, submitted_at). Rows already imported "
        "from the same channel and source are skipped, so an interrupted import can be re-run."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # "--version LABEL" is ours: let it replace Django's "--version" (program version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--document", required=True, help="document slug, e.g. constitution")
        parser.add_argument("--version", dest="label", required=True, help="version label")
        parser.add_argument("--channel", required=True, choices=[str(c) for c in IMPORT_CHANNELS])
        parser.add_argument(
            "--source",
            required=True,
            help="where the rows come from (file, organisation, meeting); "
            "with the id it identifies a row for re-runs",
        )
        parser.add_argument(
            "--errors",
            type=Path,
            metavar="REPORT.csv",
            help="write the rows that failed (row, id, field, message) here",
        )
        parser.add_argument(
            "--receipts",
            type=Path,
            metavar="RECEIPTS.csv",
            help="write each stored row's receipt code (and, for rows new in "
            "this run, its one-time secret) here, to hand back to authors",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help="rows per transaction (default %(default)s)",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="refuse larger files (default KENES_IMPORT_MAX_BYTES or 2 GiB)",
        )
        parser.add_argument(
            "--shard",
            metavar="K/N",
            help="import only rows whose number is K modulo N (run N commands "
            "with K = 0..N-1 to share a file among processes)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress line")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        line = None if options["quiet"] else ProgressLine()
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        shard = None
        if options["shard"]:
            k, _sep, n = options["shard"].partition("/")
            if not (k.isdigit() and n.isdigit() and int(k) < int(n)):
                raise CommandError("--shard is K/N with 0 <= K < N, e.g. 0/2")
            shard = (int(k), int(n))
        try:
            result = proposals_import_file(
                actor=None,
                path=path,
                document_slug=options["document"],
                version_label=options["label"],
                channel=options["channel"],
                source=options["source"],
                errors_path=options["errors"],
                batch_size=options["batch_size"],
                max_bytes=options["max_bytes"],
                progress=line,
                shard=shard,
                receipts_path=options["receipts"],
            )
        except ImportFileError as exc:
            partial = getattr(exc, "partial", None)
            if partial is not None and partial.rows:
                raise CommandError(
                    f"Stopped: {exc} The {partial.rows:,} rows before it were read and "
                    f"kept ({partial.created:,} imported, {partial.skipped:,} already there, "
                    f"{partial.failed:,} with errors). Correct the file and run the same "
                    "command again: rows already imported are skipped."
                ) from exc
            raise CommandError(f"Nothing was imported. {exc}") from exc
        except ValidationError as exc:
            raise CommandError("Nothing was imported. " + " ".join(exc.messages)) from exc
        if line is not None:
            line(
                Progress(
                    result.rows, result.created, result.skipped, result.failed, result.seconds
                ),
                final=True,
            )
        self.stdout.write(
            f"{path.name}: {result.rows:,} rows, {result.created:,} imported, "
            f"{result.skipped:,} already there, {result.failed:,} with errors "
            f"({result.seconds:,.1f} s)."
        )
        if result.failed and not options["errors"]:
            for e in result.first_errors:
                self.stderr.write(f"row {e.row} (id {e.external_id or '-'}) {e.field}: {e.message}")
            self.stderr.write("Use --errors REPORT.csv for the full list.")
        elif result.failed:
            self.stderr.write(f"Rows with errors are listed in {options['errors']}.")
