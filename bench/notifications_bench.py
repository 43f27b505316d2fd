"""Benchmark: a backlog of receipts drains in minutes (issue #15, item 4).

Uses the benchmark database of ``bench/public_pages_bench.py`` (``kenes_perf_b_bench``; run that
first, or pass ``--setup`` to build a fresh one with ``--rows`` generated proposals), gives
``--backlog`` of its proposals a contact, queues their receipts as the intake does (one
``send_receipts`` task per batch of 500 on the ``notifications`` queue), then starts
``--workers`` task workers on that queue only and times how long the backlog takes to drain.
The console notifier is used (no mail server): each receipt is built, translated and logged,
which is the work a worker does besides talking to the mail or SMS gateway. Bounded by
``--budget`` seconds.

    .venv/bin/python bench/notifications_bench.py --backlog 100000 --workers 2

Prints one ``RESULT`` line.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from intake_bench import BIN, PG, REPO, bench_env

DB = os.environ.get("BENCH_DB", "kenes_perf_b_bench")

QUEUE = """
from django_tasks_db.models import DBTaskResult
from kenes.proposals.models import Proposal
from kenes.proposals.services import notify_receipts
DBTaskResult.objects.filter(queue_name="notifications").delete()
ids = list(Proposal.objects.filter(source="bench").order_by("id").values_list("id", flat=True)[:{n}])
Proposal.objects.filter(id__in=ids).update(contact="reader@example.kz")
notify_receipts(proposal_ids=ids)
print(len(ids))
"""


def scalar(sql: str) -> int:
    out = subprocess.run(
        ["psql", f"{PG}/{DB}", "-qtAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()
    return int(out or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget", type=int, default=900)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("notifications_bench: over its budget"))
    signal.alarm(args.budget)
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(DB, Path(tmp))
        env["KENES_NOTIFIER"] = "console"
        t0 = time.monotonic()
        queued = subprocess.run(
            [str(BIN / "kenes"), "shell", "-c", QUEUE.replace("{n}", str(args.backlog))],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        tasks = scalar(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE queue_name = 'notifications'"
        )
        print(
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; queued {queued} receipts "
            f"as {tasks} tasks in {time.monotonic() - t0:.1f} s; {args.workers} workers",
            flush=True,
        )
        workers = [
            subprocess.Popen(
                [
                    str(BIN / "kenes"),
                    "db_worker",
                    "--queue-name",
                    "notifications",
                    "--interval",
                    "0.2",
                    "--no-reload",
                    "-v0",
                ],
                env={**env, "KENES_LOG_LEVEL": "INFO"},
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            for _ in range(args.workers)
        ]
        started = time.monotonic()
        try:
            while True:
                left = scalar(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                    "WHERE queue_name = 'notifications' AND status IN ('READY', 'RUNNING')"
                )
                if left == 0:
                    break
                time.sleep(0.5)
            drained = time.monotonic() - started
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                try:
                    w.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(w.pid, signal.SIGKILL)
        failed = scalar(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE queue_name = 'notifications' AND status <> 'SUCCESSFUL'"
        )
        sent = scalar(
            "SELECT coalesce(sum((return_value #>> '{}')::int), 0) "
            "FROM django_tasks_database_dbtaskresult WHERE queue_name = 'notifications'"
        )
    print(
        f"RESULT backlog={queued} tasks={tasks} workers={args.workers} drained_s={drained:.1f} "
        f"receipts_per_s={int(queued) / drained:.0f} sent={sent} failed_tasks={failed} "
        f"load={os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
