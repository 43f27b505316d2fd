"""Proposals: what citizens, experts, organisations and meetings send about a draft.

A proposal is written once by ``proposal_submit`` and never edited; its review state is changed
only by the review services. Personal data (the contact) is encrypted at rest and never shown
publicly; the public sees the author as "citizen, <region>".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenes.core.crypto import EncryptedTextField
from kenes.geo.regions import Region

TEXT_MIN = 10
TEXT_MAX = 5000


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    API = "api", _("API")
    FILE = "file", _("bulk file")
    MEETING = "meeting", _("meeting")
    PAPER = "paper", _("paper form")
    EMAIL = "email", _("email")


class AuthorKind(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    EXPERT = "expert", _("expert")
    ORGANISATION = "organisation", _("organisation")
    MEETING = "meeting", _("collective of a meeting")


class Language(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")
    EN = "en", _("English")


class ProposalState(models.TextChoices):
    # Accepted and given a receipt; nobody has looked at it yet.
    RECEIVED = "received", _("received")
    # A reviewer is working on it.
    IN_REVIEW = "in_review", _("in review")
    # Has an answer with a decision and a reason (see review.Answer).
    ANSWERED = "answered", _("answered")
    # Same substance as another proposal; it is answered with that one.
    MERGED = "merged", _("merged")


class Visibility(models.TextChoices):
    # Shown on public pages, in the API and in open data (with personal data masked).
    PUBLISHED = "published", _("published")
    # The consultation publishes after moderation: received, counted, not yet shown.
    PENDING = "pending", _("awaiting moderation")
    # Hidden by a moderator with a reason code of the published policy; counted publicly.
    HIDDEN = "hidden", _("hidden")


class HideReason(models.TextChoices):
    """The published moderation policy: the only reasons a proposal may be hidden for."""

    # Insults, hate speech, humiliation of a person or group.
    ABUSE = "abuse", _("insults or hate speech")
    # Threats or calls to violence.
    THREAT = "threat", _("threats or calls to violence")
    # Content whose publication the law forbids (e.g. extremist calls).
    ILLEGAL = "illegal", _("content the law forbids to publish")
    # Advertising, links to sell something, meaningless text.
    SPAM = "spam", _("advertising or meaningless text")
    # The same text sent in bulk by automated means in a burst.
    FLOOD = "flood", _("automated mass sending")
    # Another person's personal data that automatic masking did not catch.
    PRIVACY = "privacy", _("another person's personal data")


class Proposal(models.Model):
    code = models.CharField(_("receipt code"), max_length=16, unique=True)
    secret_digest = models.CharField(max_length=64, editable=False)
    text = models.TextField(_("text"))
    # What the public sees: ``text`` with personal data masked (kenes.core.pii); the original
    # stays for reviewers.
    public_text = models.TextField(_("public text"), blank=True)
    text_hash = models.CharField(max_length=64, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    language_detected = models.BooleanField(_("language detected automatically"), default=False)
    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.PROTECT,
        related_name="proposals",
        db_index=False,  # the (version, state, submitted_at) index serves it
    )
    article = models.ForeignKey(
        "drafts.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        db_index=False,  # the (article, submitted_at) index serves it
    )
    point = models.ForeignKey(
        "drafts.Point",
        verbose_name=_("point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    author_kind = models.CharField(
        _("author"), max_length=16, choices=AuthorKind.choices, default=AuthorKind.CITIZEN
    )
    region = models.CharField(_("region"), max_length=2, choices=Region.choices, blank=True)
    # Personal data: encrypted at rest, shown only to staff with the change permission.
    contact = EncryptedTextField(_("contact (email or phone)"), blank=True)
    # Keyed hash of the contact or of the web client, to refuse the same text twice.
    author_index = models.CharField(max_length=64, blank=True, editable=False)
    # The signed-in citizen who sent it (issue #10): "my proposals", rights requests.
    citizen = models.ForeignKey(
        "accounts.Citizen",
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    # When the author's personal data was erased on request or by retention.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    consent = models.BooleanField(_("consent to processing"), default=False)
    consent_text = models.TextField(_("consent text agreed to"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("file, organisation or meeting it came from"),
    )
    source_ref = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("row of the file, number of the form"),
    )
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ProposalState.choices,
        default=ProposalState.RECEIVED,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_proposals",
        db_index=False,  # the (assignee, state) index serves it
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLISHED,
    )
    hide_reason = models.CharField(
        _("reason hidden"), max_length=16, choices=HideReason.choices, blank=True
    )
    submitted_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    # The date written on a paper form or of the meeting, when it came in through such a channel
    # (it decides whether a late entry falls in the consultation's grace period).
    form_date = models.DateField(_("date on the form"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Flood flags set at intake for reviewers (kenes.proposals.flood): "same_text",
    # "same_source", "burst". A flag never refuses a proposal; it only says where to look.
    flood_flags = models.JSONField(_("flood flags"), default=list, blank=True)

    class Meta:
        verbose_name = _("proposal")
        permissions = [("moderate_proposal", _("Can publish and hide proposals"))]
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # An external id is imported once per channel and source: re-running an import
            # skips rows already in.
            models.UniqueConstraint(
                fields=["channel", "source", "external_id"],
                condition=~Q(external_id=""),
                name="proposal_external_id_once",
            ),
        ]
        # Every index is paid for by every insert (1M imports, 1,000 submissions a second):
        # plain B-trees only where a query needs one (no LIKE-pattern twins, which PostgreSQL
        # gets for db_index/unique text fields; migration 0009 drops the one of `code`), none
        # that a composite index's prefix already covers (issue #15).
        indexes = [
            models.Index(fields=["text_hash"], name="proposal_text_hash"),
            models.Index(fields=["author_index"], name="proposal_author_index"),
            models.Index(fields=["state"], name="proposal_state"),
            models.Index(fields=["visibility"], name="proposal_visibility"),
            models.Index(fields=["version", "state", "-submitted_at"]),
            models.Index(fields=["article", "-submitted_at"]),
            models.Index(fields=["assignee", "state"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def public_author(self) -> str:
        """Return how the public sees the author, e.g. "citizen, Astana"."""
        kind = str(AuthorKind(self.author_kind).label)
        return f"{kind}, {Region(self.region).label}" if self.region else kind


class ApiToken(models.Model):
    """A bearer token for a channel or organisation that sends proposals through the API."""

    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.API
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyKey(models.Model):
    """The response to a submission, kept so that a retried request returns it again."""

    # The token's prefix, or "public" for submissions without a token.
    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The receipt secret, encrypted (kenes.core.crypto), so that a retry after a lost response
    # shows it again; erased once KENES_RECEIPT_REPLAY_SECONDS have passed.
    secret_sealed = models.TextField(blank=True, default="", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class StateChange(models.Model):
    """One change of a proposal's state: who (``actor``, None for the system), when, from, to."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    from_state = models.CharField(max_length=16, choices=ProposalState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=ProposalState.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state or '-'} → {self.to_state}"


class ReportState(models.TextChoices):
    # Sent by a reader; no moderator has looked at it yet.
    OPEN = "open", _("open")
    # A moderator hid the proposal for it.
    UPHELD = "upheld", _("upheld")
    # A moderator looked and kept the proposal public.
    DISMISSED = "dismissed", _("dismissed")


class ContentReport(models.Model):
    """A reader's report that a public proposal breaks the moderation policy."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=16, choices=HideReason.choices)
    # Keyed hash of the reader's browser token: one report per reader and proposal.
    reporter_index = models.CharField(max_length=64, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.OPEN
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("content report")
        verbose_name_plural = _("content reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reporter_index"],
                condition=~Q(reporter_index=""),
                name="one_report_per_reader",
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.reason}"
