"""kenes deliberation-recompute [--conversation SLUG]: compute results now (no worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.deliberation import services
from kenes.deliberation.models import Conversation


class Command(BaseCommand):
    help = "Recompute the opinion map of one conversation (or all) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--conversation", help="slug; all conversations when absent")
        parser.add_argument("--force", action="store_true", help="even without new votes")

    def handle(self, *args: Any, **opts: Any) -> None:
        convs = Conversation.objects.all()
        if opts["conversation"]:
            convs = convs.filter(slug=opts["conversation"])
            if not convs.exists():
                raise CommandError(f"No conversation {opts['conversation']!r}.")
        for conv in convs:
            result = services.result_recompute(conversation=conv, force=opts["force"])
            if result is None:
                self.stdout.write(f"{conv.slug}: no new votes.")
            else:
                self.stdout.write(
                    f"{conv.slug}: {result.n_participants} participants, {result.n_votes} votes, "
                    f"{len(result.data.get('group_sizes', {}))} groups in {result.seconds:.2f} s."
                )
