"""kenes deliberation-import-polis DIR --conversation SLUG [--document D --version V]."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.analysis.opinions import PolisExportError
from kenes.deliberation import polis, services
from kenes.drafts.models import Version


class Command(BaseCommand):
    help = (
        "Import a Pol.is export folder (comments.csv with votes.csv or participants-votes.csv) "
        "into a conversation; all or nothing."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # "--version LABEL" is ours: let it replace Django's "--version" (program version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--conversation", required=True, help="slug of the conversation")
        parser.add_argument("--document", help="document slug (to create the conversation)")
        parser.add_argument("--version", dest="version_label", help="version label (to create)")
        parser.add_argument("--title-kk", default="")
        parser.add_argument("--title-ru", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        version = None
        if opts["document"] or opts["version_label"]:
            version = Version.objects.filter(
                document__slug=opts["document"], label=opts["version_label"]
            ).first()
            if version is None:
                raise CommandError(
                    f"No draft version {opts['document']}/{opts['version_label']}; "
                    "see `kenes import-draft`."
                )
        try:
            conv, counts = polis.import_folder(
                actor=None,
                folder=opts["folder"],
                slug=opts["conversation"],
                version=version,
                title_kk=opts["title_kk"],
                title_ru=opts["title_ru"],
            )
        except PolisExportError as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        except services.DeliberationError as exc:
            raise CommandError("Nothing imported:\n  " + "\n  ".join(exc.messages)) from None
        self.stdout.write(
            f"Imported into {conv.slug}: {counts['statements']} statements, "
            f"{counts['participants']} participants, {counts['votes']} votes."
        )
