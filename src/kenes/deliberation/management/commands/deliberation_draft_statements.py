"""kenes deliberation-draft-statements --conversation SLUG [--limit N]."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.deliberation import services
from kenes.deliberation.models import Conversation


class Command(BaseCommand):
    help = (
        "Draft statements from the draft version's campaign templates and theme key phrases; "
        "they wait in the moderation queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--conversation", required=True, help="slug of the conversation")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **opts: Any) -> None:
        conv = Conversation.objects.filter(slug=opts["conversation"]).first()
        if conv is None:
            raise CommandError(f"No conversation {opts['conversation']!r}.")
        if opts["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        made = services.statements_from_insights(actor=None, conversation=conv, limit=opts["limit"])
        self.stdout.write(f"{len(made)} statements wait in the moderation queue of {conv.slug}.")
