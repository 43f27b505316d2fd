"""Writes of consultations (staff, through the admin) and intake's deadline check."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kenes.consultations.models import ONLINE_CHANNELS, Consultation
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts.models import Version

FIELDS = (
    "title_kk",
    "title_ru",
    "opens_at",
    "closes_at",
    "review_until",
    "report_on",
    "grace_days",
)


class ConsultationClosedError(ValidationError):
    """The consultation on this version does not take new proposals now."""


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if opens is None:
        errors["opens_at"] = [_("Give the day the discussion opens.")]
    if closes is None:
        errors["closes_at"] = [_("Give the day the discussion closes.")]
    if opens and closes and closes <= opens:
        errors["closes_at"] = [_("The discussion must close after it opens.")]
    closing_day = timezone.localtime(closes).date() if closes else None
    review, report = values.get("review_until"), values.get("report_on")
    if review and closing_day and review < closing_day:
        errors["review_until"] = [_("The review cannot end before the discussion closes.")]
    if report and closing_day and report < closing_day:
        errors["report_on"] = [_("The report cannot come out before the discussion closes.")]
    if (values.get("grace_days") or 0) > 90:
        errors["grace_days"] = [_("The grace period is at most 90 days.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consultation_save(
    *, actor: Actor, version: Version, consultation: Consultation | None = None, **values: Any
) -> Consultation:
    """Create the consultation on ``version`` or change its calendar; audited."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if consultation is None:
        consultation = Consultation.objects.filter(version=version).first()
    created = consultation is None
    if consultation is None:
        consultation = Consultation(version=version)
    before = {f: str(getattr(consultation, f, "")) for f in FIELDS} if not created else {}
    for name, value in values.items():
        setattr(consultation, name, value)
    _check({f: getattr(consultation, f, None) for f in FIELDS})
    consultation.version = version
    consultation.save()
    after = {f: str(getattr(consultation, f)) for f in FIELDS}
    audit_record(
        actor=actor,
        action="consultation.create" if created else "consultation.change",
        target=consultation,
        data={
            "version": str(version),
            "changed": {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        },
    )
    return consultation


@transaction.atomic
def consultation_delete(*, actor: Actor, consultation: Consultation) -> None:
    audit_record(
        actor=actor,
        action="consultation.delete",
        target=consultation,
        data={"version": str(consultation.version)},
    )
    consultation.delete()


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def intake_check(
    *,
    consultation: Consultation | None,
    channel: str,
    form_date: date | None = None,
    now: datetime | None = None,
) -> None:
    """Refuse a proposal the consultation does not take now (ConsultationClosedError).

    Without a consultation on the version, every proposal is taken. Online channels (web, API)
    are taken while the discussion is open. Paper forms, files, meetings and e-mail are taken
    while it is open, and during the grace period when the date on the form or of the meeting
    is on or before the closing day.
    """
    if consultation is None:
        return
    now = now or timezone.now()
    if now < consultation.opens_at:
        raise ConsultationClosedError(
            {
                "deadline": [
                    _(
                        "The discussion of this draft opens on %(day)s; proposals are taken from then."
                    )
                    % {"day": _day(timezone.localtime(consultation.opens_at).date())}
                ]
            }
        )
    if now < consultation.closes_at:
        return
    closed = _(
        "The discussion of this draft closed on %(day)s; new proposals are no longer taken."
    ) % {"day": _day(consultation.closing_day)}
    if channel in ONLINE_CHANNELS:
        raise ConsultationClosedError({"deadline": [closed]})
    if form_date is None:
        raise ConsultationClosedError(
            {
                "deadline": [
                    closed
                    + " "
                    + _(
                        "A paper form or meeting report dated on or before that day may still "
                        "be entered with its date."
                    )
                ]
            }
        )
    if form_date > consultation.closing_day:
        raise ConsultationClosedError(
            {
                "deadline": [
                    _("The form is dated %(date)s, after the discussion closed on %(day)s.")
                    % {"date": _day(form_date), "day": _day(consultation.closing_day)}
                ]
            }
        )
    if now >= consultation.grace_until:
        raise ConsultationClosedError(
            {
                "deadline": [
                    _("The grace period for paper forms and meeting reports ended on %(day)s.")
                    % {"day": _day(timezone.localtime(consultation.grace_until).date())}
                ]
            }
        )
