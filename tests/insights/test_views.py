"""Cluster screens: lists, the campaign screen and its one-step answer, corrections, tracker."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kenes.insights import services
from kenes.insights.models import ArticleLink, Campaign, CampaignMember, Correction, Theme
from kenes.review.models import Answer
from tests.insights.conftest import LETTER

pytestmark = pytest.mark.django_db

ANSWER = {
    "decision": "partly_accepted",
    "reason_ru": "Срок увеличен до 45 дней.",
    "reason_kk": "Мерзім 45 күнге дейін ұзартылды.",
}


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["/review/campaigns/", "/review/themes/"])
def test_anonymous_visitors_go_to_the_staff_login(client, analysed, path):
    response = client.get(path)
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_the_campaign_list_shows_size_label_and_unanswered_share(client, analysed, reviewer):
    client.force_login(reviewer)
    camp = Campaign.objects.get()
    html = client.get("/review/campaigns/").content.decode()
    assert camp.code in html and f'href="/review/campaigns/{camp.pk}/"' in html
    assert ">8<" in html and "(100 %)" in html
    assert "/review/campaigns/" in client.get("/review/").content.decode()


def test_list_query_counts_do_not_grow_with_the_clusters(
    client, analysed, reviewer, submit_at, version
):
    client.force_login(reviewer)
    few_c = _queries(client, "/review/campaigns/")
    few_t = _queries(client, "/review/themes/")
    # when there are more campaigns (five copies each of other letters) and themes
    for text in (
        "Ответы комиссии нужно публиковать на казахском и русском языках сразу.",
        "Пусть предложения можно будет оставить в акимате сельского округа.",
        "Протоколы встреч с населением нужно публиковать в течение трёх дней.",
        "Журнал консультаций должен подписываться наблюдателями от партий.",
    ):
        for _ in range(5):
            submit_at(text)
    services.analysis_run_full(actor=None, version=version, embedder="hashing", theme_k=4)
    assert Campaign.objects.count() >= 4
    # then the pages cost the same queries
    assert _queries(client, "/review/campaigns/") == few_c <= 8
    assert _queries(client, "/review/themes/") == few_t <= 8


def test_the_campaign_screen_shows_template_count_and_additions(client, analysed, reviewer):
    client.force_login(reviewer)
    camp = Campaign.objects.get()
    response = client.get(f"/review/campaigns/{camp.pk}/")
    html = response.content.decode()
    assert "девяноста дней" in html and "Шиели" in html
    assert response.context["members"].paginator.count == 8
    only = client.get(f"/review/campaigns/{camp.pk}/?additions=1")
    assert only.context["members"].paginator.count == 3
    assert _queries(client, f"/review/campaigns/{camp.pk}/") <= 10


def test_a_reviewer_answers_the_whole_campaign_in_one_step(client, analysed, reviewer):
    _run, (letters, _) = analysed
    client.force_login(reviewer)
    camp = Campaign.objects.get()
    # the first post asks to confirm the exact number, and changes nothing
    ask = client.post(f"/review/campaigns/{camp.pk}/", ANSWER)
    assert ask.status_code == 200 and not Answer.objects.exists()
    assert "Answer 8 proposals as “partly accepted”?" in ask.content.decode()
    response = client.post(f"/review/campaigns/{camp.pk}/", {**ANSWER, "confirmed": "8"})
    assert response.status_code == 302
    answers = list(Answer.objects.filter(proposal__in=letters))
    assert len(answers) == 8 and len({a.group for a in answers}) == 1
    assert not any(camp.code in a.reason_ru + a.reason_kk for a in answers)
    page = client.get(response["Location"]).content.decode()
    assert "8 proposals of campaign" in page


def test_an_answer_needs_a_reason(client, analysed, reviewer):
    client.force_login(reviewer)
    camp = Campaign.objects.get()
    response = client.post(f"/review/campaigns/{camp.pk}/", {"decision": "accepted"})
    assert response.status_code == 400 and not Answer.objects.exists()


def test_an_observer_reads_but_cannot_answer_or_correct(client, analysed, observer):
    _run, (letters, distinct) = analysed
    client.force_login(observer)
    camp = Campaign.objects.get()
    page = client.get(f"/review/campaigns/{camp.pk}/")
    assert page.status_code == 200 and b"data-cluster-answer" not in page.content
    assert client.post(f"/review/campaigns/{camp.pk}/", ANSWER).status_code == 403
    assert (
        client.post(f"/review/campaigns/{camp.pk}/remove", {"proposal": letters[0].pk}).status_code
        == 403
    )
    assert (
        client.post(
            f"/review/{distinct[0].pk}/links", {"action": "set", "article": "5"}
        ).status_code
        == 403
    )
    theme = Theme.objects.filter(parent__isnull=True).first()
    assert client.post(f"/review/themes/{theme.pk}/", ANSWER).status_code == 403
    assert not Answer.objects.exists() and not Correction.objects.exists()


def test_a_reviewer_takes_a_member_out_of_the_campaign(client, analysed, reviewer):
    _run, (letters, _) = analysed
    client.force_login(reviewer)
    camp = Campaign.objects.get()
    response = client.post(f"/review/campaigns/{camp.pk}/remove", {"proposal": letters[2].pk})
    assert response.status_code == 302
    assert not CampaignMember.objects.filter(proposal=letters[2]).exists()
    assert Correction.objects.get().kind == Correction.Kind.CAMPAIGN_SPLIT


def test_the_proposal_screen_shows_the_analysis_and_fixes_a_link(client, analysed, reviewer):
    _run, (letters, distinct) = analysed
    client.force_login(reviewer)
    screen = client.get(f"/review/{letters[1].pk}/").content.decode()
    assert f'hx-get="/review/{letters[1].pk}/analysis"' in screen
    # the block loaded by htmx, and the same as a page without JavaScript
    html = client.get(f"/review/{letters[1].pk}/analysis", HTTP_HX_REQUEST="true").content.decode()
    camp = Campaign.objects.get()
    assert f'href="/review/campaigns/{camp.pk}/"' in html and 'id="links-h"' in html
    assert "<h1" not in html
    page = client.get(f"/review/{letters[1].pk}/analysis").content.decode()
    assert "<h1" in page and f'href="/review/campaigns/{camp.pk}/"' in page
    assert _queries(client, f"/review/{letters[1].pk}/analysis") <= 12
    # when the reviewer links article 5, point 1, and removes article 8
    p = distinct[1]
    assert (
        client.post(
            f"/review/{p.pk}/links", {"action": "set", "article": "5", "point": "1"}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/review/{p.pk}/links", {"action": "remove", "article": "8"}).status_code
        == 302
    )
    links = {lk.article.number: lk for lk in ArticleLink.objects.filter(proposal=p)}
    assert links["5"].source == "staff" and links["5"].point.number == "1"
    assert "8" not in links
    # and an unknown article is refused with a message
    response = client.post(f"/review/{p.pk}/links", {"action": "set", "article": "99"}, follow=True)
    assert "99" in response.content.decode()
    assert not ArticleLink.objects.filter(proposal=p, article__number="99").exists()


def test_theme_answer_of_only_the_ticked_members(client, analysed, reviewer):
    client.force_login(reviewer)
    theme = Theme.objects.filter(parent__isnull=True).order_by("-size").first()
    ids = list(theme.members.values_list("proposal_id", flat=True))[:2]
    ask = client.post(f"/review/themes/{theme.pk}/", {**ANSWER, "only": "1", "selected": ids})
    assert ask.status_code == 200 and not Answer.objects.exists()
    assert "Answer 2 proposals as" in ask.content.decode()
    response = client.post(
        f"/review/themes/{theme.pk}/", {**ANSWER, "only": "1", "selected": ids, "confirmed": "2"}
    )
    assert response.status_code == 302
    assert sorted(Answer.objects.values_list("proposal_id", flat=True)) == sorted(ids)


def test_the_tracker_says_one_of_n_near_identical_proposals(client, analysed, reviewer):
    _run, (letters, distinct) = analysed
    code = letters[3].code
    before = client.get(f"/track/{code}/?lang=en").content.decode()
    assert "one of 8 near-identical proposals; they will be answered together" in before
    services.campaign_answer(
        actor=reviewer,
        campaign=Campaign.objects.get(),
        decision="accepted",
        reason_ru="Срок увеличен.",
        reason_kk="Мерзім ұзартылды.",
    )
    after = client.get(f"/track/{code}/?lang=en").content.decode()
    assert "one of 8 near-identical proposals; the answer is: Accepted" in after
    assert (
        "near-identical" not in client.get(f"/track/{distinct[0].code}/?lang=en").content.decode()
    )


def test_a_new_copy_in_the_tracker_counts_itself(client, analysed, submit_at):
    new = submit_at(LETTER)
    services.proposal_analyze_new(proposal_id=new.pk)
    assert "one of 9 near-identical" in client.get(f"/track/{new.code}/?lang=en").content.decode()
