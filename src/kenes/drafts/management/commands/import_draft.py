from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.drafts import formats
from kenes.drafts.services import draft_version_import


class Command(BaseCommand):
    help = (
        "Import a draft text (Kenes JSON, Markdown or DOCX) as a version of a document. "
        "Importing a second language of an existing version adds it as a parallel text."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # "--version LABEL" is ours: let it replace Django's "--version" (program version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--document", required=True, help="document slug, e.g. constitution")
        parser.add_argument(
            "--version", dest="label", required=True, help="version label, e.g. 2026 or draft-1"
        )
        parser.add_argument(
            "--language",
            choices=["kk", "ru"],
            help="language of the file (JSON: its 'language' field; else ru)",
        )
        parser.add_argument(
            "--replace", action="store_true", help="overwrite this language of an existing version"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        size = path.stat().st_size
        if size > settings.KENES_DRAFT_MAX_BYTES:
            raise CommandError(
                f"{path}: {size:,} bytes is over the limit of "
                f"{settings.KENES_DRAFT_MAX_BYTES:,} (KENES_DRAFT_MAX_BYTES)"
            )
        try:
            doc = formats.parse_any(
                path.read_bytes(),
                filename=path.name,
                language=options["language"],
                max_bytes=settings.KENES_DRAFT_MAX_BYTES,
            )
            if options["language"]:
                doc.language = options["language"]
            version = draft_version_import(
                actor=None,
                doc=doc,
                document_slug=options["document"],
                version_label=options["label"],
                replace=options["replace"],
            )
        except formats.DraftFormatError as exc:
            raise CommandError(f"{path}: nothing was imported.\n{exc}") from exc
        self.stdout.write(
            f"Imported {path.name} ({doc.language}) as {version}: {len(doc.sections)} sections, "
            f"{len(doc.articles())} articles."
        )
