"""JSON API of drafts: documents, versions (Kenes draft JSON), articles and diffs."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Query

from kenes.drafts import formats, selectors

router = Router(tags=["drafts"])

Lang = Literal["kk", "ru"]


class VersionOut(Schema):
    label: str
    languages: list[str]
    title_kk: str
    title_ru: str


class DocumentOut(Schema):
    slug: str
    title_kk: str
    title_ru: str
    versions: list[VersionOut]


class SegmentOut(Schema):
    op: Literal["equal", "insert", "delete"]
    text: str


class ChangeOut(Schema):
    change: Literal["unchanged", "changed", "added", "removed"]
    old_number: str | None
    new_number: str | None
    old_section: str | None
    new_section: str | None
    renumbered: bool
    moved: bool
    similarity: float
    segments: list[SegmentOut]


class DiffOut(Schema):
    old: str
    new: str
    language: Lang
    counts: dict[str, int]
    changes: list[ChangeOut]


def _version(ref: str) -> Any:
    slug, sep, label = ref.partition("/")
    if not sep or not slug or not label:
        raise HttpError(422, f"'{ref}' is not a version reference like 'constitution/2026'")
    try:
        return selectors.version_get(document_slug=slug, label=label)
    except Http404 as exc:
        raise HttpError(404, str(exc)) from exc


@router.get("/", response=list[DocumentOut], url_name="drafts_list")
def documents(request: HttpRequest) -> list[dict[str, Any]]:
    """List the documents and their versions."""
    return [
        {
            "slug": d.slug,
            "title_kk": d.title_kk,
            "title_ru": d.title_ru,
            "versions": [
                {
                    "label": v.label,
                    "languages": v.languages,
                    "title_kk": v.title_kk,
                    "title_ru": v.title_ru,
                }
                for v in d.versions.all()
            ],
        }
        for d in selectors.document_list()
    ]


@router.get("/diff", response=DiffOut, url_name="drafts_diff")
def diff(
    request: HttpRequest,
    source: str = Query(..., alias="from", description="earlier version, e.g. constitution/1995"),
    to: str = Query(..., description="later version, e.g. constitution/2026"),
    lang: Lang = "ru",
) -> dict[str, Any]:
    """Compare two versions article by article: ``?from=constitution/1995&to=constitution/2026``.

    Articles are matched by content; each change is unchanged, changed (with a word-level
    inline diff), added or removed, and flags renumbered or moved articles.
    """
    old, new = _version(source), _version(to)
    summary = selectors.version_diff(old=old, new=new, lang=lang)
    return {
        "old": source,
        "new": to,
        "language": lang,
        "counts": summary.counts(),
        "changes": [c.as_dict() for c in summary.changes],
    }


@router.get("/{slug}/{label}", url_name="drafts_version")
def version_json(request: HttpRequest, slug: str, label: str, lang: Lang = "ru") -> dict[str, Any]:
    """Return one language of a version as Kenes draft JSON."""
    version = _version(f"{slug}/{label}")
    if lang not in version.languages:
        raise HttpError(404, f"{version} has no '{lang}' text; it has {version.languages}")
    return formats.draft_to_dict(selectors.version_to_doc(version, lang))
