"""Change links: suggested from the diff, confirmed by a person, logged, shown to authors."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kenes.changes.models import ChangeLink
from kenes.changes.selectors import change_suggestions, changes_for_proposal
from kenes.changes.services import LinkItem, change_links_confirm
from kenes.ledger.models import Entry

pytestmark = pytest.mark.django_db


def _items(suggestions, only=None):
    return [
        LinkItem(
            proposal_id=c.proposal.pk,
            old_article_id=s.match.old.pk if s.match.old else None,
            new_article_id=s.match.new.pk if s.match.new else None,
            old_point_id=c.old_point.pk if c.old_point else None,
            new_point_id=c.new_point.pk if c.new_point else None,
        )
        for s in suggestions
        for c in s.candidates
        if only is None or c.proposal.pk in only
    ]


def test_suggestions_hold_accepted_proposals_on_changed_articles(demo_draft, answered):
    _v1, v2 = demo_draft
    suggestions = change_suggestions(new_version=v2)
    by_article = {
        (s.match.old.number if s.match.old else s.match.new.number): s for s in suggestions
    }
    assert by_article["6"].kind == "changed"
    assert by_article["10"].kind == "removed"
    assert "11-1" in by_article and by_article["11-1"].kind == "added"
    six = [c.proposal for c in by_article["6"].candidates]
    assert six == [answered["six"]]  # the not-accepted one is not suggested
    assert by_article["6"].candidates[0].old_point is None  # v1's article 6 has no points
    twelve = by_article["12"].candidates[0]
    assert twelve.proposal == answered["twelve"]
    assert twelve.old_point.number == "1" and twelve.new_point.number == "1"
    assert [c.proposal for c in by_article["10"].candidates] == [answered["ten"]]
    # Article 3 did not change: its accepted proposal is not suggested anywhere.
    assert all(answered["three"] not in [c.proposal for c in s.candidates] for s in suggestions)


def test_first_version_has_nothing_to_suggest(demo_draft, answered):
    assert change_suggestions(new_version=demo_draft[0]) == []


def test_confirm_writes_links_and_ledger_events_without_personal_data(
    demo_draft, answered, reviewer
):
    v1, v2 = demo_draft
    before = Entry.objects.filter(kind="change.linked").count()
    created = change_links_confirm(
        actor=reviewer,
        old_version=v1,
        new_version=v2,
        items=_items(change_suggestions(new_version=v2)),
    )
    assert {link.proposal for link in created} == {
        answered["six"],
        answered["ten"],
        answered["twelve"],
    }
    entries = list(Entry.objects.filter(kind="change.linked").order_by("id"))
    assert len(entries) == before + 3
    events = [json.loads(e.data) for e in entries]
    six = next(e for e in events if e["code"] == answered["six"].code)
    assert six["old_article"] == "6" and six["new_article"] == "6" and six["change"] == "changed"
    assert six["decision"] == "accepted" and six["from"] == "v1" and six["to"] == "v2"
    ten = next(e for e in events if e["code"] == answered["ten"].code)
    assert ten["change"] == "removed" and ten["new_article"] is None
    for e in entries:
        assert "7011234567" not in e.data
    # Confirming again writes nothing new.
    again = change_links_confirm(
        actor=reviewer,
        old_version=v1,
        new_version=v2,
        items=_items(change_suggestions(new_version=v2)),
    )
    assert again == []
    assert ChangeLink.objects.count() == 3
    assert all(c.linked for s in change_suggestions(new_version=v2) for c in s.candidates)


def test_confirm_refuses_a_proposal_that_was_not_accepted(demo_draft, answered, reviewer):
    v1, v2 = demo_draft
    six = v1.articles.get(number="6")
    new_six = v2.articles.get(number="6")
    items = [
        LinkItem(proposal_id=answered["six"].pk, old_article_id=six.pk, new_article_id=new_six.pk),
        LinkItem(
            proposal_id=answered["six_no"].pk, old_article_id=six.pk, new_article_id=new_six.pk
        ),
    ]
    with pytest.raises(ValidationError) as exc:
        change_links_confirm(actor=reviewer, old_version=v1, new_version=v2, items=items)
    assert answered["six_no"].code in str(exc.value)
    assert ChangeLink.objects.count() == 0  # nothing written, not even the good one


def test_confirm_refuses_articles_of_other_versions(demo_draft, answered, reviewer):
    v1, v2 = demo_draft
    item = LinkItem(
        proposal_id=answered["six"].pk,
        old_article_id=v2.articles.get(number="6").pk,  # wrong side
        new_article_id=v2.articles.get(number="6").pk,
    )
    with pytest.raises(ValidationError):
        change_links_confirm(actor=reviewer, old_version=v1, new_version=v2, items=[item])
    with pytest.raises(ValidationError):
        change_links_confirm(actor=reviewer, old_version=v2, new_version=v2, items=[item])


def test_tracker_article_and_comparison_show_the_change(client, demo_draft, answered, reviewer):
    v1, v2 = demo_draft
    change_links_confirm(
        actor=reviewer,
        old_version=v1,
        new_version=v2,
        items=_items(change_suggestions(new_version=v2)),
    )
    code = answered["six"].code
    page = client.get(reverse("portal:track-proposal", args=[code]), HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert "data-changed-because" in html
    # Word-level diff: "тридцати" → "сорока пяти" marked in the old → new wording.
    views = changes_for_proposal(answered["six"], "ru")
    assert any(s.op == "insert" and "сорока пяти" in s.text for s in views[0].segments)
    assert "<ins>" in html and "<del>" in html and "сорока пяти" in html
    # Nobody else's tracker says so.
    other = client.get(reverse("portal:track-proposal", args=[answered["three"].code]))
    assert "data-changed-because" not in other.content.decode()
    article = client.get(reverse("portal:draft-article", args=["demo", "v2", "6"]))
    assert "data-changes" in article.content.decode() and code in article.content.decode()
    old_article = client.get(reverse("portal:draft-article", args=["demo", "v1", "6"]))
    assert "data-changes-newer" in old_article.content.decode()
    compare = client.get(
        reverse("portal:compare", args=["demo", "v1", "demo", "v2"]) + "?show=proposals"
    )
    body = compare.content.decode()
    assert body.count("data-from-proposals") == 3  # articles 6, 10 and 12
    assert 'id="n11-1"' not in body  # added without a proposal: filtered out


def test_staff_screen_confirms_ticked_links(client, demo_draft, answered, reviewer):
    url = reverse("changes:confirm", args=["demo", "v2"])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(reviewer)
    page = client.get(url)
    assert page.status_code == 200
    assert answered["six"].code in page.content.decode()
    v1, v2 = demo_draft
    value = (
        f"{answered['six'].pk}:{v1.articles.get(number='6').pk}:{v2.articles.get(number='6').pk}::"
    )
    response = client.post(url, {"link": [value]})
    assert response.status_code == 302
    assert ChangeLink.objects.get().proposal == answered["six"]
    bad = client.post(url, {"link": ["nonsense"]})
    assert bad.status_code == 200 and ChangeLink.objects.count() == 1
    first = client.get(reverse("changes:confirm", args=["demo", "v1"]) + "?lang=en")
    assert first.status_code == 200 and "first version" in first.content.decode()


def test_public_pages_mask_personal_data_typed_into_a_proposal(client, demo_draft):
    from kenes.proposals.services import proposal_submit

    p = proposal_submit(
        actor=None,
        version=demo_draft[1],
        text="Меня зовут Айгуль Серикова, мой ИИН 900101300123, телефон +7 701 555 44 33.",
        channel="web",
    ).proposal
    for url in (reverse("portal:proposals"), reverse("portal:track-proposal", args=[p.code])):
        html = client.get(url).content.decode()
        assert p.code in html
        for secret in ("Айгуль", "900101300123", "555 44 33"):
            assert secret not in html, (url, secret)


def test_versions_without_a_shared_language_are_compared_by_number(db, reviewer):
    from kenes.drafts import demo
    from kenes.drafts.services import draft_version_import
    from kenes.proposals.services import proposal_submit
    from kenes.review.services import answers_record

    v1 = draft_version_import(
        actor=None, doc=demo.build("v1", "ru"), document_slug="solo", version_label="v1"
    )
    p = proposal_submit(
        actor=None,
        version=v1,
        text="Срок консультаций нужно увеличить.",
        channel="web",
        article_number="6",
    ).proposal
    answers_record(
        actor=reviewer, proposal_ids=[p.pk], decision="accepted", reason_kk="И", reason_ru="Д"
    )
    v2 = draft_version_import(
        actor=None, doc=demo.build("v2", "kk"), document_slug="solo", version_label="v2"
    )
    suggestions = change_suggestions(new_version=v2)
    six = next(s for s in suggestions if s.match.old and s.match.old.number == "6")
    assert [c.proposal for c in six.candidates] == [p]
    created = change_links_confirm(
        actor=reviewer, old_version=v1, new_version=v2, items=_items([six])
    )
    assert len(created) == 1
    # The tracker shows the new wording in the language it exists in, without failing.
    views = changes_for_proposal(p, "ru")
    assert views[0].new_text and views[0].old_text
