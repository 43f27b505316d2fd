"""Review: assignment, answers with reasons, bulk answers and merges.

Every function changes proposals' states only through ``_move`` which records a StateChange
(actor, time, before, after) in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.accounts.models import User
from kenes.core.actors import Actor
from kenes.counters.services import Item, counters_add, decision_items, state_items
from kenes.drafts.models import Article, Point
from kenes.ledger import events
from kenes.ledger.services import ledger_append_many
from kenes.proposals.models import Proposal, ProposalState, StateChange
from kenes.review.models import Answer, Decision

ALLOWED = {
    ProposalState.RECEIVED: {ProposalState.IN_REVIEW, ProposalState.ANSWERED, ProposalState.MERGED},
    ProposalState.IN_REVIEW: {ProposalState.RECEIVED, ProposalState.ANSWERED, ProposalState.MERGED},
    # A new answer may replace an earlier one (answered → answered).
    ProposalState.ANSWERED: {ProposalState.ANSWERED, ProposalState.IN_REVIEW},
    ProposalState.MERGED: {ProposalState.IN_REVIEW},
}


def _move(
    proposals: Sequence[Proposal],
    to: str,
    actor: Actor,
    details: dict[str, object],
    counts: Sequence[Item] = (),
) -> None:
    user = acting_user(actor)
    label = user.get_username() if user else "system"
    now = timezone.now()
    changes = []
    for p in proposals:
        if to not in ALLOWED[ProposalState(p.state)]:
            raise ValidationError(
                _("Proposal %(code)s is %(state)s and cannot become %(to)s.")
                % {"code": p.code, "state": p.state, "to": to}
            )
        changes.append(
            StateChange(
                proposal=p,
                actor=user,
                actor_label=label,
                from_state=p.state,
                to_state=to,
                details=details,
            )
        )
        p.state = to
        p.updated_at = now  # bulk_update does not apply auto_now
    StateChange.objects.bulk_create(changes)
    # The public counters, with any the caller adds (an answer's decision): one insert.
    counters_add(
        items=[
            *counts,
            *(
                item
                for c in changes
                for item in state_items(
                    version_id=c.proposal.version_id, before=c.from_state, after=c.to_state
                )
            ),
        ]
    )
    if to != ProposalState.ANSWERED:  # an answer is recorded in full by answers_record
        into = details.get("into")
        ledger_append_many(
            events.proposal_state(
                code=c.proposal.code,
                from_state=c.from_state,
                to_state=c.to_state,
                into=str(into) if into is not None else None,
            )
            for c in changes
        )


def _locked(ids: Iterable[int]) -> list[Proposal]:
    ids = list(dict.fromkeys(ids))
    found = list(Proposal.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(found) != len(ids):
        missing = sorted(set(ids) - {p.pk for p in found})
        raise ValidationError(_("Unknown proposal(s): %(ids)s") % {"ids": missing})
    return found


@transaction.atomic
def proposals_assign(*, actor: Actor, proposal_ids: Iterable[int], assignee: User | None) -> int:
    """Give proposals to a reviewer (or take them back with ``assignee=None``)."""
    if assignee is not None and not assignee.has_perm("review.add_answer"):
        raise ValidationError(_("%(name)s is not a reviewer.") % {"name": assignee})
    proposals = _locked(proposal_ids)
    for p in proposals:
        p.assignee = assignee
    _save_assignments(proposals, actor)
    return len(proposals)


def _save_assignments(proposals: Sequence[Proposal], actor: Actor) -> None:
    """Store the proposals' assignees and record each assignment in their history."""
    Proposal.objects.bulk_update(proposals, ["assignee"], batch_size=1000)
    user = acting_user(actor)
    StateChange.objects.bulk_create(
        (
            StateChange(
                proposal=p,
                actor=user,
                actor_label=user.get_username() if user else "system",
                from_state=p.state,
                to_state=p.state,
                details={"assigned_to": p.assignee.get_username() if p.assignee else None},
            )
            for p in proposals
        ),
        batch_size=1000,
    )


@transaction.atomic
def proposals_assign_round_robin(
    *, actor: Actor, proposal_ids: Iterable[int], reviewers: Sequence[User]
) -> dict[str, int]:
    """Share proposals among reviewers, keeping each article's proposals with one reviewer.

    Articles (and "whole draft") go to reviewers in turn, largest group first, so that a
    reviewer reads all proposals on an article together.
    """
    if not reviewers:
        raise ValidationError(_("Choose at least one reviewer."))
    proposals = _locked(proposal_ids)
    groups: dict[int | None, list[Proposal]] = {}
    for p in proposals:
        groups.setdefault(p.article_id, []).append(p)
    load = {r.pk: 0 for r in reviewers}
    by_id = {r.pk: r for r in reviewers}
    for _key, group in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        reviewer = by_id[min(load, key=lambda pk: (load[pk], pk))]
        load[reviewer.pk] += len(group)
        for p in group:
            p.assignee = reviewer
    _save_assignments(proposals, actor)
    return {by_id[pk].get_username(): n for pk, n in load.items()}


@transaction.atomic
def proposal_review_start(*, actor: Actor, proposal: Proposal) -> Proposal:
    [locked] = _locked([proposal.pk])
    if locked.state != ProposalState.IN_REVIEW:
        _move([locked], ProposalState.IN_REVIEW, actor, {})
        locked.save(update_fields=["state", "updated_at"])
    return locked


REASON_LANGUAGES = ("kk", "ru")


def reason_languages_needed(languages: Iterable[str], *, both: bool = False) -> list[str]:
    """Return the languages an answer's reason must be written in.

    A proposal is answered in its own language (Kazakh or Russian); an answer to proposals in
    both languages, or to a whole campaign or theme (``both``), needs both reasons.
    """
    if both:
        return list(REASON_LANGUAGES)
    found = set(languages)
    return [lang for lang in REASON_LANGUAGES if lang in found]


def reason_errors(
    *, languages: Iterable[str], reason_kk: str, reason_ru: str, both: bool = False
) -> dict[str, list[str]]:
    """The missing reasons, as form errors keyed ``reason_kk`` / ``reason_ru``."""
    given = {"kk": reason_kk.strip(), "ru": reason_ru.strip()}
    needed = reason_languages_needed(languages, both=both)
    errors: dict[str, list[str]] = {}
    if not needed and not (given["kk"] or given["ru"]):
        errors["reason_ru"] = [_("Every answer needs a reason, in Kazakh or Russian.")]
    for lang in needed:
        if given[lang]:
            continue
        if both:
            message = (
                _("Write the reason in Kazakh too: the answer goes to proposals in both languages.")
                if lang == "kk"
                else _(
                    "Write the reason in Russian too: the answer goes to proposals in both "
                    "languages."
                )
            )
        else:
            message = (
                _("The proposal is in Kazakh: write the reason in Kazakh.")
                if lang == "kk"
                else _("The proposal is in Russian: write the reason in Russian.")
            )
        errors[f"reason_{lang}"] = [message]
    return errors


def _check_answer(
    decision: str,
    reason_kk: str,
    reason_ru: str,
    changed_article: Article | None,
    changed_point: Point | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = [_("Choose a decision.")]
    if not (reason_kk.strip() or reason_ru.strip()):
        errors["reason_ru"] = [_("Every answer needs a reason, in Kazakh or Russian.")]
    if (
        changed_point is not None
        and changed_article is not None
        and changed_point.article_id != changed_article.pk
    ):
        errors["changed_point"] = [_("The point is not in the chosen article.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def answers_record(
    *,
    actor: Actor,
    proposal_ids: Iterable[int],
    decision: str,
    reason_kk: str = "",
    reason_ru: str = "",
    changed_article: Article | None = None,
    changed_point: Point | None = None,
    in_their_language: bool = False,
    both_languages: bool = False,
) -> list[Answer]:
    """Answer proposals with one decision and reason; each gets its own Answer row.

    With more than one proposal the answers share a ``group`` id (a bulk or cluster answer).
    Merged proposals are answered through the proposal they were merged into.
    ``in_their_language`` requires the reason in each proposal's language (the review screens
    and the API ask for it); ``both_languages`` requires both reasons (campaign and theme
    answers).
    """
    _check_answer(decision, reason_kk, reason_ru, changed_article, changed_point)
    proposals = _locked(proposal_ids)
    if in_their_language or both_languages:
        missing = reason_errors(
            languages=[p.language for p in proposals],
            reason_kk=reason_kk,
            reason_ru=reason_ru,
            both=both_languages,
        )
        if missing:
            raise ValidationError(missing)
    merged = [p.code for p in proposals if p.state == ProposalState.MERGED]
    if merged:
        raise ValidationError(
            _("Merged proposals are answered with the proposal they were merged into: %(codes)s")
            % {"codes": ", ".join(merged)}
        )
    group = uuid.uuid4() if len(proposals) > 1 else None
    before = [p.state for p in proposals]
    replaced: dict[int, str] = {}
    # A proposal answered before (even if reopened since) has an answer whose decision the
    # new one replaces in the public counters.
    for pid, old in (
        Answer.objects.filter(proposal_id__in=[p.pk for p in proposals])
        .order_by("proposal_id", "-answered_at", "-id")
        .values_list("proposal_id", "decision")
    ):
        replaced.setdefault(pid, old)
    user = acting_user(actor)
    answers = Answer.objects.bulk_create(
        Answer(
            proposal=p,
            decision=decision,
            reason_kk=reason_kk.strip(),
            reason_ru=reason_ru.strip(),
            changed_article=changed_article,
            changed_point=changed_point or None,
            group=group,
            answered_by=user,
        )
        for p in proposals
    )
    decided = [
        item
        for p in proposals
        for old, sign in (((replaced[p.pk], -1),) if p.pk in replaced else ()) + ((decision, 1),)
        for item in decision_items(
            version_id=p.version_id,
            article_id=p.article_id,
            point_id=p.point_id,
            decision=old,
            sign=sign,
        )
    ]
    _move(
        proposals,
        ProposalState.ANSWERED,
        actor,
        {"decision": decision, "group": str(group) if group else None},
        counts=decided,
    )
    ledger_append_many(
        events.answer_recorded(
            code=p.code,
            answer=a.pk,
            from_state=p_from,
            decision=decision,
            reason_kk=a.reason_kk,
            reason_ru=a.reason_ru,
            changed_article=changed_article.number if changed_article else None,
            changed_point=changed_point.number if changed_point else None,
            group=str(group) if group else None,
        )
        for p, a, p_from in zip(proposals, answers, before, strict=True)
    )
    Proposal.objects.bulk_update(proposals, ["state", "updated_at"], batch_size=1000)
    return answers


@transaction.atomic
def answers_undo(*, actor: Actor, group: uuid.UUID) -> dict[str, int]:
    """Undo an answer given to many proposals at once (``group``), as far as the ledger allows.

    The ledger keeps every answer, so nothing is removed: each proposal whose current answer is
    from ``group`` gets its previous answer again (a correcting answer, its own ledger entry),
    or, if it had none, goes back to review (a state entry in the ledger). Proposals answered
    again since are left alone.
    """
    ids = list(Answer.objects.filter(group=group).values_list("proposal_id", flat=True))
    if not ids:
        raise ValidationError(_("There is no such answer to undo."))
    proposals = _locked(ids)
    history: dict[int, list[Answer]] = {}
    for a in Answer.objects.filter(proposal_id__in=ids).order_by(
        "proposal_id", "-answered_at", "-id"
    ):
        history.setdefault(a.proposal_id, []).append(a)
    restored, reopen = 0, []
    for p in proposals:
        answers = history.get(p.pk, [])
        if not answers or answers[0].group != group or p.state != ProposalState.ANSWERED:
            continue
        if len(answers) > 1:
            before = answers[1]
            answers_record(
                actor=actor,
                proposal_ids=[p.pk],
                decision=before.decision,
                reason_kk=before.reason_kk,
                reason_ru=before.reason_ru,
                changed_article=before.changed_article,
                changed_point=before.changed_point,
            )
            restored += 1
        else:
            reopen.append(p)
    if reopen:
        _move(reopen, ProposalState.IN_REVIEW, actor, {"undo": str(group)})
        Proposal.objects.bulk_update(reopen, ["state", "updated_at"], batch_size=1000)
    return {"restored": restored, "reopened": len(reopen)}


def answer_record(
    *,
    actor: Actor,
    proposal: Proposal,
    decision: str,
    reason_kk: str = "",
    reason_ru: str = "",
    changed_article: Article | None = None,
    changed_point: Point | None = None,
    in_their_language: bool = False,
) -> Answer:
    """Answer one proposal (see :func:`answers_record`)."""
    [answer] = answers_record(
        actor=actor,
        proposal_ids=[proposal.pk],
        decision=decision,
        reason_kk=reason_kk,
        reason_ru=reason_ru,
        changed_article=changed_article,
        changed_point=changed_point,
        in_their_language=in_their_language,
    )
    return answer


@transaction.atomic
def proposal_merge(*, actor: Actor, proposal: Proposal, into: Proposal) -> Proposal:
    """Mark ``proposal`` as the same as ``into``; it will show ``into``'s answer."""
    if proposal.pk == into.pk:
        raise ValidationError(_("A proposal cannot be merged into itself."))
    locked, target = (
        _locked([proposal.pk, into.pk])
        if proposal.pk < into.pk
        else reversed(_locked([proposal.pk, into.pk]))
    )
    if target.state == ProposalState.MERGED and target.merged_into is not None:
        raise ValidationError(
            _("%(code)s is itself merged; merge into %(other)s instead.")
            % {"code": target.code, "other": target.merged_into.code}
        )
    _move([locked], ProposalState.MERGED, actor, {"into": target.code})
    locked.merged_into = target
    locked.save(update_fields=["state", "merged_into", "updated_at"])
    return locked
