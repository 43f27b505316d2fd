"""What the analysis engine found in the proposals of a draft version, and staff corrections.

Machine results (campaigns, themes, article links, duplicates) are stamped with the run that made
them and the model version; a full run replaces them all at once. Staff corrections are kept as
:class:`Correction` rows and re-applied after every run, so they survive re-runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.core.models import JobStatus
from kenes.proposals.models import Proposal


class AnalysisRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("full re-run")
        # Proposals analysed one by one as they arrive (no embeddings).
        INCREMENTAL = "incremental", _("incremental")

    Status = JobStatus

    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.CASCADE,
        related_name="analysis_runs",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    model_id = models.CharField(_("embedding model"), max_length=100, blank=True)
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The proposals up to this id are analysed (incremental runs move it forward).
    last_proposal_id = models.BigIntegerField(default=0)
    n_proposals = models.PositiveIntegerField(_("proposals"), default=0)
    n_duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    n_campaigns = models.PositiveIntegerField(_("campaigns"), default=0)
    n_campaign_members = models.PositiveIntegerField(_("campaign members"), default=0)
    n_themes = models.PositiveIntegerField(_("themes"), default=0)
    n_links = models.PositiveIntegerField(_("article links"), default=0)
    timings = models.JSONField(_("timings (seconds)"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # A full run's way of reading new letters (kenes.analysis.live.LiveModel.dumps): its
    # learned formulas, Kazakh vocabulary and theme space, used by the incremental step.
    live_model = models.BinaryField(default=b"", blank=True, editable=False)
    # Ids at or below last_proposal_id that no proposal had when the step passed them, with
    # when they were first seen missing ({"id": unix seconds}): a concurrent transaction may
    # still commit them (kenes.insights.services.incremental, "Late commits").
    gaps = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_kind_display()} #{self.pk}"


class Stamped(models.Model):
    run = models.ForeignKey(
        AnalysisRun,
        verbose_name=_("analysis run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    model_version = models.CharField(_("model version"), max_length=100, blank=True)

    class Meta:
        abstract = True


class Cluster(Stamped):
    """What a campaign and a theme both are: a group of proposals the analysis found, shown
    by its code (``C-12``, ``T-3``), largest first."""

    CODE_PREFIX = ""

    languages = models.JSONField(_("languages"), default=dict, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    representative_ids = models.JSONField(_("representative proposals"), default=list, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.CODE_PREFIX}-{self.pk}"


class Campaign(Cluster):
    class Kind(models.TextChoices):
        # A form letter: many copies of one template, with personal additions.
        LETTER = "letter", _("form letter")
        # Many near-identical copies of one short text.
        DUPLICATES = "duplicates", _("near-identical proposals")

    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.LETTER)
    label = models.CharField(_("label"), max_length=200)
    template = models.TextField(_("template"))
    template_lang = models.CharField(_("language of the template"), max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    CODE_PREFIX = "C"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-size", "id"]


class CampaignMember(Stamped):
    class Via(models.TextChoices):
        LEXICAL = "lexical", _("same wording")
        EMBEDDING = "embedding", _("translation (embedding)")
        DUPLICATE = "duplicate", _("near-identical copy")
        INCREMENTAL = "incremental", _("joined on arrival")
        STAFF = "staff", _("moved by staff")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="members"
    )
    # A proposal is in one campaign at most.
    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="campaign_membership",
    )
    additions = models.TextField(_("personal additions"), blank=True)
    similarity = models.FloatField(_("similarity"), default=1.0)
    via = models.CharField(_("found by"), max_length=12, choices=Via.choices, default=Via.LEXICAL)

    class Meta:
        verbose_name = _("campaign member")
        verbose_name_plural = _("campaign members")
        ordering = ["proposal_id"]

    def __str__(self) -> str:
        return f"{self.campaign} ∋ {self.proposal_id}"


class Theme(Cluster):
    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.CASCADE,
        related_name="themes",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent theme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subthemes",
    )
    key = models.CharField(max_length=40, blank=True)  # the engine's id, e.g. "theme-03"
    label = models.CharField(_("label"), max_length=300)
    label_kk = models.CharField(_("key phrases (Kazakh)"), max_length=300, blank=True)
    label_ru = models.CharField(_("key phrases (Russian)"), max_length=300, blank=True)
    keywords = models.JSONField(_("key phrases"), default=list, blank=True)
    n_distinct = models.PositiveIntegerField(_("distinct proposals"), default=0)

    CODE_PREFIX = "T"

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["-size", "id"]


class ThemeMember(Stamped):
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="members"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="theme_memberships",
    )

    class Meta:
        verbose_name = _("theme member")
        verbose_name_plural = _("theme members")
        ordering = ["proposal_id"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "proposal"], name="theme_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.theme} ∋ {self.proposal_id}"


class ArticleLink(Stamped):
    class Source(models.TextChoices):
        # The text names the article ("статья 6", "6-бап") or the author chose it.
        EXPLICIT = "explicit", _("named in the proposal")
        SEMANTIC = "semantic", _("similar in meaning")
        STAFF = "staff", _("set by staff")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="article_links"
    )
    article = models.ForeignKey(
        "drafts.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    point = models.ForeignKey(
        "drafts.Point",
        verbose_name=_("point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("score"), default=1.0)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)

    class Meta:
        verbose_name = _("article link")
        verbose_name_plural = _("article links")
        ordering = ["proposal_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "article"], name="article_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.article_id}"


class Verdict(Stamped):
    """Why the analysis gave a proposal no theme or no article link. Only such proposals have
    a row (a proposal with a theme and links needs no explanation)."""

    class Kind(models.TextChoices):
        # The article linker found the letter's content about no article of the draft.
        NO_ARTICLE = "no_article", _("concerns no specific article")
        # Greetings, thanks, closings and the like, and nothing else.
        FORMULAS = "formulas", _("only greetings, thanks and other formulas")
        EMPTY = "empty", _("no text")
        # Neither Kazakh nor Russian (nor English) was recognised.
        LANGUAGE = "language", _("language not recognised")
        # Mostly unprintable characters: not text.
        UNREADABLE = "unreadable", _("text could not be read")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="verdicts"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("analysis verdict")
        verbose_name_plural = _("analysis verdicts")
        ordering = ["proposal_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind"], name="insights_verdict_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.kind}"


class DuplicateOf(Stamped):
    class Kind(models.TextChoices):
        EXACT = "exact", _("exact copy")
        NEAR = "near", _("near-identical")

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="duplicate_of"
    )
    of = models.ForeignKey(
        Proposal,
        verbose_name=_("earlier proposal"),
        on_delete=models.CASCADE,
        related_name="duplicates",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NEAR)
    score = models.FloatField(_("similarity"), default=1.0)

    class Meta:
        verbose_name = _("duplicate")
        verbose_name_plural = _("duplicates")

    def __str__(self) -> str:
        return f"{self.proposal_id} ≈ {self.of_id}"


class Correction(models.Model):
    """A staff correction of the machine results, re-applied after every run."""

    class Kind(models.TextChoices):
        LINK_SET = "link_set", _("article link set")
        LINK_REMOVE = "link_remove", _("article link removed")
        # ``proposal`` is not in the same campaign as ``anchor``.
        CAMPAIGN_SPLIT = "campaign_split", _("taken out of a campaign")
        THEME_SPLIT = "theme_split", _("taken out of a theme")
        # The campaign of ``proposal`` is the same as the campaign of ``anchor``.
        CAMPAIGN_MERGE = "campaign_merge", _("campaigns merged")
        THEME_MERGE = "theme_merge", _("themes merged")

    version = models.ForeignKey(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="+"
    )
    anchor = models.ForeignKey(
        Proposal,
        verbose_name=_("other proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    article = models.ForeignKey(
        "drafts.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    point = models.ForeignKey(
        "drafts.Point",
        verbose_name=_("point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.proposal_id}"


class Embedding(models.Model):
    """A text's embedding, stored once per model and reused by every run, step and search.

    ``key`` is the engine's hash of (model, query/passage, text) — the text itself is not kept
    here. ``vector`` holds float16 bytes (768 bytes for e5-small's 384 dimensions)."""

    key = models.CharField(max_length=32, primary_key=True)
    model_id = models.CharField(_("model"), max_length=100)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("embedding")
        verbose_name_plural = _("embeddings")

    def __str__(self) -> str:
        return f"{self.model_id}:{self.key}"


class ProposalVector(models.Model):
    """Which stored :class:`Embedding` stands for a proposal in search by meaning, per model.

    Written by the search the first time it embeds a proposal (from the letter's content in its
    public, masked text), so that a worker builds a version's search index from two queries
    instead of re-reading and re-parsing every letter."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="+"
    )
    model_id = models.CharField(_("model"), max_length=100)
    # Embedding.key (not a foreign key: the vector may be shared by equal texts).
    key = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("search vector")
        verbose_name_plural = _("search vectors")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "model_id"], name="insights_proposal_vector_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.model_id}"
