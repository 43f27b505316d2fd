"""Writes of the deliberation app. Each is keyword-only and runs in one transaction.

Statement moderation decisions and published results are ledger events
(``deliberation.statement``, ``deliberation.result``); votes are audit-free (they are many and
anonymous) but every cast is kept in :class:`VoteChange`. No personal data reaches the ledger:
statements are bound by the SHA-256 of their text, participants never appear.

Errors are :class:`DeliberationError` (a ``ValidationError`` with a ``code``) with a message in
the active language; the API maps the codes to HTTP statuses.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user, save_moderated
from kenes.core.actors import Actor
from kenes.core.crypto import blind_index
from kenes.core.services import audit_record
from kenes.deliberation.models import (
    STATEMENT_MAX,
    Conversation,
    Participant,
    Result,
    Statement,
    Vote,
    VoteChange,
)
from kenes.drafts.models import Article, Version
from kenes.ledger import events
from kenes.ledger.services import ledger_append, ledger_append_many

VALUES = (-1, 0, 1)
S = TypeVar("S", bound=Hashable)  # a statement id: external (str) or ours (int)
_COUNTER = {1: "n_agree", -1: "n_disagree", 0: "n_pass"}


class DeliberationError(ValidationError):
    """A refused write; ``code`` says why (not_found, closed, invalid, forbidden, conflict)."""


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise DeliberationError(_("Write the statement."), code="invalid")
    if len(text) > STATEMENT_MAX:
        raise DeliberationError(
            _("A statement must be at most %(max)d characters long (this one has %(n)d).")
            % {"max": STATEMENT_MAX, "n": len(text)},
            code="invalid",
        )
    return text


def _language(text: str, language: str | None) -> str:
    if language in ("kk", "ru"):
        return language
    if language:
        raise DeliberationError(_("The language must be Kazakh or Russian."), code="invalid")
    from kenes.analysis.langid import detect_language

    found = detect_language(text)
    return found if found in ("kk", "ru") else "ru"


def _require_open(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise DeliberationError(_("This conversation is closed."), code="closed")


# --------------------------------------------------------------------------- conversations


@transaction.atomic
def conversation_create(
    *,
    actor: Actor,
    slug: str,
    version: Version,
    title_kk: str,
    title_ru: str,
    description_kk: str = "",
    description_ru: str = "",
    article: Article | None = None,
    participation: str = Conversation.Participation.ANONYMOUS,
    allow_statements: bool = True,
) -> Conversation:
    if article is not None and article.version_id != version.pk:
        raise DeliberationError(_("The article is not in this draft version."), code="invalid")
    if participation not in Conversation.Participation.values:
        raise DeliberationError(_("Unknown participation mode."), code="invalid")
    if Conversation.objects.filter(slug=slug).exists():
        raise DeliberationError(
            _("A conversation with the address %(slug)s exists already.") % {"slug": slug},
            code="conflict",
        )
    conv = Conversation(
        slug=slug,
        version=version,
        article=article,
        title_kk=title_kk,
        title_ru=title_ru,
        description_kk=description_kk,
        description_ru=description_ru,
        participation=participation,
        allow_statements=allow_statements,
        created_by=acting_user(actor),
    )
    conv.full_clean()
    conv.save()
    audit_record(actor=actor, action="deliberation.conversation.create", target=conv)
    return conv


@transaction.atomic
def conversation_set_status(*, actor: Actor, conversation: Conversation, status: str) -> None:
    if status not in Conversation.Status.values:
        raise DeliberationError(_("Unknown status."), code="invalid")
    before = conversation.status
    Conversation.objects.filter(pk=conversation.pk).update(status=status)
    conversation.status = status
    audit_record(
        actor=actor,
        action="deliberation.conversation.status",
        target=conversation,
        data={"before": before, "after": status},
    )


# --------------------------------------------------------------------------- participants


def _device_hash(conversation: Conversation, token: str) -> str:
    # Per conversation, so one device's participants cannot be linked across conversations.
    return blind_index(f"deliberation/{conversation.pk}/{token}")


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


def participant_get_or_create(
    *,
    conversation: Conversation,
    device_token: str | None = None,
    user: Actor = None,
) -> Participant:
    """The participant of a device (its cookie token) or of a signed-in user."""
    account = acting_user(user)
    signed_in = account is not None
    if conversation.participation == Conversation.Participation.SIGNED_IN and not signed_in:
        raise DeliberationError(_("Sign in to take part in this conversation."), code="forbidden")
    if signed_in:
        lookup: dict[str, Any] = {"conversation": conversation, "user": account}
    elif device_token and 16 <= len(device_token) <= 100:
        lookup = {
            "conversation": conversation,
            "token_hash": _device_hash(conversation, device_token),
        }
    else:
        raise DeliberationError(_("This device has no valid participant token."), code="invalid")
    found = Participant.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Participant.objects.create(**lookup)
    except IntegrityError:  # a parallel request of the same device created it
        return Participant.objects.get(**lookup)


def participant_find(
    *, conversation: Conversation, device_token: str | None = None, user: Actor = None
) -> Participant | None:
    """Read-only twin of participant_get_or_create (no row is created)."""
    if acting_user(user) is not None:
        return Participant.objects.filter(conversation=conversation, user=acting_user(user)).first()
    if conversation.participation == Conversation.Participation.SIGNED_IN or not device_token:
        return None
    return Participant.objects.filter(
        conversation=conversation, token_hash=_device_hash(conversation, device_token)
    ).first()


# --------------------------------------------------------------------------- statements


def _statement_event(statement: Statement) -> events.Event:
    return events.deliberation_statement(
        code=statement.code,
        conversation=statement.conversation.slug,
        statement=statement.pk,
        state=statement.state,
        origin=statement.origin,
        language=statement.language,
        text_sha256=_text_hash(statement.text),
        reason=statement.reason,
    )


@transaction.atomic
def statement_seed(
    *,
    actor: Actor,
    conversation: Conversation,
    text: str,
    language: str | None = None,
    accepted: bool = True,
) -> Statement:
    """A statement written by staff: accepted at once (a moderation decision), or left pending."""
    text = _clean_text(text)
    statement = Statement.objects.create(
        conversation=conversation,
        text=text,
        language=_language(text, language),
        origin=Statement.Origin.STAFF,
        state=Statement.State.ACCEPTED if accepted else Statement.State.PENDING,
        moderated_by=acting_user(actor) if accepted else None,
        moderated_at=timezone.now() if accepted else None,
    )
    audit_record(
        actor=actor,
        action="deliberation.statement.seed",
        target=statement,
        data={"state": statement.state},
    )
    if accepted:
        ledger_append(_statement_event(statement))
    return statement


@transaction.atomic
def statement_submit(
    *,
    conversation: Conversation,
    participant: Participant,
    text: str,
    language: str | None = None,
) -> Statement:
    """A participant's own statement; it waits for moderation before anyone sees it."""
    _require_open(conversation)
    if participant.conversation_id != conversation.pk:
        raise DeliberationError(_("Unknown participant."), code="not_found")
    if not conversation.allow_statements:
        raise DeliberationError(
            _("This conversation does not take new statements."), code="forbidden"
        )
    text = _clean_text(text)
    if Statement.objects.filter(conversation=conversation, text__iexact=text).exists():
        raise DeliberationError(
            _("This statement is in the conversation already."), code="conflict"
        )
    return Statement.objects.create(
        conversation=conversation,
        text=text,
        language=_language(text, language),
        origin=Statement.Origin.PARTICIPANT,
        author=participant,
    )


@transaction.atomic
def statement_moderate(
    *, actor: Actor, statement: Statement, accept: bool, reason: str = ""
) -> Statement:
    """Accept or reject a statement (a reason is required to reject); a ledger event."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise DeliberationError(_("Give the reason for the rejection."), code="invalid")
    locked = (
        Statement.objects.select_for_update().select_related("conversation").get(pk=statement.pk)
    )
    new_state = Statement.State.ACCEPTED if accept else Statement.State.REJECTED
    if locked.state == new_state and locked.reason == (reason if not accept else locked.reason):
        return locked
    before = locked.state
    save_moderated(locked, actor=actor, state=new_state, reason="" if accept else reason)
    audit_record(
        actor=actor,
        action="deliberation.statement.moderate",
        target=locked,
        data={"before": before, "after": new_state},
    )
    ledger_append(_statement_event(locked))
    statement.state, statement.reason = locked.state, locked.reason
    return locked


def _first_sentences(text: str, limit: int = STATEMENT_MAX) -> str:
    """Whole sentences of ``text`` that fit in ``limit`` characters (at least a cut one)."""
    import re

    text = " ".join(text.split())
    out = ""
    for sentence in re.split(r"(?<=[.!?…])\s+", text):
        if len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    return out or text[: limit - 1].rstrip() + "…"


@transaction.atomic
def statements_from_insights(
    *, actor: Actor, conversation: Conversation, limit: int = 20
) -> list[Statement]:
    """Pending statements drafted from the version's campaign templates and theme labels.

    Staff accept (or edit and re-seed) them in the moderation queue; nothing is shown unchecked.
    """
    from kenes.insights.models import Campaign, Theme

    existing = set(
        Statement.objects.filter(conversation=conversation).values_list("text", flat=True)
    )
    made: list[Statement] = []
    candidates: list[tuple[str, str | None]] = []  # (text, language)
    for camp in Campaign.objects.filter(version=conversation.version).order_by("-size")[:limit]:
        candidates.append((_first_sentences(camp.template), camp.template_lang or None))
    for theme in Theme.objects.filter(version=conversation.version, parent=None).order_by("-size")[
        :limit
    ]:
        for code in ("kk", "ru"):
            label = getattr(theme, f"label_{code}")
            if label:
                candidates.append((label, code))
    for raw, lang in candidates:
        text = " ".join(raw.split())[:STATEMENT_MAX]
        if not text or text in existing or len(made) >= limit:
            continue
        existing.add(text)
        made.append(
            statement_seed(
                actor=actor,
                conversation=conversation,
                text=text,
                language=lang if lang in ("kk", "ru") else None,
                accepted=False,
            )
        )
    return made


# --------------------------------------------------------------------------- votes


def _parse_value(value: Any) -> int:
    if isinstance(value, bool):
        raise DeliberationError(
            _("A vote is 1 (agree), -1 (disagree) or 0 (pass)."), code="invalid"
        )
    if isinstance(value, str):
        value = {"agree": "1", "disagree": "-1", "pass": "0"}.get(value.strip(), value.strip())
        try:
            value = int(value)
        except ValueError:
            value = None
    if value not in VALUES or not isinstance(value, int):
        raise DeliberationError(
            _("A vote is 1 (agree), -1 (disagree) or 0 (pass)."), code="invalid"
        )
    return int(value)


@transaction.atomic
def vote_cast(
    *,
    conversation: Conversation,
    participant: Participant,
    statement_id: int,
    value: Any,
) -> Vote:
    """Store (or change) a participant's vote on an accepted statement; keep the change."""
    value = _parse_value(value)
    _require_open(conversation)
    if participant.pk is None or participant.conversation_id != conversation.pk:
        raise DeliberationError(_("Unknown participant."), code="not_found")
    if not isinstance(statement_id, int) or not 0 < statement_id < 2**63:
        raise DeliberationError(_("Unknown statement."), code="not_found")
    # Few round trips (the vote latency target). On PostgreSQL a first vote is one statement:
    # the vote, its counter and its VoteChange row together (or nothing when the statement is
    # not an accepted one of this conversation, or the participant voted on it already).
    if connection.vendor == "postgresql":
        vote_id = _first_vote_insert(conversation, participant, statement_id, value)
        if vote_id is not None:
            recompute_later(conversation=conversation)
            return Vote(
                pk=vote_id,
                conversation=conversation,
                participant=participant,
                statement_id=statement_id,
                value=value,
            )
    # Otherwise the counter UPDATE also checks that the statement is accepted and in this
    # conversation; a new vote is one INSERT ... ON CONFLICT.
    vote = (
        Vote.objects.select_for_update()
        .filter(participant=participant, statement_id=statement_id)
        .first()
    )
    if vote is not None and vote.value == value:
        return vote  # the same vote again: nothing changes
    old = vote.value if vote is not None else None
    if not _count(statement_id, conversation, plus=value, minus=old):
        raise DeliberationError(_("Unknown statement."), code="not_found")
    if vote is None:
        vote_id = _vote_insert(conversation, participant, statement_id, value)
        if vote_id is None:  # the same participant's other request inserted it just now
            vote = Vote.objects.select_for_update().get(
                participant=participant, statement_id=statement_id
            )
            old = vote.value
            _count(statement_id, conversation, plus=None, minus=old)  # ours replaces it
            if old == value:
                return vote
        else:
            vote = Vote(
                pk=vote_id,
                conversation=conversation,
                participant=participant,
                statement_id=statement_id,
                value=value,
            )
    if old is not None:
        vote.value = value
        vote.save(update_fields=["value", "updated_at"])
    VoteChange.objects.create(vote_id=vote.pk, old=old, new=value)
    recompute_later(conversation=conversation)
    return vote


def _count(
    statement_id: int, conversation: Conversation, *, plus: int | None, minus: int | None
) -> int:
    changes: dict[str, Any] = {}
    if plus is not None:
        changes[_COUNTER[plus]] = F(_COUNTER[plus]) + 1
    if minus is not None:
        changes[_COUNTER[minus]] = F(_COUNTER[minus]) - 1
    return Statement.objects.filter(
        pk=statement_id, conversation=conversation, state=Statement.State.ACCEPTED
    ).update(**changes)


def _vote_insert(
    conversation: Conversation, participant: Participant, statement_id: int, value: int
) -> int | None:
    """INSERT the vote unless one exists (PostgreSQL and SQLite ≥ 3.35); its id or None."""
    now = timezone.now()
    table = connection.ops.quote_name(Vote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (conversation_id, participant_id, statement_id, value, "  # noqa: S608
            "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (participant_id, statement_id) DO NOTHING RETURNING id",
            [conversation.pk, participant.pk, statement_id, value, now, now],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _first_vote_insert(
    conversation: Conversation, participant: Participant, statement_id: int, value: int
) -> int | None:
    """PostgreSQL: store a first vote, count it and keep its change in one statement.

    Returns the new vote's id, or None when nothing was written: the statement is not an
    accepted one of this conversation, or the participant has a vote on it (the caller then
    takes the general path, which tells the two apart).
    """
    now = timezone.now()
    q = connection.ops.quote_name
    statement, vote, change = (q(m._meta.db_table) for m in (Statement, Vote, VoteChange))
    counter = q(_COUNTER[value])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH s AS (
                SELECT id FROM {statement} WHERE id = %s AND conversation_id = %s AND state = %s
            ), v AS (
                INSERT INTO {vote} (conversation_id, participant_id, statement_id, value,
                                    created_at, updated_at)
                SELECT %s, %s, s.id, %s, %s, %s FROM s
                ON CONFLICT (participant_id, statement_id) DO NOTHING RETURNING id
            ), counted AS (
                UPDATE {statement} SET {counter} = {counter} + 1
                WHERE id = %s AND EXISTS (SELECT 1 FROM v) RETURNING id
            ), changed AS (
                INSERT INTO {change} (vote_id, old, new, at) SELECT id, NULL, %s, %s FROM v
                RETURNING vote_id
            )
            SELECT v.id FROM v, counted, changed
            """,  # noqa: S608  (table and column names from the models, values as parameters)
            [
                statement_id,
                conversation.pk,
                Statement.State.ACCEPTED,
                conversation.pk,
                participant.pk,
                value,
                now,
                now,
                statement_id,
                value,
                now,
            ],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


# --------------------------------------------------------------------------- results


def recompute_later(*, conversation: Conversation) -> None:
    """Queue one recompute (debounced) unless one is queued already; runs at commit."""
    if not getattr(settings, "KENES_DELIB_AUTO", True) or conversation.recompute_queued:
        return  # queued already when the row was read (result_recompute catches up late votes)
    if not Conversation.objects.filter(pk=conversation.pk, recompute_queued=False).update(
        recompute_queued=True
    ):
        return
    delay = float(getattr(settings, "KENES_DELIB_RECOMPUTE_DELAY", 5.0))

    def enqueue() -> None:
        from kenes.deliberation.tasks import recompute

        task = (
            recompute.using(run_after=timezone.now() + timedelta(seconds=delay))
            if delay
            else (recompute)
        )
        task.enqueue(conversation_id=conversation.pk)

    transaction.on_commit(enqueue)


def result_recompute(*, conversation: Conversation, force: bool = False) -> Result | None:
    """Compute a new result snapshot from all votes, starting from the last one's state.

    Returns None when no vote changed since the last snapshot (unless ``force``). The
    computation runs outside any transaction; the snapshot is written in one.
    """
    from kenes.deliberation import opinions

    Conversation.objects.filter(pk=conversation.pk).update(recompute_queued=False)
    last = Result.objects.filter(conversation=conversation).order_by("-id").first()
    upto = (
        VoteChange.objects.filter(vote__conversation=conversation).aggregate(m=Max("id"))["m"] or 0
    )
    if last is not None and last.last_change_id >= upto and not force:
        return None
    started = time.perf_counter()
    computed = opinions.compute_for(conversation=conversation, previous=last)
    result = _result_store(
        conversation=conversation,
        computed=computed,
        upto=upto,
        seconds=time.perf_counter() - started,
    )
    # A vote that saw the flag still set while this ran is not in the result: queue again.
    newer = VoteChange.objects.filter(vote__conversation=conversation, id__gt=upto).exists()
    if newer:
        conversation.recompute_queued = False
        with transaction.atomic():
            recompute_later(conversation=conversation)
    return result


@transaction.atomic
def _result_store(
    *, conversation: Conversation, computed: dict[str, Any], upto: int, seconds: float
) -> Result:
    return Result.objects.create(
        conversation=conversation,
        method_version=computed["method_version"],
        n_participants=computed["n_participants"],
        n_statements=computed["n_statements"],
        n_votes=computed["n_votes"],
        last_change_id=upto,
        seconds=round(seconds, 3),
        data=computed["data"],
        state=computed["state"],
    )


@transaction.atomic
def result_publish(*, actor: Actor, result: Result) -> Result:
    """Publish a result snapshot: a ledger event binding its figures and its SHA-256."""
    locked = Result.objects.select_for_update().select_related("conversation").get(pk=result.pk)
    if locked.published_at is not None:
        raise DeliberationError(_("This result is published already."), code="conflict")
    locked.published_at = timezone.now()
    locked.published_by = acting_user(actor)
    locked.save(update_fields=["published_at", "published_by"])
    data = locked.data or {}
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ledger_append(
        events.deliberation_result(
            code=locked.code,
            conversation=locked.conversation.slug,
            result=locked.pk,
            method_version=locked.method_version,
            participants=locked.n_participants,
            statements=locked.n_statements,
            votes=locked.n_votes,
            groups=len(data.get("group_sizes", {}) or {}),
            consensus=[
                [c.get("statement_id"), c.get("direction")] for c in data.get("consensus", [])
            ][:20],
            bridging=sorted(
                data.get("bridging", {}),
                key=lambda sid: (-data["bridging"][sid].get("intercept", 0.0), sid),
            )[:10],
            result_sha256=hashlib.sha256(body.encode()).hexdigest(),
        )
    )
    audit_record(actor=actor, action="deliberation.result.publish", target=locked)
    result.published_at = locked.published_at
    return locked


# --------------------------------------------------------------------------- import


def _votes_check(
    votes: Iterable[tuple[Any, S, Any]], *, known: set[S], problems: list[str]
) -> dict[tuple[str, S], int]:
    """Check imported votes (participant id, statement id, value) against the ``known``
    statements; add a line to ``problems`` for each bad vote (50 lines at most) and return
    the last vote of each participant on each statement."""
    last: dict[tuple[str, S], int] = {}
    for n, (pid, sid, value) in enumerate(votes, start=1):
        if sid not in known:
            problems.append(
                _("Vote %(n)d is for an unknown statement %(id)s.") % {"n": n, "id": sid}
            )
        elif value not in VALUES or isinstance(value, bool):
            problems.append(
                _("Vote %(n)d has the value %(value)s; a vote is 1, -1 or 0.")
                % {"n": n, "value": value}
            )
        elif not str(pid).strip() or len(str(pid)) > 40:
            problems.append(_("Vote %(n)d has no valid participant id.") % {"n": n})
        else:
            last[(str(pid), sid)] = value
        if len(problems) >= 50:
            break
    return last


@dataclass(frozen=True)
class ImportStatement:
    external_id: str
    text: str
    accepted: bool = True
    language: str | None = None


@transaction.atomic
def conversation_import(
    *,
    actor: Actor,
    conversation: Conversation,
    statements: list[ImportStatement],
    votes: list[tuple[str, str, int]],
) -> dict[str, int]:
    """Load statements and votes (participant, statement, value) into an empty conversation.

    Everything is checked first and written in one transaction: any problem refuses the whole
    import (DeliberationError listing the problems). A participant voting twice on a statement
    keeps the last vote in the list. Statements arrive accepted or rejected (imported
    moderation), each a ledger event like any moderation decision.
    """
    problems: list[str] = []
    if Statement.objects.filter(conversation=conversation).exists():
        problems.append(_("The conversation has statements already; import into a new one."))
    ids: set[str] = set()
    for st in statements:
        if st.external_id in ids:
            problems.append(_("Statement %(id)s appears twice.") % {"id": st.external_id})
        if len(st.external_id) > 40:
            problems.append(_("Statement id %(id)s is too long.") % {"id": st.external_id[:50]})
        ids.add(st.external_id)
        if not " ".join(st.text.split()):
            problems.append(_("Statement %(id)s has no text.") % {"id": st.external_id})
        elif len(" ".join(st.text.split())) > STATEMENT_MAX:
            problems.append(
                _("Statement %(id)s is longer than %(max)d characters.")
                % {"id": st.external_id, "max": STATEMENT_MAX}
            )
    last = _votes_check(votes, known=ids, problems=problems)
    if problems:
        raise DeliberationError(problems, code="invalid")
    now = timezone.now()
    made = Statement.objects.bulk_create(
        [
            Statement(
                conversation=conversation,
                text=" ".join(st.text.split()),
                language=st.language or _import_language(st.text),
                origin=Statement.Origin.IMPORT,
                state=Statement.State.ACCEPTED if st.accepted else Statement.State.REJECTED,
                reason="" if st.accepted else _("Moderated out in the imported conversation."),
                moderated_at=now,
                moderated_by=acting_user(actor),
                external_id=st.external_id,
            )
            for st in statements
        ],
        batch_size=2000,
    )
    if not all(s.pk for s in made):  # backends without RETURNING on bulk insert
        made = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    by_ext = {s.external_id: s for s in made}
    n_participants = _votes_write(
        conversation=conversation,
        last={(pid, by_ext[sid].pk): value for (pid, sid), value in last.items()},
    )
    ledger_append_many(_statement_event(s) for s in made)
    audit_record(
        actor=actor,
        action="deliberation.conversation.import",
        target=conversation,
        data={"statements": len(made), "participants": n_participants, "votes": len(last)},
    )
    recompute_later(conversation=conversation)
    return {"statements": len(made), "participants": n_participants, "votes": len(last)}


@transaction.atomic
def votes_load(
    *, actor: Actor, conversation: Conversation, votes: list[tuple[str, int, int]]
) -> int:
    """Bulk-load votes (participant external id, statement id, value), e.g. paper ballots
    counted at a meeting or generated demo votes. All or nothing; returns the votes stored.

    Participants are found or created by external id; a vote replaces the participant's
    earlier vote on the statement (kept in the history).
    """
    accepted = set(
        Statement.objects.filter(
            conversation=conversation, state=Statement.State.ACCEPTED
        ).values_list("id", flat=True)
    )
    problems: list[str] = []
    last = _votes_check(votes, known=accepted, problems=problems)
    if problems:
        raise DeliberationError(problems, code="invalid")
    _require_open(conversation)
    _votes_write(conversation=conversation, last=last)
    audit_record(
        actor=actor,
        action="deliberation.votes.load",
        target=conversation,
        data={"votes": len(last)},
    )
    recompute_later(conversation=conversation)
    return len(last)


def _votes_write(*, conversation: Conversation, last: dict[tuple[str, int], int]) -> int:
    """Write final votes keyed by (participant external id, statement pk); recount."""
    pids = sorted({pid for pid, _sid in last}, key=lambda p: (len(p), p))
    known = (
        dict(
            Participant.objects.filter(conversation=conversation, external_id__in=pids).values_list(
                "external_id", "id"
            )
        )
        if pids
        else {}
    )
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, external_id=p) for p in pids if p not in known],
        batch_size=5000,
    )
    part = dict(
        Participant.objects.filter(conversation=conversation)
        .exclude(external_id="")
        .values_list("external_id", "id")
    )
    existing = (
        {
            (p, s): (vid, v)
            for vid, p, s, v in Vote.objects.filter(
                conversation=conversation, participant_id__in=[part[p] for p in pids]
            ).values_list("id", "participant_id", "statement_id", "value")
        }
        if known
        else {}
    )
    new_votes = []
    changes = []
    changed_votes = []
    for (pid, sid), value in last.items():
        key = (part[pid], sid)
        if key in existing:
            vid, old = existing[key]
            if old != value:
                changed_votes.append(Vote(pk=vid, value=value))
                changes.append(VoteChange(vote_id=vid, old=old, new=value))
        else:
            new_votes.append(
                Vote(
                    conversation=conversation, participant_id=key[0], statement_id=sid, value=value
                )
            )
    if changed_votes:
        Vote.objects.bulk_update(changed_votes, ["value"], batch_size=5000)
    created_from = Vote.objects.filter(conversation=conversation).aggregate(m=Max("id"))["m"] or 0
    Vote.objects.bulk_create(new_votes, batch_size=5000)
    changes.extend(
        VoteChange(vote_id=vid, old=None, new=value)
        for vid, value in Vote.objects.filter(conversation=conversation, id__gt=created_from)
        .values_list("id", "value")
        .iterator(chunk_size=5000)
    )
    VoteChange.objects.bulk_create(changes, batch_size=5000)
    _recount(conversation)
    return len(pids)


def _import_language(text: str) -> str:
    from kenes.analysis.langid import detect_language

    return detect_language(text)


def _recount(conversation: Conversation) -> None:
    """Set every statement's counters from its votes (after a bulk load)."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Vote.objects.filter(conversation=conversation)
        .values("statement_id", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["statement_id"], {})[_COUNTER[row["value"]]] = row["n"]
    changed = []
    for s in Statement.objects.filter(conversation=conversation):
        c = counts.get(s.pk, {})
        s.n_agree, s.n_disagree, s.n_pass = (
            c.get("n_agree", 0),
            c.get("n_disagree", 0),
            c.get("n_pass", 0),
        )
        changed.append(s)
    Statement.objects.bulk_update(changed, ["n_agree", "n_disagree", "n_pass"], batch_size=2000)
