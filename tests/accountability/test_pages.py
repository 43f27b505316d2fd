"""The public account pages: dashboard, summary table, article account, exports, ledger page,
about/help/privacy; in kk and ru with no English on them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from kenes.accountability import selectors
from kenes.proposals.models import Proposal
from kenes.review.services import answer_record, answers_record

ALLOWED_LATIN = {
    "csv",
    "xlsx",
    "json",
    "kenes",
    "kns",
    "xxxx",
    "secret",
    "code",
    "text",
    "file",
    "verify",
    "receipt",
    "proposal",
    "log",
    "api",
    "ledger",
    "checkpoint",
    "http",
    "https",
    "testserver",
    "english",
    "cookie",
    "email",
    "mail",
    "svg",
    "sha",
    "merkle",
    "demo",
}


def latin_words(html: str) -> set[str]:
    """Latin words a reader sees: tags, scripts, <pre>/<code>, text marked kk-Latn and attribute
    values removed."""
    body = re.sub(r"(?s)<(script|style|pre|code|svg|title)\b.*?</\1>", " ", html)
    # text marked as written in Latin: the "Latyn" alphabet switch (lang="kk-Latn")
    body = re.sub(r'(?s)<(\w+)\b[^>]*\blang="kk-Latn"[^>]*>.*?</\1>', " ", body)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    body = re.sub(r"KNS-\w{4}-\w{4}", " ", body)  # receipt codes
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", body)}
    return words - ALLOWED_LATIN


@pytest.fixture
def answered(demo_draft, submit, reviewer):
    """Proposals on v1 (which has a newer version v2), some answered."""
    v1 = demo_draft[0]
    article = v1.articles.order_by("position").first()
    point = article.points.order_by("position").first()
    made = [
        submit(
            version=v1,
            text=f"Предлагаю изменить формулировку этой статьи, вариант {i}.",
            article_number=article.number,
            point_number=point.number if point and i % 2 else None,
            region="75",
        ).proposal
        for i in range(5)
    ]
    submit(version=v1, text="Общее предложение ко всему проекту закона.")
    answers_record(
        actor=reviewer,
        proposal_ids=[p.pk for p in made[:2]],
        decision="accepted",
        reason_ru="Учтено в новой редакции.",
        reason_kk="Жаңа редакцияда ескерілді.",
    )
    answer_record(
        actor=reviewer,
        proposal=made[2],
        decision="not_accepted",
        reason_ru="Противоречит статье 1.",
    )
    return v1, article, made


def test_the_article_account_counts_decisions_and_reasons(answered):
    v1, article, _made = answered
    account = selectors.article_account(version=v1, number=article.number, lang="ru")
    assert account.received == Proposal.objects.filter(article=article).count() == 5
    assert account.decisions == {"accepted": 2, "not_accepted": 1}
    assert account.unanswered == 2
    reasons = {(r.decision, r.reason): r.count for r in account.reasons}
    assert reasons == {
        ("accepted", "Учтено в новой редакции."): 2,
        ("not_accepted", "Противоречит статье 1."): 1,
    }
    assert (
        sum(p.received for p in account.points)
        == Proposal.objects.filter(article=article, point__isnull=False).count()
    )
    assert account.newer is not None and account.newer.version.label == "v2"
    kk = selectors.article_account(version=v1, number=article.number, lang="kk")
    assert ("accepted", "Жаңа редакцияда ескерілді.") in {
        (r.decision, r.reason) for r in kk.reasons
    }


def test_the_whole_table_adds_up(answered):
    v1, article, _made = answered
    rows = selectors.version_account(version=v1, lang="ru")
    whole = rows[0]
    assert whole.article == "" and whole.received == 1
    article_rows = [r for r in rows if r.article and not r.point]
    assert (
        sum(r.received for r in article_rows) + whole.received
        == Proposal.objects.filter(version=v1).count()
    )
    header, table = selectors.account_table(version=v1, lang="ru")
    assert header == selectors.ACCOUNT_COLUMNS
    first = next(t for t in table if t[0] == article.number and t[1] == "")
    assert first[header.index("accepted")] == 2
    assert "Учтено" in first[header.index("reasons")]
    assert first[header.index("new_version")] == "v2"


def test_csv_and_xlsx_exports(client, answered):
    _v1, article, _made = answered
    response = client.get("/account/demo/v1.csv?lang=ru")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == selectors.ACCOUNT_COLUMNS
    assert any(r[0] == article.number and r[5] == "2" for r in rows[1:])
    response = client.get("/account/demo/v1.xlsx?lang=kk")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert [c.value for c in sheet[1]] == selectors.ACCOUNT_COLUMNS
    assert sheet.max_row == len(rows)


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(
    "url",
    [
        "/stats/",
        "/stats/?version=demo/v1",
        "/account/demo/v1/",
        "/account/demo/v1/article/{n}",
        "/ledger/",
        "/about/",
        "/help/",
        "/privacy/",
        "/",
        "/draft/demo/v1/article/{n}",
        "/propose/demo/v1/",
    ],
)
def test_pages_in_kk_and_ru_have_no_english(client, answered, lang, url):
    _v1, article, _made = answered
    response = client.get(
        url.format(n=article.number) + ("&" if "?" in url else "?") + f"lang={lang}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert latin_words(html) == set(), latin_words(html)
    # every page links the dashboard, the ledger and the about pages
    for link in ('href="/stats/"', 'href="/ledger/"', 'href="/privacy/"'):
        assert link in html


def test_the_dashboard_shows_the_counts_with_tables_and_csv(client, answered):
    _v1, _article, _made = answered
    html = client.get("/stats/?lang=ru").content.decode()
    assert html.count("<svg") >= 7
    assert html.count("<table") >= 7
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    response = client.get("/stats/region.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["key", "label", "proposals"]
    assert ["75"] == [r[0] for r in rows[1:] if r[0] == "75"]
    assert (
        int(next(r for r in rows if r[0] == "75")[2])
        == Proposal.objects.filter(region="75").count()
    )
    response = client.get("/stats/decision.csv?version=demo/v1")
    rows = {
        r[0]: int(r[2])
        for r in list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    }
    assert rows == {"accepted": 2, "not_accepted": 1}
    assert client.get("/stats/nothing.csv").status_code == 404


def test_the_dashboard_reads_counters_not_proposals(
    client, answered, django_assert_max_num_queries
):
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(14):
        assert client.get("/stats/").status_code == 200


def test_the_ledger_page_shows_checkpoints_and_kinds(client, answered):
    from kenes.ledger.services import ledger_sequence

    ledger_sequence()
    html = client.get("/ledger/?lang=ru").content.decode()
    assert "kenes verify receipt" in html
    assert 'href="/ledger/verify/"' in html
    assert "предложение получено" in html


def test_points_carry_their_new_wording(answered):
    v1, article, _made = answered
    rows = [
        r for r in selectors.version_account(version=v1, lang="ru") if r.article == article.number
    ]
    point_rows = [r for r in rows if r.point]
    assert point_rows and all(r.newer is not None for r in point_rows)
    assert {r.newer.version.label for r in point_rows} == {"v2"}
    header, table = selectors.account_table(version=v1, lang="ru")
    assert header[-1] == "new_point"
    first_point = next(t for t in table if t[0] == article.number and t[1])
    assert first_point[header.index("new_version")] == "v2"
