"""Anonymous public reads: caching headers, compression, the replica router (issue #15)."""

from __future__ import annotations

import gzip

import pytest
from django.db import transaction
from django.test import Client, override_settings

from kenes.core.public import ReplicaRouter, public_read
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_anonymous_list_is_publicly_cacheable_and_answers_304(submit):
    # given a proposal and an anonymous visitor
    submit()
    # when an anonymous visitor reads the public list, then asks again with its ETag
    plain = Client().get("/proposals/")
    etag = plain.headers["ETag"]
    repeat = Client().get("/proposals/", HTTP_IF_NONE_MATCH=etag)
    # then the answer may be cached publicly for a short while and the repeat is 304
    assert "public" in plain.headers["Cache-Control"]
    assert "max-age=30" in plain.headers["Cache-Control"]
    assert "Cookie" in plain.headers["Vary"]
    assert not plain.cookies
    assert repeat.status_code == 304


def test_signed_in_staff_and_forms_are_never_cached_publicly(submit, reviewer):
    submit()
    staff = Client()
    staff.force_login(reviewer)
    # a signed-in person's page is private
    assert "public" not in staff.get("/proposals/").headers.get("Cache-Control", "")
    # a page with a form (a CSRF token) is not cached publicly either
    propose = Client().get("/propose/")
    assert "public" not in propose.headers.get("Cache-Control", "")


def test_anonymous_pages_are_built_once_per_interval(submit):
    # given a list read once by an anonymous visitor
    submit(text="Предлагаю первую редакцию статьи о языках.")
    first = Client().get("/api/proposals/")
    assert first.json()["items"][0]["text"].startswith("Предлагаю первую")
    # when a new proposal arrives within the caching interval
    submit(text="Предлагаю вторую редакцию статьи о языках.")
    # then anonymous readers get the page as it was built; a signed-in token reader does not
    assert len(Client().get("/api/proposals/").json()["items"]) == 1
    fresh = Client().get("/api/proposals/", HTTP_AUTHORIZATION="Bearer x")
    assert len(fresh.json()["items"]) == 2
    assert "public" not in fresh.headers.get("Cache-Control", "")
    # and another language or query is another page
    assert len(Client().get("/api/proposals/?limit=5").json()["items"]) == 2
    from django.core.cache import cache

    cache.clear()
    assert len(Client().get("/api/proposals/").json()["items"]) == 2


def test_a_shared_link_in_a_language_is_cached_with_its_language_cookie(submit):
    # given a shared link that names its language
    submit(text="Предлагаю первую редакцию статьи о языках.")
    first = Client().get("/api/proposals/?lang=kk")
    # then it sets that language and may still be reused by every reader of the same link
    assert first.cookies["kenes_lang"].value == "kk"
    assert "public" in first.headers["Cache-Control"]
    submit(text="Предлагаю вторую редакцию статьи о языках.")
    again = Client().get("/api/proposals/?lang=kk")
    assert len(again.json()["items"]) == 1
    assert again.cookies["kenes_lang"].value == "kk"
    # and the other language's link is another page, with its own cookie
    ru = Client().get("/api/proposals/?lang=ru")
    assert ru.cookies["kenes_lang"].value == "ru"
    assert len(ru.json()["items"]) == 2


@override_settings(KENES_PUBLIC_MAX_AGE=0)
def test_public_caching_can_be_turned_off(submit):
    submit()
    assert "public" not in Client().get("/proposals/").headers.get("Cache-Control", "")
    submit(text="Предлагаю вторую редакцию статьи о языках.")
    assert len(Client().get("/api/proposals/").json()["items"]) == 2


def test_html_is_compressed_for_clients_that_accept_gzip(submit):
    for n in range(30):
        submit(text=f"Предлагаю изменить пункт {n} статьи о референдуме и выборах.")
    response = Client().get("/proposals/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert "</html>" in html
    assert len(response.content) < len(html.encode()) / 2
    # and the cached page is kept per encoding: a reader without gzip gets it plain, and a
    # second gzip reader gets the compressed copy (with the Vary that says so)
    plain = Client().get("/proposals/")
    assert "Content-Encoding" not in plain.headers
    assert plain.content.decode() == html
    again = Client().get("/proposals/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert again.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content).decode() == html
    assert "Accept-Encoding" in again.headers["Vary"]


@pytest.mark.django_db(transaction=True)
def test_router_sends_only_anonymous_reads_outside_transactions_to_the_replica(settings):
    router = ReplicaRouter()
    # without a replica everything stays on default
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    with public_read():
        assert router.db_for_read(Proposal) is None
    # with a replica configured
    settings.DATABASES = {
        "default": settings.DATABASES["default"],
        "replica": dict(settings.DATABASES["default"]),
    }
    assert router.db_for_read(Proposal) is None  # staff, tasks, CLI
    with public_read():
        assert router.db_for_read(Proposal) == "replica"
        with transaction.atomic():  # a read inside a write sees the write
            assert router.db_for_read(Proposal) is None
    assert router.db_for_write(Proposal) == "default"
    assert router.allow_migrate("replica", "proposals") is False
    assert router.allow_migrate("default", "proposals") is True


def test_middleware_marks_only_anonymous_get_requests(rf, reviewer):
    from kenes.core.public import PublicReadMiddleware, is_public_read

    seen = []

    def view(request):
        from django.http import HttpResponse

        seen.append(is_public_read())
        return HttpResponse("ok")

    middleware = PublicReadMiddleware(view)
    middleware(rf.get("/proposals/"))
    middleware(rf.post("/proposals/"))
    signed_in = rf.get("/proposals/")
    signed_in.COOKIES["sessionid"] = "x"
    middleware(signed_in)
    middleware(rf.get("/review/"))
    assert seen == [True, False, False, False]
    assert is_public_read() is False


def test_a_stale_page_is_rebuilt_by_one_reader_while_others_get_the_stale_copy(
    submit, rf, monkeypatch
):
    import time

    from django.core.cache import cache

    from kenes.core import public

    submit(text="Предлагаю первую редакцию статьи о языках.")
    assert len(Client().get("/api/proposals/").json()["items"]) == 1
    submit(text="Предлагаю вторую редакцию статьи о языках.")
    # when the interval has passed and another reader is already rebuilding the page
    later = time.time() + 31
    monkeypatch.setattr(public.time, "time", lambda: later)
    key = public._cache_key(rf.get("/api/proposals/"))
    assert cache.add(key + ":refresh", 1, 60)
    # then this reader gets the stale copy at once
    assert len(Client().get("/api/proposals/").json()["items"]) == 1
    # and once the rebuild lock is free, the next reader rebuilds it
    cache.delete(key + ":refresh")
    assert len(Client().get("/api/proposals/").json()["items"]) == 2
    assert len(Client().get("/api/proposals/").json()["items"]) == 2


def test_a_cold_page_being_built_is_awaited_not_built_again(rf):
    import threading
    import time

    from django.core.cache import cache
    from django.http import HttpResponse

    from kenes.core import public

    calls = []

    def view(request):
        calls.append(1)
        return HttpResponse("built here")

    middleware = public.PublicReadMiddleware(view)
    request = rf.get("/proposals/?q=x")
    key = public._cache_key(request)
    # given another request holding the build lock of this page
    assert cache.add(key + ":refresh", 1, 60)
    built = HttpResponse("built by the other request")
    threading.Timer(0.3, lambda: cache.set(key, (time.time() + 30, built), 60)).start()
    # when this request comes, it waits for that page instead of building its own
    response = middleware(request)
    assert response.content == b"built by the other request"
    assert calls == []
    # and once the builder gives up without caching (lock freed), a waiter builds
    cache.clear()
    assert middleware(rf.get("/proposals/?q=x")).content == b"built here"
    assert calls == [1]
