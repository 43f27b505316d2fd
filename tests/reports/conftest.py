"""A tiny consultation: the demo law v1 and v2 (kk and ru), a few proposals on v1 from several
channels, regions and languages (one with an IIN and a phone typed in), answers with reasons,
one of them naming the article changed in v2, and a signed ledger checkpoint."""

from __future__ import annotations

import shutil

import pytest

from kenes.ledger.services import ledger_sequence
from kenes.review.services import answer_record

pytestmark = pytest.mark.django_db

KK_TEXT = "Мерзімді тоқсан күнге дейін ұзартуды ұсынамын: әр ауылда талқылау өтсін, ғылыми қорытынды, құқық, өңір, ұйым, үкімет, һ әрпі."


def pdftotext(path) -> str:
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def consultation(demo_draft, reviewer):
    v1, v2 = demo_draft
    from kenes.proposals.services import proposal_submit

    def submit(text, **kw):
        kw.setdefault("channel", "web")
        return proposal_submit(actor=None, version=v1, text=text, **kw).proposal

    p = [
        submit(KK_TEXT, article_number="6", language="kk", region="75"),
        submit(
            "Мой ИИН 900101300123, телефон +7 701 123 45 67: предлагаю продлить срок "
            "консультаций до девяноста дней. Спасибо.",
            article_number="6",
            language="ru",
            region="71",
            channel="paper",
        ),
        submit(
            "Предлагаю публиковать сводную таблицу всех предложений.",
            article_number="13",
            language="ru",
            region="71",
        ),
        submit("Жалпы жобаны толық қолдаймын, бірақ мерзім аз.", language="kk", channel="meeting"),
        submit("Прошу добавить статью о детях и молодёжи.", language="ru", region="75"),
    ]
    article6_v2 = v2.articles.get(number="6")
    answer_record(
        actor=reviewer,
        proposal=p[0],
        decision="accepted",
        reason_kk="Мерзім ұзартылды: бұл шаһар мен ауыл тұрғындарына ыңғайлы.",
        reason_ru="Срок продлён.",
        changed_article=article6_v2,
    )
    answer_record(
        actor=reviewer,
        proposal=p[1],
        decision="partly_accepted",
        reason_kk="Мерзім ішінара ұзартылды.",
        reason_ru="Срок частично продлён.",
        changed_article=article6_v2,
    )
    answer_record(
        actor=reviewer,
        proposal=p[2],
        decision="not_accepted",
        reason_kk="Кесте басқа құжатта.",
        reason_ru="Таблица предусмотрена другим актом.",
    )
    # a campaign found by the analysis (written directly: the engine is tested in insights)
    from kenes.insights.models import Campaign, CampaignMember

    campaign = Campaign.objects.create(
        version=v1,
        label="Срок консультаций",
        template="Предлагаю продлить срок консультаций.",
        size=2,
        representative_ids=[p[1].pk, p[0].pk],
    )
    for proposal in (p[0], p[1]):
        CampaignMember.objects.create(campaign=campaign, proposal=proposal)
    ledger_sequence()
    return v1, v2, p
