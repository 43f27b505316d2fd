"""The incremental analysis step must not hold up submissions (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kenes.insights.services import incremental
from kenes.proposals.services import proposal_submit

TEXT = "Предлагаю проводить встречи в отдалённых сёлах до начала посевной кампании весной."


@pytest.mark.django_db(transaction=True)
def test_a_submission_commits_while_an_analysis_step_holds_its_version(version, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite writes one transaction at a time")
    # given an analysis step that holds its version's lock until told to finish
    first = proposal_submit(actor=None, version=version, text=TEXT, channel="web").proposal
    locked, release = threading.Event(), threading.Event()
    real = incremental._analyze_fresh

    def slow(vid, run):
        locked.set()
        release.wait(20)
        return real(vid, run)

    monkeypatch.setattr(incremental, "_analyze_fresh", slow)
    errors: list[BaseException] = []

    def step() -> None:
        try:
            incremental.proposal_analyze_new(proposal_id=first.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=step)
    worker.start()
    try:
        assert locked.wait(20)
        # when a new proposal of that version is committed meanwhile (its foreign key check
        # locks the version row FOR KEY SHARE), with a short lock timeout
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            second = proposal_submit(
                actor=None, version=version, text=TEXT + " Второе.", channel="web"
            ).proposal
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        worker.join(30)
    # then it was stored without waiting for the step, and the step finished too
    assert second.pk > first.pk
    assert not errors
