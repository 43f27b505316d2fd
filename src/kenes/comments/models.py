"""Comments on a point of a draft, moderated, and anchored in every later version.

A comment is written on a point (or on an article without points) of one version. Its
*anchors* say where it stands in each version: the original place, then — each time a new
version is imported — the matching point of the new text (found by content, see
``kenes.drafts.matching``), or a mark that the point was removed or rewritten beyond
recognition, with a link back to the old text. Every comment gets an anchor in every later
version, so nothing is silently dropped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TEXT_MIN = 3
TEXT_MAX = 2000


class CommentState(models.TextChoices):
    PENDING = "pending", _("waiting for moderation")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")


class HiddenReason(models.TextChoices):
    SPAM = "spam", _("spam or advertising")
    ABUSE = "abuse", _("insults or hate")
    PERSONAL_DATA = "personal_data", _("exposes someone's personal data")
    OFF_TOPIC = "off_topic", _("not about this text")
    DUPLICATE = "duplicate", _("repeats another comment")


class Comment(models.Model):
    version = models.ForeignKey(
        "drafts.Version", verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    article = models.ForeignKey(
        "drafts.Article", verbose_name=_("article"), on_delete=models.PROTECT, related_name="+"
    )
    point = models.ForeignKey(
        "drafts.Point",
        verbose_name=_("point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=2)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=CommentState.choices,
        default=CommentState.PENDING,
        db_index=True,
    )
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=16, choices=HiddenReason.choices, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.article_id}"


class AnchorStatus(models.TextChoices):
    ORIGINAL = "original", _("written here")
    CARRIED = "carried", _("carried: the point is unchanged")
    CARRIED_CHANGED = "carried_changed", _("carried: the point was reworded")
    POINT_REMOVED = "point_removed", _("the point was removed or rewritten")
    ARTICLE_REMOVED = "article_removed", _("the article was removed")


class Anchor(models.Model):
    """Where a comment stands in one version."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="anchors")
    version = models.ForeignKey("drafts.Version", on_delete=models.CASCADE, related_name="+")
    # Empty when the article is gone (ARTICLE_REMOVED); the point is empty for a comment on a
    # whole article and when the point is gone (POINT_REMOVED).
    article = models.ForeignKey(
        "drafts.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    point = models.ForeignKey(
        "drafts.Point", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=16, choices=AnchorStatus.choices)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "version"], name="anchor_once_per_version")
        ]
        indexes = [models.Index(fields=["version", "article"])]

    def __str__(self) -> str:
        return f"{self.comment_id}@{self.version_id}: {self.status}"

    @property
    def lost(self) -> bool:
        return self.status in (AnchorStatus.POINT_REMOVED, AnchorStatus.ARTICLE_REMOVED)
