"""Intake: the one way a proposal comes into Kenes, whatever the channel."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Required, TypedDict, Unpack, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.consultations.models import Consultation
from kenes.consultations.services import intake_check
from kenes.core import hooks, pii
from kenes.core.actors import Actor
from kenes.core.bulk import bulk_insert, unsaved
from kenes.core.crypto import blind_index
from kenes.core.text import has_nul, visible_length
from kenes.core.validation import EMAIL_RE, PHONE_RE
from kenes.counters.services import counters_add, intake_items
from kenes.drafts.models import Article, Point, Version
from kenes.geo.regions import Region
from kenes.ledger import events
from kenes.ledger.events import commitment
from kenes.ledger.merkle.codes import normalize_text
from kenes.ledger.services import ledger_append, ledger_append_many
from kenes.proposals import flood, receipts
from kenes.proposals.models import (
    TEXT_MAX,
    TEXT_MIN,
    AuthorKind,
    Channel,
    Language,
    Proposal,
    ProposalState,
    StateChange,
    Visibility,
)


class DuplicateProposalError(ValidationError):
    """The same author sent the same text a moment ago."""


def _duplicate_error() -> DuplicateProposalError:
    return DuplicateProposalError(
        {
            "text": [
                _(
                    "You have just sent this same text; it was received. There is no need to "
                    "send it again."
                )
            ]
        }
    )


# Checked for every row of every batch: computed once, not per row (Choices.values builds a list).
_CHANNELS = frozenset(Channel.values)
_AUTHOR_KINDS = frozenset(AuthorKind.values)
_REGIONS = frozenset(Region.values)
_LANGUAGES = frozenset(Language.values)


@dataclass(frozen=True)
class Submitted:
    """A stored proposal and, when it is new, its receipt secret (shown once, never stored)."""

    proposal: Proposal
    secret: str | None
    created: bool


def secret_key() -> bytes:
    return hashlib.sha256(b"kenes receipt secret|" + settings.SECRET_KEY.encode()).digest()


def text_fingerprint(text: str) -> str:
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(folded.encode()).hexdigest()


def public_text_hash(public_text: str) -> str:
    """Return the hash of a proposal's public (masked) text that its ledger event carries."""
    return hashlib.sha256(public_text.encode()).hexdigest()


def _first_visibility(version: Version) -> str:
    """Published at once, or pending moderation, as the document (or KENES_MODERATION) says."""
    mode = version.document.moderation or settings.KENES_MODERATION
    return Visibility.PENDING if mode == "premoderate" else Visibility.PUBLISHED


QUICK_MIN_LETTERS = 40


def quick_language(text: str) -> str | None:
    """Settle the clear cases by their letters alone, without lingua (the intake hot path).

    A Cyrillic text of at least 40 letters with no Kazakh-specific letter (әғқңөұүһі) is
    Russian — Kazakh prose of that length always has some; one where they make at least 12 %
    of the Cyrillic letters is Kazakh (the analysis engine's own threshold). Anything else
    (short, Latin script, mixed, in between) returns None and goes to lingua.
    """
    from kenes.analysis.langid import script_counts

    cyr, lat, kazakh, _latin_kazakh = script_counts(text[:5000])
    if cyr < QUICK_MIN_LETTERS or lat * 10 > cyr:
        return None
    if kazakh == 0:
        return "ru"
    if kazakh / cyr >= 0.12:
        return "kk"
    return None


def detect_language(text: str, fallback: str) -> tuple[str, bool]:
    """Return (language, detected?) for a text, limited to kk/ru/en."""
    from kenes.analysis.langid import detect_language as detect

    quick = quick_language(text)
    if quick is not None:
        return quick, True
    lang = detect(text)
    if lang in Language.values:
        return lang, True
    return (fallback if fallback in Language.values else "ru"), False


def _resolve_target(
    version: Version, article_number: str | None, point_number: str | None
) -> tuple[Article | None, Point | None]:
    if not article_number:
        if point_number:
            raise ValidationError({"point": _("A point needs its article.")})
        return None, None
    article = Article.objects.filter(version=version, number=str(article_number).strip()).first()
    if article is None:
        raise ValidationError(
            {
                "article": _("There is no article %(number)s in this draft.")
                % {"number": article_number}
            }
        )
    if not point_number:
        return article, None
    point = Point.objects.filter(article=article, number=str(point_number).strip()).first()
    if point is None:
        raise ValidationError(
            {
                "point": _("Article %(article)s has no point %(point)s.")
                % {"article": article.number, "point": point_number}
            }
        )
    return article, point


def _clean_contact(contact: str) -> str:
    contact = contact.strip()
    if not contact:
        return ""
    if EMAIL_RE.match(contact) or PHONE_RE.match(contact):
        return contact
    raise ValidationError(
        {"contact": _("Give an email address or a phone number, or leave it empty.")}
    )


@dataclass
class _Prepared:
    """A validated, not yet saved proposal with its secret and its ledger event."""

    proposal: Proposal
    secret: str
    event: events.Event


TargetCache = dict[tuple[int, str | None, str | None], tuple[Article | None, Point | None]]


class SubmitFields(TypedDict, total=False):
    """The optional fields of a submission (see :func:`proposal_submit`)."""

    article_number: str | None
    point_number: str | None
    language: str | None
    ui_language: str
    author_kind: str
    region: str
    contact: str
    consent: bool
    consent_text: str
    client_token: str
    source_ref: str
    submitted_at: datetime | None
    form_date: date | None


class ProposalRow(SubmitFields, total=False):
    """One proposal of a batch (:func:`proposals_submit_many`)."""

    text: Required[str]
    external_id: str


class SubmitArgs(SubmitFields, total=False):
    """What :func:`proposal_submit` takes besides the actor and the version."""

    text: Required[str]
    channel: Required[str]
    source: str
    external_id: str


def _prepare(
    *,
    actor: Actor,
    version: Version,
    text: str,
    channel: str,
    article_number: str | None = None,
    point_number: str | None = None,
    language: str | None = None,
    ui_language: str = "ru",
    author_kind: str = AuthorKind.CITIZEN,
    region: str = "",
    contact: str = "",
    consent: bool = False,
    consent_text: str = "",
    client_token: str = "",
    source: str = "",
    source_ref: str = "",
    external_id: str = "",
    submitted_at: datetime | None = None,
    form_date: date | None = None,
    targets: TargetCache | None = None,
    consultation: list[Consultation | None] | None = None,
    check_duplicate: bool = True,
) -> _Prepared:
    """Validate one proposal and build it (unsaved); raise ValidationError per field.

    A proposal the version's consultation no longer takes raises ConsultationClosedError. For
    paper forms, files, meetings and e-mail the date on the form (``form_date``, else the given
    ``submitted_at``) decides during the grace period, and is kept on the proposal.
    """
    if form_date is None and submitted_at is not None and channel not in ("web", "api"):
        form_date = timezone.localtime(submitted_at).date()
    if consultation is None:
        consultation = [Consultation.objects.filter(version_id=version.pk).first()]
    intake_check(consultation=consultation[0], channel=channel, form_date=form_date)
    errors: dict[str, list[str]] = {}
    clean = normalize_text(text or "")
    for name, value in (
        ("contact", contact),
        ("consent_text", consent_text),
        ("region", region),
        ("source", source),
        ("source_ref", source_ref),
        ("external_id", external_id),
        ("language", language),
        ("article", article_number),
        ("point", point_number),
    ):
        if has_nul(value):
            errors[name] = [
                _("This field contains a NUL character (U+0000), which is not allowed.")
            ]
    if errors:
        raise ValidationError(errors)
    if visible_length(clean, stop_at=TEXT_MIN) < TEXT_MIN:
        errors["text"] = [
            _("The proposal is too short: write at least %(n)s characters.") % {"n": TEXT_MIN}
        ]
    elif len(clean) > TEXT_MAX:
        errors["text"] = [
            _("The proposal is too long: at most %(n)s characters, this one has %(len)s.")
            % {"n": TEXT_MAX, "len": len(clean)}
        ]
    if channel not in _CHANNELS:
        errors["channel"] = [_("Unknown channel.")]
    if author_kind not in _AUTHOR_KINDS:
        errors["author_kind"] = [_("Unknown kind of author.")]
    if region and region not in _REGIONS:
        errors["region"] = [_("Unknown region.")]
    if language and language not in _LANGUAGES:
        errors["language"] = [_("The language must be kk, ru or en.")]
    try:
        contact = _clean_contact(contact or "")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if contact and not consent:
        errors["consent"] = [
            _("To leave a contact, agree to the processing of your personal data.")
        ]
    key = (version.pk, article_number or None, point_number or None)
    try:
        if targets is not None and key in targets:
            article, point = targets[key]
        else:
            article, point = _resolve_target(version, article_number, point_number)
            if targets is not None:
                targets[key] = (article, point)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        article = point = None
    if errors:
        raise ValidationError(errors)

    fingerprint = text_fingerprint(clean)
    author_index = (
        blind_index(contact)
        if contact
        else (blind_index("client:" + client_token) if client_token else "")
    )
    if author_index and check_duplicate:
        if _recent_pairs([(author_index, fingerprint)]):
            raise _duplicate_error()
    if language:
        lang, detected = language, False
    else:
        lang, detected = detect_language(clean, ui_language)
    secret = receipts.new_secret()
    user = acting_user(actor)
    proposal = unsaved(
        Proposal,
        code=receipts.new_code(),
        secret_digest=receipts.secret_digest(secret, secret_key()),
        text=clean,
        text_hash=fingerprint,
        language=lang,
        language_detected=detected,
        version=version,
        article=article,
        point=point,
        author_kind=author_kind,
        region=region,
        contact=contact,
        author_index=author_index,
        consent=consent,
        consent_text=consent_text if consent else "",
        channel=channel,
        entered_by=user,
        source=source[:200],
        source_ref=source_ref[:200],
        external_id=external_id[:200],
        submitted_at=submitted_at or timezone.now(),
        form_date=form_date if channel not in ("web", "api") else None,
        public_text=pii.mask_pii(clean),
        visibility=_first_visibility(version),
    )
    # The public record: the text is bound by a commitment salted with the receipt secret, and
    # what the public sees by its hash, so `kenes ledger audit` detects a rewritten public text.
    event = events.proposal_received(
        code=proposal.code,
        commitment=commitment(secret, clean),
        document=version.document.slug,
        version=version.label,
        article=article.number if article else None,
        point=point.number if point else None,
        channel=channel,
        language=lang,
        author_kind=author_kind,
        region=region or None,
        public_text_sha256=public_text_hash(proposal.public_text),
    )
    return _Prepared(proposal, secret, event)


def _recent_pairs(pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (author index, text fingerprint) pairs were stored within the duplicate window."""
    if not pairs:
        return set()
    window = timezone.now() - timedelta(seconds=settings.KENES_DUPLICATE_WINDOW)
    wanted = set(pairs)
    found = Proposal.objects.filter(
        author_index__in={a for a, _t in wanted}, submitted_at__gte=window
    ).values_list("author_index", "text_hash")
    return {pair for pair in found if pair in wanted}


def _already_imported(*, channel: str, source: str, external_ids: list[str]) -> dict[str, Proposal]:
    """The proposals of this channel and source already stored under these external ids."""
    if not external_ids:
        return {}
    if connection.vendor == "postgresql":
        # One probe of the unique index per id (LATERAL ... LIMIT 1). Written as
        # `external_id = ANY(...)` or as a join, the planner (with a just-imported source's
        # stale statistics) reads all of the source's rows per batch: quadratic over a
        # 1M-row import.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT f.id FROM unnest(%s::text[]) AS wanted(external_id) CROSS JOIN LATERAL "
                "(SELECT p.id FROM proposals_proposal p WHERE p.channel = %s AND p.source = %s "
                "AND p.external_id = wanted.external_id AND p.external_id <> '' LIMIT 1) f",
                [external_ids, channel, source],
            )
            found = [row[0] for row in cursor.fetchall()]
        if not found:
            return {}
        query = Proposal.objects.filter(pk__in=found)
    else:
        query = Proposal.objects.filter(
            channel=channel, source=source, external_id__in=external_ids
        )
    return {p.external_id: p for p in query.order_by()}


def _count_received(proposals: list[Proposal]) -> None:
    """Add new proposals to the public counters, in the intake's transaction."""
    counters_add(
        items=[
            item
            for p in proposals
            for item in intake_items(
                version_id=p.version_id,
                submitted_at=p.submitted_at,
                channel=p.channel,
                region=p.region,
                language=p.language,
                author_kind=p.author_kind,
                state=p.state,
                article_id=p.article_id,
                point_id=p.point_id,
            )
        ]
    )


def _received(proposal: Proposal, actor: Actor) -> StateChange:
    user = acting_user(actor)
    return unsaved(
        StateChange,
        proposal_id=proposal.pk,  # ids, not instances: no descriptor and router work per row
        actor_id=user.pk if user else None,
        actor_label=user.get_username() if user else "system",
        from_state="",
        to_state=ProposalState.RECEIVED,
        details={"channel": proposal.channel},
    )


@transaction.atomic
def proposal_submit(
    *,
    actor: Actor,
    version: Version,
    text: str,
    channel: str,
    source: str = "",
    external_id: str = "",
    **fields: Unpack[SubmitFields],
) -> Submitted:
    """Validate and store a proposal; return it with its receipt secret.

    ``fields`` are the optional ones of :func:`_prepare`: article_number, point_number,
    language, ui_language, author_kind, region, contact, consent, consent_text, client_token,
    source_ref, submitted_at. Idempotent on ``(channel, source, external_id)``: a row imported
    twice returns the first proposal with ``created=False`` (and no secret). The same text from
    the same author (contact or ``client_token``) within ``KENES_DUPLICATE_WINDOW`` seconds is
    refused with :class:`DuplicateProposalError`. Raises ValidationError with per-field
    messages in the active language.
    """
    if external_id:
        existing = Proposal.objects.filter(
            channel=channel, source=source, external_id=external_id
        ).first()
        if existing is not None:
            return Submitted(existing, None, created=False)
    prepared = _prepare(
        actor=actor,
        version=version,
        text=text,
        channel=channel,
        source=source,
        external_id=external_id,
        **fields,
    )
    proposal = prepared.proposal
    proposal.flood_flags = flood.flags_for(proposal)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                proposal.save()
            break
        except IntegrityError:
            if (
                external_id
                and Proposal.objects.filter(
                    channel=channel, source=source, external_id=external_id
                ).exists()
            ):
                raise  # a concurrent import of the same row; the caller retries
            proposal.code = receipts.new_code()
    else:  # pragma: no cover - 30^7 codes make five collisions in a row unreachable
        raise RuntimeError("could not allocate a unique receipt code")
    _received(proposal, actor).save()
    _count_received([proposal])
    # The code may have been drawn again after a collision: the event names the stored one.
    ledger_append(replace(prepared.event, code=proposal.code))
    if proposal.contact:
        # Only once the proposal is committed is its receipt sent anywhere.
        transaction.on_commit(lambda: notify_receipt(proposal_id=proposal.pk))
    hooks.after_commit(hooks.PROPOSALS_STORED, proposal_ids=[proposal.pk])
    return Submitted(proposal, prepared.secret, created=True)


def proposals_submit_many(
    *,
    actor: Actor,
    version: Version,
    channel: str,
    source: str,
    rows: list[ProposalRow],
    targets: TargetCache | None = None,
    consultation: list[Consultation | None] | None = None,
    savepoint: bool = True,
) -> list[Submitted | ValidationError]:
    """Validate and store many proposals of one file or batch, in the caller's transaction.

    Each row holds :func:`proposal_submit`'s keyword arguments (``text``, ``external_id``...).
    Returns, per row, its :class:`Submitted` or the ValidationError that refused it. Rows
    whose external id is already stored, or appeared earlier in the batch, come back with
    ``created=False``. Writes proposals, their history and their ledger entries with bulk
    inserts; equivalent to calling proposal_submit per row, an order of magnitude faster.
    ``targets`` caches the version's articles and points across the batches of one import;
    ``consultation`` (a one-item list) the version's consultation, read by the caller.
    ``savepoint=False`` writes the proposals without a savepoint: a receipt-code collision then
    fails the caller's whole transaction (the intake writer retries its jobs one by one).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("proposals_submit_many must run inside a transaction")
    ids = [str(r.get("external_id") or "") for r in rows]
    existing = _already_imported(channel=channel, source=source, external_ids=[i for i in ids if i])
    if targets is None:
        targets = {}  # a caller importing many batches of one version passes one for all
    if consultation is None:
        consultation = [Consultation.objects.filter(version_id=version.pk).first()]
    results: list[Submitted | ValidationError | None] = [None] * len(rows)
    fresh: list[tuple[int, _Prepared]] = []
    seen: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []
    for n, (row, external_id) in enumerate(zip(rows, ids, strict=True)):
        if external_id in existing:
            results[n] = Submitted(existing[external_id], None, created=False)
            continue
        if external_id and external_id in seen:
            repeats.append((n, seen[external_id]))  # imported once, as its first row
            continue
        try:
            prepared = _prepare(
                actor=actor,
                version=version,
                channel=channel,
                source=source,
                targets=targets,
                consultation=consultation,
                check_duplicate=False,
                **row,
            )
        except ValidationError as exc:
            results[n] = exc
            continue
        if external_id:
            seen[external_id] = n
        fresh.append((n, prepared))
    # The same author's same text within the window: one query for the batch, and the batch's
    # own repeats (the second of two equal rows from one author is refused as a duplicate).
    authored = [
        (p.proposal.author_index, p.proposal.text_hash)
        for _n, p in fresh
        if p.proposal.author_index
    ]
    if authored:
        taken = _recent_pairs(authored)
        kept: list[tuple[int, _Prepared]] = []
        for n, prepared in fresh:
            pair = (prepared.proposal.author_index, prepared.proposal.text_hash)
            if prepared.proposal.author_index:
                if pair in taken:
                    results[n] = _duplicate_error()
                    continue
                taken.add(pair)
            kept.append((n, prepared))
        fresh = kept
    if fresh:
        try:
            with transaction.atomic(savepoint=savepoint):
                saved = bulk_insert(Proposal, [p.proposal for _n, p in fresh])
        except IntegrityError:
            if not savepoint:
                raise
            # A receipt-code collision or a concurrent import: store row by row instead.
            saved = []
            for n, _prepared in fresh:
                rest: dict[str, Any] = dict(rows[n])
                text, _id = rest.pop("text", ""), rest.pop("external_id", None)
                try:
                    results[n] = proposal_submit(
                        actor=actor,
                        version=version,
                        channel=channel,
                        source=source,
                        text=str(text),
                        external_id=ids[n],
                        **cast(SubmitFields, rest),
                    )
                except ValidationError as exc:
                    results[n] = exc
        if saved:
            bulk_insert(StateChange, [_received(p, actor) for p in saved])
            _count_received(saved)
            ledger_append_many(replace(p.event, code=p.proposal.code) for _n, p in fresh)
            hooks.after_commit(hooks.PROPOSALS_STORED, proposal_ids=[p.pk for p in saved])
            for (n, prepared), proposal in zip(fresh, saved, strict=True):
                results[n] = Submitted(proposal, prepared.secret, created=True)
            to_notify = [p.pk for p in saved if p.contact]
            if to_notify:
                # One task for the whole batch (kenes.proposals.tasks.send_receipts).
                transaction.on_commit(lambda: notify_receipts(proposal_ids=to_notify))
    for n, first in repeats:
        earlier = results[first]
        results[n] = (
            Submitted(earlier.proposal, None, created=False)
            if isinstance(earlier, Submitted)
            else earlier
        )
    return [r for r in results if r is not None]


def notify_receipts(*, proposal_ids: list[int]) -> None:
    """Queue the receipts of a batch as one task (or a few, for very large batches)."""
    from kenes.proposals.notify import BATCH
    from kenes.proposals.tasks import send_receipts

    for start in range(0, len(proposal_ids), BATCH):
        send_receipts.enqueue(proposal_ids=proposal_ids[start : start + BATCH])


def notify_receipt(*, proposal_id: int) -> None:
    """Queue the receipt message to the author's contact (see kenes.proposals.notify)."""
    from kenes.proposals.tasks import send_receipt

    send_receipt.enqueue(proposal_id=proposal_id)
