"""Public pages of the account: /stats/, /account/..., /ledger/ overview, about/help/privacy.

Thin: read through selectors, render. Every figure has a table and a CSV; charts are SVG drawn
on the server, so the pages work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from kenes.accountability import selectors
from kenes.core.downloads import csv_download, xlsx_download
from kenes.drafts import selectors as drafts
from kenes.drafts.models import Version, pick_language
from kenes.review.models import Decision


def _version_arg(request: HttpRequest) -> Version | None:
    raw = request.GET.get("version", "").strip()
    if not raw:
        return None
    slug, _sep, label = raw.partition("/")
    try:
        return drafts.version_get(document_slug=slug, label=label)
    except Http404:
        return None


def _dashboard(version: Version | None, lang: str) -> selectors.Dashboard:
    key = f"kenes:stats:{version.pk if version else 'all'}:{get_language()}"
    found: selectors.Dashboard | None = cache.get(key)
    if found is None:
        found = selectors.dashboard(version=version, lang=lang)
        if settings.KENES_STATS_CACHE_SECONDS > 0:
            cache.set(key, found, settings.KENES_STATS_CACHE_SECONDS)
    return found


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    version = _version_arg(request)
    board = _dashboard(version, pick_language())
    # Charts are drawn in the template (filter chart_svg), only when the cached body expired.
    series = [{"series": s} for s in board.series.values()]
    return render(
        request,
        "accountability/stats.html",
        {
            "board": board,
            "charts": series,
            "version": version,
            "versions": drafts.version_list().select_related("document"),
            "map": _region_map(board.regions),
            # The page body is kept as long as the figures (KENES_STATS_CACHE_SECONDS).
            "cache_seconds": max(settings.KENES_STATS_CACHE_SECONDS, 0),
            "cache_key": version.pk if version else "all",
        },
    )


def _region_map(counts: dict[str, int]) -> dict[str, Any] | None:
    """The coverage map's SVG shapes, coloured by the share of proposals from each region."""
    from kenes.outreach import maps

    regions_map = maps.regions_map()
    if regions_map is None:
        return None
    top = max(counts.values(), default=0)
    shapes = [
        {
            "shape": shape,
            "n": counts.get(shape.code, 0),
            "fill": maps.colour(counts.get(shape.code, 0) / top if top else None),
        }
        for shape in regions_map.shapes
    ]
    return {"map": regions_map, "shapes": shapes}


def _csv_response(name: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    return csv_download(header, rows, filename=name)


@require_GET
def stats_csv(request: HttpRequest, slug: str) -> HttpResponse:
    version = _version_arg(request)
    board = _dashboard(version, pick_language())
    if slug == "summary":
        rows = [
            ["proposals", board.total],
            ["campaigns", board.campaigns],
            ["themes", board.themes],
            ["meetings_held", board.meetings_held],
            ["settlements_reached", board.settlements_reached],
        ]
        return _csv_response("kenes-stats-summary.csv", ["figure", "value"], rows)
    series = board.series.get(slug)
    if series is None:
        raise Http404("no such series")
    rows = [[b.key, b.label, b.value] for b in series.bars]
    return _csv_response(f"kenes-stats-{slug}.csv", ["key", "label", "proposals"], rows)


@require_GET
def account_version(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = drafts.version_get(document_slug=slug, label=label)
    lang = pick_language()
    return render(
        request,
        "accountability/account_version.html",
        {
            "version": version,
            "rows": selectors.version_account(version=version, lang=lang),
            "newer": selectors.newer_version(version),
            "decisions": Decision.choices,
            "lang": lang,
        },
    )


@require_GET
def account_article(request: HttpRequest, slug: str, label: str, number: str) -> HttpResponse:
    version = drafts.version_get(document_slug=slug, label=label)
    lang = pick_language()
    account = selectors.article_account(version=version, number=number, lang=lang)
    return render(
        request,
        "accountability/account_article.html",
        {
            "version": version,
            "account": account,
            "article": account.article,
            "decisions": Decision.choices,
            "lang": lang,
        },
    )


@require_GET
def account_export(request: HttpRequest, slug: str, label: str, fmt: str) -> HttpResponse:
    version = drafts.version_get(document_slug=slug, label=label)
    lang = request.GET.get("lang", "") or pick_language()
    lang = lang if lang in ("kk", "ru") else pick_language()
    header, rows = selectors.account_table(version=version, lang=lang)
    name = f"kenes-account-{version.document.slug}-{version.label}-{lang}"
    if fmt == "csv":
        return _csv_response(f"{name}.csv", header, rows)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = f"{version.label}"[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip(
        "ABCDEFGHIJKLMNOP",
        (8, 6, 40, 10, 10, 10, 10, 10, 10, 10, 60, 10, 8, 10, 60, 8),
        strict=True,
    ):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return xlsx_download(book, name=name)


# --- the public ledger page ---


@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    from kenes.ledger.models import Checkpoint, Entry, Leaf

    checkpoints = list(
        Checkpoint.objects.order_by("-size").prefetch_related("cosignatures__witness")[:10]
    )
    kinds = cache.get("kenes:ledger:kinds")
    if kinds is None:
        kinds = list(Entry.objects.values("kind").annotate(n=Count("id")).order_by("kind"))
        cache.set("kenes:ledger:kinds", kinds, 30)
    return render(
        request,
        "accountability/ledger.html",
        {
            "checkpoints": checkpoints,
            "latest": checkpoints[0] if checkpoints else None,
            "kinds": kinds,
            "sequenced": Leaf.objects.count() if not checkpoints else checkpoints[0].size,
            "public_url": request.build_absolute_uri("/").rstrip("/"),
        },
    )


# --- about, help, privacy ---


@require_GET
def page(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ("about", "help", "privacy"):
        raise Http404("no such page")
    lang = (get_language() or "kk")[:2]
    lang = lang if lang in ("kk", "ru", "en") else "ru"
    return render(request, f"accountability/pages/{name}_{lang}.html", {"name": name})
