"""Comments on points: moderation, masking, and anchors carried to a new version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kenes.comments.models import Anchor, AnchorStatus, Comment, CommentState
from kenes.comments.services import comment_moderate, comment_submit, comments_carry
from kenes.drafts import demo
from kenes.drafts.hooks import registered
from kenes.drafts.services import draft_version_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(db):
    for lang in ("ru", "kk"):
        version = draft_version_import(
            actor=None, doc=demo.build("v1", lang), document_slug="demo", version_label="v1"
        )
    return version


def _comment(version, article, point=None, text="Срок мал для сёл.", state="published", reason=""):
    art = version.articles.get(number=article)
    pt = art.points.get(number=point) if point else None
    c = comment_submit(version=version, article=art, point=pt, text=text, language="ru")
    if state != "pending":
        c = comment_moderate(actor=None, comment=c, state=state, reason=reason)
    return c


def _import_v2():
    for lang in ("ru", "kk"):
        v2 = draft_version_import(
            actor=None, doc=demo.build("v2", lang), document_slug="demo", version_label="v2"
        )
    return v2


def test_hook_is_registered_by_the_comments_app():
    assert "comments.carry" in registered()


def test_import_of_a_new_version_carries_every_comment(v1):
    unchanged = _comment(v1, "3", "1")
    reworded = _comment(v1, "12", "1")
    whole = _comment(v1, "6")  # article without points, reworded in v2
    removed = _comment(v1, "10")  # article removed in v2
    pending = _comment(v1, "3", "2", state="pending")
    hidden = _comment(v1, "3", "2", text="Реклама курсов", state="hidden", reason="spam")
    v2 = _import_v2()
    anchors = {a.comment_id: a for a in Anchor.objects.filter(version=v2)}
    # Nothing silently dropped: every comment has an anchor in v2.
    assert set(anchors) == set(Comment.objects.values_list("pk", flat=True))
    assert anchors[unchanged.pk].status == AnchorStatus.CARRIED
    assert anchors[unchanged.pk].point.article.version == v2
    assert anchors[unchanged.pk].point.number == "1"
    assert anchors[reworded.pk].status == AnchorStatus.CARRIED_CHANGED
    assert anchors[reworded.pk].point.number == "1"
    assert anchors[whole.pk].status == AnchorStatus.CARRIED_CHANGED
    assert anchors[whole.pk].article.number == "6" and anchors[whole.pk].point is None
    assert anchors[removed.pk].status == AnchorStatus.ARTICLE_REMOVED
    assert anchors[removed.pk].article is None
    assert anchors[pending.pk].status == AnchorStatus.CARRIED
    assert anchors[hidden.pk].status == AnchorStatus.CARRIED
    # Carrying again changes nothing (idempotent).
    counts = comments_carry(actor=None, version=v2, previous=v1)
    assert sum(counts.values()) == 0
    assert Anchor.objects.filter(version=v2).count() == 6


def test_removed_point_is_marked_with_a_link_to_the_old_text(v1, client):
    # Point 2 of article 2 ("Предложение – ...") exists in v1; import a v2 where it is gone.
    doc = demo.build("v2", "ru")
    art2 = next(a for a in doc.articles() if a.number == "2")
    art2.points = [p for p in art2.points if p.number != "2"]
    for i, p in enumerate(art2.points, start=1):
        p.number = str(i)
        p.text = f"{i}. " + p.text.split(". ", 1)[1]
    c = _comment(v1, "2", "2", text="Определение предложения слишком узкое.")
    v2 = draft_version_import(actor=None, doc=doc, document_slug="demo", version_label="v2")
    anchor = Anchor.objects.get(comment=c, version=v2)
    assert anchor.status == AnchorStatus.POINT_REMOVED
    assert anchor.article.number == "2" and anchor.point is None
    page = client.get(reverse("portal:draft-article", args=["demo", "v2", "2"]))
    html = page.content.decode()
    assert "data-lost-comments" in html
    assert "Определение предложения слишком узкое." in html
    assert reverse("portal:draft-article", args=["demo", "v1", "2"]) + "#p2" in html


def test_comment_written_on_an_old_version_follows_into_the_new_one(v1):
    v2 = _import_v2()
    c = _comment(v1, "3", "1")
    assert Anchor.objects.get(comment=c, version=v2).status == AnchorStatus.CARRIED


def test_public_page_masks_personal_data_and_counts_hidden_ones(v1, client):
    _comment(v1, "3", "1", text="Звоните 8 701 123 45 67 или пишите a.b@mail.kz, ИИН 900101300123")
    _comment(v1, "3", "1", text="Купите курс!", state="hidden", reason="spam")
    _comment(v1, "3", "1", text="Оскорбление", state="hidden", reason="abuse")
    _comment(v1, "3", "1", text="Ещё не прочитан модератором", state="pending")
    url = reverse("comments:point", args=["demo", "v1", "3", "1"])
    html = client.get(url + "?lang=en").content.decode()
    for secret in ("123 45 67", "a.b@mail.kz", "900101300123", "Купите", "Оскорбление", "Ещё не"):
        assert secret not in html
    assert "data-hidden-count" in html and "2 comments hidden" in html
    assert "spam or advertising (1)" in html


def test_submit_through_the_page_waits_for_moderation(v1, client):
    url = reverse("comments:point", args=["demo", "v1", "3", "1"])
    response = client.post(url, {"text": "Нужен принцип доступности."})
    assert response.status_code == 302
    c = Comment.objects.get()
    assert c.state == CommentState.PENDING and c.point.number == "1"
    bad = client.post(url + "?lang=en", {"text": "a"})
    assert bad.status_code == 400 and "too short" in bad.content.decode()
    assert Comment.objects.count() == 1
    assert client.get(reverse("comments:point", args=["demo", "v1", "3", "9"])).status_code == 404


def test_hiding_needs_a_reason(v1):
    c = _comment(v1, "3", "1", state="pending")
    with pytest.raises(ValidationError):
        comment_moderate(actor=None, comment=c, state="hidden", reason="")
    with pytest.raises(ValidationError):
        comment_moderate(actor=None, comment=c, state="pending")


def test_moderation_screen_is_for_staff(v1, client, reviewer):
    c = _comment(v1, "3", "1", state="pending")
    url = reverse("comments:moderate")
    assert client.get(url).status_code == 302
    client.force_login(reviewer)
    assert c.text in client.get(url).content.decode()
    client.post(
        reverse("comments:moderate-one", args=[c.pk]), {"state": "hidden", "reason": "abuse"}
    )
    c.refresh_from_db()
    assert c.state == "hidden" and c.hidden_reason == "abuse"


def test_versions_in_different_languages_carry_by_number(db):
    draft_version_import(
        actor=None, doc=demo.build("v1", "ru"), document_slug="solo", version_label="v1"
    )
    from kenes.drafts.models import Version

    v1 = Version.objects.get(document__slug="solo", label="v1")
    c = _comment(v1, "3", "1")
    v2 = draft_version_import(
        actor=None, doc=demo.build("v2", "kk"), document_slug="solo", version_label="v2"
    )
    anchor = Anchor.objects.get(comment=c, version=v2)
    assert anchor.point.number == "1"
    assert anchor.status == AnchorStatus.CARRIED_CHANGED  # by number: not known to be unchanged


def test_carry_command_is_idempotent_and_clear_on_bad_input(v1):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    _comment(v1, "3", "1")
    out = io.StringIO()
    call_command("comments_carry", "--document", "demo", "--draft-version", "v1", stdout=out)
    assert "first version" in out.getvalue()
    _import_v2()
    out = io.StringIO()
    call_command("comments_carry", "--document", "demo", "--draft-version", "v2", stdout=out)
    assert "nothing new" in out.getvalue()  # the import already carried it
    with pytest.raises(CommandError, match="No version"):
        call_command("comments_carry", "--document", "demo", "--draft-version", "v9")
