"""The commission's final report (built in the background, kept as a PDF) and the plain-language
notes staff write per article for the explainer handouts coalition organisers print.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.core.models import JobStatus


class ReportLanguage(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")


class ReportBuild(models.Model):
    """One build of the final report of a draft version, queued by staff or run from the CLI."""

    Status = JobStatus

    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.CASCADE,
        related_name="report_builds",
    )
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Path of the PDF under MEDIA_ROOT, its size and SHA-256.
    file = models.CharField(_("file"), max_length=300, blank=True)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # The ledger checkpoint the report was built at (0: no checkpoint yet).
    checkpoint_size = models.BigIntegerField(_("ledger size"), default=0)
    n_proposals = models.PositiveIntegerField(_("proposals"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} ({self.language}) #{self.pk}"


class ExplainerNote(models.Model):
    """A plain-language note on one article, in one language, written by staff for handouts."""

    article = models.ForeignKey(
        "drafts.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="explainer_notes",
    )
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices)
    text = models.TextField(_("plain-language note"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("explainer note")
        verbose_name_plural = _("explainer notes")
        ordering = ["article", "language"]
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="explainer_note_once")
        ]

    def __str__(self) -> str:
        return f"{self.article} ({self.language})"
