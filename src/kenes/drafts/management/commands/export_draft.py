import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from kenes.drafts import formats
from kenes.drafts.selectors import version_get, version_to_doc


class Command(BaseCommand):
    help = "Export one language of a draft version as Kenes draft JSON."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # "--version LABEL" is ours: let it replace Django's "--version" (program version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", required=True)
        parser.add_argument("--version", dest="label", required=True)
        parser.add_argument("--language", choices=["kk", "ru"], default="ru")
        parser.add_argument("--out", type=Path, help="output file (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = version_get(document_slug=options["document"], label=options["label"])
        except Http404 as exc:
            raise CommandError(str(exc)) from exc
        if options["language"] not in version.languages:
            raise CommandError(
                f"{version} has no {options['language']} text; it has "
                f"{', '.join(version.languages) or 'none'}"
            )
        text = formats.dumps(version_to_doc(version, options["language"]))
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
