"""``kenes comments-carry --document D --draft-version V``: carry comments into V from the version
before it (the import does this by itself; the command repairs or re-checks, idempotently)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.comments.services import comments_carry
from kenes.drafts.matching import previous_version
from kenes.drafts.models import Version


class Command(BaseCommand):
    help = "Carry every comment of the previous version into VERSION (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", required=True)
        parser.add_argument("--draft-version", dest="label", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        version = Version.objects.filter(
            document__slug=options["document"], label=options["label"]
        ).first()
        if version is None:
            raise CommandError(f"No version {options['document']}/{options['label']}.")
        previous = previous_version(version)
        if previous is None:
            self.stdout.write(f"{version} is the first version: there is nothing to carry.")
            return
        counts = comments_carry(actor=None, version=version, previous=previous)
        done = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing new"
        self.stdout.write(f"{previous.label} → {version.label}: {done}.")
