"""Check the application tables against the ledger (run by ``kenes ledger audit``).

A database superuser can rewrite a proposal's text or delete its row without touching the
ledger; this finds it:
- every ``proposal.received`` entry has its proposal, and every proposal has its entry;
- the public text hashes to the ``public_text_sha256`` of its entry (entries written before
  the hash existed are counted and reported as unverifiable, not as problems);
- a hidden proposal has a ``proposal.hidden`` entry as its latest visibility event.

Answers are checked by ``kenes.review.audit`` (review sits above proposals).
"""

from __future__ import annotations

import json
from typing import Any

from kenes.ledger.models import Entry
from kenes.proposals.models import Proposal, Visibility
from kenes.proposals.services import public_text_hash


def events(kinds: tuple[str, ...]) -> Any:
    """Yield ``(kind, code, event)`` of the ledger entries of ``kinds``, oldest first."""
    rows = Entry.objects.filter(kind__in=kinds).order_by("id").values_list("kind", "code", "data")
    for kind, code, data in rows.iterator(chunk_size=10000):
        try:
            yield kind, code, json.loads(data)
        except ValueError:
            yield kind, code, {}


def check(report: Any) -> None:
    """Append to ``report.problems`` (and ``report.notes``) what the tables and log disagree on."""
    received: dict[str, str | None] = {}
    visibility: dict[str, str] = {}
    for kind, code, event in events(("proposal.received", "proposal.hidden", "proposal.published")):
        if kind == "proposal.received":
            received[code] = event.get("public_text_sha256")
        else:
            visibility[code] = (
                Visibility.HIDDEN if kind == "proposal.hidden" else Visibility.PUBLISHED
            )
    legacy = 0
    seen: set[str] = set()
    rows = Proposal.objects.values_list("code", "public_text", "visibility")
    for code, public_text, state in rows.iterator(chunk_size=10000):
        seen.add(code)
        if code not in received:
            report.problems.append(f"proposal {code}: no proposal.received entry in the ledger")
            continue
        expected = received[code]
        if expected is None:
            legacy += 1
        elif public_text_hash(public_text) != expected:
            report.problems.append(
                f"proposal {code}: its public text differs from the text committed in the ledger"
            )
        if state == Visibility.HIDDEN and visibility.get(code) != Visibility.HIDDEN:
            report.problems.append(f"proposal {code}: hidden without a proposal.hidden entry")
        if state == Visibility.PUBLISHED and visibility.get(code) == Visibility.HIDDEN:
            report.problems.append(f"proposal {code}: public although the ledger says hidden")
    for code in received.keys() - seen:
        report.problems.append(
            f"proposal {code}: received in the ledger but missing from the table"
        )
    if legacy:
        report.notes.append(
            f"{legacy} proposal(s) were received before the public text hash was logged; "
            "their text cannot be checked against the ledger"
        )
