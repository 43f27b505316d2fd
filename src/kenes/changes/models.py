"""Links from an answered proposal to the article or point that changed in a newer version.

"What changed because of you": when a new version of a draft is published, reviewers confirm
which accepted (or partly accepted) proposals led to which change. The suggestions come from the
version comparison plus the proposal's article links; a person confirms each link
(``changes.services.change_links_confirm``), and each confirmed link is a ledger event
(``change.linked``) that anyone can verify like an answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.proposals.models import Proposal


class ChangeKind(models.TextChoices):
    CHANGED = "changed", _("reworded")
    REMOVED = "removed", _("removed")
    ADDED = "added", _("added")


class ChangeLink(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="change_links"
    )
    old_version = models.ForeignKey(
        "drafts.Version", verbose_name=_("old version"), on_delete=models.PROTECT, related_name="+"
    )
    new_version = models.ForeignKey(
        "drafts.Version", verbose_name=_("new version"), on_delete=models.PROTECT, related_name="+"
    )
    old_article = models.ForeignKey(
        "drafts.Article",
        verbose_name=_("old article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    old_point = models.ForeignKey(
        "drafts.Point",
        verbose_name=_("old point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_article = models.ForeignKey(
        "drafts.Article",
        verbose_name=_("new article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_point = models.ForeignKey(
        "drafts.Point",
        verbose_name=_("new point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("change"), max_length=8, choices=ChangeKind.choices)
    # "<old article>.<old point>><new article>.<new point>": one link per proposal and change.
    key = models.CharField(max_length=80, editable=False)
    suggested = models.BooleanField(_("suggested automatically"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change link")
        verbose_name_plural = _("change links")
        ordering = ["new_version_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "new_version", "key"], name="change_link_once"
            )
        ]
        indexes = [
            models.Index(fields=["new_version", "new_article"]),
            models.Index(fields=["old_article"]),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.key}"
