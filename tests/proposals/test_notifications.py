"""Receipts are sent in batches, on their own queue (issue #15, item 4)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from kenes.proposals import notify
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_every_task_runs_on_a_declared_queue():
    # given the project's tasks
    from kenes.insights import tasks as insights_tasks
    from kenes.proposals import tasks, tasks_import

    declared = set(settings.TASKS["default"]["QUEUES"])
    # then each names a queue that the backend accepts, and receipts and analysis have their own
    assert {"default", "notifications", "analysis", "reports"} <= declared
    assert tasks.send_receipt.queue_name == "notifications"
    assert tasks.send_receipts.queue_name == "notifications"
    assert insights_tasks.analyze_new.queue_name == "analysis"
    assert insights_tasks.analyze_full.queue_name == "analysis"
    assert tasks_import.import_proposals_task.queue_name in declared


def test_a_batch_of_submissions_queues_one_receipt_task(
    version, django_capture_on_commit_callbacks
):
    # given a batch of five rows, four with a contact
    from django_tasks_db.models import DBTaskResult

    from kenes.proposals.services import proposals_submit_many

    rows = [
        {"external_id": str(n), "text": f"Предлагаю изменить статью номер {n} проекта закона."}
        for n in range(5)
    ]
    for n, row in enumerate(rows[:4]):
        row["contact"] = f"author{n}@example.kz"
        row["consent"] = True
    # when they are submitted together
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        proposals_submit_many(
            actor=None, version=version, channel="file", source="n.csv", rows=rows
        )
    # then one task on the notifications queue carries the four proposals
    queued = list(DBTaskResult.objects.filter(task_path__endswith="send_receipts"))
    assert len(queued) == 1
    assert queued[0].queue_name == "notifications"
    ids = queued[0].args_kwargs["kwargs"]["proposal_ids"]
    assert sorted(ids) == sorted(
        Proposal.objects.filter(source="n.csv").exclude(contact="").values_list("pk", flat=True)
    )


def test_send_many_sends_each_receipt_once_over_one_connection(submit, settings, monkeypatch):
    # given three proposals with an e-mail, one with a phone and one without a contact
    settings.KENES_NOTIFIER = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = [
        submit(
            text=f"Предлагаю уточнить пункт {n} статьи о выборах.",
            contact=f"a{n}@example.kz",
            consent=True,
        ).proposal.pk
        for n in range(3)
    ]
    ids.append(
        submit(
            text="Предлагаю добавить статью о местном самоуправлении.",
            contact="+77011234567",
            consent=True,
        ).proposal.pk
    )
    ids.append(submit(text="Предлагаю сократить сроки рассмотрения обращений граждан.").proposal.pk)
    opened = []
    real = notify.get_connection

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(notify, "get_connection", counting)
    monkeypatch.setattr(notify, "BATCH", 2)
    mail.outbox.clear()
    # when the batch is sent
    sent = notify.send_many(ids)
    # then four receipts count as sent, three by e-mail, through one connection
    assert sent == 4
    assert len(opened) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a0@example.kz",
        "a1@example.kz",
        "a2@example.kz",
    ]
    assert any(Proposal.objects.get(pk=ids[0]).code in m.subject for m in mail.outbox)
