"""Staff pages: the final report's build button with its progress, the explainer handouts
organisers print, and the form where staff write an article's plain-language note.

Thin: parse with forms, read through selectors, write through services.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kenes.accounts.permissions import staff_view
from kenes.drafts.models import Article, Version
from kenes.reports import forms, selectors, services
from kenes.reports.models import ExplainerNote, ReportBuild, ReportLanguage

BUILD_PERM = "reports.add_reportbuild"
VIEW_PERM = "reports.view_reportbuild"
NOTE_PERM = "reports.change_explainernote"


def _any_staff(user: Any) -> bool:
    return True


# Staff only (commission, reviewers, coalition organisers); others go to the login. Each view
# checks its own permission.
reports_staff_view = staff_view(can_read=_any_staff)


@require_http_methods(["GET", "POST"])
@reports_staff_view
def builds(request: HttpRequest) -> HttpResponse:
    """The final report: the build button and the past builds with their progress."""
    if not request.user.has_perm(VIEW_PERM):
        raise PermissionDenied
    can_build = request.user.has_perm(BUILD_PERM)
    # The version the latest proposals are on is the one a report is usually wanted for.
    form = forms.ReportRequestForm(
        request.POST or None,
        initial={"version": selectors.latest_proposal_version_id()},
    )
    if request.method == "POST":
        if not can_build:
            raise PermissionDenied
        if form.is_valid():
            try:
                build = services.report_build_request(
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("The report is queued; this page shows its progress (#%(n)d).")
                    % {"n": build.pk},
                )
                return redirect("reports:builds")
    return render(
        request,
        "reports/builds.html",
        {"form": form, "can_build": can_build, "builds": selectors.latest_builds()},
    )


@require_GET
@reports_staff_view
def build_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One build's row (htmx polls it while the build is queued or running)."""
    if not request.user.has_perm(VIEW_PERM):
        raise PermissionDenied
    build = ReportBuild.objects.select_related("version__document").filter(pk=pk).first()
    if build is None:
        raise Http404
    return render(request, "reports/_build_row.html", {"b": build})


@require_GET
@reports_staff_view
def build_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    if not request.user.has_perm(VIEW_PERM):
        raise PermissionDenied
    build = ReportBuild.objects.select_related("version__document").filter(pk=pk).first()
    if build is None or build.status != ReportBuild.Status.DONE or not build.file:
        raise Http404
    path = Path(build.file)
    if not path.is_file():
        raise Http404
    v = build.version
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"kenes-report-{v.document.slug}-{v.label}-{build.language}.pdf",
        content_type="application/pdf",
    )


def _article_label(a: Article) -> str:
    title = a.text_in("title")[0]
    return _("Article %(n)s") % {"n": a.number} + (f" — {title}" if title else "")


@require_http_methods(["GET", "POST"])
@reports_staff_view
def handouts(request: HttpRequest, version_id: int | None = None) -> HttpResponse:
    """Organisers choose a version, articles and a language, and download the A4 handout."""
    versions = selectors.versions_for_choice()
    if not versions:
        return render(request, "reports/handouts.html", {"versions": [], "version": None})
    if version_id is None:
        wanted = request.GET.get("version", "")
        if wanted.isdigit():
            return redirect("reports:handouts-version", version_id=int(wanted))
        version: Version | None = versions[-1]
    else:
        version = next((v for v in versions if v.pk == version_id), None)
    if version is None:
        raise Http404
    articles = selectors.version_articles(version)
    notes = set(
        ExplainerNote.objects.filter(article__version=version).values_list("article_id", "language")
    )
    form = forms.HandoutForm(
        request.POST or None,
        initial={
            "language": (request.LANGUAGE_CODE or "kk")[:2]
            if (request.LANGUAGE_CODE or "")[:2] in ReportLanguage.values
            else "ru"
        },
        article_choices=[(a.number, _article_label(a)) for a in articles],
    )
    if request.method == "POST" and form.is_valid():
        lang = form.cleaned_data["language"]
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "handout.pdf"
            try:
                services.handout_build(
                    version=version,
                    numbers=list(form.cleaned_data["articles"]),
                    language=lang,
                    out=out,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                pdf = out.read_bytes()
                response = HttpResponse(pdf, content_type="application/pdf")
                name = f"kenes-handout-{version.document.slug}-{version.label}-{lang}.pdf"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
    rows = [
        {
            "article": a,
            "title": a.text_in("title")[0],
            "notes": [code for code in ReportLanguage.values if (a.pk, code) in notes],
        }
        for a in articles
    ]
    return render(
        request,
        "reports/handouts.html",
        {
            "versions": versions,
            "version": version,
            "form": form,
            "rows": rows,
            "can_write_notes": request.user.has_perm(NOTE_PERM),
            "languages": ReportLanguage.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@reports_staff_view
def note_edit(request: HttpRequest, article_id: int, lang: str) -> HttpResponse:
    """Staff write the plain-language note of an article in one language."""
    if not request.user.has_perm(NOTE_PERM):
        raise PermissionDenied
    if lang not in ReportLanguage.values:
        raise Http404
    article = Article.objects.select_related("version__document").filter(pk=article_id).first()
    if article is None:
        raise Http404
    note = ExplainerNote.objects.filter(article=article, language=lang).first()
    form = forms.NoteForm(request.POST or None, initial={"text": note.text if note else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.explainer_note_save(
                actor=request.user, article=article, language=lang, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("reports:handouts-version", version_id=article.version_id)
    version: Version = article.version
    text, text_lang = article.text_in("search", lang)
    return render(
        request,
        "reports/note_edit.html",
        {
            "form": form,
            "article": article,
            "version": version,
            "lang": lang,
            "lang_label": dict(ReportLanguage.choices)[lang],
            "article_text": text,
            "article_text_lang": text_lang,
        },
    )
