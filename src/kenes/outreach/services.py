"""Writes of outreach: planning meetings, reporting them, proposals raised, offline sync.

Every write checks that the actor manages the meeting's organisation (branch) —
``actor=None`` is the system (demo seed, commands) — and leaves an audit entry without
personal data. Proposals go through ``kenes.proposals.services`` with channel ``meeting``,
``source`` = the meeting id, ``entered_by`` = the organiser, so they reach the review queue.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import datetime, timedelta
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.coalition import selectors as coalition
from kenes.coalition.models import Branch, Organisation
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.core.uploads import check_image, photo_max_bytes
from kenes.core.validation import field_errors
from kenes.drafts.models import Version
from kenes.geo.models import Unit
from kenes.ledger.merkle.codes import normalize_text
from kenes.outreach import selectors
from kenes.outreach.models import (
    AgeBand,
    Attendance,
    Audience,
    Meeting,
    MeetingLanguage,
    MeetingStatus,
    Photo,
    Question,
    Sex,
    SyncItem,
)
from kenes.proposals.models import AuthorKind, Channel
from kenes.proposals.services import (
    ProposalRow,
    Submitted,
    proposals_submit_many,
    text_fingerprint,
)

ATTENDANCE_KEYS = tuple(f"{s}_{b}" for s in Sex.values for b in AgeBand.values)
MAX_PER_CELL = 100_000
SYNC_MAX_ITEMS = 200
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    r"[0-9a-fA-F]{12}$"
)
# A meeting may be reported from this long before its planned start (time zones, early start).
REPORT_EARLY = timedelta(hours=12)


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(_("You do not manage this meeting."))


@transaction.atomic
def meeting_plan(
    *,
    actor: Actor,
    organisation: Organisation,
    settlement: Unit,
    version: Version,
    audience: str,
    starts_at: datetime,
    place: str,
    language: str,
    speakers: str = "",
    branch: Branch | None = None,
) -> Meeting:
    """Plan a meeting; the branch defaults to the organisation's branch in that region."""
    if branch is None:
        branch = (
            Branch.objects.filter(organisation=organisation, region=settlement.region_code).first()
            or Branch.objects.filter(organisation=organisation, region="").first()
        )
    if actor is not None:
        _require(branch is not None and coalition.can_manage_branch(actor, branch))
    errors: dict[str, list[str]] = {}
    if branch is not None and branch.organisation_id != organisation.pk:
        errors["branch"] = [_("The branch belongs to another organisation.")]
    if settlement.level < 2 or not settlement.district_id:
        errors["settlement"] = [_("Choose a settlement, district or town, not a whole region.")]
    if audience not in Audience.values:
        errors["audience"] = [_("Choose the audience.")]
    if language not in MeetingLanguage.values:
        errors["language"] = [_("Choose the language of the meeting.")]
    if not place.strip():
        errors["place"] = [_("Say where the meeting is held.")]
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        organisation=organisation,
        branch=branch,
        settlement=settlement,
        region_code=settlement.region_code,
        district_code=settlement.district_id or "",
        version=version,
        audience=audience,
        starts_at=starts_at,
        place=place.strip()[:300],
        language=language,
        speakers=speakers.strip(),
        facilitator=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action="outreach.meeting_plan",
        target=meeting,
        data={
            "organisation": organisation.pk,
            "settlement": settlement.code,
            "starts_at": starts_at.isoformat(),
        },
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: Meeting) -> Meeting:
    _require(actor is None or selectors.can_manage_meeting(actor, meeting))
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError(_("A meeting that was held cannot be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    audit_record(actor=actor, action="outreach.meeting_cancel", target=meeting)
    return meeting


def clean_attendance(counts: dict[str, Any]) -> dict[str, int]:
    """Return {"f_18_29": n, ...} with every cell, or raise ValidationError."""
    unknown = [k for k in counts if k not in ATTENDANCE_KEYS]
    if unknown:
        raise ValidationError(
            {
                "attendance": [
                    _("Unknown attendance cells: %(cells)s.")
                    % {"cells": ", ".join(map(str, unknown[:5]))}
                ]
            }
        )
    clean = {}
    for key in ATTENDANCE_KEYS:
        raw = counts.get(key, 0)
        if raw in (None, ""):
            raw = 0
        try:
            value = int(raw)
        except (TypeError, ValueError, OverflowError):
            value = -1
        if isinstance(raw, float) and not raw.is_integer():
            value = -1
        if not 0 <= value <= MAX_PER_CELL:
            raise ValidationError(
                {
                    "attendance": [
                        _("Attendance counts are whole numbers from 0 to %(max)s.")
                        % {"max": MAX_PER_CELL}
                    ]
                }
            )
        clean[key] = value
    return clean


def _store_attendance(meeting: Meeting, counts: dict[str, int]) -> None:
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, sex=key[0], band=key[2:], count=n)
            for key, n in counts.items()
            if n
        ]
    )
    meeting.attendees = sum(counts.values())


def _check_reportable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    if meeting.starts_at > timezone.now() + REPORT_EARLY:
        raise ValidationError(_("The meeting has not taken place yet."))


@transaction.atomic
def meeting_report(
    *,
    actor: Actor,
    meeting: Meeting,
    attendance: dict[str, Any],
    minutes: str = "",
    questions: list[str] | None = None,
) -> Meeting:
    """Record that the meeting was held: attendance by sex and age band, minutes, questions."""
    _require(actor is None or selectors.can_manage_meeting(actor, meeting))
    _check_reportable(meeting)
    counts = clean_attendance(attendance)
    _store_attendance(meeting, counts)
    meeting.minutes = minutes.strip()
    meeting.status = MeetingStatus.HELD
    meeting.reported_at = timezone.now()
    meeting.save(update_fields=["attendees", "minutes", "status", "reported_at"])
    added = [Question(meeting=meeting, text=q.strip()) for q in questions or [] if q.strip()]
    Question.objects.bulk_create(added)
    audit_record(
        actor=actor,
        action="outreach.meeting_report",
        target=meeting,
        data={"attendees": meeting.attendees, "questions": len(added)},
    )
    return meeting


@transaction.atomic
def meeting_proposals_add(
    *, actor: Actor, meeting: Meeting, items: list[dict[str, Any]]
) -> list[Submitted | ValidationError]:
    """Enter proposals raised at the meeting, as the organiser, through proposals intake.

    Each item: ``text`` and optionally ``article_number``, ``point_number``, ``language``,
    ``external_id`` (makes a repeat harmless), ``source_ref`` (e.g. "form 12").
    """
    _require(actor is None or selectors.can_manage_meeting(actor, meeting))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    slug = meeting.organisation.slug
    rows: list[ProposalRow] = []
    for item in items:
        row: dict[str, Any] = {
            k: item[k]
            for k in (
                "text",
                "article_number",
                "point_number",
                "language",
                "external_id",
                "submitted_at",
            )
            if item.get(k)
        }
        row.setdefault("text", "")
        if not row.get("external_id"):
            # The same text sent twice for this meeting (a double click, a form sent again) is
            # stored once: intake is idempotent on the external id.
            key = "\n".join(
                (normalize_text(str(row["text"])), str(row.get("article_number") or ""))
            )
            row["external_id"] = "text:" + hashlib.sha256(key.encode()).hexdigest()[:40]
        # The meeting's day is the date on its report (the consultation's grace period).
        row["form_date"] = timezone.localtime(meeting.starts_at).date()
        ref = str(item.get("source_ref") or _("meeting record"))
        row.update(
            author_kind=AuthorKind.MEETING,
            region=meeting.region_code,
            source_ref=f"{slug} · {ref}"[:200],
        )
        rows.append(cast(ProposalRow, row))
    results = proposals_submit_many(
        actor=actor,
        version=meeting.version,
        channel=Channel.MEETING,
        source=meeting.source,
        rows=rows,
    )
    created = sum(1 for r in results if isinstance(r, Submitted) and r.created)
    audit_record(
        actor=actor,
        action="outreach.proposals_add",
        target=meeting,
        data={"items": len(items), "created": created},
    )
    return results


@transaction.atomic
def meeting_photo_add(*, actor: Actor, meeting: Meeting, upload: IO[bytes]) -> Photo:
    """Attach a photo: JPEG or PNG by content, at most KENES_PHOTO_MAX_BYTES."""
    _require(actor is None or selectors.can_manage_meeting(actor, meeting))
    info = check_image(upload, max_bytes=photo_max_bytes())
    photo = Photo(
        meeting=meeting,
        kind=info.kind,
        width=info.width,
        height=info.height,
        size=info.size,
        uploaded_by=acting_user(actor),
    )
    photo.file.save(f"photo{info.extension}", File(upload), save=False)
    photo.save()
    audit_record(
        actor=actor,
        action="outreach.photo_add",
        target=photo,
        data={"meeting": meeting.pk, "kind": info.kind, "bytes": info.size},
    )
    return photo


# --- Offline sync ---------------------------------------------------------------------------


def _digest(item: dict[str, Any]) -> str:
    body = {k: v for k, v in item.items() if k != "uuid"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _result(uuid: str, status: str, message: str = "", **extra: Any) -> dict[str, Any]:
    return {"uuid": uuid, "status": status, "message": message, **extra}


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return field_errors(exc, "item")


_SCALARS = (str, int, float, bool, type(None))


def _well_formed(item: dict[str, Any]) -> bool:
    """Each field is a scalar (``counts`` a flat object of scalars); numbers are finite."""
    for key, value in item.items():
        if key == "counts" and isinstance(value, dict):
            values = list(value.values())
        else:
            values = [value]
        for v in values:
            if not isinstance(v, _SCALARS):
                return False
            if isinstance(v, float) and not math.isfinite(v):
                return False
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2**63:
                return False
    return isinstance(item.get("type"), str)


def offline_sync(*, actor: Actor, items: list[Any]) -> list[dict[str, Any]]:
    """Store what an organiser recorded offline; return one result per item, in order.

    Items are ``{"uuid", "type": "proposal"|"attendance"|"question", "meeting", ...}``.
    Status per item: ``created``; ``duplicate`` (already stored by an earlier sync: nothing
    added); ``conflict`` (the server holds something else under this id or for this meeting;
    the server's version is kept and described); ``rejected`` (invalid, or not the
    organiser's meeting). The uuid is the external id, so retrying a sync never duplicates.
    """
    if len(items) > SYNC_MAX_ITEMS:
        raise ValidationError(_("Send at most %(n)s items at a time.") % {"n": SYNC_MAX_ITEMS})
    results: list[dict[str, Any] | None] = [None] * len(items)
    by_meeting: dict[int, list[int]] = {}
    for n, item in enumerate(items):
        uuid = item.get("uuid") if isinstance(item, dict) else ""
        uuid = uuid if isinstance(uuid, str) else ""
        if not UUID_RE.match(uuid):
            results[n] = _result(uuid[:64], "rejected", _("The item has no valid id."))
            continue
        if not _well_formed(item):
            results[n] = _result(uuid, "rejected", _("The item has fields of the wrong type."))
            continue
        if item.get("type") not in ("proposal", "attendance", "question"):
            results[n] = _result(uuid, "rejected", _("Unknown kind of item."))
            continue
        try:
            meeting_id = item.get("meeting")
            if isinstance(meeting_id, bool) or not isinstance(meeting_id, int | str):
                raise TypeError
            meeting_id = int(meeting_id)
            if not 0 < meeting_id < 2**63:
                raise ValueError
        except (TypeError, ValueError):
            results[n] = _result(uuid, "rejected", _("The item names no meeting."))
            continue
        by_meeting.setdefault(meeting_id, []).append(n)
    meetings = Meeting.objects.select_related("organisation", "version").in_bulk(by_meeting)
    for meeting_id, numbers in by_meeting.items():
        meeting = meetings.get(meeting_id)
        if meeting is None or not (actor is None or selectors.can_manage_meeting(actor, meeting)):
            for n in numbers:
                results[n] = _result(
                    items[n]["uuid"], "rejected", _("This meeting is not one of yours.")
                )
            continue
        if meeting.status == MeetingStatus.CANCELLED:
            for n in numbers:
                results[n] = _result(
                    items[n]["uuid"], "conflict", _("The meeting was cancelled; nothing was added.")
                )
            continue
        with transaction.atomic():
            _sync_meeting(actor, meeting, [(n, items[n]) for n in numbers], results)
    return [r for r in results if r is not None]


def _sync_meeting(
    actor: Actor,
    meeting: Meeting,
    numbered: list[tuple[int, dict[str, Any]]],
    results: list[dict[str, Any] | None],
) -> None:
    proposals = [(n, i) for n, i in numbered if i["type"] == "proposal"]
    if proposals:
        rows = [
            {
                "text": str(i.get("text") or ""),
                "external_id": str(i["uuid"]).lower(),
                "article_number": str(i.get("article") or "").strip() or None,
                "language": str(i.get("language") or "") or None,
                "source_ref": _("offline form"),
            }
            for _n, i in proposals
        ]
        stored = meeting_proposals_add(actor=actor, meeting=meeting, items=rows)
        for (n, item), res in zip(proposals, stored, strict=True):
            uuid = item["uuid"]
            if isinstance(res, ValidationError):
                results[n] = _result(uuid, "rejected", " ".join(res.messages), errors=_errors(res))
            elif res.created:
                results[n] = _result(uuid, "created", code=res.proposal.code)
            elif res.proposal.text_hash == text_fingerprint(
                normalize_text(str(item.get("text") or ""))
            ):
                results[n] = _result(
                    uuid, "duplicate", _("Already received."), code=res.proposal.code
                )
            else:
                results[n] = _result(
                    uuid,
                    "conflict",
                    _("Another text was already received under this id; it was kept."),
                    code=res.proposal.code,
                )
    for n, item in numbered:
        if item["type"] == "attendance":
            results[n] = _sync_attendance(actor, meeting, item)
        elif item["type"] == "question":
            results[n] = _sync_question(meeting, item)
    audit_record(
        actor=actor,
        action="outreach.offline_sync",
        target=meeting,
        data={
            "items": len(numbered),
            "statuses": sorted({r["status"] for n, _i in numbered if (r := results[n])}),
        },
    )


def _sync_attendance(actor: Actor, meeting: Meeting, item: dict[str, Any]) -> dict[str, Any]:
    uuid, digest = str(item["uuid"]).lower(), _digest(item)
    seen = SyncItem.objects.filter(uuid=uuid).first()
    if seen is not None:
        if seen.digest == digest and seen.meeting_id == meeting.pk:
            return _result(item["uuid"], "duplicate", _("Already received."))
        return _result(
            item["uuid"],
            "conflict",
            _("Other counts were already received under this id; they were kept."),
        )
    try:
        counts = clean_attendance(item.get("counts") or {})
        _check_reportable(meeting)
    except ValidationError as exc:
        return _result(item["uuid"], "rejected", " ".join(exc.messages), errors=_errors(exc))
    total = sum(counts.values())
    if meeting.status == MeetingStatus.HELD and meeting.attendees:
        current = {f"{a.sex}_{a.band}": a.count for a in meeting.attendance.all()}
        same = all(current.get(k, 0) == v for k, v in counts.items())
        status = "duplicate" if same else "conflict"
        message = (
            _("Already received.")
            if same
            else _(
                "The meeting already has attendance recorded (%(server)s people); yours "
                "(%(yours)s) was not applied. Correct it on the meeting page if needed."
            )
            % {"server": meeting.attendees, "yours": total}
        )
        result = _result(item["uuid"], status, message, server_total=meeting.attendees)
    else:
        _store_attendance(meeting, counts)
        minutes = str(item.get("minutes") or "").strip()
        if minutes:
            meeting.minutes = minutes
        meeting.status = MeetingStatus.HELD
        meeting.reported_at = timezone.now()
        meeting.save(update_fields=["attendees", "minutes", "status", "reported_at"])
        result = _result(item["uuid"], "created", server_total=total)
    SyncItem.objects.create(
        uuid=uuid,
        kind="attendance",
        meeting=meeting,
        digest=digest,
        result=result,
        entered_by=acting_user(actor),
    )
    return result


def _sync_question(meeting: Meeting, item: dict[str, Any]) -> dict[str, Any]:
    uuid = str(item["uuid"]).lower()
    text = normalize_text(str(item.get("text") or ""))
    if not 3 <= len(text) <= 5000:
        return _result(item["uuid"], "rejected", _("The question is empty or too long."))
    existing = Question.objects.filter(meeting=meeting, external_id=uuid).first()
    if existing is not None:
        if existing.text == text:
            return _result(item["uuid"], "duplicate", _("Already received."))
        return _result(
            item["uuid"],
            "conflict",
            _("Another question was already received under this id; it was kept."),
        )
    Question.objects.create(meeting=meeting, text=text, external_id=uuid)
    return _result(item["uuid"], "created")
