"""Liveness (/healthz, no database) and readiness (/readyz: database, ledger key, tasks)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from kenes.ledger.merkle import generate_key


@pytest.fixture
def ledger_key(monkeypatch):
    skey, _vkey = generate_key("kenes.test/ledger")
    monkeypatch.setenv("KENES_LEDGER_KEY", skey)
    return skey


def test_healthz_answers_without_the_database(client):
    # no db fixture: pytest-django fails any database access in this test
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@pytest.mark.django_db
def test_readyz_is_ready_when_database_key_and_queue_answer(client, ledger_key, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"ok": True, "checks": {"database": "ok", "ledger_key": "ok", "tasks": "ok"}}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_names_an_unreadable_ledger_key(client, monkeypatch):
    monkeypatch.setenv("KENES_LEDGER_KEY", "PRIVATE+KEY+broken")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["ledger_key"] != "ok"
    assert body["reason"].startswith("ledger_key: ")
    assert response["Retry-After"]


@pytest.mark.django_db
def test_readyz_names_a_database_that_does_not_answer(client, ledger_key, monkeypatch):
    from kenes.portal import views

    class Down:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(views.connection, "cursor", lambda: Down())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "OperationalError: connection refused"
    assert "database: OperationalError" in response.json()["reason"]
