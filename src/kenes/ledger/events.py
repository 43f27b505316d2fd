"""Ledger events as canonical JSON, and the salted commitment to a proposal's text. Pure Python.

A leaf is the UTF-8 bytes of ``canonical(event)``: keys sorted, no spaces, no ASCII escaping.
Personal data never enters an event. The proposal text is bound by
``commitment(secret, text)``; the secret is on the author's receipt, so only someone holding the
receipt (and the text) can link the public leaf to the text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kenes.ledger.merkle.codes import commitment

__all__ = [
    "EVENT_VERSION",
    "Event",
    "EventKind",
    "answer_recorded",
    "canonical",
    "change_linked",
    "commitment",
    "deliberation_result",
    "deliberation_statement",
    "proposal_hidden",
    "proposal_published",
    "proposal_received",
    "proposal_state",
]

EVENT_VERSION = 1


class EventKind(StrEnum):
    """The closed list of what the ledger records (a leaf's ``type``)."""

    # A proposal was taken in: its place in the draft, channel, language, and a commitment to
    # its text salted with the receipt secret.
    PROPOSAL_RECEIVED = "proposal.received"
    # A proposal changed state (in review, merged into another, ...), except answering.
    PROPOSAL_STATE = "proposal.state"
    # An answer (decision and reasons) was given to a proposal.
    ANSWER_RECORDED = "answer.recorded"
    # A reviewer confirmed that an accepted proposal changed an article/point of a new version.
    CHANGE_LINKED = "change.linked"
    # A moderator hid a proposal from public view, with a reason code from the published policy.
    PROPOSAL_HIDDEN = "proposal.hidden"
    # A moderator published a proposal (after pre-moderation, or un-hiding it).
    PROPOSAL_PUBLISHED = "proposal.published"
    # A deliberation statement was accepted or rejected by a moderator (its text by hash).
    DELIBERATION_STATEMENT = "deliberation.statement"
    # A deliberation result (opinion groups, consensus, bridging) was published.
    DELIBERATION_RESULT = "deliberation.result"


@dataclass(frozen=True, slots=True)
class Event:
    """One ledger entry to append: its kind, the receipt code it is about, and its body."""

    kind: EventKind
    code: str
    body: dict[str, Any]


def proposal_received(
    *,
    code: str,
    commitment: str,
    document: str,
    version: str,
    article: str | None,
    point: str | None,
    channel: str,
    language: str,
    author_kind: str,
    region: str | None,
    public_text_sha256: str | None = None,
) -> Event:
    body: dict[str, Any] = (
        {} if public_text_sha256 is None else {"public_text_sha256": public_text_sha256}
    )
    return Event(
        EventKind.PROPOSAL_RECEIVED,
        code,
        body
        | {
            "commitment": commitment,
            "document": document,
            "version": version,
            "article": article,
            "point": point,
            "channel": channel,
            "language": language,
            "author_kind": author_kind,
            "region": region,
        },
    )


def proposal_state(*, code: str, from_state: str, to_state: str, into: str | None = None) -> Event:
    body: dict[str, Any] = {"from": from_state, "to": to_state}
    if into is not None:
        body["into"] = into
    return Event(EventKind.PROPOSAL_STATE, code, body)


def answer_recorded(
    *,
    code: str,
    answer: int,
    from_state: str,
    decision: str,
    reason_kk: str,
    reason_ru: str,
    changed_article: str | None,
    changed_point: str | None,
    group: str | None,
) -> Event:
    return Event(
        EventKind.ANSWER_RECORDED,
        code,
        {
            "answer": answer,
            "from": from_state,
            "decision": decision,
            "reason_kk": reason_kk,
            "reason_ru": reason_ru,
            "changed_article": changed_article,
            "changed_point": changed_point,
            "group": group,
        },
    )


def canonical(event: dict[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def change_linked(
    *,
    code: str,
    document: str,
    from_version: str,
    to_version: str,
    change: str,
    old_article: str | None,
    old_point: str | None,
    new_article: str | None,
    new_point: str | None,
    decision: str,
) -> Event:
    return Event(
        EventKind.CHANGE_LINKED,
        code,
        {
            "document": document,
            "from": from_version,
            "to": to_version,
            "change": change,
            "old_article": old_article,
            "old_point": old_point,
            "new_article": new_article,
            "new_point": new_point,
            "decision": decision,
        },
    )


def deliberation_statement(
    *,
    code: str,
    conversation: str,
    statement: int,
    state: str,
    origin: str,
    language: str,
    text_sha256: str,
    reason: str,
) -> Event:
    return Event(
        EventKind.DELIBERATION_STATEMENT,
        code,
        {
            "conversation": conversation,
            "statement": statement,
            "state": state,
            "origin": origin,
            "language": language,
            "text_sha256": text_sha256,
            "reason": reason,
        },
    )


def deliberation_result(
    *,
    code: str,
    conversation: str,
    result: int,
    method_version: str,
    participants: int,
    statements: int,
    votes: int,
    groups: int,
    consensus: list[list[Any]],
    bridging: list[str],
    result_sha256: str,
) -> Event:
    return Event(
        EventKind.DELIBERATION_RESULT,
        code,
        {
            "conversation": conversation,
            "result": result,
            "method_version": method_version,
            "participants": participants,
            "statements": statements,
            "votes": votes,
            "groups": groups,
            "consensus": consensus,
            "bridging": bridging,
            "result_sha256": result_sha256,
        },
    )


def proposal_hidden(*, code: str, from_visibility: str, reason: str) -> Event:
    return Event(EventKind.PROPOSAL_HIDDEN, code, {"from": from_visibility, "reason": reason})


def proposal_published(*, code: str, from_visibility: str) -> Event:
    return Event(EventKind.PROPOSAL_PUBLISHED, code, {"from": from_visibility})
