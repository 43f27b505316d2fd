"""Review screens for staff: the queue with bulk actions, and one proposal with its answer.

Thin: parse with a form, read through ``review.selectors``, write through ``review.services``.
Staff only; reading needs ``proposals.view_proposal``, every POST ``review.add_answer``
(observers read but cannot act).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kenes.accounts.models import User
from kenes.accounts.permissions import CONTACT_READ, REVIEW_ACT, review_view
from kenes.core.validation import add_form_errors
from kenes.drafts.models import pick_language
from kenes.proposals.models import ProposalState
from kenes.proposals.rights import contact_read_audit
from kenes.review import forms, selectors, services
from kenes.review.models import Decision

# The keyboard map shown in the "?" help (review.js implements it).
QUEUE_KEYS = [
    (["j", "↓"], gettext_lazy("next proposal in the list")),
    (["k", "↑"], gettext_lazy("previous proposal in the list")),
    (["x"], gettext_lazy("select or unselect the proposal")),
    (["Enter"], gettext_lazy("open the proposal")),
    (["/"], gettext_lazy("search")),
    (["?"], gettext_lazy("show or hide this help")),
]
PROPOSAL_KEYS = [
    (["1", "2", "3", "4"], gettext_lazy("choose the decision, then type the reason")),
    (["Ctrl+Enter"], gettext_lazy("record the answer and open the next proposal")),
    (["Esc"], gettext_lazy("leave the field")),
    (["n"], gettext_lazy("next proposal without answering")),
    (["p"], gettext_lazy("previous proposal")),
    (["u"], gettext_lazy("back to the queue")),
    (["?"], gettext_lazy("show or hide this help")),
]


def _filter_query(params: QueryDict) -> str:
    """Return the queue's filters as a query string (no page), to carry between screens."""
    kept = QueryDict(mutable=True)
    for key in forms.FILTER_KEYS:
        value = params.get(key, "").strip()
        if value:
            kept[key] = value
    return kept.urlencode()


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _queue_url(query: str, page: str = "") -> str:
    params = QueryDict(query, mutable=True)
    if page.isdigit():
        params["page"] = page
    return _with_query(reverse("review:queue"), params.urlencode())


def _filter_form(request: HttpRequest, reviewers: list[User]) -> forms.QueueFilterForm:
    return forms.QueueFilterForm(
        request.GET, versions=selectors.queue_versions(), reviewers=reviewers
    )


def _state_tabs(
    filters: selectors.QueueFilters, counts: dict[str, int], params: QueryDict
) -> list[dict[str, Any]]:
    tabs = []
    open_count = sum(counts.get(s, 0) for s in selectors.OPEN_STATES)
    options = [
        (selectors.STATE_OPEN, _("Open"), open_count),
        *((value, label, counts.get(value, 0)) for value, label in ProposalState.choices),
        (selectors.STATE_ALL, _("All"), sum(counts.values())),
    ]
    for value, label, n in options:
        query = params.copy()
        query["state"] = value
        tabs.append(
            {
                "value": value,
                "label": label,
                "count": n,
                "query": _filter_query(query),
                "current": filters.state == value,
            }
        )
    return tabs


@require_http_methods(["GET", "POST"])
@review_view
def queue(request: HttpRequest) -> HttpResponse:
    """The review queue: filters, counts per state, pages of 50, bulk actions."""
    reviewers = selectors.reviewers()
    filter_form = _filter_form(request, reviewers)
    filters = filter_form.filters()
    query = _filter_query(request.GET)
    bulk = forms.BulkForm(request.POST or None, reviewers=reviewers)
    going_back = "back" in request.POST
    if request.method == "POST" and bulk.is_valid() and not going_back:
        data = bulk.cleaned_data
        if data["action"] == forms.ANSWER and data.get("confirmed") != len(data["selected"]):
            return confirm_answer_page(
                request,
                n=len(data["selected"]),
                ids=data["selected"],
                decision=data["decision"],
                reason_kk=data.get("reason_kk") or "",
                reason_ru=data.get("reason_ru") or "",
                hidden=[
                    *(("ids", str(pk)) for pk in data["selected"]),
                    ("action", forms.ANSWER),
                    ("decision", data["decision"]),
                    ("reason_kk", data.get("reason_kk") or ""),
                    ("reason_ru", data.get("reason_ru") or ""),
                ],
                action=_queue_url(query, request.GET.get("page", "")),
                back=_queue_url(query, request.GET.get("page", "")),
            )
        try:
            _bulk_apply(request, data)
        except ValidationError as exc:
            add_form_errors(bulk, exc)
        else:
            return redirect(_queue_url(query, request.GET.get("page", "")))
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = selectors.queue_page(filters, request.user, number)
    selected = (
        set(bulk.cleaned_data.get("selected") or [])
        if bulk.is_bound and hasattr(bulk, "cleaned_data")
        else set()
    )
    return render(
        request,
        "review/queue.html",
        {
            "filter_form": filter_form,
            "filters": filters,
            "page": page,
            "query": query,
            "tabs": _state_tabs(filters, page.counts, request.GET),
            "bulk_action": _queue_url(query, str(page.number) if page.number > 1 else ""),
            "bulk": bulk,
            "selected": selected,
            "can_act": request.user.has_perm(REVIEW_ACT),
            "more_filters": filter_form.has_more_filters() or bool(filter_form.errors),
            "bulk_open": going_back,
            "shortcuts": QUEUE_KEYS,
        },
    )


def confirm_answer_page(
    request: HttpRequest,
    *,
    n: int,
    ids: list[int],
    decision: str,
    reason_kk: str,
    reason_ru: str,
    hidden: list[tuple[str, str]],
    action: str,
    back: str,
    what: str = "",
) -> HttpResponse:
    """The confirmation step before answering many proposals: it states how many change.

    Works without JavaScript: the form carries the answer in hidden fields and the number
    agreed to (``confirmed``); if the number has changed meanwhile, the person is asked again.
    """
    label = str(Decision(decision).label)
    question = ngettext(
        "Answer %(n)s proposal as “%(decision)s”?",
        "Answer %(n)s proposals as “%(decision)s”?",
        n,
    ) % {"n": formats.number_format(n, force_grouping=True), "decision": label}
    button = ngettext("Yes, answer %(n)s proposal", "Yes, answer %(n)s proposals", n) % {
        "n": formats.number_format(n, force_grouping=True)
    }
    codes = selectors.proposals_codes(ids)
    return render(
        request,
        "review/confirm.html",
        {
            "question": question,
            "button": button,
            "what": what,
            "codes": codes,
            "more": max(0, n - len(codes)),
            "reason_kk": reason_kk,
            "reason_ru": reason_ru,
            "hidden": [*hidden, ("confirmed", str(n))],
            "action": action,
            "back": back,
        },
    )


def _bulk_apply(request: HttpRequest, data: dict[str, Any]) -> None:
    ids = data["selected"]
    action = data["action"]
    if action == forms.ASSIGN:
        n = services.proposals_assign(
            actor=request.user, proposal_ids=ids, assignee=data.get("assignee_user")
        )
        who = data.get("assignee_user")
        if who is None:
            messages.success(
                request,
                ngettext(
                    "%(n)s proposal taken back from its reviewer.",
                    "%(n)s proposals taken back from their reviewers.",
                    n,
                )
                % {"n": n},
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s proposal assigned to %(name)s.",
                    "%(n)s proposals assigned to %(name)s.",
                    n,
                )
                % {"n": n, "name": who.get_username()},
            )
    elif action == forms.ROUND_ROBIN:
        load = services.proposals_assign_round_robin(
            actor=request.user, proposal_ids=ids, reviewers=data["reviewer_users"]
        )
        shares = ", ".join(f"{name}: {n}" for name, n in load.items())
        messages.success(
            request, _("Proposals shared among reviewers (%(shares)s).") % {"shares": shares}
        )
    elif action == forms.ANSWER:
        answers = services.answers_record(
            actor=request.user,
            proposal_ids=ids,
            decision=data["decision"],
            reason_kk=data.get("reason_kk") or "",
            reason_ru=data.get("reason_ru") or "",
            in_their_language=True,
        )
        n = len(answers)
        remember_for_undo(request, answers)
        messages.success(
            request,
            ngettext(
                "%(n)s proposal answered.", "%(n)s proposals answered with one shared reason.", n
            )
            % {"n": n},
        )


UNDO_KEY = "review_undo"


def remember_for_undo(request: HttpRequest, answers: list[Any]) -> None:
    """Keep the last answer given to many proposals in the session, so it can be undone."""
    group = answers[0].group if answers else None
    if group is None:
        return
    request.session[UNDO_KEY] = {
        "group": str(group),
        "n": len(answers),
        "decision": str(Decision(answers[0].decision).label),
    }


@require_POST
@review_view
def answers_undo(request: HttpRequest) -> HttpResponse:
    """Undo the last answer given to many proposals in this session (see services)."""
    kept = request.session.get(UNDO_KEY) or {}
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("review:queue")
    if not kept or request.POST.get("group") != kept.get("group"):
        messages.error(request, _("This answer can no longer be undone here."))
        return redirect(back or reverse("review:queue"))
    try:
        done = services.answers_undo(actor=request.user, group=uuid.UUID(kept["group"]))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        del request.session[UNDO_KEY]
        messages.success(
            request,
            _(
                "Undone: %(restored)s proposals have their previous answer again, %(reopened)s "
                "are back in review. The public ledger records the correction."
            )
            % done,
        )
    return redirect(back or reverse("review:queue"))


def _next_url(
    request: HttpRequest, filters: selectors.QueueFilters, query: str, proposal: Any
) -> str:
    following = selectors.queue_next(filters, request.user, proposal)
    if following is None:
        messages.info(request, _("That was the last proposal in this queue."))
        return _with_query(reverse("review:queue"), query)
    return _with_query(reverse("review:proposal", args=[following.pk]), query)


@require_http_methods(["GET", "POST"])
@review_view
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal: its text, the article, provenance, history, answers and the answer form."""
    show_contact = request.user.has_perm(CONTACT_READ)
    detail = selectors.proposal_detail(pk, show_contact=show_contact)
    if detail is None:
        raise Http404
    p = detail.proposal
    if show_contact and p.contact and request.method == "GET":
        # Staff reading a citizen's contact is itself audited (issue #10; never the contact).
        contact_read_audit(actor=request.user, proposal=p, screen="review")
    filter_form = _filter_form(request, selectors.reviewers())
    filters = filter_form.filters()
    query = _filter_query(request.GET)
    answer_form = forms.AnswerForm(request.POST or None, proposal=p)
    if request.method == "POST" and answer_form.is_valid():
        data = answer_form.cleaned_data
        try:
            services.answer_record(
                actor=request.user,
                proposal=p,
                decision=data["decision"],
                reason_kk=data["reason_kk"],
                reason_ru=data["reason_ru"],
                changed_article=data["article_obj"],
                changed_point=data["point_obj"],
                in_their_language=True,
            )
        except ValidationError as exc:
            add_form_errors(answer_form, exc)
        else:
            messages.success(request, _("Answer recorded for %(code)s.") % {"code": p.code})
            return redirect(_next_url(request, filters, query, p))
    return _render_proposal(
        request,
        detail,
        query,
        filters,
        answer_form=answer_form,
        status=400 if answer_form.errors else 200,
    )


def _render_proposal(
    request: HttpRequest,
    detail: selectors.ProposalDetail,
    query: str,
    filters: selectors.QueueFilters,
    *,
    answer_form: forms.AnswerForm | None = None,
    merge_form: forms.MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    p = detail.proposal
    following = selectors.queue_next(filters, request.user, p)
    previous = selectors.queue_previous(filters, request.user, p)
    lang = pick_language()
    return render(
        request,
        "review/proposal.html",
        {
            "detail": detail,
            "proposal": p,
            "query": query,
            "next": following,
            "previous": previous,
            "answer_form": answer_form or forms.AnswerForm(proposal=p),
            "merge_form": merge_form or forms.MergeForm(),
            "can_act": request.user.has_perm(REVIEW_ACT),
            "can_answer": p.state != ProposalState.MERGED,
            "can_merge": p.state in (ProposalState.RECEIVED, ProposalState.IN_REVIEW),
            "can_start": p.state != ProposalState.IN_REVIEW,
            # The digit keys lead to the reason that is required: the proposal's language.
            "primary_reason": (
                f"reason_{p.language}"
                if p.language in ("kk", "ru")
                else ("reason_kk" if lang == "kk" else "reason_ru")
            ),
            "content_lang": lang,
            "shortcuts": PROPOSAL_KEYS,
        },
        status=status,
    )


@require_POST
@review_view
def proposal_start(request: HttpRequest, pk: int) -> HttpResponse:
    p = selectors.proposal_get(pk)
    if p is None:
        raise Http404
    query = _filter_query(request.GET)
    try:
        services.proposal_review_start(actor=request.user, proposal=p)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Review of %(code)s started.") % {"code": p.code})
    return redirect(_with_query(reverse("review:proposal", args=[p.pk]), query))


@require_POST
@review_view
def proposal_merge(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.proposal_detail(pk, show_contact=request.user.has_perm(CONTACT_READ))
    if detail is None:
        raise Http404
    p = detail.proposal
    filters = _filter_form(request, selectors.reviewers()).filters()
    query = _filter_query(request.GET)
    merge_form = forms.MergeForm(request.POST)
    if merge_form.is_valid():
        target = merge_form.cleaned_data["into"]
        try:
            services.proposal_merge(actor=request.user, proposal=p, into=target)
        except ValidationError as exc:
            merge_form.add_error("into", exc.messages)
        else:
            messages.success(
                request, _("%(code)s merged into %(into)s.") % {"code": p.code, "into": target.code}
            )
            return redirect(_next_url(request, filters, query, p))
    return _render_proposal(request, detail, query, filters, merge_form=merge_form, status=400)
