"""In Chromium on a 390 px phone: an author follows a proposal from the receipt to "changed in
v2" (kk and ru), and a comment survives the import of a new version."""

from __future__ import annotations

import re

import pytest

from kenes.changes.selectors import change_suggestions
from kenes.changes.services import LinkItem, change_links_confirm
from kenes.comments.models import Comment
from kenes.comments.services import comment_moderate
from kenes.drafts import demo
from kenes.drafts.services import draft_version_import
from kenes.proposals.models import Proposal
from kenes.review.services import answer_record
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "kk": "Консультациялар мерзімін отыз күннен қырық бес күнге дейін ұзарту керек, ауыл "
    "тұрғындары үлгермейді.",
    "ru": "Срок консультаций нужно увеличить с тридцати до сорока пяти дней, сельские жители "
    "не успевают.",
}
CHANGED = {"kk": "өзгертілді", "ru": "Изменено"}


def _import(label: str):
    for lang in ("ru", "kk"):
        version = draft_version_import(
            actor=None, doc=demo.build(label, lang), document_slug="demo", version_label=label
        )
    return version


def _context(browser, lang: str):
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        locale=f"{lang}-KZ",
        extra_http_headers={"Accept-Language": lang},
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_author_follows_a_proposal_from_receipt_to_changed_in_v2(
    live_server, browser, reviewer, lang
):
    v1 = _import("v1")
    context = _context(browser, lang)
    page = context.new_page()
    try:
        # given a citizen proposing on article 6 of v1 on a phone
        page.goto(f"{live_server.url}/propose/demo/v1/?article=6")
        page.fill("#text", TEXTS[lang])
        page.locator("form.propose-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/receipt/KNS-"))
        code = page.locator("#receipt-code").inner_text().strip()
        proposal = Proposal.objects.get(code=code)
        # when the commission accepts it, publishes v2 and a reviewer confirms the link
        answer_record(
            actor=reviewer,
            proposal=proposal,
            decision="accepted",
            reason_kk="Мерзім қырық бес күнге дейін ұзартылды.",
            reason_ru="Срок увеличен до сорока пяти дней.",
        )
        v2 = _import("v2")
        suggestion = next(
            s
            for s in change_suggestions(new_version=v2)
            if s.match.old and s.match.old.number == "6"
        )
        assert [c.proposal for c in suggestion.candidates] == [proposal]
        change_links_confirm(
            actor=reviewer,
            old_version=v1,
            new_version=v2,
            items=[
                LinkItem(
                    proposal_id=proposal.pk,
                    old_article_id=suggestion.match.old.pk,
                    new_article_id=suggestion.match.new.pk,
                )
            ],
        )
        # then the author's tracker, opened with the code, shows old → new with the change marked
        page.goto(f"{live_server.url}/track/")
        page.fill("#code", code)
        page.locator("form.propose-form button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/track/{code}/$"))
        box = page.locator("[data-changed-because]")
        assert box.is_visible()
        assert "v2" in box.locator("h2").inner_text()
        diff = box.locator("[data-diff]")
        inserted = " ".join(diff.locator("ins").all_inner_texts())
        deleted = " ".join(diff.locator("del").all_inner_texts())
        assert ("қырық бес" if lang == "kk" else "сорока пяти") in inserted
        assert ("отыз" if lang == "kk" else "тридцати") in deleted
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(page) == []
        # and the article of v2 says it changed after 1 proposal, listing this one
        box.locator("h3 a").first.click()
        page.wait_for_url(re.compile(r"/draft/demo/v2/article/6"))
        changes = page.locator("[data-changes]")
        assert CHANGED[lang] in changes.inner_text()
        assert code in changes.inner_text()
        # and the comparison can show only the changes made because of proposals
        page.goto(f"{live_server.url}/compare/demo/v1/demo/v2/")
        page.locator("[data-filter-proposals]").click()
        page.wait_for_url(re.compile(r"show=proposals"))
        assert page.locator("li.diff-item").count() == 1
        assert page.locator("li.diff-item [data-from-proposals]").count() == 1
    finally:
        context.close()


def test_a_comment_survives_a_version_import(live_server, browser):
    v1 = _import("v1")
    context = _context(browser, "ru")
    page = context.new_page()
    try:
        # given a citizen commenting on point 2 of article 12 of v1 on a phone
        page.goto(f"{live_server.url}/draft/demo/v1/article/12")
        page.locator("#p2 a.comments-link").click()
        page.wait_for_url(re.compile(r"/comments/demo/v1/12/2/"))
        page.fill("#id_text", "Обоснование должно быть на языке предложения. Тел. 87011234567")
        page.locator("form.comment-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/comments/demo/v1/12/2/"))
        assert page.locator(".notice-ok").is_visible()
        comment = Comment.objects.get()
        assert comment.point.number == "2" and comment.version == v1
        comment_moderate(actor=None, comment=comment, state="published")
        # when v2 is imported (point 2 of article 12 is reworded in it)
        _import("v2")
        # then the v2 article shows the comment on its point 2, marked as written on v1
        page.goto(f"{live_server.url}/draft/demo/v2/article/12")
        link = page.locator("#p2 a.comments-link")
        assert "1" in link.inner_text()
        link.click()
        page.wait_for_url(re.compile(r"/comments/demo/v2/12/2/"))
        item = page.locator("li.comment")
        assert item.count() == 1
        text = item.inner_text()
        assert "Обоснование должно быть на языке предложения." in text
        assert "87011234567" not in text  # the phone is masked in public
        assert item.locator("[data-anchor-status=carried_changed]").count() == 1
        assert axe_violations(page) == []
        item.locator("a", has_text="v1").first.click()
        page.wait_for_url(re.compile(r"/draft/demo/v1/article/12"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
