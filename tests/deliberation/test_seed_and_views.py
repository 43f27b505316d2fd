"""The demo seed, and the pages in Kazakh and Russian (vote card, results, projector, moderation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kenes.core.seeding import SeedContext
from kenes.deliberation import seed, selectors, services
from kenes.deliberation.models import Conversation, Statement, Vote
from kenes.deliberation.views import DEVICE_COOKIE
from tests.fixtures.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_draft):
    ctx = SeedContext()
    seed.seed(ctx)
    return Conversation.objects.get(slug=seed.DEMO_SLUG), ctx


def test_demo_seed_has_groups_consensus_and_bridging_and_is_idempotent(demo):
    conv, ctx = demo
    assert "3 groups" in ctx.report[0]
    view = selectors.result_view(conv)
    assert len(view.groups) >= 2
    assert view.consensus and view.bridging
    assert all(g.representative for g in view.groups)
    languages = set(Statement.objects.filter(conversation=conv).values_list("language", flat=True))
    assert languages == {"kk", "ru"}
    n = Vote.objects.count()
    seed.seed(SeedContext())
    assert Vote.objects.count() == n and Conversation.objects.count() == 1


@pytest.mark.parametrize(
    ("lang", "agree", "results"),
    [("kk", "Келісемін", "Нәтижелер"), ("ru", "Согласен", "Результаты")],
)
def test_vote_card_votes_without_javascript(client, demo, lang, agree, results):
    conv, _ = demo
    url = reverse("deliberation:card", args=[conv.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    html = page.content.decode()
    assert page.status_code == 200 and agree in html and results in html
    assert 'name="statement" value="' in html
    statement_id = int(html.split('name="statement" value="')[1].split('"')[0])
    answer = client.post(
        reverse("deliberation:vote", args=[conv.slug]),
        {"statement": statement_id, "value": "1"},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert answer.status_code == 302
    assert DEVICE_COOKIE in answer.cookies
    vote = Vote.objects.get(statement_id=statement_id, participant__external_id="")
    assert vote.value == 1
    # the next card is another statement
    again = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert f'name="statement" value="{statement_id}"' not in again


@pytest.mark.parametrize(
    ("lang", "message"),
    [("kk", "1 (келісемін)"), ("ru", "1 (согласен)")],
)
def test_a_bad_vote_value_is_a_clear_error_in_the_page_language(client, demo, lang, message):
    conv, _ = demo
    statement = Statement.objects.filter(conversation=conv, state="accepted").first()
    answer = client.post(
        reverse("deliberation:vote", args=[conv.slug]),
        {"statement": statement.pk, "value": "7"},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()


def test_htmx_vote_returns_the_next_card(client, demo):
    conv, _ = demo
    statement = Statement.objects.filter(conversation=conv, state="accepted").first()
    answer = client.post(
        reverse("deliberation:vote", args=[conv.slug]),
        {"statement": statement.pk, "value": "-1"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.startswith('<section id="card"') and "Не согласен" in html


@pytest.mark.parametrize(("lang", "waiting"), [("kk", "модерация"), ("ru", "модерации")])
def test_own_statement_awaits_moderation(client, demo, lang, waiting):
    conv, _ = demo
    answer = client.post(
        reverse("deliberation:statement", args=[conv.slug]),
        {"text": "Комиссия отчёт жариялағанда өңірлер бойынша кесте берсін."},
        HTTP_ACCEPT_LANGUAGE=lang,
        follow=True,
    )
    assert waiting in answer.content.decode()
    s = Statement.objects.get(text__startswith="Комиссия отчёт")
    assert s.state == Statement.State.PENDING
    # not shown to voters
    assert s.text not in client.get(reverse("deliberation:card", args=[conv.slug])).content.decode()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", ["Пікірлер картасы", "A тобы", "Топтар арасындағы"]),
        ("ru", ["Карта мнений", "Группа A", "согласны"]),
    ],
)
def test_results_page_shows_map_table_and_statements(client, demo, lang, words):
    conv, _ = demo
    page = client.get(reverse("deliberation:results", args=[conv.slug]), HTTP_ACCEPT_LANGUAGE=lang)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'role="img"' in html and "<table" in html
    assert html.count("<circle") == 340
    for word in words:
        assert word in html, word
    assert "95%" in html


def test_results_below_minimum_evidence_say_so(client, demo, settings):
    conv, _ = demo
    settings.KENES_DELIB_MIN_VOTES = 10_000
    html = client.get(
        reverse("deliberation:results", args=[conv.slug]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "меньше 10" in html or "менее 10" in html
    view = selectors.result_view(conv)
    assert view.consensus == [] and view.bridging == []
    assert all(g.representative == [] for g in view.groups)


def test_projector_refreshes_itself(client, demo):
    conv, _ = demo
    page = client.get(reverse("deliberation:projector", args=[conv.slug]) + "?refresh=10")
    assert page.status_code == 200 and page["Refresh"] == "10"
    assert f"/talk/{conv.slug}/" in page.content.decode()


def test_moderation_queue_requires_staff_and_a_reason(client, demo, admin_user):
    conv, _ = demo
    url = reverse("deliberation:moderate", args=[conv.slug])
    assert client.get(url).status_code == 302  # to the login
    client.login(username=admin_user.username, password=PASSWORD)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    pending = list(selectors.moderation_queue(conv))
    assert page.status_code == 200 and pending[0].text in page.content.decode()
    refused = client.post(
        url,
        {"action": "reject", "statement": pending[0].pk, "reason": ""},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert refused.status_code == 400 and "причину" in refused.content.decode()
    client.post(url, {"action": "accept", "statement": pending[0].pk})
    client.post(url, {"action": "reject", "statement": pending[1].pk, "reason": "Повтор."})
    states = dict(
        Statement.objects.filter(pk__in=[s.pk for s in pending]).values_list("pk", "state")
    )
    assert states == {pending[0].pk: "accepted", pending[1].pk: "rejected"}


def test_closed_conversation_shows_a_notice_and_refuses_votes(client, demo, admin_user):
    conv, _ = demo
    services.conversation_set_status(actor=admin_user, conversation=conv, status="closed")
    statement = Statement.objects.filter(conversation=conv, state="accepted").first()
    answer = client.post(
        reverse("deliberation:vote", args=[conv.slug]),
        {"statement": statement.pk, "value": "1"},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert answer.status_code == 403
    assert "жабық" in answer.content.decode()


def test_conversation_list(client, demo):
    conv, _ = demo
    html = client.get(reverse("deliberation:list"), HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert conv.title_kk in html


def test_without_a_worker_the_results_page_computes_queued_votes(client, demo, settings):
    conv, _ = demo
    settings.KENES_DELIB_AUTO = True
    settings.KENES_DELIB_RECOMPUTE_ON_READ = True
    before = selectors.latest_result(conv).n_votes
    statement = Statement.objects.filter(conversation=conv, state="accepted").first()
    client.post(
        reverse("deliberation:vote", args=[conv.slug]), {"statement": statement.pk, "value": "1"}
    )
    conv.refresh_from_db()
    assert conv.recompute_queued
    client.get(reverse("deliberation:results", args=[conv.slug]))
    assert selectors.latest_result(conv).n_votes == before + 1


def test_an_htmx_vote_error_is_swapped_in_with_its_message(client, demo, admin_user):
    conv, _ = demo
    services.conversation_set_status(actor=admin_user, conversation=conv, status="closed")
    statement = Statement.objects.filter(conversation=conv, state="accepted").first()
    answer = client.post(
        reverse("deliberation:vote", args=[conv.slug]),
        {"statement": statement.pk, "value": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert answer.status_code == 200  # htmx swaps 2xx only
    assert 'role="alert"' in answer.content.decode() and "закрыто" in answer.content.decode()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_card_offers_statements_in_the_readers_language_first(client, demo, lang):
    from kenes.deliberation import opinions

    conv, _ = demo
    p = services.participant_get_or_create(
        conversation=conv, device_token=f"reader-{lang}-0123456789"
    )
    languages = []
    for _ in range(Statement.objects.filter(conversation=conv, state="accepted").count()):
        s = opinions.next_statement_for(conversation=conv, participant=p, language=lang)
        languages.append(s.language)
        services.vote_cast(conversation=conv, participant=p, statement_id=s.pk, value=0)
    n_mine = Statement.objects.filter(conversation=conv, state="accepted", language=lang).count()
    assert n_mine >= 9 and languages[:n_mine] == [lang] * n_mine
    assert lang not in languages[n_mine:]
    assert opinions.next_statement_for(conversation=conv, participant=p, language=lang) is None
