from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kenes.core.seeding import SeedContext, discover_seeds
from kenes.drafts.formats import DraftFormatError


class Command(BaseCommand):
    help = (
        "Load the demo: a bilingual demo draft (two versions), staff users for each role, and "
        "the data of every app. Safe to run again. With ../shared/data present, the 1995 and "
        "2026 Constitutions are loaded as well."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--draft",
            action="append",
            type=Path,
            default=[],
            help="also load this Kenes draft JSON (repeatable)",
        )
        parser.add_argument(
            "--shared",
            type=Path,
            default=Path("../shared"),
            help="where ../shared is (default: ../shared); skipped if absent",
        )
        parser.add_argument("--no-shared", action="store_true", help="ignore ../shared")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["draft"]:
            if not path.is_file():
                raise CommandError(f"--draft {path}: no such file")
        shared = None if options["no_shared"] else options["shared"]
        ctx = SeedContext(
            draft_paths=options["draft"],
            shared_dir=shared if shared and (shared / "data").is_dir() else None,
        )
        for label, seed in discover_seeds():
            try:
                with transaction.atomic():
                    seed(ctx)
            except DraftFormatError as exc:
                raise CommandError(f"{label}: {exc}") from exc
        self.stdout.write("\n".join(ctx.report))
