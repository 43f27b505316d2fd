"""Explanatory meetings held by coalition organisations, and what people said at them.

Attendance is counted by sex and age band, never by name. Proposals raised at a meeting are
ordinary proposals (channel ``meeting``, ``source`` = the meeting's id, ``entered_by`` = the
organiser), written by ``kenes.proposals.services``, so they reach the review queue.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.geo.regions import Region


class Audience(models.TextChoices):
    WORK_COLLECTIVE = "work_collective", _("work collective")
    EXPERTS = "experts", _("experts")
    RESIDENTS = "residents", _("residents")
    STUDENTS = "students", _("students")


class MeetingLanguage(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")
    BOTH = "kk_ru", _("Kazakh and Russian")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Sex(models.TextChoices):
    FEMALE = "f", _("women")
    MALE = "m", _("men")


class AgeBand(models.TextChoices):
    UNDER_18 = "u18", _("under 18")
    FROM_18 = "18_29", _("18–29")
    FROM_30 = "30_44", _("30–44")
    FROM_45 = "45_59", _("45–59")
    FROM_60 = "60p", _("60 and over")


class Meeting(models.Model):
    organisation = models.ForeignKey(
        "coalition.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    branch = models.ForeignKey(
        "coalition.Branch",
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    settlement = models.ForeignKey(
        "geo.Unit", verbose_name=_("settlement"), on_delete=models.PROTECT, related_name="meetings"
    )
    # Copied from the settlement for fast coverage queries.
    region_code = models.CharField(_("region"), max_length=2, choices=Region.choices, db_index=True)
    district_code = models.CharField(_("district"), max_length=9, blank=True, db_index=True)
    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft discussed"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    place = models.CharField(_("place"), max_length=300)
    language = models.CharField(_("language"), max_length=5, choices=MeetingLanguage.choices)
    speakers = models.TextField(
        _("speakers"), blank=True, help_text=_("public speakers and their positions")
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    attendees = models.PositiveIntegerField(_("people present"), default=0)
    minutes = models.TextField(_("minutes"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "region_code"]),
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["district_code", "status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.settlement_id} {self.starts_at:%Y-%m-%d}"

    @property
    def source(self) -> str:
        """The ``source`` of the proposals raised here (with channel ``meeting``)."""
        return str(self.pk)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    band = models.CharField(max_length=6, choices=AgeBand.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attendance count")
        verbose_name_plural = _("attendance counts")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "sex", "band"], name="attendance_cell_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.sex}_{self.band}: {self.count}"


class Question(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    answer = models.TextField(_("answer given"), blank=True)
    external_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "external_id"],
                condition=~models.Q(external_id=""),
                name="question_external_id_once",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


def photo_path(instance: Photo, filename: str) -> str:
    return f"outreach/{instance.meeting_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Photo(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_path)
    kind = models.CharField(max_length=4)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name or ""


class SyncItem(models.Model):
    """One item of an offline sync, by its client-generated UUID: a retried sync finds it here
    and answers as before, so nothing is stored twice."""

    uuid = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid}"
