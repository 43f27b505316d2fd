"""Review by cluster: campaigns and themes, answered in one step; article-link fixes.

Mounted under /review/ (kenes.review.urls). Same rules as the review screens: staff with
``proposals.view_proposal`` read, POST needs ``review.add_answer``; corrections (taking a
proposal out of a campaign or theme, fixing a link) also need ``insights.change_correction``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kenes.accounts.permissions import REVIEW_ACT, review_view
from kenes.core.validation import add_form_errors
from kenes.insights import selectors, services
from kenes.insights.forms import ClusterAnswerForm, LinkForm, SemanticSearchForm
from kenes.insights.search import semantic_search as search_by_meaning
from kenes.proposals.models import Proposal
from kenes.review.views import confirm_answer_page, remember_for_undo

if TYPE_CHECKING:
    from kenes.review.models import Answer

CORRECT_PERM = "insights.change_correction"


def _version_filter(request: HttpRequest) -> int | None:
    raw = request.GET.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_GET
@review_view
def campaigns(request: HttpRequest) -> HttpResponse:
    page = selectors.page_of(
        selectors.campaign_list(version_id=_version_filter(request)), request.GET.get("page")
    )
    return render(
        request, "insights/campaigns.html", {"page": page, "runs": selectors.latest_runs(3)}
    )


@require_GET
@review_view
def themes(request: HttpRequest) -> HttpResponse:
    page = selectors.page_of(
        selectors.theme_list(version_id=_version_filter(request)), request.GET.get("page")
    )
    return render(request, "insights/themes.html", {"page": page})


def _answer_cluster(
    request: HttpRequest,
    form: ClusterAnswerForm,
    *,
    url: str,
    open_ids: list[int],
    what: str,
    answer: Callable[..., list[Answer]],
    done: Callable[[int], str],
    hidden: Iterable[tuple[str, str]] = (),
) -> HttpResponse | None:
    """The one-step answer of a campaign or a theme (a valid POST of ``form``).

    Asks for confirmation while the number of open proposals is not the one agreed to, then
    answers through ``answer(decision=, reason_kk=, reason_ru=)`` and redirects to ``url``;
    returns None when the service refused (its errors are on the form).
    """
    data = form.cleaned_data
    reasons = {key: data[key] for key in ("decision", "reason_kk", "reason_ru")}
    if open_ids and data.get("confirmed") != len(open_ids):
        return confirm_answer_page(
            request,
            n=len(open_ids),
            ids=open_ids,
            **reasons,
            hidden=[*reasons.items(), *hidden],
            action=url,
            back=url,
            what=what,
        )
    try:
        answers = answer(**reasons)
    except ValidationError as exc:
        add_form_errors(form, exc)
        return None
    remember_for_undo(request, answers)
    messages.success(request, done(len(answers)))
    return redirect(url)


def _cluster_page(
    request: HttpRequest, form: ClusterAnswerForm, template: str, context: dict[str, object]
) -> HttpResponse:
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "can_act": request.user.has_perm(REVIEW_ACT),
            "can_correct": request.user.has_perm(CORRECT_PERM),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@review_view
def semantic_search(request: HttpRequest) -> HttpResponse:
    """Search a version's proposals by meaning, in Kazakh and Russian (kenes.insights.search)."""
    versions = selectors.search_versions()
    form = SemanticSearchForm(request.GET if "q" in request.GET else None, versions=versions)
    result = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        result = search_by_meaning(
            version_id=form.cleaned_data["version"], query=form.cleaned_data["q"]
        )
    return render(
        request,
        "insights/search.html",
        {"form": form, "result": result, "has_versions": bool(versions)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@review_view
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign: template, member count, personal additions (paged), the one-step answer."""
    camp = selectors.campaign_get(pk)
    if camp is None:
        raise Http404
    form = ClusterAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and "back" not in request.POST:
        response = _answer_cluster(
            request,
            form,
            url=reverse("insights:campaign", args=[camp.pk]),
            open_ids=selectors.open_member_ids(camp),
            what=_("Every unanswered proposal of campaign %(code)s.") % {"code": camp.code},
            answer=partial(services.campaign_answer, actor=request.user, campaign=camp),
            done=lambda n: (
                ngettext(
                    "%(n)s proposal of campaign %(code)s answered.",
                    "%(n)s proposals of campaign %(code)s answered with one shared reason.",
                    n,
                )
                % {"n": n, "code": camp.code}
            ),
        )
        if response is not None:
            return response
    only_additions = request.GET.get("additions") == "1"
    members = selectors.page_of(
        selectors.campaign_members(camp, with_additions=only_additions),
        request.GET.get("page"),
        selectors.MEMBERS_SIZE,
    )
    return _cluster_page(
        request,
        form,
        "insights/campaign.html",
        {
            "campaign": camp,
            "members": members,
            "only_additions": only_additions,
            "representatives": selectors.proposals_by_id(camp.representative_ids),
        },
    )


@require_http_methods(["GET", "POST"])
@review_view
def theme(request: HttpRequest, pk: int) -> HttpResponse:
    """A theme: key phrases, subthemes, members (paged); answer all or only the ticked ones."""
    th = selectors.theme_get(pk)
    if th is None:
        raise Http404
    form = ClusterAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and "back" not in request.POST:
        chosen = request.POST.getlist("selected")
        ids = [int(i) for i in chosen if i.isdigit()] if request.POST.get("only") else None
        open_ids = selectors.open_member_ids(th, ids)
        response = _answer_cluster(
            request,
            form,
            url=reverse("insights:theme", args=[th.pk]),
            open_ids=open_ids,
            hidden=(
                [("only", "1"), *(("selected", str(pk)) for pk in open_ids)]
                if ids is not None
                else []
            ),
            what=(
                _("Only the ticked unanswered proposals of theme %(code)s.")
                if ids is not None
                else _("Every unanswered proposal of theme %(code)s.")
            )
            % {"code": th.code},
            answer=partial(services.theme_answer, actor=request.user, theme=th, proposal_ids=ids),
            done=lambda n: (
                ngettext(
                    "%(n)s proposal of theme %(code)s answered.",
                    "%(n)s proposals of theme %(code)s answered with one shared reason.",
                    n,
                )
                % {"n": n, "code": th.code}
            ),
        )
        if response is not None:
            return response
    only_open = request.GET.get("open") == "1"
    members = selectors.page_of(
        selectors.theme_members(th, only_open=only_open),
        request.GET.get("page"),
        selectors.MEMBERS_SIZE,
    )
    return _cluster_page(
        request,
        form,
        "insights/theme.html",
        {
            "theme": th,
            "members": members,
            "only_open": only_open,
            "subthemes": list(th.subthemes.order_by("-size", "id")),
            "representatives": selectors.proposals_by_id(th.representative_ids),
        },
    )


@require_GET
@review_view
def proposal_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    """The analysis block of the review proposal screen (loaded by htmx; a page without JS)."""
    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    context = {
        "info": selectors.proposal_insights(proposal),
        "proposal": proposal,
        "can_correct": request.user.has_perm(CORRECT_PERM),
    }
    if request.headers.get("HX-Request"):
        return render(request, "insights/_proposal_block.html", context)
    return render(request, "insights/proposal_analysis.html", context)


def _proposal_from_post(request: HttpRequest) -> Proposal:
    raw = request.POST.get("proposal", "")
    proposal = Proposal.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if proposal is None:
        raise Http404
    return proposal


def _member_remove(
    request: HttpRequest, remove: Callable[..., object], done: Callable[[Proposal], str]
) -> None:
    """Take the posted proposal out of a campaign or theme (a staff correction)."""
    proposal = _proposal_from_post(request)
    try:
        remove(actor=request.user, proposal=proposal)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done(proposal))


@require_POST
@review_view
def campaign_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(CORRECT_PERM):
        raise PermissionDenied
    camp = selectors.campaign_get(pk)
    if camp is None:
        raise Http404
    _member_remove(
        request,
        partial(services.campaign_member_remove, campaign=camp),
        lambda proposal: (
            _("%(code)s taken out of campaign %(campaign)s; it stays out after re-runs.")
            % {"code": proposal.code, "campaign": camp.code}
        ),
    )
    return redirect("insights:campaign", camp.pk)


@require_POST
@review_view
def theme_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(CORRECT_PERM):
        raise PermissionDenied
    th = selectors.theme_get(pk)
    if th is None:
        raise Http404
    _member_remove(
        request,
        partial(services.theme_member_remove, theme=th),
        lambda proposal: (
            _("%(code)s taken out of theme %(theme)s.") % {"code": proposal.code, "theme": th.code}
        ),
    )
    return redirect("insights:theme", th.pk)


@require_POST
@review_view
def proposal_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or remove an article link of a proposal (a staff correction)."""
    if not request.user.has_perm(CORRECT_PERM):
        raise PermissionDenied
    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    form = LinkForm(request.POST, version_id=proposal.version_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == LinkForm.REMOVE:
                services.article_link_remove(
                    actor=request.user, proposal=proposal, article=data["article_obj"]
                )
            else:
                services.article_link_set(
                    actor=request.user,
                    proposal=proposal,
                    article=data["article_obj"],
                    point=data["point_obj"],
                )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Article links of %(code)s corrected.") % {"code": proposal.code}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("review:proposal", args=[proposal.pk]) + "#analysis")
