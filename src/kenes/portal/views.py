"""Public pages. Thin: read through selectors, render a template."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kenes.changes import selectors as change_selectors
from kenes.drafts import selectors
from kenes.drafts.models import pick_language
from kenes.portal import proposal_views


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"documents": selectors.document_list()})


@require_GET
def draft_toc(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = selectors.version_get(document_slug=slug, label=label)
    return render(
        request,
        "portal/draft_toc.html",
        {
            "version": version,
            "sections": selectors.version_sections(version),
            "other_versions": version.document.versions.exclude(pk=version.pk),
            "lang": pick_language(),
            "fallback": version.text_in("title")[1] != (get_language() or "")[:2],
        },
    )


@require_GET
def draft_article(request: HttpRequest, slug: str, label: str, number: str) -> HttpResponse:
    version = selectors.version_get(document_slug=slug, label=label)
    view = selectors.article_view(version=version, number=number)
    lang = pick_language()
    _text, shown_in = view.article.text_in("search", lang)
    return render(
        request,
        "portal/draft_article.html",
        {
            "version": version,
            "view": view,
            "article": view.article,
            "lang": lang,
            "shown_in": shown_in,
            "fallback": shown_in != (get_language() or "")[:2],
            "article_proposals": proposal_views.article_proposals_context(view.article),
        },
    )


@require_GET
def draft_search(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = selectors.version_get(document_slug=slug, label=label)
    query = request.GET.get("q", "").strip()[:200]
    results = selectors.article_search(version=version, query=query, lang=pick_language())
    template = (
        "portal/_search_results.html"
        if request.headers.get("HX-Request")
        else "portal/draft_search.html"
    )
    return render(
        request,
        template,
        {"version": version, "query": query, "results": results, "lang": pick_language()},
    )


@require_GET
def compare_choose(request: HttpRequest) -> HttpResponse:
    """Pick two versions to compare; ``?a=slug/label&b=slug/label`` redirects to the diff."""
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    error = ""
    if a and b:
        try:
            (slug_a, label_a), (slug_b, label_b) = a.split("/", 1), b.split("/", 1)
            return redirect("portal:compare", slug_a, label_a, slug_b, label_b)
        except (ValueError, NoReverseMatch):
            error = _("Choose two versions to compare.")
    return render(
        request,
        "portal/compare_choose.html",
        {
            "versions": selectors.version_list(),
            "a": a,
            "b": b,
            "error": error,
        },
    )


# Articles per page of a comparison.
COMPARE_PAGE = 30


@require_GET
def compare(
    request: HttpRequest, slug_a: str, label_a: str, slug_b: str, label_b: str
) -> HttpResponse:
    old = selectors.version_get(document_slug=slug_a, label=label_a)
    new = selectors.version_get(document_slug=slug_b, label=label_b)
    lang = pick_language()
    summary = selectors.version_diff(old=old, new=new, lang=lang)
    show = request.GET.get("show", "changes")
    # How many proposals led to each change (kenes.changes), to mark and filter them.
    by_old, by_new = change_selectors.proposal_counts(old=old, new=new)
    for c in summary.changes:
        c.proposals = max(  # type: ignore[attr-defined]
            by_new.get(c.new.number, 0) if c.new else 0,
            by_old.get(c.old.number, 0) if c.old else 0,
        )
    changes_all: list[Any] = list(summary.changes)
    if show == "all":
        changes = summary.changes
    elif show == "proposals":
        changes = [c for c in summary.changes if c.proposals]  # type: ignore[attr-defined]
    else:
        changes = [c for c in summary.changes if c.change.value != "unchanged" or c.renumbered]
    # Paged, with a jump list of every listed article: the 1995→2026 comparison would be
    # ~280 KB of HTML and 127,000 px on a phone in one page.
    pages = max(1, -(-len(changes) // COMPARE_PAGE))
    try:
        number = min(max(1, int(request.GET.get("page", "1"))), pages)
    except ValueError:
        number = 1
    jump = []
    for n, c in enumerate(changes):
        side, ref = ("n", c.new) if c.new is not None else ("o", c.old)
        if ref is not None:
            jump.append((f"{side}{ref.number}", ref.number, n // COMPARE_PAGE + 1, c.change.value))
    return render(
        request,
        "portal/compare.html",
        {
            "old": old,
            "new": new,
            "summary": summary,
            "counts": summary.counts(),
            "changes": changes[(number - 1) * COMPARE_PAGE : number * COMPARE_PAGE],
            "page": {
                "number": number,
                "pages": pages,
                "previous": number - 1 if number > 1 else None,
                "next": number + 1 if number < pages else None,
            },
            "jump": jump if pages > 1 else [],
            "show": show,
            "from_proposals": len([c for c in changes_all if c.proposals]),
            "lang": lang,
            "api_url": reverse("api-1:drafts_diff") + f"?from={slug_a}/{label_a}&to={slug_b}/"
            f"{label_b}&lang={lang}",
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no database (a database outage must not make
    an orchestrator restart every web process); readiness is :func:`readyz`."""
    return JsonResponse({"ok": True})


def _ready_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return ""


def _ready_ledger_key() -> str:
    """The log's key is readable: the private key in a process that may sign, read afresh;
    with ``KENES_LEDGER_SIGNING=sequencer-only`` the web process never opens the private key
    (docs/security.md), so it checks the public key it publishes instead."""
    import os

    from django.conf import settings as conf

    from kenes.ledger import signing
    from kenes.ledger.merkle import parse_private_key

    if not signing.may_sign():
        signing.vkey()
        return ""
    raw = os.environ.get("KENES_LEDGER_KEY", "")
    if not raw:
        path = conf.DATA_DIR / "ledger_key"
        if not path.exists():
            return "no ledger key: set KENES_LEDGER_KEY"
        raw = path.read_text().strip()
    parse_private_key(raw)
    return ""


def _ready_tasks() -> str:
    from django.conf import settings as conf

    if not conf.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return ""  # an in-process backend (tests, demo) has nothing to reach
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.ready().order_by().values("id")[:1].exists()
    return ""


def _intake_writer_note() -> str | None:
    """None when no intake writer is configured; else "ok" or why this process writes
    submissions itself. Informative only: without the writer intake goes on, slower."""
    from django.conf import settings as conf

    path = getattr(conf, "KENES_INTAKE_WRITER_SOCKET", "")
    if not path:
        return None
    from kenes.proposals.writer import reachable

    problem = reachable(path)
    if not problem:
        return "ok"
    return f"unreachable ({problem}); the web processes write submissions themselves"


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers: the database answers, the ledger key is readable and the
    task queue (django-tasks' table) answers. 503 with the failing checks otherwise. Where an
    intake writer is configured, ``notes.intake_writer`` says whether it answers; a host whose
    writer is down still takes submissions (slower), so that note never makes it unready."""
    checks: dict[str, str] = {}
    for name, check in (
        ("database", _ready_database),
        ("ledger_key", _ready_ledger_key),
        ("tasks", _ready_tasks),
    ):
        try:
            problem = check()
        except Exception as exc:  # reported, not raised: the balancer reads the reason
            problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        checks[name] = problem or "ok"
    ready = all(v == "ok" for v in checks.values())
    body: dict[str, object] = {"ok": ready, "checks": checks}
    writer_note = _intake_writer_note()
    if writer_note is not None:
        body["notes"] = {"intake_writer": writer_note}
    if not ready:
        body["reason"] = "; ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok")
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    if not ready:
        response["Retry-After"] = "5"
    return response


def not_found(request: HttpRequest, exception: Http404) -> HttpResponse:
    return render(request, "portal/404.html", status=404)
