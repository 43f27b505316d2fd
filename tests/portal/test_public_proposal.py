"""A proposal opened from the public list is a public item, not "your proposal"."""

from __future__ import annotations

import re

import pytest

from kenes.review.services import answer_record

YOUR = {
    "kk": ["сіздің", "ұсынысыңыз", "ұсынысыңызға"],
    "ru": ["ваше предложение", "на ваше", "ваш "],
}


def main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.fixture
def answered(submit, reviewer):
    p = submit(
        text="Предлагаю продлить срок консультаций до девяноста дней, мой ИИН 900101300123.",
        article_number="6",
        point_number="2",
        region="71",
    ).proposal
    answer_record(
        actor=reviewer,
        proposal=p,
        decision="accepted",
        reason_ru="Срок продлён в новой редакции.",
        reason_kk="Жаңа редакцияда мерзім ұзартылды.",
    )
    return p


@pytest.mark.parametrize(
    ("lang", "heading", "decision"),
    [
        ("kk", "6-бапқа ұсыныс", "Жауап берілді: қабылданды"),
        ("ru", "Предложение к статье 6", "Ответ дан: принято"),
    ],
)
def test_the_public_page_speaks_of_the_proposal_not_to_its_author(
    client, answered, lang, heading, decision
):
    html = main(client.get(f"/proposals/{answered.code}/?lang={lang}").content.decode())
    text = re.sub(r"<[^>]+>", " ", html)
    text = " ".join(text.split())
    assert heading in text
    assert decision in text
    assert ("Жаңа редакцияда" if lang == "kk" else "Срок продлён") in text
    for word in YOUR[lang]:
        assert word not in text.lower(), word
    assert "900101300123" not in html  # the IIN typed into the text is masked
    assert 'href="/ledger/"' in html


def test_the_list_links_to_the_public_page_and_the_tracker_still_speaks_to_the_author(
    client, answered
):
    listing = client.get("/proposals/?lang=ru").content.decode()
    assert f'href="/proposals/{answered.code}/"' in listing
    assert f'href="/track/{answered.code}/"' not in listing
    tracker = client.get(f"/track/{answered.code}/?lang=ru").content.decode()
    assert "ваше предложение" in tracker.lower()
    assert 'href="/ledger/"' in tracker


def test_an_unknown_or_misspelt_code(client, answered):
    assert client.get("/proposals/KNS-0000-0000/").status_code == 404
    response = client.get(f"/proposals/{answered.code.lower()}/")
    assert response.status_code == 302 and response["Location"] == f"/proposals/{answered.code}/"
