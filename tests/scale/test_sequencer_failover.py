"""The ledger sequencer runs as a single leader with failover by advisory lock (issue #15)."""

from __future__ import annotations

import pytest
from django.db import connection

from kenes.ledger.audit import ledger_audit
from kenes.ledger.models import Entry

from .procs import Proc, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="leader election uses PostgreSQL advisory locks; SQLite runs one sequencer",
    ),
]


def pending() -> int:
    return Entry.objects.filter(leaf__isnull=True).count()


def test_two_looping_sequencers_one_leads_and_the_other_takes_over(submit, settings):
    # given entries waiting to be sequenced (nothing sequences them at commit)
    settings.KENES_LEDGER_AUTOSEQUENCE = False
    for n in range(5):
        submit(text=f"Предлагаю уточнить формулировку статьи номер {n} проекта.")
    assert pending() == 5
    # when two looping sequencers start
    procs = [Proc("ledger", "sequence", "--loop", "--interval", "0.2") for _ in range(2)]
    try:

        def roles() -> list[str]:
            return [
                next((x for x in p.output() if x.startswith(("leader", "standby"))), "")
                for p in procs
            ]

        wait_for(lambda: all(roles()), 60, "both sequencers to take a role")
        # then exactly one leads and it sequences everything
        assert sorted(r.split()[0] for r in roles()) == ["leader", "standby"]
        leader, standby = procs if roles()[0].startswith("leader") else procs[::-1]
        wait_for(lambda: pending() == 0, 30, "the leader to sequence the first entries")
        # when the leader is killed and more entries arrive
        leader.kill()
        for n in range(4):
            submit(text=f"Предлагаю добавить в статью {n} норму о публичных слушаниях.")
        # then the standby takes the lead and sequences them; the tree stays consistent
        wait_for(lambda: pending() == 0, 60, "the standby to take over")
        assert any(line.startswith("leader") for line in standby.output())
        report = ledger_audit()
        assert report.ok, report.problems
        assert report.leaves == Entry.objects.count()
    finally:
        for p in procs:
            p.stop()
