"""``/open-data/``: the list of published open-data packages; staff may queue a build now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kenes.opendata import selectors

# Staff who handle proposals (reviewers, commission administrators) may queue a build.
BUILD_PERM = "proposals.change_proposal"


def _may_build(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_staff and user.has_perm(BUILD_PERM))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/index.html",
        {
            "packages": selectors.packages(),
            "licence": selectors.licence(),
            "may_build": _may_build(request),
        },
    )


@require_POST
def build(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("opendata:index"))
    if not _may_build(request):
        raise PermissionDenied
    from kenes.opendata.tasks import opendata_build

    opendata_build.enqueue(str(selectors.output_dir()))
    messages.success(
        request, _("Today's package is being built; it appears here in a few minutes.")
    )
    return redirect("opendata:index")
