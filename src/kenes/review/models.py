"""Answers to proposals (the state history lives with the proposal: proposals.StateChange)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.proposals.models import Proposal


class Decision(models.TextChoices):
    # The draft is changed as proposed.
    ACCEPTED = "accepted", _("accepted")
    # Part of the proposal is taken into the draft.
    PARTLY_ACCEPTED = "partly_accepted", _("partly accepted")
    # Considered and not taken, for the reason given.
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    # About something the draft does not govern.
    OUT_OF_SCOPE = "out_of_scope", _("outside the draft's scope")


class Answer(models.Model):
    """The reasoned answer to one proposal. A later answer supersedes an earlier one.

    Answers given to many proposals at once share a ``group`` id and the same reason, but every
    proposal gets its own row.
    """

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="answers"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason_kk = models.TextField(_("reason (Kazakh)"), blank=True)
    reason_ru = models.TextField(_("reason (Russian)"), blank=True)
    changed_article = models.ForeignKey(
        "drafts.Article",
        verbose_name=_("changed article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_point = models.ForeignKey(
        "drafts.Point",
        verbose_name=_("changed point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.UUIDField(_("answered together"), null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-answered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.proposal.code}: {self.decision}"

    def reason_in(self, lang: str) -> str:
        return (
            (self.reason_kk if lang == "kk" else self.reason_ru) or self.reason_ru or self.reason_kk
        )
