"""``kenes retention run`` applies the retention periods now; ``kenes retention schedule``
queues the daily task (which re-queues itself; a worker must run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Personal-data retention: `run` empties contacts, deletes sign-in codes and erases "
        "inactive accounts older than KENES_RETENTION_*_DAYS; `schedule` queues the daily task."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", help="run | schedule")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run":
            from kenes.proposals.rights import retention_run

            done = retention_run()
            self.stdout.write(
                "Retention applied: {contacts} contacts emptied, {signin_codes} sign-in codes "
                "deleted, {citizens} inactive accounts erased.".format(**done)
            )
        elif action == "schedule":
            from kenes.proposals.tasks_retention import retention_daily

            result = retention_daily.enqueue()
            self.stdout.write(f"Queued the daily retention task ({result.id}).")
        else:
            raise CommandError(f"unknown action {action!r}: use `run` or `schedule`")
