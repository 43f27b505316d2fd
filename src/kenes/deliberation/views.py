"""Pages: conversation list, the vote card, results, the projector view and moderation.

Thin: they read through selectors and write through services. The vote card works without
JavaScript (a form per card, redirect after POST); with htmx the card is swapped in place.
A device is remembered by the ``kenes_device`` cookie (a random token; only its keyed hash is
stored, per conversation).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kenes.accounts.permissions import staff_view
from kenes.deliberation import opinions, selectors, services
from kenes.deliberation.models import STATEMENT_MAX, Conversation, Statement
from kenes.drafts.models import pick_language

DEVICE_COOKIE = "kenes_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
MODERATE_PERM = "deliberation.change_statement"


def _conversation(slug: str) -> Conversation:
    conv = selectors.conversation_get(slug)
    if conv is None:
        raise Http404
    return conv


def _participant(request: HttpRequest, conv: Conversation) -> Any:
    return services.participant_find(
        conversation=conv, device_token=request.COOKIES.get(DEVICE_COOKIE), user=request.user
    )


def _set_device(response: HttpResponse, request: HttpRequest, token: str) -> HttpResponse:
    if request.COOKIES.get(DEVICE_COOKIE) != token:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _ensure_participant(request: HttpRequest, conv: Conversation) -> tuple[Any, str]:
    token = request.COOKIES.get(DEVICE_COOKIE) or services.new_device_token()
    participant = services.participant_get_or_create(
        conversation=conv, device_token=token, user=request.user
    )
    return participant, token


@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    convs = list(selectors.conversations_public())
    return render(request, "deliberation/list.html", {"conversations": convs})


def _card_context(request: HttpRequest, conv: Conversation) -> dict[str, Any]:
    participant = _participant(request, conv)
    statement = opinions.next_statement_for(
        conversation=conv, participant=participant, language=pick_language()
    )
    done, total = selectors.participant_progress(conv, participant)
    signed_in_needed = (
        conv.participation == Conversation.Participation.SIGNED_IN
        and not request.user.is_authenticated
    )
    return {
        "conv": conv,
        "statement": statement,
        "done": done,
        "total": total,
        "signed_in_needed": signed_in_needed,
        "max_len": STATEMENT_MAX,
    }


@require_GET
def card(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    ctx = _card_context(request, conv)
    if request.headers.get("HX-Request"):
        return render(request, "deliberation/_card.html", ctx)
    return render(request, "deliberation/card.html", ctx)


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    raw_id = request.POST.get("statement", "")
    try:
        if not raw_id.isdigit():
            raise services.DeliberationError(_("Unknown statement."), code="not_found")
        participant, token = _ensure_participant(request, conv)
        services.vote_cast(
            conversation=conv,
            participant=participant,
            statement_id=int(raw_id),
            value=request.POST.get("value", ""),
        )
    except services.DeliberationError as exc:
        status = 403 if exc.code in ("forbidden", "closed") else 400
        ctx = _card_context(request, conv) | {"error": " ".join(exc.messages)}
        if request.headers.get("HX-Request"):
            # htmx swaps only 2xx answers: the card with its error message comes as 200.
            return render(request, "deliberation/_card.html", ctx)
        return render(request, "deliberation/card.html", ctx, status=status)
    if request.headers.get("HX-Request"):
        request.COOKIES[DEVICE_COOKIE] = token
        response = render(request, "deliberation/_card.html", _card_context(request, conv))
    else:
        response = redirect("deliberation:card", slug=conv.slug)
    return _set_device(response, request, token)


@require_POST
def statement_submit(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    text = request.POST.get("text", "")
    try:
        participant, token = _ensure_participant(request, conv)
        services.statement_submit(conversation=conv, participant=participant, text=text)
    except services.DeliberationError as exc:
        ctx = _card_context(request, conv) | {
            "statement_error": " ".join(exc.messages),
            "draft_text": text,
        }
        status = 403 if exc.code in ("forbidden", "closed") else 400
        return render(request, "deliberation/card.html", ctx, status=status)
    messages.success(
        request,
        _(
            "Thank you. Your statement is awaiting moderation; once accepted, others will vote on it."
        ),
    )
    return _set_device(redirect("deliberation:card", slug=conv.slug), request, token)


def _fresh(conv: Conversation) -> None:
    """Without a task worker (the demo, small set-ups) compute pending results on reading."""
    if conv.recompute_queued and settings.KENES_DELIB_RECOMPUTE_ON_READ:
        services.result_recompute(conversation=conv)


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    _fresh(conv)
    view = selectors.result_view(conv)
    template = (
        "deliberation/_results.html"
        if request.headers.get("HX-Request")
        else ("deliberation/results.html")
    )
    return render(request, template, {"conv": conv, "view": view})


@require_GET
def projector(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    _fresh(conv)
    view = selectors.result_view(conv)
    refresh = request.GET.get("refresh", "15")
    seconds = int(refresh) if refresh.isdigit() and 5 <= int(refresh) <= 600 else 15
    response = render(
        request,
        "deliberation/projector.html",
        {
            "conv": conv,
            "view": view,
            "refresh": seconds,
            "card_url": request.build_absolute_uri(reverse("deliberation:card", args=[conv.slug])),
        },
    )
    # The browser reloads the page by itself (no JavaScript needed on the projector).
    response["Refresh"] = str(seconds)
    return response


# Staff with the permission to change statements; others go to the admin login.
moderator_view = staff_view(can_read=MODERATE_PERM, login_url="admin:login")


@require_http_methods(["GET", "POST"])
@moderator_view
def moderate(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    errors: dict[int, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("accept", "reject"):
                raw = request.POST.get("statement", "")
                statement = (
                    Statement.objects.filter(conversation=conv, pk=int(raw)).first()
                    if raw.isdigit()
                    else None
                )
                if statement is None:
                    raise Http404
                try:
                    services.statement_moderate(
                        actor=request.user,
                        statement=statement,
                        accept=action == "accept",
                        reason=request.POST.get("reason", ""),
                    )
                except services.DeliberationError as exc:
                    errors[statement.pk] = " ".join(exc.messages)
                else:
                    messages.success(
                        request,
                        _("Statement accepted.")
                        if action == "accept"
                        else _("Statement rejected."),
                    )
            elif action == "seed":
                services.statement_seed(
                    actor=request.user,
                    conversation=conv,
                    text=request.POST.get("text", ""),
                    language=request.POST.get("language") or None,
                )
                messages.success(request, _("Statement added."))
            elif action == "recompute":
                result = services.result_recompute(conversation=conv, force=True)
                messages.success(
                    request, _("Results recomputed.") if result else _("No votes yet.")
                )
            elif action == "publish":
                latest = selectors.latest_result(conv)
                if latest is None:
                    raise services.DeliberationError(
                        _("No results to publish yet."), code="invalid"
                    )
                services.result_publish(actor=request.user, result=latest)
                messages.success(request, _("Results published in the public ledger."))
            elif action in ("open", "closed"):
                services.conversation_set_status(
                    actor=request.user, conversation=conv, status=action
                )
                messages.success(request, _("Conversation status changed."))
            else:
                raise services.DeliberationError(_("Unknown action."), code="invalid")
        except services.DeliberationError as exc:
            messages.error(request, " ".join(exc.messages))
        if not errors:
            return redirect("deliberation:moderate", slug=conv.slug)
    return render(
        request,
        "deliberation/moderate.html",
        {
            "conv": conv,
            "pending": list(selectors.moderation_queue(conv)[:100]),
            "errors": errors,
            "latest": selectors.latest_result(conv),
            "max_len": STATEMENT_MAX,
            "form_data": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )
