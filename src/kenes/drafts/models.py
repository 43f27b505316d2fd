"""Draft documents: document → versions → sections → articles → points → subpoints.

Each piece of text is stored in Kazakh and in Russian side by side (``*_kk``, ``*_ru``) with one
shared numbering, so the reader can switch language and keep its place. A version's text is
written once by an import (``draft_version_import``); a parallel translation may be added later.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONTENT_LANGUAGES = ("kk", "ru")


def pick_language(requested: str | None = None) -> str:
    """Return the content language for a UI language: kk and ru as is, others read Russian."""
    lang = (requested or get_language() or "kk")[:2]
    return lang if lang in CONTENT_LANGUAGES else "ru"


class Bilingual(models.Model):
    """Text fields in both languages, with a fallback to the other one."""

    class Meta:
        abstract = True

    def text_in(self, field: str, lang: str | None = None) -> tuple[str, str]:
        """Return (text, language it is in) for ``field``, falling back to the other language."""
        lang = pick_language(lang)
        other = "ru" if lang == "kk" else "kk"
        for code in (lang, other):
            value = getattr(self, f"{field}_{code}")
            if value:
                return value, code
        return "", lang


class Document(Bilingual):
    """A legal text under consultation, e.g. "the Constitution"; it has versions."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    # How proposals about this document are published; empty: KENES_MODERATION decides.
    moderation = models.CharField(
        _("publication of proposals"),
        max_length=16,
        choices=[
            ("", _("as the site setting says")),
            ("publish", _("at once")),
            ("premoderate", _("after moderation")),
        ],
        blank=True,
        default="",
    )
    # Who may propose (issue #10): empty follows KENES_IDENTITY; see kenes.accounts.citizens.
    identity = models.CharField(
        _("identity of authors"),
        max_length=16,
        choices=[
            ("", _("as the site setting says")),
            ("anonymous", _("anonymous allowed")),
            ("signin", _("sign-in required")),
            ("iin", _("sign-in and IIN required")),
        ],
        blank=True,
        default="",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title_in()[0] or self.slug

    def title_in(self, lang: str | None = None) -> tuple[str, str]:
        return self.text_in("title", lang)


class Version(Bilingual):
    """One version of a document's text (e.g. "1995", "2026" or "draft-1")."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    label = models.SlugField(_("label"), max_length=40)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    preamble_kk = models.TextField(_("preamble (Kazakh)"), blank=True)
    preamble_ru = models.TextField(_("preamble (Russian)"), blank=True)
    # Extra top-level keys of the imported JSON (adoption date, source...), per language.
    meta = models.JSONField(_("metadata"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["document", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "label"], name="version_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document.slug}/{self.label}"

    def get_absolute_url(self) -> str:
        return reverse("portal:draft-toc", args=[self.document.slug, self.label])

    @property
    def languages(self) -> list[str]:
        """Return the languages this version's text is loaded in."""
        return [code for code in CONTENT_LANGUAGES if getattr(self, f"title_{code}")]


class Section(Bilingual):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"))
    number = models.CharField(_("number"), max_length=20, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    notes_kk = models.JSONField(_("notes (Kazakh)"), default=list, blank=True)
    notes_ru = models.JSONField(_("notes (Russian)"), default=list, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.text_in('title')[0]}".strip()


class Article(Bilingual):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="articles")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveIntegerField(_("position"))
    number = models.CharField(_("number"), max_length=12)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    notes_kk = models.JSONField(_("notes (Kazakh)"), default=list, blank=True)
    notes_ru = models.JSONField(_("notes (Russian)"), default=list, blank=True)
    # Whole article text per language, for search and comparison.
    search_kk = models.TextField(editable=False, blank=True)
    search_ru = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="article_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version} art. {self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "portal:draft-article",
            args=[self.version.document.slug, self.version.label, self.number],
        )


class Point(Bilingual):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveIntegerField(_("position"))
    number = models.CharField(_("number"), max_length=12)
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)

    class Meta:
        verbose_name = _("point")
        verbose_name_plural = _("points")
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="point_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} p. {self.number}"

    @property
    def anchor(self) -> str:
        return f"p{self.number}"


class Subpoint(Bilingual):
    """A numbered item "1)" of a point, or of the article itself when ``point`` is empty.

    ``number`` is empty for an unnumbered paragraph that closes a list of subpoints.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="subpoints")
    point = models.ForeignKey(
        Point, null=True, blank=True, on_delete=models.CASCADE, related_name="subpoints"
    )
    position = models.PositiveIntegerField(_("position"))
    # NULL (not "") marks an unnumbered closing paragraph, as null does in the draft JSON.
    number = models.CharField(_("number"), max_length=12, null=True, blank=True)  # noqa: DJ001
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)

    class Meta:
        verbose_name = _("subpoint")
        verbose_name_plural = _("subpoints")
        ordering = ["article", "position"]

    def __str__(self) -> str:
        return f"{self.article} {self.number or ''})"
