"""Comment pages: the comments on one point with the form, and the staff moderation screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kenes.comments import selectors, services
from kenes.comments.models import TEXT_MAX, Comment, CommentState, HiddenReason
from kenes.drafts.matching import next_version
from kenes.drafts.models import pick_language
from kenes.drafts.selectors import article_find, version_get

MODERATE_PERM = "comments.change_comment"


@require_http_methods(["GET", "POST"])
def point_comments(
    request: HttpRequest, slug: str, label: str, number: str, point: str
) -> HttpResponse:
    """``point`` is the point's number, or "0" for the article as a whole."""
    version = version_get(document_slug=slug, label=label)
    article = article_find(version=version, number=number)
    if article is None:
        raise Http404("no such article")
    point_obj = None
    if point != "0":
        point_obj = article.points.filter(number=point).first()
        if point_obj is None:
            raise Http404("no such point")
    text = ""
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.comment_submit(
                version=version,
                article=article,
                point=point_obj,
                text=text,
                language=(get_language() or "kk")[:2],
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("Thank you. Your comment will appear here once a moderator has read it."),
            )
            return redirect(request.path + "#comments")
    comments = selectors.article_comments(version=version, article=article)
    newer = next_version(version)
    return render(
        request,
        "comments/point.html",
        {
            "version": version,
            "article": article,
            "point": point_obj,
            "comments": comments.for_point(point_obj),
            "lost": comments.lost if point_obj is None else None,
            "newer": newer,
            "text": text,
            "errors": errors,
            "text_max": TEXT_MAX,
            "lang": pick_language(),
        },
        status=400 if errors else 200,
    )


def _staff(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path())
    if not user.has_perm(MODERATE_PERM):
        raise PermissionDenied
    return None


@require_http_methods(["GET"])
def moderate(request: HttpRequest) -> HttpResponse:
    if (denied := _staff(request)) is not None:
        return denied
    state = request.GET.get("state", CommentState.PENDING)
    if state not in CommentState.values:
        state = CommentState.PENDING
    return render(
        request,
        "comments/moderate.html",
        {
            "items": selectors.moderation_queue(state)[:100],
            "state": state,
            "states": CommentState.choices,
            "counts": selectors.comment_counts(),
            "reasons": HiddenReason.choices,
        },
    )


@require_POST
def moderate_one(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := _staff(request)) is not None:
        return denied
    comment = get_object_or_404(Comment, pk=pk)
    try:
        services.comment_moderate(
            actor=request.user,
            comment=comment,
            state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("comments:moderate") + "?state=" + request.POST.get("back", "pending"))
