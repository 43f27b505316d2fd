"""What `kenes report` and `kenes handout` share: the arguments naming a draft version, a
language and a PDF to write, the look-up of the version, and the errors as CommandError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from kenes.drafts.models import Version


class PdfCommand(BaseCommand):
    """``kenes <name> build --document D --version V --language kk|ru --out FILE.pdf``: a
    subclass adds its own arguments in ``add_more_arguments`` and writes the PDF in ``build``,
    which returns the line to print."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # "--version LABEL" is ours: let it replace Django's "--version" (program version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build"])
        parser.add_argument("--document", required=True, help="document slug, e.g. constitution")
        parser.add_argument("--version", required=True, dest="version_label", help="e.g. 2026")
        self.add_more_arguments(parser)
        parser.add_argument("--language", required=True, choices=["kk", "ru"])
        parser.add_argument("--out", required=True, type=Path, help="the PDF to write")

    def add_more_arguments(self, parser: CommandParser) -> None:
        """The subcommand's own arguments."""

    def build(self, *, version: Version, language: str, out: Path, options: dict[str, Any]) -> str:
        raise NotImplementedError

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
            try:
                done = self.build(version=version, language=lang, out=out, options=options)
            except ValidationError as exc:
                raise CommandError("; ".join(str(m) for m in exc.messages)) from None
            except OSError as exc:
                raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        self.stdout.write(done)
