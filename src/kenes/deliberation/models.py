"""Deliberation: conversations about a draft, short statements, and agree/disagree/pass votes.

A :class:`Conversation` is attached to a draft version (and optionally one article). Statements
are seeded by staff or submitted by participants and shown only once accepted. A
:class:`Participant` is a device (keyed hash of a cookie token) or a signed-in user; each has at
most one :class:`Vote` per statement, changeable, every cast kept in :class:`VoteChange`.
:class:`Result` rows are snapshots of the opinion analysis (``kenes.analysis.opinions``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Bilingual

STATEMENT_MAX = 280


class Conversation(Bilingual):
    class Participation(models.TextChoices):
        ANONYMOUS = "anonymous", _("anyone, remembered by a cookie on the device")
        SIGNED_IN = "signed_in", _("signed-in users only")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    article = models.ForeignKey(
        "drafts.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    participation = models.CharField(
        _("who may take part"),
        max_length=12,
        choices=Participation.choices,
        default=Participation.ANONYMOUS,
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    allow_statements = models.BooleanField(_("participants may add statements"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set when a vote arrives and a recompute is queued; cleared when the task starts.
    recompute_queued = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title_ru or self.title_kk or self.slug

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    # Keyed hash (kenes.core.crypto.blind_index) of the device cookie; the token is never stored.
    # NULL (not "") for signed-in participants, so the unique constraint ignores them.
    token_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The participant id of an imported Pol.is conversation.
    external_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "token_hash"], name="delib_participant_device_once"
            ),
            models.UniqueConstraint(
                fields=["conversation", "user"], name="delib_participant_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.pk}"


class Statement(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    class Origin(models.TextChoices):
        STAFF = "staff", _("seeded by staff")
        PARTICIPANT = "participant", _("submitted by a participant")
        IMPORT = "import", _("imported")

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    text = models.CharField(_("text"), max_length=STATEMENT_MAX)
    # "kk" or "ru" for statements written here; imported ones keep what was detected
    # ("en", or "und" when undetermined), as a BCP 47 tag for the page's lang attribute.
    language = models.CharField(_("language"), max_length=8)
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    reason = models.TextField(_("reason for rejection"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    external_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Counters kept by vote_cast (routing reads them without aggregating the votes).
    n_agree = models.PositiveIntegerField(default=0)
    n_disagree = models.PositiveIntegerField(default=0)
    n_pass = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "state"], name="delib_stmt_state")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def code(self) -> str:
        return f"DS-{self.pk}"

    @property
    def n_votes(self) -> int:
        return self.n_agree + self.n_disagree + self.n_pass


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("agree")
        DISAGREE = -1, _("disagree")
        PASS = 0, _("pass / unsure")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="delib_vote_once"),
            models.CheckConstraint(
                condition=models.Q(value__in=(-1, 0, 1)), name="delib_vote_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}×{self.statement_id}={self.value}"


class VoteChange(models.Model):
    """Every cast of a vote, the first one included (``old`` is then null)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="changes")
    old = models.SmallIntegerField(null=True)
    new = models.SmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote change")
        verbose_name_plural = _("vote changes")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.old}→{self.new}"


class Result(models.Model):
    """A snapshot of the opinion analysis of a conversation."""

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)
    method_version = models.CharField(_("method version"), max_length=100)
    n_participants = models.PositiveIntegerField(_("participants"), default=0)
    n_statements = models.PositiveIntegerField(_("statements"), default=0)
    n_votes = models.PositiveIntegerField(_("votes"), default=0)
    # The last VoteChange id included: a recompute with nothing newer is skipped.
    last_change_id = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    data = models.JSONField(_("result"), default=dict)
    # The clustering state (k and its streak) handed to the next compute, for stable groups.
    state = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"{self.conversation} #{self.pk}"

    @property
    def code(self) -> str:
        return f"DR-{self.pk}"
