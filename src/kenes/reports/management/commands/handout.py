from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from kenes.drafts.models import Version
from kenes.reports.services import handout_build


class Command(BaseCommand):
    help = (
        "Explainer handouts for meetings: `kenes handout build --document D --version V "
        "--articles 1,5,9 --language kk|ru --out FILE.pdf` (old and new wording, the staff's "
        "note, proposals and decisions, QR codes to the article and the propose form)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # "--version LABEL" is ours: let it replace Django's "--version" (program version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build"])
        parser.add_argument("--document", required=True)
        parser.add_argument("--version", required=True, dest="version_label")
        parser.add_argument("--articles", required=True, help="article numbers, comma-separated")
        parser.add_argument("--language", required=True, choices=["kk", "ru"])
        parser.add_argument("--out", required=True, type=Path)

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
            numbers = [n for n in options["articles"].split(",") if n.strip()]
            try:
                articles = handout_build(
                    version=version, numbers=numbers, language=lang, out=options["out"]
                )
            except ValidationError as exc:
                raise CommandError("; ".join(str(m) for m in exc.messages)) from None
            except OSError as exc:
                raise CommandError(f"cannot write {options['out']}: {exc}") from None
        self.stdout.write(f"wrote {options['out']}: {len(articles)} articles")
