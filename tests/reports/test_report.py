"""The final report: figures recomputed from the database, typeset with the Kazakh letters,
personal data masked, bad input answered clearly."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import translation

from kenes.drafts import demo
from kenes.drafts.services import draft_version_import
from kenes.proposals.models import Channel, Proposal
from kenes.reports.models import ReportBuild
from kenes.reports.rendering import num
from kenes.reports.selectors import quote_of, report_data
from kenes.reports.services import report_build
from tests.reports.conftest import pdftotext

pytestmark = pytest.mark.django_db

KAZAKH_LETTERS = "әғқңөұүһі"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_report_pdf_has_kazakh_letters_and_the_database_totals(consultation, tmp_path):
    v1, _v2, _p = consultation
    out = tmp_path / "report-kk.pdf"
    call_command(
        "report", "build", "--document", "demo", "--version", "v1", "--language", "kk",
        "--out", str(out),
    )  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    # written as PDF/A-3b (XMP identification; the fonts are embedded by WeasyPrint)
    meta = subprocess.run(["pdfinfo", "-meta", str(out)], capture_output=True, text=True).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    text = pdftotext(out)
    for letter in KAZAKH_LETTERS:
        assert letter in text, letter
    flat = _squash(text)
    # the Kazakh headings
    assert "Қоғамдық талқылаудың қорытынды есебі" in flat
    # the total and every channel's count equal the database's
    total = Proposal.objects.filter(version=v1).count()
    with translation.override("kk"):
        assert f"Барлығы келген ұсыныстар: {num(total)}." in flat
    by_channel = dict(
        Proposal.objects.filter(version=v1).values_list("channel").annotate(n=Count("id"))
    )
    assert by_channel == {"web": 3, "paper": 1, "meeting": 1}
    with translation.override("kk"):
        paper, web = str(Channel.PAPER.label), str(Channel.WEB.label)
    assert re.search(rf"{paper}\s+1\b", flat)
    assert re.search(rf"{web}\s+3\b", flat)
    # the ledger checkpoint the report was built at
    build = ReportBuild.objects.get()
    assert build.status == ReportBuild.Status.DONE and build.checkpoint_size > 0
    assert build.n_proposals == total
    from kenes.ledger.models import Checkpoint

    cp = Checkpoint.objects.order_by("-size").first()
    assert bytes(cp.root_hash).hex() in text.replace("\n", "").replace(" ", "")


def test_report_masks_personal_data_and_quotes_with_receipt_codes(consultation, tmp_path):
    v1, _v2, p = consultation
    data = report_data(version=v1, lang="ru")
    out = tmp_path / "report-ru.pdf"
    report_build(actor=None, version=v1, language="ru", out=out)
    text = _squash(pdftotext(out))
    assert "900101300123" not in text and "701 123 45 67" not in text
    assert "Итоговый отчёт об общественном обсуждении" in text
    # per-article reasons are there, in Russian
    assert "Срок продлён." in text
    # the campaign's quotes: its representatives, with their receipt codes, personal data masked
    [campaign] = data.campaigns
    assert [q.code for q in campaign.quotes] == [p[1].code, p[0].code]
    masked = campaign.quotes[0].text
    assert "[••••••••••••]" in masked and "[+7 ••• ••• •• ••]" in masked
    assert f"{masked} {p[1].code}" in text or p[1].code in text
    # before the masks, each quote is an exact substring of its proposal
    for q, proposal in zip(campaign.quotes, (p[1], p[0]), strict=True):
        head = q.text.split("[")[0].rstrip(" …")
        assert head and proposal.text.startswith(head)
    assert quote_of(p[0].text) in p[0].text


def test_quotes_are_exact_substrings_with_personal_data_masked():
    text = "Мой телефон +7 701 123 45 67. Прошу продлить срок обсуждения закона до девяноста дней."
    assert quote_of(text) == (
        "Мой телефон [+7 ••• ••• •• ••]. Прошу продлить срок обсуждения закона до девяноста дней."
    )
    long = "Слово " * 80
    q = quote_of(long)
    assert q.endswith(" …") and q[:-2] in long and len(q) <= 222


def test_same_data_gives_the_same_numbers(consultation):
    v1, _v2, _p = consultation
    first = report_data(version=v1, lang="kk").numbers()
    second = report_data(version=v1, lang="kk").numbers()
    assert first == second
    # and the numbers are the database's
    assert first["total"] == Proposal.objects.filter(version=v1).count()
    assert dict(first["decisions"]) == {
        "accepted": 1,
        "partly_accepted": 1,
        "not_accepted": 1,
        "out_of_scope": 0,
    }
    art6 = next(a for a in first["articles"] if a[0] == "6")
    assert art6[1] == 2 and art6[2] == 2  # two proposals, both in the campaign
    assert first["campaigns"][0][1] == 2
    # the changes made because of proposals: article 6 changed in v2, with two proposals
    assert ("6", "6", "changed", 2) in first["changes"]


def test_a_new_answer_changes_the_numbers(consultation, reviewer):
    from kenes.review.services import answer_record

    v1, _v2, p = consultation
    before = report_data(version=v1, lang="ru").numbers()
    answer_record(actor=reviewer, proposal=p[4], decision="out_of_scope", reason_ru="Вне проекта.")
    after = report_data(version=v1, lang="ru").numbers()
    assert dict(after["decisions"])["out_of_scope"] == dict(before["decisions"])["out_of_scope"] + 1


def test_no_proposals_gives_a_clear_report(demo_draft, tmp_path):
    out = tmp_path / "empty.pdf"
    call_command(
        "report", "build", "--document", "demo", "--version", "v2", "--language", "ru",
        "--out", str(out),
    )  # fmt: skip
    text = _squash(pdftotext(out))
    assert "Для этой версии проекта не поступило ни одного предложения." in text
    # v2 is the newest: nothing changed because of proposals yet
    assert "Более новая версия проекта ещё не опубликована" in text
    assert "В журнале ещё нет подписанной контрольной точки." in text


def test_a_draft_in_one_language_only_is_reported(db, tmp_path):
    draft_version_import(
        actor=None, doc=demo.build("v1", "ru"), document_slug="solo", version_label="v1"
    )
    out = tmp_path / "solo-kk.pdf"
    call_command(
        "report", "build", "--document", "solo", "--version", "v1", "--language", "kk",
        "--out", str(out),
    )  # fmt: skip
    text = _squash(pdftotext(out))
    assert "бір тілде ғана" in text


def test_bad_input_fails_clearly(demo_draft, tmp_path):
    with pytest.raises(CommandError, match="demo/v9"):
        call_command(
            "report", "build", "--document", "demo", "--version", "v9", "--language", "ru",
            "--out", str(tmp_path / "x.pdf"),
        )  # fmt: skip
    with pytest.raises(CommandError):
        call_command(
            "report", "build", "--document", "demo", "--version", "v1", "--language", "kk",
            "--out", str(tmp_path),
        )  # fmt: skip


def test_the_calendar_is_in_the_report(consultation, tmp_path):
    import datetime as dt

    from django.apps import apps
    from django.utils import timezone

    if not apps.is_installed("kenes.consultations"):
        pytest.skip("the consultations app is not installed")
    from kenes.consultations.services import consultation_save

    v1, _v2, _p = consultation
    tz = timezone.get_current_timezone()
    consultation_save(
        actor=None,
        version=v1,
        title_kk="Қоғамдық талқылау",
        title_ru="Общественное обсуждение",
        opens_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=tz),
        closes_at=dt.datetime(2026, 10, 31, 18, 0, tzinfo=tz),
        review_until=dt.date(2026, 11, 30),
        report_on=dt.date(2026, 12, 15),
    )
    data = report_data(version=v1, lang="ru")
    assert (data.phases[0].starts, data.phases[0].ends) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 31),
    )
    out = tmp_path / "calendar.pdf"
    report_build(actor=None, version=v1, language="ru", out=out)
    text = _squash(pdftotext(out))
    assert data.phases[0].label in text and "31 октября 2026" in text
    assert "календарь обсуждения не задан" not in text


def test_confirmed_change_links_are_counted(consultation, reviewer):
    from django.apps import apps

    if not apps.is_installed("kenes.changes"):
        pytest.skip("the changes app is not installed")
    from kenes.changes.services import LinkItem, change_links_confirm

    v1, v2, p = consultation
    old6, new6 = v1.articles.get(number="6"), v2.articles.get(number="6")
    # one confirmed link only (the second accepted proposal is not confirmed)
    change_links_confirm(
        actor=reviewer,
        old_version=v1,
        new_version=v2,
        items=[LinkItem(proposal_id=p[0].pk, old_article_id=old6.pk, new_article_id=new6.pk)],
    )
    data = report_data(version=v1, lang="kk")
    assert data.changes_source == "links"
    assert ("6", "6", "changed", 1) in data.numbers()["changes"]


def test_two_builds_of_the_same_data_read_the_same(consultation, tmp_path):
    v1, _v2, _p = consultation
    texts = []
    for name in ("a.pdf", "b.pdf"):
        report_build(actor=None, version=v1, language="kk", out=tmp_path / name)
        text = pdftotext(tmp_path / name)
        # only the build time on the cover may differ
        texts.append("\n".join(line for line in text.splitlines() if "Жасалған уақыты" not in line))
    assert texts[0] == texts[1]
