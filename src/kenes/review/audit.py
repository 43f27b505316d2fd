"""Check the answers table against the ledger (run by ``kenes ledger audit``).

Every current answer must match its ``answer.recorded`` entry (decision and reasons), and every
such entry must still have its answer.
"""

from __future__ import annotations

from typing import Any

from kenes.proposals.audit import events
from kenes.review.models import Answer


def check(report: Any) -> None:
    """Append to ``report.problems`` every answer that differs from its ledger entry."""

    logged: dict[int, dict[str, Any]] = {}
    for _kind, _code, event in events(("answer.recorded",)):
        if isinstance(event.get("answer"), int):
            logged[event["answer"]] = event
    rows = Answer.objects.values_list("pk", "proposal__code", "decision", "reason_kk", "reason_ru")
    seen = set()
    for pk, code, decision, reason_kk, reason_ru in rows.iterator(chunk_size=10000):
        seen.add(pk)
        event = logged.get(pk)
        if event is None:
            report.problems.append(f"answer {pk} to {code}: no answer.recorded entry")
        elif (event.get("decision"), event.get("reason_kk"), event.get("reason_ru")) != (
            decision,
            reason_kk,
            reason_ru,
        ):
            report.problems.append(f"answer {pk} to {code}: differs from its ledger entry")
    for pk in logged.keys() - seen:
        report.problems.append(f"answer {pk}: in the ledger but missing from the table")
