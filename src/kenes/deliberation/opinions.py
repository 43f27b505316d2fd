"""The bridge between the deliberation models and the pure math in kenes.analysis.opinions.

Statement and participant ids handed to the math are the database primary keys as strings.
"""

from __future__ import annotations

import zlib
from collections import Counter
from typing import Any

from kenes.analysis import opinions as math
from kenes.deliberation.models import Conversation, Participant, Result, Statement, Vote


def compute_for(*, conversation: Conversation, previous: Result | None) -> dict[str, Any]:
    """Run the opinion map on every vote of the conversation; a dict for a Result row."""
    states = dict(Statement.objects.filter(conversation=conversation).values_list("id", "state"))
    accepted = [str(pk) for pk, st in states.items() if st == Statement.State.ACCEPTED]
    hidden = [str(pk) for pk, st in states.items() if st != Statement.State.ACCEPTED]
    votes = (
        (str(p), str(s), v)
        for p, s, v in Vote.objects.filter(conversation=conversation)
        .values_list("participant_id", "statement_id", "value")
        .iterator(chunk_size=20000)
    )
    prev_state = (
        math.OpinionState.from_json(previous.state) if previous and previous.state else None
    )
    result = math.compute(
        votes,
        statement_ids=accepted + hidden,
        previous=prev_state,
        moderated_out=hidden,
    )
    data = result.to_json()
    data["group_sizes"] = {str(g): n for g, n in sorted(Counter(result.groups.values()).items())}
    if "group_votes" not in data:  # older method versions did not publish them
        data["group_votes"] = _group_votes(conversation, result.groups)
    return {
        "method_version": result.method_version,
        "n_participants": result.n_participants,
        "n_statements": len(accepted),
        "n_votes": result.n_votes,
        "data": data,
        "state": result.state.to_json(),
    }


def _group_votes(
    conversation: Conversation, groups: dict[str, int]
) -> dict[str, dict[str, list[int]]]:
    """Per statement and group: [agree, disagree, pass] counts of the group's members."""
    member = {int(p): g for p, g in groups.items()}
    out: dict[str, dict[str, list[int]]] = {}
    column = {1: 0, -1: 1, 0: 2}
    rows = (
        Vote.objects.filter(conversation=conversation)
        .values_list("participant_id", "statement_id", "value")
        .iterator(chunk_size=20000)
    )
    for p, s, v in rows:
        g = member.get(p)
        if g is None:
            continue
        out.setdefault(str(s), {}).setdefault(str(g), [0, 0, 0])[column[v]] += 1
    return out


def next_statement_for(
    *, conversation: Conversation, participant: Participant | None, language: str | None = None
) -> Statement | None:
    """The accepted statement this participant should vote on next (None: all seen).

    Statements in ``language`` (the reader's) come first; the others follow once those are done.
    """
    rows = list(
        Statement.objects.filter(
            conversation=conversation, state=Statement.State.ACCEPTED
        ).values_list("id", "n_agree", "n_disagree", "n_pass", "language")
    )
    if not rows:
        return None
    seen: set[str] = set()
    if participant is not None:
        seen = {
            str(s)
            for s in Vote.objects.filter(participant=participant).values_list(
                "statement_id", flat=True
            )
        }
    extremity = _extremity(conversation)
    stats = {
        str(pk): math.StatementStats(
            agree=a, disagree=d, passes=p, extremity=extremity.get(str(pk), 0.0)
        )
        for pk, a, d, p, _lang in rows
    }
    mine = {str(pk) for pk, *_counts, lang in rows if lang == language}
    seed = zlib.crc32(
        f"{conversation.pk}:{participant.pk if participant else 0}:{len(seen)}".encode()
    )
    chosen = None
    if mine - seen:
        chosen = math.next_statement(
            stats={sid: st for sid, st in stats.items() if sid in mine}, seen=seen, seed=seed
        )
    if chosen is None:
        chosen = math.next_statement(stats=stats, seen=seen, seed=seed)
    if chosen is None:
        return None
    return Statement.objects.filter(pk=int(chosen)).first()


_EXTREMITY: dict[int, tuple[int, dict[str, float]]] = {}


def _extremity(conversation: Conversation) -> dict[str, float]:
    """Per-statement extremity from the latest result (kept per process until a newer one)."""
    latest_id = (
        Result.objects.filter(conversation=conversation)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if latest_id is None:
        return {}
    cached = _EXTREMITY.get(conversation.pk)
    if cached is not None and cached[0] == latest_id:
        return cached[1]
    data = Result.objects.filter(pk=latest_id).values_list("data", flat=True).first() or {}
    stats = data.get("statement_stats", {})
    found = {sid: float(st.get("extremity", 0.0)) for sid, st in stats.items()}
    _EXTREMITY[conversation.pk] = (latest_id, found)
    return found
