"""Two app servers and two task workers on one PostgreSQL: nothing lost, nothing done twice.

Issue #15, item 5. Runs in CI on PostgreSQL (about a minute); skipped on SQLite, where a single
file cannot be shared by several hosts.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from kenes.ledger.models import Entry
from kenes.proposals.models import Proposal

from .procs import KENES, Proc, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several hosts share one PostgreSQL; a SQLite file is one host's",
    ),
]

N = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def submit_to(port: int, n: int) -> dict[str, object]:
    body = {
        "document": "demo",
        "version": "v2",
        "language": "ru",
        "text": f"Предлагаю изменить статью {n % 9 + 1}: уточнить порядок номер {n}.",
        "contact": f"author{n}@example.kz",
        "consent": True,
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/proposals/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": f"two-hosts-{n}"},
    )
    with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - loopback http
        return {"status": r.status, **json.loads(r.read())}


def test_two_app_servers_and_two_workers_lose_and_repeat_nothing(version):
    env = {
        "KENES_WEB_WORKERS": "1",
        "KENES_WEB_THREADS": "8",
        "KENES_LEDGER_AUTOSEQUENCE": "0",
        "KENES_NOTIFIER": "console",
        "KENES_LOG_LEVEL": "INFO",
        # One client address sends every request here: the per-address limit is not under test.
        "KENES_RATE_SUBMIT": "off",
    }
    ports = [free_port(), free_port()]
    procs: list[Proc] = []
    gunicorn = str(Path(KENES).with_name("gunicorn"))
    # The first host runs an intake writer process of its own (decision 29); the second's web
    # process writes by itself.
    folder = tempfile.mkdtemp(prefix="kh", dir="/tmp")
    writer_env = {**env, "KENES_INTAKE_WRITER_SOCKET": f"{folder}/w.sock"}
    writer = Proc("intake-writer", env=writer_env)
    wait_for(lambda: any("listening" in line for line in writer.output()), 60, "the writer")
    for port, host_env in zip(ports, (writer_env, env), strict=True):
        procs.append(
            Proc(
                "-c",
                "python:kenes.gunicorn_conf",
                "kenes.wsgi",
                env={**host_env, "KENES_BIND": f"127.0.0.1:{port}"},
                program=gunicorn,
            )
        )
    workers = [
        Proc("db_worker", "--queue-name", "*", "--interval", "0.2", "--no-reload", env=env)
        for _ in range(2)
    ]
    sequencers = [
        Proc("ledger", "sequence", "--loop", "--interval", "0.5", env=env) for _ in range(2)
    ]
    everything = [writer, *procs, *workers, *sequencers]
    try:
        wait_for(lambda: all(ready(p) for p in ports), 60, "both app servers")
        # when N proposals arrive, alternately at both servers, some sent twice (a retry)
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda n: submit_to(ports[n % 2], n), range(N)))
            retries = list(pool.map(lambda n: submit_to(ports[(n + 1) % 2], n), range(0, N, 10)))
        # then every one is stored once, with its entry in the ledger
        assert {a["status"] for a in answers} == {201}
        codes = {a["code"] for a in answers}
        assert len(codes) == N
        assert {r["code"] for r in retries} <= codes
        assert all(r["replayed"] for r in retries)
        assert Proposal.objects.filter(channel="api").count() == N
        assert set(Proposal.objects.values_list("code", flat=True)) == codes
        wait_for(
            lambda: Entry.objects.filter(leaf__isnull=True).count() == 0,
            60,
            "the ledger to be sequenced",
        )
        assert Entry.objects.filter(code__in=codes, kind="proposal.received").count() == N

        # and each receipt is sent exactly once by one of the two workers
        def receipts_sent() -> list[str]:
            lines = [line for w in workers for line in w.output()]
            return [m.group(1) for line in lines if (m := re.search(r"receipt (\S+) for", line))]

        wait_for(lambda: len(receipts_sent()) >= N, 90, "the receipts of every proposal")
        sent = receipts_sent()
        assert sorted(sent) == sorted(codes)

        # and the first host's submissions (the even ones) were written by its writer process
        writer.stop()
        wait_for(lambda: any("stopped after" in line for line in writer.output()), 10, "the writer")
        stopped = f"intake writer stopped after {N // 2} answers "
        assert any(line.startswith(stopped) for line in writer.output()), writer.output()
    finally:
        for p in everything:
            p.stop()
        shutil.rmtree(folder, ignore_errors=True)
