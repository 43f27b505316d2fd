"""Staff pages in the portal's look: sign-in, sign-out, error pages and the draft upload.

Sign-in and sign-out are Django's own views with portal templates; the admin's login page
redirects here. The draft upload reads a file with :mod:`kenes.drafts.formats`, shows every
problem with its place and the structure, keeps the parsed text in the session and publishes it
with :func:`kenes.drafts.services.draft_version_import` (which writes the audit entry).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from kenes.accounts.permissions import staff_view
from kenes.drafts import formats
from kenes.drafts.models import Document, Version
from kenes.drafts.selectors import version_to_doc
from kenes.drafts.services import draft_version_import
from kenes.portal.draft_problems import shown
from kenes.portal.staff_forms import DraftUploadForm

SESSION_KEY = "kenes_draft_upload"
DRAFT_PUBLISH = "drafts.add_version"


class StaffLoginView(auth_views.LoginView):
    """Staff sign-in in the portal's look; wrong passwords are rate-limited per address and
    per account (kenes.core.ratelimit) and locked out by django-axes like the admin's."""

    template_name = "portal/staff/login.html"
    redirect_authenticated_user = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from kenes.core import ratelimit

        username = str(request.POST.get("username", ""))[:150].casefold()
        retry = ratelimit.hit(request, "signin", "staff:" + username if username else None)
        if retry is not None:
            return ratelimit.too_many(request, retry)
        return super().post(request, *args, **kwargs)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in address: a visitor is sent to the portal's sign-in page; a POST (and,
    with KENES_STAFF_OTP, every request) is the admin's own form, which asks for the TOTP code
    and is rate-limited (kenes.core.security.secure_admin_site)."""
    from django.conf import settings
    from django.contrib import admin

    if request.method == "GET" and not settings.KENES_STAFF_OTP:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(reverse("staff:login") + (f"?{query}" if query else ""))
    return admin.site.login(request)


class StaffLogoutView(auth_views.LogoutView):
    template_name = "portal/staff/logged_out.html"


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return HttpResponseRedirect(static("kenes/favicon.ico"))


# --- error pages ------------------------------------------------------------------------------


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "portal/403.html", {"csrf": True}, status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database or a context processor may be what failed.
    template = loader.get_template("portal/500.html")
    return HttpResponse(template.render({"LANG_CODE": _lang()}), status=500)


def _lang() -> str:
    from django.utils.translation import get_language

    return get_language() or settings.LANGUAGE_CODE


class FriendlyErrorPagesMiddleware:
    """With DEBUG on (the demo), Django answers a 404 or an error with its debug pages; show
    the portal's 404 and 500 pages in the reader's language instead.

    Only Django's technical pages are replaced (they say "DEBUG = True"); JSON answers and
    pages that chose their own body are left alone. The traceback of a 500 is still logged to
    the console by Django (``django.request``), where the person running the demo sees it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code in (404, 500)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
            and b"DEBUG = True" in response.content
        ):
            return not_found(request) if response.status_code == 404 else server_error(request)
        return response


# --- draft upload -----------------------------------------------------------------------------


def _structure(doc: formats.DraftDoc) -> list[dict[str, Any]]:
    return [
        {
            "number": s.number,
            "title": s.title,
            "articles": [
                {"number": a.number, "title": a.title, "points": len(a.points)} for a in s.articles
            ],
        }
        for s in doc.sections
    ]


def _check(doc: formats.DraftDoc, *, slug: str, label: str, replace: bool) -> list[formats.Problem]:
    problems = list(formats.validate(doc))
    version = Version.objects.filter(document__slug=slug, label=label).first()
    if version is not None:
        loaded = version.languages
        if doc.language in loaded and not replace:
            problems.append(
                formats.Problem(
                    f"{slug}/{label}",
                    _(
                        "The text in this language is already loaded for this version: tick "
                        "“replace” or choose a new version label."
                    ),
                )
            )
        elif not problems and loaded:
            problems += formats.structure_mismatches(version_to_doc(version, loaded[0]), doc)
    return problems


@staff_view(can_read=DRAFT_PUBLISH, can_act=DRAFT_PUBLISH)
def draft_upload(request: HttpRequest) -> HttpResponse:
    """Step 1 and 2: upload a file, see every problem and the structure."""
    context: dict[str, Any] = {"documents": Document.objects.order_by("slug")}
    if request.method == "POST":
        form = DraftUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            slug, label, replace = data["document"], data["version"], data["replace"]
            try:
                doc = formats.parse_any(
                    upload.read(),
                    filename=upload.name,
                    language=data["language"],
                    max_bytes=settings.KENES_DRAFT_MAX_BYTES,
                )
                doc.language = data["language"]
                problems = _check(doc, slug=slug, label=label, replace=replace)
            except formats.DraftFormatError as exc:
                doc, problems = None, exc.problems
            context.update(
                {
                    "problems": [shown(p) for p in problems],
                    "filename": upload.name,
                    "slug": slug,
                    "label": label,
                }
            )
            if doc is not None:
                context.update(
                    {
                        "doc": doc,
                        "structure": _structure(doc),
                        "article_count": len(doc.articles()),
                    }
                )
            if doc is not None and not problems:
                request.session[SESSION_KEY] = {
                    "doc": formats.dumps(doc),
                    "document": slug,
                    "version": label,
                    "replace": replace,
                    "filename": upload.name,
                }
            else:
                request.session.pop(SESSION_KEY, None)
    else:
        form = DraftUploadForm()
    context["form"] = form
    return render(request, "portal/staff/draft_upload.html", context)


@staff_view(can_read=DRAFT_PUBLISH, can_act=DRAFT_PUBLISH)
def draft_publish(request: HttpRequest) -> HttpResponse:
    """Step 3: publish the checked text as a version (audited by the service)."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("staff:draft-upload"))
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return render(
            request,
            "portal/staff/draft_upload.html",
            {
                "form": DraftUploadForm(),
                "expired": True,
                "documents": Document.objects.order_by("slug"),
            },
            status=400,
        )
    doc = formats.draft_from_dict(json.loads(pending["doc"]))
    try:
        version = draft_version_import(
            actor=request.user,
            doc=doc,
            document_slug=pending["document"],
            version_label=pending["version"],
            replace=pending["replace"],
        )
    except formats.DraftFormatError as exc:
        request.session.pop(SESSION_KEY, None)
        return render(
            request,
            "portal/staff/draft_upload.html",
            {
                "form": DraftUploadForm(),
                "problems": [shown(p) for p in exc.problems],
                "filename": pending["filename"],
                "documents": Document.objects.order_by("slug"),
            },
            status=400,
        )
    request.session.pop(SESSION_KEY, None)
    return render(
        request,
        "portal/staff/draft_published.html",
        {"version": version, "doc": doc, "article_count": len(doc.articles())},
    )
