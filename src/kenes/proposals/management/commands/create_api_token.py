"""``kenes create-api-token NAME [--channel api] [--source S]``: prints the token once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.proposals.models import Channel
from kenes.proposals.tokens import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for a channel or organisation that sends proposals. The token "
        "is printed once; only its digest is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who uses the token, e.g. 'Astana akimat hotline'")
        parser.add_argument("--channel", default=Channel.API.value, choices=Channel.values)
        parser.add_argument(
            "--source", default="", help="source recorded on its proposals (default: the name)"
        )
        parser.add_argument(
            "--created-by", metavar="USERNAME", help="staff user recorded as the creator"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["created_by"]:
            actor = get_user_model().objects.filter(username=options["created_by"]).first()
            if actor is None:
                raise CommandError(f"No user {options['created_by']}")
        try:
            token, raw = api_token_create(
                actor=actor,
                name=options["name"],
                channel=options["channel"],
                source=options["source"] or options["name"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            f"Token {token.prefix} for {token.name} (channel {token.channel}, "
            f"source {token.source}). It is shown once; keep it safe:"
        )
        self.stdout.write(raw)
