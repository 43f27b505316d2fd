"""Review screens: access, the queue's filters and bulk actions, one proposal and its answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kenes.accounts.services import staff_user_create
from kenes.proposals.models import Proposal, ProposalState
from kenes.review import services
from kenes.review.models import Answer

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))


@pytest.fixture
def make(submit):
    """Submit a proposal received ``minutes`` after T0 (so the queue order is known)."""
    counter = iter(range(10_000))

    def _make(minutes=None, text=None, **kwargs):
        n = next(counter)
        kwargs.setdefault("language", "ru")
        kwargs.setdefault(
            "submitted_at", T0 + dt.timedelta(minutes=n if minutes is None else minutes)
        )
        return submit(
            text=text or f"Предложение номер {n} о сроках консультаций.", **kwargs
        ).proposal

    return _make


@pytest.fixture
def as_reviewer(client, reviewer):
    client.force_login(reviewer)
    return client


def codes(response) -> list[str]:
    return [p.code for p in response.context["page"].rows]


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/review/", "/review/1/"])
def test_anonymous_visitors_are_sent_to_the_staff_login(client, make, path):
    make()
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/staff/login/?next={path}")


def test_staff_without_a_role_may_not_read_proposals(client, make):
    # given a member of staff with no role
    nobody = staff_user_create(actor=None, username="nobody", password="x-Passw0rd!", roles=[])
    client.force_login(nobody)
    # then the queue is forbidden
    assert client.get("/review/").status_code == 403


def test_an_observer_reads_but_cannot_act(client, make, observer, reviewer):
    # given a proposal with a contact, and an observer
    p = make(contact="aliya@example.kz", consent=True)
    client.force_login(observer)
    # when the observer opens the queue and the proposal
    queue = client.get("/review/")
    page = client.get(f"/review/{p.pk}/")
    # then both are shown, without any form to act, and without the contact
    assert queue.status_code == 200 and p.code in queue.content.decode()
    assert 'name="ids"' not in queue.content.decode()
    html = page.content.decode()
    assert page.status_code == 200 and p.text in html
    assert "data-answer-form" not in html and 'name="into"' not in html
    assert "aliya@example.kz" not in html
    # and every action is refused
    assert (
        client.post(f"/review/{p.pk}/", {"decision": "accepted", "reason_ru": "Да."}).status_code
        == 403
    )
    assert client.post(f"/review/{p.pk}/start").status_code == 403
    assert client.post(f"/review/{p.pk}/merge", {"into": p.code}).status_code == 403
    assert (
        client.post(
            "/review/", {"action": "assign", "ids": [p.pk], "assignee": reviewer.pk}
        ).status_code
        == 403
    )
    p.refresh_from_db()
    assert p.state == ProposalState.RECEIVED and p.assignee is None
    assert not Answer.objects.exists()


def test_a_reviewer_sees_the_contact_and_answers(as_reviewer, make):
    # given a proposal with a contact
    p = make(contact="aliya@example.kz", consent=True)
    # when the reviewer opens it, the contact is shown (reviewers may change proposals)
    assert "aliya@example.kz" in as_reviewer.get(f"/review/{p.pk}/").content.decode()
    # and when they answer it
    response = as_reviewer.post(
        f"/review/{p.pk}/",
        {
            "decision": "partly_accepted",
            "reason_kk": "Ішінара ескерілді.",
            "reason_ru": "Учтено частично.",
        },
    )
    # then the answer is recorded and shows on the proposal, which is answered
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.state == ProposalState.ANSWERED
    answer = p.answers.get()
    assert (answer.decision, answer.reason_ru, answer.answered_by.username) == (
        "partly_accepted",
        "Учтено частично.",
        "dana",
    )
    html = as_reviewer.get(f"/review/{p.pk}/?lang=ru").content.decode()
    assert "Учтено частично." in html and "Ішінара ескерілді." in html
    assert "Принято частично" in html


def test_a_commission_admin_may_answer_too(client, make, admin_user):
    p = make()
    client.force_login(admin_user)
    response = client.post(
        f"/review/{p.pk}/", {"decision": "out_of_scope", "reason_ru": "Не о проекте."}
    )
    assert response.status_code == 302
    assert Answer.objects.filter(proposal=p, decision="out_of_scope").exists()


# --- queue -----------------------------------------------------------------------------------


def test_queue_is_oldest_first_shows_open_proposals_and_counts_states(as_reviewer, make, reviewer):
    # given three proposals received in a known order, one of them answered
    newest = make(minutes=30)
    oldest = make(minutes=1)
    middle = make(minutes=10)
    services.answer_record(
        actor=reviewer, proposal=middle, decision="accepted", reason_ru="Принято."
    )
    # when the reviewer opens the queue
    response = as_reviewer.get("/review/")
    # then the open ones are listed oldest first, and each state is counted
    assert codes(response) == [oldest.code, newest.code]
    assert response.context["page"].counts == {
        "received": 2,
        "in_review": 0,
        "answered": 1,
        "merged": 0,
    }
    assert codes(as_reviewer.get("/review/?state=all")) == [oldest.code, middle.code, newest.code]
    assert codes(as_reviewer.get("/review/?state=answered")) == [middle.code]


def test_queue_filters(as_reviewer, make, reviewer, version):
    # given proposals that differ in each filtered property
    a = make(
        article_number="6",
        language="kk",
        region="71",
        channel="web",
        text="Жоба мерзімін ұзарту керек деп ойлаймын.",
    )
    b = make(
        article_number="7",
        language="ru",
        region="75",
        channel="paper",
        text="Прошу сократить сроки рассмотрения жалоб.",
    )
    c = make(
        language="ru",
        channel="email",
        minutes=60 * 24 * 3,
        text="Общее замечание ко всему проекту закона.",
    )
    services.proposals_assign(actor=reviewer, proposal_ids=[b.pk], assignee=reviewer)

    def only(query):
        return codes(as_reviewer.get(f"/review/?state=all&{query}"))

    # then each filter keeps the matching proposals only
    assert only("article=6") == [a.code]
    assert only("article=-") == [c.code]
    assert only("language=kk") == [a.code]
    assert only("region=75") == [b.code]
    assert only("channel=email") == [c.code]
    assert only("assignee=mine") == [b.code]
    assert only(f"assignee={reviewer.pk}") == [b.code]
    assert only("assignee=none") == [a.code, c.code]
    assert only(f"version={version.pk}") == [a.code, b.code, c.code]
    assert only("date_from=2026-03-02") == [c.code]
    assert only("date_to=2026-03-01") == [a.code, b.code]
    assert only("q=сократить") == [b.code]
    assert only(f"q={b.code.lower()}") == [b.code]
    # and an invalid value is reported, not fatal
    response = as_reviewer.get("/review/?date_from=yesterday")
    assert response.status_code == 200 and response.context["filter_form"].errors


def test_queue_pages_by_fifty(as_reviewer, make):
    made = [make() for _ in range(55)]
    page2 = as_reviewer.get("/review/?page=2")
    assert codes(page2) == [p.code for p in made[50:]]
    assert page2.context["page"].num_pages == 2


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_does_not_grow_with_the_rows(as_reviewer, make, reviewer, reviewer2):
    # given a queue of a few proposals
    for i in range(5):
        make(article_number=str(1 + i % 5), point_number="1", region="71")
    few = _count_queries(as_reviewer, "/review/?state=all")
    # when it grows to 200 proposals, assigned to reviewers, on articles and points
    ids = [
        make(article_number=str(1 + i % 5), point_number="1", region="71").pk for i in range(195)
    ]
    services.proposals_assign_round_robin(
        actor=reviewer, proposal_ids=ids, reviewers=[reviewer, reviewer2]
    )
    many = _count_queries(as_reviewer, "/review/?state=all")
    # then the page of 50 costs the same few queries: no query per row
    assert many == few
    assert many <= 10
    assert _count_queries(as_reviewer, "/review/?state=all&q=консультаций&page=3") <= 10


def test_proposal_screen_query_count_is_bounded(as_reviewer, make, reviewer):
    p = make(article_number="6", point_number="2")
    for i in range(5):
        services.answer_record(
            actor=reviewer, proposal=p, decision="accepted", reason_ru=f"Ответ {i}."
        )
    assert _count_queries(as_reviewer, f"/review/{p.pk}/?state=all") <= 16


# --- bulk actions ----------------------------------------------------------------------------


def test_bulk_answer_gives_each_proposal_its_own_answer_in_one_group(as_reviewer, make):
    # given four proposals, three of them ticked
    chosen = [make() for _ in range(3)]
    other = make()
    # when the reviewer answers the ticked ones with one shared reason
    post = {
        "action": "answer",
        "ids": [p.pk for p in chosen],
        "decision": "not_accepted",
        "reason_kk": "Ортақ себеп.",
        "reason_ru": "Общая причина.",
    }
    # then the first post only asks to confirm the exact number
    ask = as_reviewer.post("/review/?language=ru", post, HTTP_ACCEPT_LANGUAGE="en")
    assert ask.status_code == 200 and not Answer.objects.exists()
    assert "Answer 3 proposals as “not accepted”?" in ask.content.decode()
    response = as_reviewer.post("/review/?language=ru", {**post, "confirmed": "3"})
    # then each gets its own answer, all sharing one group id, and the queue keeps its filter
    assert response.status_code == 302 and response["Location"] == "/review/?language=ru"
    answers = list(Answer.objects.filter(proposal__in=chosen))
    assert len(answers) == 3
    assert len({a.group for a in answers}) == 1 and answers[0].group is not None
    assert {a.reason_ru for a in answers} == {"Общая причина."}
    assert set(
        Proposal.objects.filter(pk__in=[p.pk for p in chosen]).values_list("state", flat=True)
    ) == {ProposalState.ANSWERED}
    other.refresh_from_db()
    assert other.state == ProposalState.RECEIVED


def test_select_all_on_page_works_without_javascript(as_reviewer, make):
    made = [make() for _ in range(3)]
    response = as_reviewer.post(
        "/review/",
        {
            "action": "answer",
            "select_page": "1",
            "page_ids": [p.pk for p in made],
            "decision": "accepted",
            "reason_ru": "Принято.",
            "confirmed": "3",
        },
    )
    assert response.status_code == 302
    assert Answer.objects.filter(proposal__in=made).count() == 3


def test_bulk_answer_needs_a_selection_and_a_reason(as_reviewer, make):
    p = make()
    nothing = as_reviewer.post(
        "/review/", {"action": "answer", "decision": "accepted", "reason_ru": "Принято."}
    )
    assert nothing.status_code == 200 and nothing.context["bulk"].non_field_errors()
    no_reason = as_reviewer.post(
        "/review/", {"action": "answer", "ids": [p.pk], "decision": "accepted"}
    )
    assert "reason_ru" in no_reason.context["bulk"].errors
    # and the ticked proposal stays ticked on the page shown again
    assert p.pk in no_reason.context["selected"]
    assert not Answer.objects.exists()


def test_bulk_answer_with_a_merged_proposal_answers_none(as_reviewer, make, reviewer):
    a, b, c = make(), make(), make()
    services.proposal_merge(actor=reviewer, proposal=b, into=a)
    response = as_reviewer.post(
        "/review/",
        {
            "action": "answer",
            "ids": [a.pk, b.pk, c.pk],
            "decision": "accepted",
            "reason_ru": "Да.",
            "confirmed": "3",
        },
    )
    assert response.status_code == 200
    assert b.code in " ".join(response.context["bulk"].non_field_errors())
    assert not Answer.objects.exists()


def test_bulk_assign_and_take_back(as_reviewer, make, reviewer2):
    made = [make() for _ in range(2)]
    ids = [p.pk for p in made]
    as_reviewer.post("/review/", {"action": "assign", "ids": ids, "assignee": reviewer2.pk})
    assert set(Proposal.objects.filter(pk__in=ids).values_list("assignee", flat=True)) == {
        reviewer2.pk
    }
    as_reviewer.post("/review/", {"action": "assign", "ids": ids, "assignee": "none"})
    assert set(Proposal.objects.filter(pk__in=ids).values_list("assignee", flat=True)) == {None}


def test_round_robin_keeps_an_article_with_one_reviewer(as_reviewer, make, reviewer, reviewer2):
    # given three proposals on article 6 and two on article 7
    on6 = [make(article_number="6") for _ in range(3)]
    on7 = [make(article_number="7") for _ in range(2)]
    # when they are shared between two reviewers
    response = as_reviewer.post(
        "/review/",
        {
            "action": "round_robin",
            "ids": [p.pk for p in on6 + on7],
            "reviewers": [reviewer.pk, reviewer2.pk],
        },
    )
    assert response.status_code == 302
    # then each article's proposals went to one reviewer, and each reviewer got one article
    by6 = set(
        Proposal.objects.filter(pk__in=[p.pk for p in on6]).values_list("assignee", flat=True)
    )
    by7 = set(
        Proposal.objects.filter(pk__in=[p.pk for p in on7]).values_list("assignee", flat=True)
    )
    assert len(by6) == 1 and len(by7) == 1 and by6 | by7 == {reviewer.pk, reviewer2.pk}


# --- one proposal ----------------------------------------------------------------------------


def test_answer_goes_to_the_next_proposal_of_the_same_filtered_queue(as_reviewer, make):
    # given kk and ru proposals interleaved in time
    first = make(language="kk", text="Бірінші ұсыныс мерзім туралы.")
    make(language="ru", text="Русское предложение между ними.")
    second = make(language="kk", text="Екінші ұсыныс мерзім туралы.")
    # when the reviewer answers the first kk proposal from the queue filtered to kk
    response = as_reviewer.post(
        f"/review/{first.pk}/?language=kk", {"decision": "accepted", "reason_kk": "Қабылданды."}
    )
    # then they land on the next kk proposal, the filter kept in the URL
    assert response.status_code == 302
    assert response["Location"] == f"/review/{second.pk}/?language=kk"
    # and after the last one they go back to the (filtered) queue
    last = as_reviewer.post(
        f"/review/{second.pk}/?language=kk", {"decision": "accepted", "reason_kk": "Қабылданды."}
    )
    assert last["Location"] == "/review/?language=kk"


def test_an_answer_without_a_reason_is_refused_and_the_form_kept(as_reviewer, make):
    p = make()
    response = as_reviewer.post(f"/review/{p.pk}/", {"decision": "accepted", "reason_ru": "   "})
    assert response.status_code == 400
    assert "reason_ru" in response.context["answer_form"].errors
    assert not Answer.objects.exists()


def test_answer_may_name_the_changed_article_and_point(as_reviewer, make):
    p = make(article_number="6")
    bad = as_reviewer.post(
        f"/review/{p.pk}/",
        {"decision": "accepted", "reason_ru": "Да.", "changed_article": "6", "changed_point": "99"},
    )
    assert "changed_point" in bad.context["answer_form"].errors
    ok = as_reviewer.post(
        f"/review/{p.pk}/",
        {"decision": "accepted", "reason_ru": "Да.", "changed_article": "6", "changed_point": "2"},
    )
    assert ok.status_code == 302
    answer = Answer.objects.get(proposal=p)
    assert (answer.changed_article.number, answer.changed_point.number) == ("6", "2")


def test_start_review(as_reviewer, make):
    p = make()
    response = as_reviewer.post(f"/review/{p.pk}/start?state=all")
    assert response["Location"] == f"/review/{p.pk}/?state=all"
    p.refresh_from_db()
    assert p.state == ProposalState.IN_REVIEW
    html = as_reviewer.get(f"/review/{p.pk}/?lang=en").content.decode()
    assert "received → in review" in html


def test_merge_by_receipt_code(as_reviewer, make):
    # given two proposals saying the same
    target = make(text="Продлить срок консультаций до девяноста дней.")
    duplicate = make(text="Прошу продлить срок консультаций до 90 дней.")
    # when the duplicate is merged into the first by its code, typed loosely
    loose = target.code.lower().replace("-", " ")
    response = as_reviewer.post(f"/review/{duplicate.pk}/merge?state=all", {"into": loose})
    # then it is merged, shows where, and the reviewer moves on
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.state == ProposalState.MERGED and duplicate.merged_into == target
    html = as_reviewer.get(f"/review/{duplicate.pk}/").content.decode()
    assert target.code in html and "data-answer-form" not in html
    assert duplicate.code in as_reviewer.get(f"/review/{target.pk}/").content.decode()


def test_merge_into_an_unknown_code_or_itself_is_refused(as_reviewer, make):
    p = make()
    unknown = as_reviewer.post(f"/review/{p.pk}/merge", {"into": "KNS-2222-2222"})
    assert unknown.status_code == 400 and "into" in unknown.context["merge_form"].errors
    itself = as_reviewer.post(f"/review/{p.pk}/merge", {"into": p.code})
    assert itself.status_code == 400 and "into" in itself.context["merge_form"].errors
    p.refresh_from_db()
    assert p.state == ProposalState.RECEIVED


def test_proposal_text_is_escaped(as_reviewer, make):
    p = make(text='<script>alert("x")</script> и ещё текст предложения')
    for path in ("/review/", f"/review/{p.pk}/"):
        html = as_reviewer.get(path).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_proposal_screen_shows_article_provenance_and_history(as_reviewer, make, reviewer):
    # given a paper form entered by a reviewer about article 6, point 2
    p = make(
        article_number="6",
        point_number="2",
        channel="paper",
        source="Астана ЦОН",
        source_ref="форма 17",
        region="71",
        author_kind="expert",
    )
    services.proposals_assign(actor=reviewer, proposal_ids=[p.pk], assignee=reviewer)
    # when it is opened in Russian
    html = as_reviewer.get(f"/review/{p.pk}/?lang=ru").content.decode()
    # then the article text (both languages), provenance and history are shown
    article = p.article
    assert article.text_in("search", "kk")[0].split()[0] in html
    assert p.point.text_ru[:30] in html
    assert "Астана ЦОН" in html and "форма 17" in html
    assert "rv-target-point" in html
    assert "dana" in html


def test_unknown_proposal_is_404(as_reviewer):
    assert as_reviewer.get("/review/999999/").status_code == 404


# --- answers in the proposal's language; confirmation; error summary ---------------------------


@pytest.mark.parametrize(
    ("language", "given", "missing"),
    [("kk", "reason_ru", "reason_kk"), ("ru", "reason_kk", "reason_ru")],
)
def test_a_proposal_is_answered_in_its_own_language(as_reviewer, make, language, given, missing):
    p = make(language=language, text="Ұсыныс мәтіні." if language == "kk" else None)
    refused = as_reviewer.post(f"/review/{p.pk}/", {"decision": "accepted", given: "Иә / Да."})
    assert refused.status_code == 400
    assert set(refused.context["answer_form"].errors) == {missing}
    assert not Answer.objects.exists()
    # the other language is optional
    ok = as_reviewer.post(f"/review/{p.pk}/", {"decision": "accepted", missing: "Қабылданды."})
    assert ok.status_code == 302 and Answer.objects.get().reason_in(language) == "Қабылданды."


def test_a_bulk_answer_to_both_languages_needs_both_reasons(as_reviewer, make):
    kk = make(language="kk", text="Қазақша ұсыныс.")
    ru = make(language="ru")
    response = as_reviewer.post(
        "/review/",
        {"action": "answer", "ids": [kk.pk, ru.pk], "decision": "accepted", "reason_ru": "Да."},
    )
    assert response.status_code == 200
    assert set(response.context["bulk"].errors) == {"reason_kk"}
    assert not Answer.objects.exists()


def test_a_confirmation_for_another_number_is_asked_again(as_reviewer, make):
    made = [make() for _ in range(2)]
    post = {
        "action": "answer",
        "ids": [p.pk for p in made],
        "decision": "accepted",
        "reason_ru": "Принято.",
        "confirmed": "5",  # agreed to another number than the selection now has
    }
    again = as_reviewer.post("/review/", post, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200 and not Answer.objects.exists()
    html = again.content.decode()
    assert "Answer 2 proposals as “accepted”?" in html
    assert 'name="confirmed" value="2"' in html
    for p in made:
        assert p.code in html


def test_going_back_from_the_confirmation_keeps_the_answer_and_changes_nothing(as_reviewer, make):
    made = [make() for _ in range(2)]
    response = as_reviewer.post(
        "/review/",
        {
            "action": "answer",
            "ids": [p.pk for p in made],
            "decision": "accepted",
            "reason_ru": "Принято с уточнением.",
            "confirmed": "2",
            "back": "1",
        },
    )
    assert response.status_code == 200 and not Answer.objects.exists()
    html = response.content.decode()
    assert "Принято с уточнением." in html
    assert response.context["selected"] == {p.pk for p in made}


def test_errors_are_summarised_at_the_top_with_links_to_the_fields(as_reviewer, make):
    p = make()
    response = as_reviewer.post(f"/review/{p.pk}/", {"reason_ru": ""})
    html = response.content.decode()
    summary = html.index("data-error-summary")
    assert summary < html.index('id="answer-h"')
    assert 'href="#id_decision_0"' in html and 'href="#id_reason_ru"' in html
    # every aria-describedby points to an element that exists
    import re

    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for refs in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(refs.split()) <= ids, refs


def test_the_queue_has_unique_ids_and_no_dangling_aria_references(as_reviewer, make):
    import re

    make()
    html = as_reviewer.get("/review/").content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for refs in re.findall(r'aria-(?:describedby|labelledby)="([^"]+)"', html):
        assert set(refs.split()) <= set(ids), refs


@pytest.mark.parametrize(("language", "ui"), [("ru", "kk"), ("kk", "ru")])
def test_the_digit_keys_lead_to_the_reason_in_the_proposals_language(
    as_reviewer, make, language, ui
):
    p = make(language=language, text="Ұсыныс мәтіні." if language == "kk" else None)
    html = as_reviewer.get(f"/review/{p.pk}/?lang={ui}").content.decode()
    assert f'data-primary="reason_{language}"' in html
    assert 'aria-required="true"' in html
