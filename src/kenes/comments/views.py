"""Comment pages: the comments on one point with the form, and the staff moderation screen."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kenes.accounts.permissions import staff_view
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


# Staff who may change comments; others go to the sign-in page.
moderator_view = staff_view(can_read=MODERATE_PERM)


@require_http_methods(["GET"])
@moderator_view
def moderate(request: HttpRequest) -> HttpResponse:
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
@moderator_view
def moderate_one(request: HttpRequest, pk: int) -> HttpResponse:
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
