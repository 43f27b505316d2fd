"""Demo answers: about 40 % of the demo proposals answered, some in bulk, a few merged."""

from __future__ import annotations

import random

from kenes.accounts.models import User
from kenes.core.seeding import SeedContext
from kenes.proposals.models import Proposal, ProposalState
from kenes.review.models import Answer
from kenes.review.services import answers_record, proposal_review_start

REASONS = {
    "6": (
        "accepted",
        "Мерзім қырық бес күнге дейін ұзартылды (6-бап).",
        "Срок увеличен до сорока пяти дней (статья 6).",
    ),
    "10": ("accepted", "10-бап жобадан алынып тасталды.", "Статья 10 исключена из проекта."),
    "12": (
        "partly_accepted",
        "«Жобаның шегінен тыс» деген шешім қосылды; сілтеме міндетті емес.",
        "Добавлено решение «вне пределов проекта»; ссылка не обязательна.",
    ),
    "8": (
        "not_accepted",
        "Түбіртек экранда және байланыс көрсетілсе хабарламамен беріледі.",
        "Квитанция выдаётся на экране и сообщением, если указан контакт.",
    ),
    "5": (
        "not_accepted",
        "Баспа басылымдары мерзімді ұзартады; жоба порталда жарияланады.",
        "Печатные издания удлиняют сроки; проект публикуется на портале.",
    ),
    None: (
        "out_of_scope",
        "Ұсыныс заң жобасының мәніне қатысты емес.",
        "Предложение не относится к предмету законопроекта.",
    ),
}


def seed(ctx: SeedContext) -> None:
    reviewer = User.objects.filter(username="reviewer").first()
    if reviewer is None or Answer.objects.exists():
        return
    rng = random.Random(7)
    received = list(
        Proposal.objects.filter(state=ProposalState.RECEIVED)
        .select_related("article")
        .order_by("id")
    )
    by_article: dict[str | None, list[int]] = {}
    for p in received:
        if rng.random() < 0.4:
            by_article.setdefault(p.article.number if p.article else None, []).append(p.pk)
    total = 0
    for number, ids in by_article.items():
        decision, kk, ru = REASONS.get(
            number,
            (
                "not_accepted",
                "Ұсыныс қаралды; қолданыстағы редакция сақталады.",
                "Предложение рассмотрено; действующая редакция сохраняется.",
            ),
        )
        answers_record(
            actor=reviewer, proposal_ids=ids, decision=decision, reason_kk=kk, reason_ru=ru
        )
        total += len(ids)
    # A few still unanswered ones are being read (states from the database: the list above
    # is stale after answering).
    for p in Proposal.objects.filter(
        pk__in=[q.pk for q in received[::50]], state=ProposalState.RECEIVED
    ):
        proposal_review_start(actor=reviewer, proposal=p)
    ctx.say(f"Review: {total} demo proposals answered.")
