from __future__ import annotations

import pytest

from kenes.proposals.services import proposal_submit
from kenes.review.services import answers_record


@pytest.fixture
def answered(demo_draft, reviewer):
    """Proposals on v1 answered: art. 6 p. 1 accepted, art. 6 not accepted, art. 10 partly,
    art. 12 p. 1 accepted, art. 3 accepted (art. 3 does not change in v2). Returns a dict name → Proposal."""
    v1 = demo_draft[0]

    def make(text, article, point=None, contact=""):
        return proposal_submit(
            actor=None,
            version=v1,
            text=text,
            channel="web",
            article_number=article,
            point_number=point,
            contact=contact,
            consent=bool(contact),
            consent_text="ok" if contact else "",
        ).proposal

    out = {
        "six": make("Срок консультаций нужно увеличить до сорока пяти дней.", "6",
                    contact="+77011234567"),
        "twelve": make("Добавьте решение «вне пределов проекта» в перечень решений.", "12", "1"),
        "six_no": make("Срок консультаций оставить тридцать дней, этого достаточно.", "6"),
        "ten": make("Анонимные предложения надо убрать, они мешают ответам.", "10"),
        "three": make("Принципы консультаций сформулированы хорошо, согласен полностью.", "3"),
    }  # fmt: skip
    for key, decision in (
        ("six", "accepted"),
        ("twelve", "accepted"),
        ("six_no", "not_accepted"),
        ("ten", "partly_accepted"),
        ("three", "accepted"),
    ):
        answers_record(
            actor=reviewer,
            proposal_ids=[out[key].pk],
            decision=decision,
            reason_kk="Себеп.",
            reason_ru="Причина.",
        )
    for p in out.values():
        p.refresh_from_db()
    return out
