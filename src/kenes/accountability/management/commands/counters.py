"""``kenes counters compact`` folds the dashboard's counter deltas; ``kenes counters rebuild``
recounts them from proposals and answers (after a restore or to check them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kenes.accountability.recount import recount_items
from kenes.accountability.services import counters_rebuild
from kenes.counters.selectors import counter_totals
from kenes.counters.services import counters_compact
from kenes.proposals.models import Proposal
from kenes.review.models import Answer


class Command(BaseCommand):
    help = "Compact, rebuild or check the public counters behind /stats/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compact", "rebuild", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "compact":
            total = folded = counters_compact()
            while folded:
                folded = counters_compact()
                total += folded
            self.stdout.write(f"folded {total} rows")
        elif action == "rebuild":
            rows = counters_rebuild(actor=None)
            self.stdout.write(f"recounted: {rows} rows")
        else:
            direct: dict[str, dict[str, int]] = {}
            for _v, dim, key, n in recount_items(Proposal, Answer):
                bucket = direct.setdefault(dim, {})
                bucket[key] = bucket.get(key, 0) + n
            direct = {d: {k: n for k, n in c.items() if n} for d, c in direct.items()}
            if direct == counter_totals():
                self.stdout.write("the counters equal a direct count")
            else:
                self.stderr.write(
                    "the counters differ from a direct count: run `kenes counters rebuild`"
                )
                raise SystemExit(1)
