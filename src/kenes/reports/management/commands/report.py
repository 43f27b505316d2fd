from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from kenes.drafts.models import Version
from kenes.reports.services import report_build


def _message(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


class Command(BaseCommand):
    help = (
        "The commission's final report: `kenes report build --document D --version V "
        "--language kk|ru --out FILE.pdf` recomputes every figure from the database and writes "
        "a PDF/A."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # "--version LABEL" is ours: let it replace Django's "--version" (program version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build"])
        parser.add_argument("--document", required=True, help="document slug, e.g. constitution")
        parser.add_argument("--version", required=True, dest="version_label", help="e.g. 2026")
        parser.add_argument("--language", required=True, choices=["kk", "ru"])
        parser.add_argument("--out", required=True, type=Path, help="the PDF to write")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["language"]
        with translation.override(lang):
            version = (
                Version.objects.select_related("document")
                .filter(document__slug=options["document"], label=options["version_label"])
                .first()
            )
            if version is None:
                raise CommandError(
                    _("There is no draft %(document)s/%(version)s.")
                    % {"document": options["document"], "version": options["version_label"]}
                )
            out: Path = options["out"]
            if out.exists() and out.is_dir():
                raise CommandError(f"{out} is a directory; give a file name for the PDF")
            started = time.monotonic()
            try:
                build = report_build(actor=None, version=version, language=lang, out=out)
            except ValidationError as exc:
                raise CommandError(_message(exc)) from None
            except OSError as exc:
                raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        self.stdout.write(
            f"wrote {out} ({build.size_bytes} bytes, sha256 {build.sha256}): "
            f"{build.n_proposals} proposals, ledger size {build.checkpoint_size}, "
            f"{time.monotonic() - started:.1f} s"
        )
