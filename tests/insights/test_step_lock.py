"""The incremental analysis step must not hold up submissions (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from kenes.insights.models import AnalysisRun, ArticleLink, ThemeMember, Verdict
from kenes.insights.services import incremental
from kenes.proposals.services import proposal_submit


def analysed(pk: int) -> bool:
    """The step left its mark: article links, a theme, or a verdict saying why neither."""
    return any(
        model.objects.filter(proposal_id=pk).exists()
        for model in (ArticleLink, ThemeMember, Verdict)
    )


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


@pytest.mark.django_db(transaction=True)
def test_a_proposal_committed_after_a_later_numbered_one_is_still_analysed(version):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite commits one writer at a time: ids become visible in order")
    # given a proposal written by a transaction that has not committed yet (another web
    # process's intake batch)
    written, commit = threading.Event(), threading.Event()
    held: dict[str, Any] = {}

    def slow_batch() -> None:
        try:
            with transaction.atomic():
                held["early"] = proposal_submit(
                    actor=None, version=version, text=TEXT, channel="web"
                ).proposal
                written.set()
                commit.wait(20)
        except BaseException as exc:  # reported below
            held["error"] = exc
        finally:
            connection.close()

    batch = threading.Thread(target=slow_batch)
    batch.start()
    try:
        assert written.wait(20)
        # when a later-numbered proposal commits first and an analysis step runs
        late = proposal_submit(
            actor=None,
            version=version,
            text="Прошу публиковать протоколы всех встреч коалиции на сайте акимата района.",
            channel="web",
        ).proposal
        assert late.pk > held["early"].pk
        assert incremental.proposal_analyze_new(proposal_id=late.pk) == 1
    finally:
        commit.set()
        batch.join(30)
    assert "error" not in held
    # then the next step still analyses the early one, which committed last
    early = held["early"]
    assert incremental.proposal_analyze_new(proposal_id=early.pk) == 1
    assert analysed(early.pk) and analysed(late.pk)
    run = AnalysisRun.objects.get(version=version, kind=AnalysisRun.Kind.INCREMENTAL)
    assert run.n_proposals == 2 and str(early.pk) not in run.gaps
    # and a step for it again finds nothing new
    assert incremental.proposal_analyze_new(proposal_id=early.pk) == 0
