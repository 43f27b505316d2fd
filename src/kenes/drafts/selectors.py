"""Reads of draft texts shared by the portal, the API and the exporters."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from kenes.drafts import diffing, formats
from kenes.drafts.models import Article, Document, Point, Section, Subpoint, Version


def version_get(*, document_slug: str, label: str) -> Version:
    """Return the version or raise Http404."""
    version = (
        Version.objects.select_related("document")
        .filter(document__slug=document_slug, label=label)
        .first()
    )
    if version is None:
        raise Http404(f"No version {document_slug}/{label}")
    return version


def document_list() -> QuerySet[Document]:
    return Document.objects.prefetch_related(
        Prefetch("versions", queryset=Version.objects.order_by("created_at", "id"))
    )


def version_list() -> QuerySet[Version]:
    return Version.objects.select_related("document").order_by("document__slug", "created_at")


def version_sections(version: Version) -> list[Section]:
    """Return the sections of a version with their articles (for the table of contents)."""
    return list(
        version.sections.order_by("position").prefetch_related(
            Prefetch(
                "articles",
                queryset=Article.objects.select_related("version__document").order_by("position"),
            )
        )
    )


@dataclass
class PointView:
    point: Point | None
    subpoints: list[Subpoint] = field(default_factory=list)


@dataclass
class ArticleView:
    """An article with its points and subpoints in reading order, plus its neighbours."""

    article: Article
    intro_subpoints: list[Subpoint]
    points: list[PointView]
    previous: Article | None
    next: Article | None


def article_find(*, version: Version, number: str) -> Article | None:
    """Return the article ``number`` of ``version`` (with section and document), or None."""
    if not number:
        return None
    return (
        Article.objects.select_related("section", "version__document")
        .filter(version=version, number=number)
        .first()
    )


def article_view(*, version: Version, number: str) -> ArticleView:
    article = (
        Article.objects.select_related("section", "version__document")
        .filter(version=version, number=number)
        .first()
    )
    if article is None:
        raise Http404(f"No article {number} in {version}")
    points = list(article.points.order_by("position"))
    by_point: dict[int | None, list[Subpoint]] = {}
    for sp in article.subpoints.order_by("position"):
        by_point.setdefault(sp.point_id, []).append(sp)
    siblings = version.articles.order_by("position").only("number", "position")
    previous = siblings.filter(position__lt=article.position).order_by("-position").first()
    following = siblings.filter(position__gt=article.position).first()
    return ArticleView(
        article=article,
        intro_subpoints=by_point.get(None, []),
        points=[PointView(p, by_point.get(p.pk, [])) for p in points],
        previous=previous,
        next=following,
    )


def article_search(*, version: Version, query: str, lang: str, limit: int = 50) -> list[Article]:
    """Return articles of ``version`` containing every word of ``query`` (case-insensitive).

    Draft texts are small (hundreds of articles), so a word-by-word substring search over the
    stored whole-article text of both languages is fast enough on SQLite and PostgreSQL.
    """
    words = [w.casefold() for w in query.split() if len(w) >= 2][:8]
    if not words:
        return []
    articles = version.articles.select_related("version__document").order_by("position")
    if connection.vendor == "sqlite":
        # SQLite's LIKE folds case for ASCII only; fold Cyrillic in Python instead.
        return [
            a
            for a in articles
            if all(w in f"{a.number}\n{a.search_kk}\n{a.search_ru}".casefold() for w in words)
        ][:limit]
    condition = Q()
    for word in words:
        condition &= Q(search_kk__icontains=word) | Q(search_ru__icontains=word) | Q(number=word)
    return list(articles.filter(condition)[:limit])


def version_to_doc(version: Version, lang: str) -> formats.DraftDoc:
    """Return one language of a version as a DraftDoc (for export and comparison)."""
    doc = formats.DraftDoc(
        title=getattr(version, f"title_{lang}"),
        language=lang,
        version=version.label,
        preamble=getattr(version, f"preamble_{lang}"),
        meta=dict(version.meta.get(lang, {})),
    )
    points_by_article: dict[int, list[Point]] = {}
    for p in Point.objects.filter(article__version=version).order_by("article_id", "position"):
        points_by_article.setdefault(p.article_id, []).append(p)
    subs_by_article: dict[int, list[Subpoint]] = {}
    for sp in Subpoint.objects.filter(article__version=version).order_by("article_id", "position"):
        subs_by_article.setdefault(sp.article_id, []).append(sp)
    for section in version_sections(version):
        sec = formats.Section(
            number=section.number,
            title=getattr(section, f"title_{lang}"),
            notes=list(getattr(section, f"notes_{lang}")),
        )
        for a in section.articles.all():
            art = formats.Article(
                number=a.number,
                title=getattr(a, f"title_{lang}"),
                text=getattr(a, f"text_{lang}"),
                notes=list(getattr(a, f"notes_{lang}")),
            )
            subs = subs_by_article.get(a.pk, [])
            art.subpoints = [
                formats.Subpoint(s.number, getattr(s, f"text_{lang}"))
                for s in subs
                if s.point_id is None
            ]
            for p in points_by_article.get(a.pk, []):
                art.points.append(
                    formats.Point(
                        number=p.number,
                        text=getattr(p, f"text_{lang}"),
                        subpoints=[
                            formats.Subpoint(s.number, getattr(s, f"text_{lang}"))
                            for s in subs
                            if s.point_id == p.pk
                        ],
                    )
                )
            sec.articles.append(art)
        doc.sections.append(sec)
    return doc


def _comparable(version: Version, lang: str) -> list[diffing.ArticleText]:
    out = []
    for section in version_sections(version):
        for a in section.articles.all():
            text = getattr(a, f"search_{lang}") or a.search_ru or a.search_kk
            title = getattr(a, f"title_{lang}") or a.title_ru or a.title_kk
            out.append(diffing.ArticleText(a.number, text, section.number, title))
    return out


def version_diff(*, old: Version, new: Version, lang: str) -> diffing.DiffSummary:
    """Compare two versions (of one document or of two) article by article in ``lang``."""
    return diffing.compare(_comparable(old, lang), _comparable(new, lang))
