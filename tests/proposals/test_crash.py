"""Crash safety: SIGKILL the API server during a burst, and an import in the middle.

These start real processes (gunicorn, ``kenes import-proposals``) against a database they can
reach: on PostgreSQL the test database itself (the tests are transactional, so what either
side commits is visible to the other); on SQLite a file database under ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import csv
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEXT = "Предлагаю продлить срок консультаций до девяноста дней"

SETUP = """
from kenes.drafts import demo
from kenes.drafts.models import Version
from kenes.drafts.services import draft_version_import
if not Version.objects.filter(document__slug="demo", label="v2").exists():
    for lang in ("ru", "kk"):
        draft_version_import(actor=None, doc=demo.build("v2", lang), document_slug="demo",
                             version_label="v2")
"""


@dataclass
class CrashDb:
    url: str
    env: dict[str, str]
    sqlite_path: Path | None

    def query(self, sql: str) -> list[tuple]:
        if self.sqlite_path is not None:
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=20)) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as db:
            return db.execute(sql).fetchall()

    def scalar(self, sql: str) -> int:
        return self.query(sql)[0][0]


def kenes(db: CrashDb, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "kenes"), *args],
        env=db.env,
        cwd=REPO,
        timeout=timeout,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture
def crash_db(tmp_path) -> CrashDb:
    """A database a subprocess can reach, migrated, with the demo draft v2 in it."""
    env = {
        **os.environ,
        "KENES_DATA_DIR": str(tmp_path / "data"),
        "KENES_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # hundreds of submissions from one address: the abuse limit would refuse them
        "KENES_RATE_SUBMIT": "off",
    }
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
        url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        db = CrashDb(url, {**env, "KENES_DATABASE_URL": url}, None)
    else:
        path = tmp_path / "crash.sqlite3"
        url = f"sqlite:///{path}"
        db = CrashDb(url, {**env, "KENES_DATABASE_URL": url}, path)
        kenes(db, "migrate", "--noinput", "-v0")
    kenes(db, "shell", "-c", SETUP)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process we started and its children (its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@contextlib.contextmanager
def server(db: CrashDb, port: int, env: dict[str, str] | None = None):
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kenes.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env={**db.env, **(env or {})},
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/proposals/ping")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield process
    finally:
        kill_group(process)


def post(conn: http.client.HTTPConnection, key: str) -> tuple[int, dict]:
    body = json.dumps(
        {"document": "demo", "version": "v2", "language": "ru", "text": f"{TEXT}, запрос {key}."}
    )
    conn.request(
        "POST",
        "/api/proposals/",
        body,
        {"Content-Type": "application/json", "Idempotency-Key": key},
    )
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def retry_and_check_once(
    db: CrashDb,
    port: int,
    lost: list[str],
    results: list[tuple[str, int | None, str | None]],
) -> None:
    """Retry the unanswered keys on a fresh server; each request must be stored exactly once."""
    with server(db, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        retried = {key: post(conn, key) for key in lost}
    assert {status for status, _data in retried.values()} <= {200, 201}
    keys = db.query("SELECT key, COUNT(*) FROM proposals_idempotencykey GROUP BY key")
    assert {key for key, _n in keys} == {key for key, _s, _c in results}
    assert {n for _key, n in keys} == {1}
    assert db.scalar("SELECT COUNT(*) FROM proposals_proposal") == len(keys)


def test_no_receipt_is_lost_when_the_server_is_killed(crash_db):
    # given a server taking a burst of submissions from 8 clients
    port = free_port()
    results: list[tuple[str, int | None, str | None]] = []
    lock = threading.Lock()
    killed = threading.Event()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        for i in range(10_000):
            key = f"c{n}-{i}"
            try:
                status, data = post(conn, key)
            except (OSError, http.client.HTTPException, ValueError):
                with lock:
                    results.append((key, None, None))
                if killed.is_set():
                    return
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
                continue
            with lock:
                results.append((key, status, data.get("code")))

    with server(crash_db, port) as process:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while sum(1 for r in results if r[1] == 201) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        # when the server is killed in the middle of it
        killed.set()
        kill_group(process)
        for t in threads:
            t.join(timeout=30)

    # then every receipt given out is for a committed proposal
    receipts = {code for _key, status, code in results if status == 201}
    stored = {row[0] for row in crash_db.query("SELECT code FROM proposals_proposal")}
    assert len(receipts) >= 40 and receipts <= stored
    assert all(status in (201, None) for _key, status, _code in results)
    # and no proposal was committed without its idempotency key, nor a key without it
    assert (
        crash_db.scalar(
            "SELECT COUNT(*) FROM proposals_proposal p LEFT JOIN proposals_idempotencykey k "
            "ON k.proposal_id = p.id WHERE k.id IS NULL"
        )
        == 0
    )
    assert crash_db.scalar("SELECT COUNT(*) FROM proposals_idempotencykey") == len(stored)
    lost = [key for key, status, _code in results if status is None]
    assert lost  # the kill did interrupt requests

    # when the clients retry what got no answer, on a restarted server
    # then each gets a receipt (new, or the one committed before the crash), and each request
    # is stored exactly once
    retry_and_check_once(crash_db, port, lost, results)


def test_no_receipt_is_lost_when_the_intake_writer_is_killed(crash_db):
    # given an intake writer process and a server whose web processes send it submissions
    folder = tempfile.mkdtemp(prefix="kc", dir="/tmp")  # a short path for the Unix socket
    env = {"KENES_INTAKE_WRITER_SOCKET": f"{folder}/w.sock"}
    writer = subprocess.Popen(
        [str(BIN / "kenes"), "intake-writer"],
        env={**crash_db.env, **env},
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = free_port()
    results: list[tuple[str, int | None, str | None]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = 0
        while not stop.is_set():
            key = f"w{n}-{i}"
            i += 1
            try:
                status, data = post(conn, key)
            except (OSError, http.client.HTTPException, ValueError):
                with lock:
                    results.append((key, None, None))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with lock:
                results.append((key, status, data.get("code")))

    def stored_receipts() -> int:
        with lock:
            return sum(1 for r in results if r[1] == 201)

    def wait_for_receipts(n: int) -> None:
        deadline = time.monotonic() + 60
        while stored_receipts() < n and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stored_receipts() >= n

    try:
        deadline = time.monotonic() + 30
        while not Path(env["KENES_INTAKE_WRITER_SOCKET"]).exists():
            assert time.monotonic() < deadline and writer.poll() is None, "no writer"
            time.sleep(0.05)
        with server(crash_db, port, env):
            threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
            for t in threads:
                t.start()
            wait_for_receipts(40)
            # when the writer is stopped, every submission waits for it: the web processes
            # write through it, not by themselves
            os.killpg(writer.pid, signal.SIGSTOP)
            time.sleep(0.3)
            paused = stored_receipts()
            time.sleep(1.0)
            assert stored_receipts() == paused
            # and when it is killed with the submissions it had not read
            kill_group(writer)
            # then the web processes write by themselves and intake goes on
            wait_for_receipts(paused + 40)
            stop.set()
            for t in threads:
                t.join(timeout=30)
    finally:
        kill_group(writer)
        shutil.rmtree(folder, ignore_errors=True)

    # and every receipt given out is for a committed proposal, and the requests in flight at
    # the kill were told to retry (503), not given a receipt
    receipts = {code for _key, status, code in results if status == 201}
    stored = {row[0] for row in crash_db.query("SELECT code FROM proposals_proposal")}
    assert receipts <= stored
    assert {status for _key, status, _code in results} <= {201, 503}
    lost = [key for key, status, _code in results if status == 503]
    assert lost
    # and when the clients retry those, each request is stored exactly once
    retry_and_check_once(crash_db, port, lost, results)


def test_an_import_killed_midway_completes_once_when_run_again(crash_db, tmp_path):
    # given a file of 4000 rows
    rows = 4000
    path = tmp_path / "forms.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "language", "region"])
        writer.writerows([f"row-{i}", f"{TEXT}, строка {i}.", "ru", "71"] for i in range(rows))
    args = [
        str(BIN / "kenes"),
        "import-proposals",
        str(path),
        "--document",
        "demo",
        "--version",
        "v2",
        "--channel",
        "paper",
        "--source",
        "forms.csv",
        "--batch-size",
        "50",
        "--quiet",
    ]
    count = "SELECT COUNT(*) FROM proposals_proposal"
    # when the import is killed once some batches are in
    process = subprocess.Popen(
        args,
        env=crash_db.env,
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while (
            crash_db.scalar(count) < 300 and time.monotonic() < deadline and process.poll() is None
        ):
            time.sleep(0.02)
    finally:
        kill_group(process)
    before = crash_db.scalar(count)
    # then only whole batches were committed, and it stopped midway
    assert 300 <= before < rows and before % 50 == 0
    # when it is run again to the end
    done = subprocess.run(
        args, env=crash_db.env, cwd=REPO, capture_output=True, text=True, timeout=300, check=True
    )
    # then every row is in exactly once, with one history entry each
    assert f"{rows - before:,} imported, {before:,} already there" in done.stdout
    assert crash_db.scalar(count) == rows
    assert crash_db.scalar("SELECT COUNT(DISTINCT external_id) FROM proposals_proposal") == rows
    assert crash_db.scalar("SELECT COUNT(*) FROM proposals_statechange") == rows
