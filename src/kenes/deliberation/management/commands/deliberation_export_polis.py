"""kenes deliberation-export-polis --conversation SLUG --out DIR."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.deliberation import polis
from kenes.deliberation.models import Conversation


class Command(BaseCommand):
    help = "Write a conversation as a Pol.is export folder (comments, votes, participants-votes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--conversation", required=True, help="slug of the conversation")
        parser.add_argument("--out", required=True, help="folder to write (created if needed)")

    def handle(self, *args: Any, **opts: Any) -> None:
        conv = Conversation.objects.filter(slug=opts["conversation"]).first()
        if conv is None:
            raise CommandError(f"No conversation {opts['conversation']!r}.")
        try:
            n = polis.export_folder(conversation=conv, folder=opts["out"])
        except OSError as exc:
            raise CommandError(f"Cannot write {opts['out']}: {exc}") from None
        self.stdout.write(f"Wrote {opts['out']}: {n} votes of {conv.slug}.")
