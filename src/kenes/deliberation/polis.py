"""Pol.is export folders ⇄ Kenes conversations (the file format is kenes.analysis.opinions).

Import: comments become statements (Pol.is ``moderated`` -1 → rejected; 0 and 1 → accepted, as
Pol.is shows unmoderated comments), votes.csv's latest vote per participant and comment becomes
the vote. Statement and participant ids are kept as external ids, so an export of an imported
conversation keeps them. Export: one row per current vote (votes.csv), the statements with
their moderation state, and the groups of the latest result in participants-votes.csv.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from kenes.analysis import opinions as math
from kenes.core.actors import Actor
from kenes.deliberation import services
from kenes.deliberation.models import Conversation, Participant, Result, Statement, Vote
from kenes.drafts.models import Version

MODERATED: dict[str, int] = {
    Statement.State.ACCEPTED: 1,
    Statement.State.PENDING: 0,
    Statement.State.REJECTED: -1,
}


def import_folder(
    *,
    actor: Actor,
    folder: str | Path,
    slug: str,
    version: Version | None = None,
    title_kk: str = "",
    title_ru: str = "",
) -> tuple[Conversation, dict[str, int]]:
    """Read the folder, then create (if needed) the conversation and import, all or nothing.

    Raises PolisExportError for a bad folder and DeliberationError for a refused import;
    nothing is written in either case.
    """
    polis = math.read_polis_export(folder)
    with transaction.atomic():
        conv = Conversation.objects.filter(slug=slug).first()
        if conv is None:
            if version is None:
                raise services.DeliberationError(
                    _(
                        "The conversation %(slug)s does not exist; give a draft version to create it."
                    )
                    % {"slug": slug},
                    code="invalid",
                )
            conv = services.conversation_create(
                actor=actor,
                slug=slug,
                version=version,
                title_kk=title_kk or slug,
                title_ru=title_ru or slug,
            )
        counts = services.conversation_import(
            actor=actor,
            conversation=conv,
            statements=[
                services.ImportStatement(
                    external_id=s.statement_id, text=s.text, accepted=s.moderated >= 0
                )
                for s in polis.statements
            ],
            votes=polis.vote_triples(),
        )
    return conv, counts


def _ids(pairs: list[tuple[int, str]]) -> dict[int, str]:
    """External id where there is one; new numbers after the largest numeric one otherwise."""
    taken = {ext for _pk, ext in pairs if ext}
    numeric = [int(e) for e in taken if e.isdigit()]
    nxt = max(numeric, default=-1) + 1
    out: dict[int, str] = {}
    for pk, ext in sorted(pairs):
        if ext:
            out[pk] = ext
        else:
            while str(nxt) in taken:
                nxt += 1
            out[pk] = str(nxt)
            taken.add(str(nxt))
            nxt += 1
    return out


def conversation_to_polis(conversation: Conversation) -> math.PolisConversation:
    statements = list(
        Statement.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("id", "external_id", "text", "state", "author_id", "created_at")
    )
    sid = _ids([(pk, ext) for pk, ext, *_ in statements])
    pid = _ids(
        list(Participant.objects.filter(conversation=conversation).values_list("id", "external_id"))
    )
    polis_statements = [
        math.PolisStatement(
            statement_id=sid[pk],
            text=text,
            author_id=pid.get(author, "") if author else "",
            moderated=MODERATED[state],
            timestamp=int(created.timestamp() * 1000),
        )
        for pk, _ext, text, state, author, created in statements
    ]
    votes = [
        math.PolisVote(sid[s], pid[p], v, int(at.timestamp() * 1000))
        for p, s, v, at in Vote.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("participant_id", "statement_id", "value", "updated_at")
        .iterator(chunk_size=20000)
    ]
    latest = Result.objects.filter(conversation=conversation).order_by("-id").first()
    groups = {}
    if latest is not None:
        for p, g in (latest.data or {}).get("groups", {}).items():
            if int(p) in pid:
                groups[pid[int(p)]] = int(g)
    return math.PolisConversation(statements=polis_statements, votes=votes, polis_groups=groups)


def export_folder(*, conversation: Conversation, folder: str | Path) -> int:
    polis = conversation_to_polis(conversation)
    math.write_polis_export(polis, folder)
    return len(polis.votes)
