"""Answering a whole campaign or theme: one reasoned answer per unanswered member."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kenes.core.actors import Actor
from kenes.insights.models import (
    Campaign,
    Theme,
)
from kenes.insights.services.common import (
    OPEN_STATES,
)
from kenes.review.models import Answer
from kenes.review.services import answers_record

# --------------------------------------------------------------------------- cluster answers


def _cluster_answer(
    *,
    actor: Actor,
    cluster: Campaign | Theme,
    proposal_ids: Iterable[int] | None,
    decision: str,
    reason_kk: str,
    reason_ru: str,
) -> list[Answer]:
    qs = cluster.members.filter(proposal__state__in=OPEN_STATES)
    if proposal_ids is not None:
        qs = qs.filter(proposal_id__in=list(proposal_ids))
    open_ids = list(qs.values_list("proposal_id", flat=True))
    if not open_ids:
        raise ValidationError(_("No unanswered proposal to answer."))
    return answers_record(
        actor=actor,
        proposal_ids=open_ids,
        decision=decision,
        # The reason is the citizen's answer as written: no internal campaign or theme code
        # (the shared ``group`` ties the answers together for staff).
        reason_kk=reason_kk,
        reason_ru=reason_ru,
        both_languages=True,
    )


@transaction.atomic
def campaign_answer(
    *,
    actor: Actor,
    campaign: Campaign,
    decision: str,
    reason_kk: str = "",
    reason_ru: str = "",
    proposal_ids: Iterable[int] | None = None,
) -> list[Answer]:
    """Answer every unanswered member of ``campaign`` (or the chosen ones) in one step.

    Each member gets its own Answer (one shared ``group``); the reason cites the campaign.
    """
    return _cluster_answer(
        actor=actor,
        cluster=campaign,
        proposal_ids=proposal_ids,
        decision=decision,
        reason_kk=reason_kk,
        reason_ru=reason_ru,
    )


@transaction.atomic
def theme_answer(
    *,
    actor: Actor,
    theme: Theme,
    decision: str,
    reason_kk: str = "",
    reason_ru: str = "",
    proposal_ids: Iterable[int] | None = None,
) -> list[Answer]:
    """Answer the unanswered members of ``theme`` (or only the chosen ones) in one step."""
    return _cluster_answer(
        actor=actor,
        cluster=theme,
        proposal_ids=proposal_ids,
        decision=decision,
        reason_kk=reason_kk,
        reason_ru=reason_ru,
    )
