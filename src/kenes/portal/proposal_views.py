"""Public proposal pages: propose, receipt, tracker, public list, proposals on an article.

Thin like the reader's views: writes go through ``proposals.services.proposal_submit``, reads
through ``proposals.selectors`` and ``drafts.selectors``. The receipt secret is never put in a
URL: it travels from the submission to the receipt page in the session, encrypted with the
field keys, and is removed from it the first time it is shown; the tracker takes it only in a
POST body.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kenes.accounts.session import current_citizen
from kenes.core import crypto, ratelimit
from kenes.core.i18n import current_lang
from kenes.drafts import selectors as drafts
from kenes.drafts.models import Article, pick_language
from kenes.insights import search as similar
from kenes.insights import selectors as insights_selectors
from kenes.portal.forms import ListFilters, ProposalForm, TrackForm
from kenes.proposals import receipts
from kenes.proposals.models import Channel, Language, Proposal, ProposalState
from kenes.proposals.rights import citizen_proposal_submit, identity_missing
from kenes.proposals.selectors import (
    PublicFilters,
    cursor_decode,
    cursor_encode,
    proposal_history,
    public_counts_cached,
    public_page,
    public_proposals,
    public_total_cached,
    receipt_check,
    withheld_counts,
)
from kenes.proposals.services import DuplicateProposalError
from kenes.review import selectors as review_selectors
from kenes.review.models import Answer

logger = logging.getLogger(__name__)
CLIENT_COOKIE = "kenes_client"
CLIENT_COOKIE_AGE = 365 * 24 * 3600
CLIENT_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Session keys: secrets waiting to be shown once ({code: secret}) and codes whose secret the
# visitor has typed correctly in the tracker.
SESSION_SECRETS = "kenes_receipt_secrets"
SESSION_VERIFIED = "kenes_verified_codes"
PAGE_SIZE = 25
# Pages of the public list reachable by number; later ones by a keyset cursor.
NUMBERED_PAGES = 20


@dataclass
class ListPage:
    """Where a public list page is: its number (None on a keyset page), the pages in all
    (from the counts), and what the previous/next links carry."""

    number: int | None
    pages: int
    previous: int | None
    next_page: int | None
    next_cursor: str

    @property
    def has_next(self) -> bool:
        return self.next_page is not None or bool(self.next_cursor)

    def numbers(self) -> list[int | None]:
        """Page numbers to link (None for a gap), up to NUMBERED_PAGES."""
        last = min(self.pages, NUMBERED_PAGES)
        current = self.number or 0
        keep = {1, last, current - 1, current, current + 1}
        out: list[int | None] = []
        for n in range(1, last + 1):
            if n in keep:
                out.append(n)
            elif out and out[-1] is not None:
                out.append(None)
        if self.number is None or self.pages > last:
            if out and out[-1] is not None:
                out.append(None)
        return out


ARTICLE_LATEST = 5


def _with_answers(items: list[Proposal]) -> list[Proposal]:
    answered = [p.pk for p in items if p.state == ProposalState.ANSWERED]
    answers = review_selectors.latest_answers(answered)
    for p in items:
        p.latest_answer = answers.get(p.pk)  # type: ignore[attr-defined]
    return items


# --- the browser's token, so that the same text sent twice is recognised ---


def _client_token(request: HttpRequest) -> tuple[str, bool]:
    """Return (token, is_new): the ``kenes_client`` cookie, or a fresh random one."""
    token = request.COOKIES.get(CLIENT_COOKIE, "")
    if CLIENT_TOKEN_RE.fullmatch(token):
        return token, False
    return secrets.token_urlsafe(24), True


def _remember_client(response: HttpResponse, token: str) -> HttpResponse:
    response.set_cookie(
        CLIENT_COOKIE,
        token,
        max_age=CLIENT_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


# --- propose ---


@require_GET
def propose_choose(request: HttpRequest) -> HttpResponse:
    """``/propose/``: the latest version of each document; straight there when only one."""
    documents = list(drafts.document_list())
    latest = [(d, list(d.versions.all())[-1]) for d in documents if d.versions.all()]
    if len(latest) == 1:
        _doc, version = latest[0]
        return redirect("portal:propose", version.document.slug, version.label)
    return render(request, "portal/proposals/choose.html", {"latest": latest})


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = drafts.version_get(document_slug=slug, label=label)
    token, new_token = _client_token(request)
    # Identity per consultation (issue #10): sign in (and give an IIN) first where required.
    citizen = current_citizen(request)
    missing = identity_missing(version, citizen)
    if missing:
        target_url = reverse("portal:signin" if missing == "signin" else "portal:my-iin")
        return redirect(target_url + "?" + urlencode({"next": request.get_full_path()}))
    # A target given by the reader's "propose a change here" link stays in the query string,
    # so a POST back to the same URL keeps it.
    target = None
    wanted = request.GET.get("article", "").strip()[:12]
    if wanted:
        try:
            target = drafts.article_view(version=version, number=wanted)
        except Http404:
            target = None
    target_point = None
    if target is not None:
        wanted_point = request.GET.get("point", "").strip()[:12]
        target_point = next(
            (pv.point for pv in target.points if pv.point and pv.point.number == wanted_point), None
        )
    duplicate = ""
    if request.method == "POST":
        retry = ratelimit.hit(request, "submit", "client:" + token)
        if retry is not None:
            return ratelimit.too_many(request, retry)
        form = ProposalForm(request.POST)
        if form.is_valid():
            try:
                result = citizen_proposal_submit(
                    citizen=citizen,
                    actor=request.user,
                    version=version,
                    channel=Channel.WEB,
                    ui_language=current_lang(),
                    client_token=token,
                    **form.submit_kwargs(),
                )
            except DuplicateProposalError as exc:
                duplicate = " ".join(exc.messages)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                code = result.proposal.code
                pending = dict(request.session.get(SESSION_SECRETS, {}))
                # Encrypted with the field keys: the session table never holds a plain secret.
                pending[code] = crypto.encrypt(result.secret or "")
                request.session[SESSION_SECRETS] = pending
                response: HttpResponse = redirect("portal:proposal-receipt", code)
                return _remember_client(response, token) if new_token else response
    else:
        initial: dict[str, Any] = {}
        if target is not None:
            initial["article"] = target.article.number
            if target_point is not None:
                initial["point"] = target_point.number
        form = ProposalForm(initial=initial)
    context = {
        "version": version,
        "form": form,
        "target": target,
        "target_point": target_point,
        "sections": [] if target is not None else drafts.version_sections(version),
        "duplicate": duplicate,
        "action": request.get_full_path(),
        "lang": pick_language(),
    }
    page = render(request, "portal/proposals/propose.html", context)
    return _remember_client(page, token) if new_token else page


SIMILAR_CACHE_SECONDS = 60


@never_cache
@require_POST
def propose_similar(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    """The propose form's "similar proposals already sent" box (htmx, while the citizen types).

    POST, so the text being written never lands in a URL or an access log. Cheap and safe:
    the text is cut to ``QUERY_MAX`` characters, answers are cached a minute per text, clients
    over the ``similar`` rate limit get an empty box; a short, bad or failing query gives an
    empty box too (the box is a hint: the form works without it and without JavaScript).
    """
    empty = render(request, "portal/proposals/_similar.html", {"hits": []})
    text = " ".join(request.POST.get("text", "").split())[: similar.QUERY_MAX]
    if len(text) < similar.SIMILAR_MIN:
        return empty
    try:
        version = drafts.version_get(document_slug=slug, label=label)
    except Http404:
        return empty
    if ratelimit.hit(request, "similar") is not None:
        return empty
    digest = hashlib.sha256(f"{version.pk}\x00{text}".encode()).hexdigest()
    key = f"kenes:similar:{digest}"
    hits = cache.get(key)
    if hits is None:
        try:
            hits = similar.similar_public(version_id=version.pk, text=text)
        except Exception:  # a hint must never break the page
            logger.exception("similar proposals failed for version %s", version.pk)
            return empty
        cache.set(key, hits, SIMILAR_CACHE_SECONDS)
    return render(request, "portal/proposals/_similar.html", {"hits": hits, "version": version})


@never_cache
@require_GET
def proposal_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt: the code, and the secret the first time only (then gone from the session)."""
    proposal = receipt_check(code=code)
    if proposal is None:
        raise Http404("no such receipt")
    if proposal.code != code:
        return redirect("portal:proposal-receipt", proposal.code)
    secret = None
    pending = request.session.get(SESSION_SECRETS)
    if pending and proposal.code in pending:
        pending = dict(pending)
        try:
            secret = crypto.decrypt(pending.pop(proposal.code)) or None
        except ValueError:
            secret = None
        if pending:
            request.session[SESSION_SECRETS] = pending
        else:
            del request.session[SESSION_SECRETS]
    shown = " ".join(secret[i : i + 5] for i in range(0, len(secret), 5)) if secret else ""
    return render(
        request,
        "portal/proposals/receipt.html",
        {
            "proposal": proposal,
            "secret": shown,
            "lang": pick_language(),
        },
    )


# --- tracker ---


def _code_shaped(code: str) -> bool:
    """Tell whether ``code`` has a receipt code's shape (KNS and eight letters or digits), even
    if a character is mistyped (the check symbol then does not match)."""
    raw = "".join(ch for ch in receipts.normalize_secret(code) if ch.isalnum())
    if raw.startswith("KNS"):
        raw = raw[3:]
    return len(raw) == 8 and all(ch in receipts.ALPHABET + "01ILO" for ch in raw)


def _unknown_code_message(code: str) -> str:
    if not code.strip():
        return _("Type the code from your receipt.")
    if receipts.normalize_code(code) is None and _code_shaped(code):
        return _(
            "No receipt has this code. Check the characters one by one: one of them is "
            "probably mistyped."
        )
    if receipts.normalize_code(code) is None:
        return _(
            "This is not a receipt code. A code looks like KNS-7F3K-9Q2M: three letters "
            "and eight letters or digits. Check it and try again."
        )
    return _(
        "No proposal has this code. Check each letter and digit; the code was shown "
        "after sending and may have been sent to your contact."
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """``/track/``: a code (and, posted only, the secret) leads to the proposal's status."""
    data = (
        request.POST
        if request.method == "POST"
        else ({"code": request.GET["code"]} if "code" in request.GET else None)
    )
    form = TrackForm(data)
    status = 200
    if data is not None and form.is_valid():
        code = form.cleaned_data["code"]
        secret = form.cleaned_data["secret"].strip() if request.method == "POST" else ""
        proposal = receipt_check(code=code)
        retry = (
            ratelimit.blocked(request, "receipt_secret", proposal.code)
            if secret and proposal is not None
            else None
        )
        if retry is not None:
            return ratelimit.too_many(request, retry)
        if proposal is None:
            form.add_error("code", _unknown_code_message(code))
            status = 404 if code.strip() else 200
        elif secret and receipt_check(code=proposal.code, secret=secret) is None:
            ratelimit.hit(request, "receipt_secret", proposal.code)
            form.add_error(
                "secret",
                _(
                    "This secret does not belong to this code. Check it, "
                    "or leave it empty to see the status only."
                ),
            )
        else:
            if secret:
                verified = list(request.session.get(SESSION_VERIFIED, []))
                if proposal.code not in verified:
                    request.session[SESSION_VERIFIED] = [*verified[-19:], proposal.code]
            return redirect("portal:track-proposal", proposal.code)
    return render(request, "portal/proposals/track.html", {"form": form}, status=status)


STATE_EXPLANATIONS = {
    ProposalState.RECEIVED: lambda: _(
        "Your proposal has been received and registered. Nobody has reviewed it yet; a "
        "reviewer will read it and prepare an answer."
    ),
    ProposalState.IN_REVIEW: lambda: _(
        "A reviewer is reading your proposal and preparing an answer with its reason."
    ),
    ProposalState.ANSWERED: lambda: _(
        "Your proposal has been answered. The decision and its reason are below."
    ),
    ProposalState.MERGED: lambda: _(
        "Your proposal says the same as another proposal, so both are answered together. "
        "The answer to that proposal is your answer too."
    ),
}

DECISION_WORDS = {
    "accepted": lambda: _("Accepted: the draft is changed as proposed."),
    "partly_accepted": lambda: _("Partly accepted: part of the proposal is taken into the draft."),
    "not_accepted": lambda: _("Not accepted, for the reason given below."),
    "out_of_scope": lambda: _(
        "Outside the draft's scope: the proposal is about something this draft does not govern."
    ),
}


def _public_history(proposal: Proposal) -> list[Any]:
    """The state changes a citizen sees: no staff names, no internal assignments."""
    return [
        h
        for h in proposal_history(proposal)
        if h.from_state != h.to_state or h.to_state == ProposalState.ANSWERED
    ]


def _answer_reason(answer: Answer | None, lang: str) -> tuple[str, str]:
    """The answer's reason in ``lang`` (the reader's content language), else in the other one,
    and the language it is in."""
    if answer is None:
        return "", lang
    other = "ru" if lang == "kk" else "kk"
    own = getattr(answer, f"reason_{lang}")
    return (own, lang) if own else (getattr(answer, f"reason_{other}"), other)


@require_GET
def track_proposal(request: HttpRequest, code: str) -> HttpResponse:
    canonical = receipts.normalize_code(code)
    proposal = receipt_check(code=canonical) if canonical else None
    if proposal is None:
        form = TrackForm({"code": code, "secret": ""})
        form.is_valid()
        form.add_error("code", _unknown_code_message(code))
        return render(request, "portal/proposals/track.html", {"form": form}, status=404)
    if canonical != code:
        return redirect("portal:track-proposal", canonical)
    # A merged proposal is answered through the one it was merged into.
    answered_by, answer = review_selectors.answer_current(proposal)
    lang = pick_language()
    reason, reason_lang = _answer_reason(answer, lang)
    verified = proposal.code in request.session.get(SESSION_VERIFIED, [])
    # "Your proposal is one of N near-identical proposals" (kenes.insights).
    campaign = insights_selectors.tracker_campaign(proposal)
    return render(
        request,
        "portal/proposals/tracker.html",
        {
            "campaign": campaign,
            "proposal": proposal,
            "merged_into": answered_by if answered_by.pk != proposal.pk else None,
            "explanation": STATE_EXPLANATIONS[ProposalState(proposal.state)](),
            "history": _public_history(proposal),
            "answer": answer,
            "decision_words": DECISION_WORDS[answer.decision]() if answer else "",
            "reason": reason,
            "reason_lang": reason_lang,
            "reason_fallback": bool(reason) and reason_lang != lang,
            "verified": verified,
            "lang": lang,
        },
    )


# --- public list ---


@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """``/proposals/``: search, filters, counts by state and 25 per page.

    Queries stay constant whatever the page holds: versions, three grouped counts (their sum
    is the total; cached a few seconds per filter), the page's ids and rows, their answers.
    Deep pages use a keyset cursor (``after=``) rather than an OFFSET.
    """
    f = ListFilters(request.GET)
    versions = list(drafts.version_list())
    version = next((v for v in versions if f"{v.document.slug}/{v.label}" == f.version), None)
    article = (
        drafts.article_find(version=version, number=f.article) if version is not None else None
    )
    filters = PublicFilters(
        q=f.q,
        version_id=version.pk if version else None,
        article_id=article.pk if article else None,
        region=f.region,
        language=f.language,
        channel=f.channel,
        author_kind=f.author_kind,
    )
    if f.article and article is None:
        filters.article_id = -1  # an unknown article has no proposals
    # Counts by state ignore the state filter, so each state's number is what its link shows;
    # they are reused for KENES_COUNTS_TTL seconds per filter (public_counts_cached).
    counts = public_counts_cached(filters)
    by_state = counts.get("state", {})
    if f.state:
        filters.state = f.state
        total = by_state.get(f.state, 0)
    else:
        total = sum(by_state.values())
    qs = public_proposals(filters)
    pages = max(1, -(-total // PAGE_SIZE))
    # The first NUMBERED_PAGES pages by number (a short OFFSET); beyond, "next" carries a
    # keyset cursor, so a deep page costs what the first does (selectors.public_page).
    after = cursor_decode(request.GET.get("after", "")) if request.GET.get("after") else None
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    number = max(1, min(number, pages, NUMBERED_PAGES))
    rows, more = public_page(
        qs, after=after, offset=(number - 1) * PAGE_SIZE if after is None else 0, limit=PAGE_SIZE
    )
    items = _with_answers(rows)
    page = ListPage(
        number=None if after is not None else number,
        pages=pages,
        previous=number - 1 if after is None and number > 1 else None,
        next_page=number + 1 if more and after is None and number < NUMBERED_PAGES else None,
        next_cursor=cursor_encode(rows[-1])
        if more and rows and (after is not None or number >= NUMBERED_PAGES)
        else "",
    )
    return render(
        request,
        "portal/proposals/list.html",
        {
            "f": f,
            "versions": versions,
            "version": version,
            "article": article,
            "article_unknown": bool(f.article) and article is None,
            "counts": counts,
            "state_counts": [
                (value, label, by_state.get(value, 0)) for value, label in ProposalState.choices
            ],
            "all_count": sum(by_state.values()),
            "language_counts": [
                (label, counts.get("language", {}).get(value, 0))
                for value, label in Language.choices
                if counts.get("language", {}).get(value)
            ],
            "channel_counts": [
                (label, counts.get("channel", {}).get(value, 0))
                for value, label in Channel.choices
                if counts.get("channel", {}).get(value)
            ],
            "total": total,
            # Hidden and pending proposals are counted, never silently left out.
            "withheld": withheld_counts(filters),
            "page": page,
            "items": items,
            "elided": page.numbers(),
            "lang": pick_language(),
        },
    )


# --- proposals on one article (the article page's section) ---


def article_proposals_context(article: Article) -> dict[str, Any]:
    """Return the count and the latest proposals on ``article``: two or three queries.

    The article page loads this with htmx; ``views.draft_article`` may also put it in its
    context as ``article_proposals`` to render the section without JavaScript.
    """
    version = article.version
    filters = PublicFilters(version_id=version.pk, article_id=article.pk)
    latest = _with_answers(list(public_proposals(filters)[:ARTICLE_LATEST]))
    count = len(latest) if len(latest) < ARTICLE_LATEST else public_total_cached(filters)
    return {
        "count": count,
        "latest": latest,
        "more": count > len(latest),
        "list_url": reverse("portal:proposals")
        + "?"
        + urlencode(
            {"version": f"{version.document.slug}/{version.label}", "article": article.number}
        ),
    }


@require_GET
def article_proposals(request: HttpRequest, slug: str, label: str, number: str) -> HttpResponse:
    version = drafts.version_get(document_slug=slug, label=label)
    article = drafts.article_find(version=version, number=number)
    if article is None:
        raise Http404("no such article")
    block = article_proposals_context(article)
    if not request.headers.get("HX-Request"):
        return redirect(block["list_url"])
    return render(
        request,
        "portal/proposals/_article_proposals.html",
        {
            "article_proposals": block,
            "article": article,
            "version": version,
            "lang": pick_language(),
        },
    )


# --- one proposal as a public item (not the author's tracker) ---

PUBLIC_STATE_WORDS = {
    ProposalState.RECEIVED: lambda: _("Received; not reviewed yet."),
    ProposalState.IN_REVIEW: lambda: _("A reviewer is preparing the answer."),
    ProposalState.ANSWERED: lambda: _("Answered."),
    ProposalState.MERGED: lambda: _(
        "Says the same as another proposal and is answered together with it."
    ),
}

PUBLIC_DECISION_WORDS = {
    "accepted": lambda: _("accepted: the draft is changed as proposed"),
    "partly_accepted": lambda: _("partly accepted: part of it is taken into the draft"),
    "not_accepted": lambda: _("not accepted, for the reason given"),
    "out_of_scope": lambda: _("outside the draft's scope"),
}


@require_GET
def proposal_public(request: HttpRequest, code: str) -> HttpResponse:
    """``/proposals/<code>/``: a proposal as anyone sees it, in the third person.

    The list and the article pages link here; only the tracker (``/track/<code>/``, reached
    with the receipt) speaks to the author.
    """
    canonical = receipts.normalize_code(code)
    proposal = receipt_check(code=canonical) if canonical else None
    if proposal is None:
        raise Http404("no such proposal")
    if canonical != code:
        return redirect("portal:proposal-public", canonical)
    answered_by, answer = review_selectors.answer_current(proposal)
    lang = pick_language()
    reason, reason_lang = _answer_reason(answer, lang)
    return render(
        request,
        "portal/proposals/public.html",
        {
            "proposal": proposal,
            "merged_into": answered_by if answered_by.pk != proposal.pk else None,
            "state_words": PUBLIC_STATE_WORDS[ProposalState(proposal.state)](),
            "answer": answer,
            "decision_words": PUBLIC_DECISION_WORDS[answer.decision]() if answer else "",
            "reason": reason,
            "reason_lang": reason_lang,
            "reason_fallback": bool(reason) and reason_lang != lang,
            "campaign": insights_selectors.tracker_campaign(proposal),
            "history": _public_history(proposal),
            "lang": lang,
        },
    )
