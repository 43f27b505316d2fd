"""Benchmark: what the public ledger adds to intake, how fast the sequencer appends, and how many
bytes a leaf costs on PostgreSQL.

Creates the database ``kenes_bench_ledger`` on the local PostgreSQL (dropped first, and again
at the end), migrates it and loads the demo draft, then, in this one process (no HTTP):

1. intake cost — ``proposal_submit`` timed with the ledger append and with
   ``kenes.proposals.services.ledger_append`` replaced by a no-op (in this benchmark only),
   alternating blocks of ``--block`` submissions so that drift hits both sides alike;
2. sequencer throughput — ``--pending`` (default 100,000) proposal-like entries appended in bulk,
   then ``ledger_sequence(max_batch=...)`` called until nothing waits: leaves/s, including
   hashing, the leaf INSERTs, the in-memory tree and the signed checkpoint;
3. storage — ``pg_total_relation_size`` of ``ledger_entry`` and ``ledger_leaf`` (heap, TOAST and
   indexes) divided by the number of leaves, after ``VACUUM ANALYZE``.

    .venv/bin/python bench/ledger_intake_bench.py                 # ~2 minutes
    .venv/bin/python bench/ledger_intake_bench.py --submits 400 --pending 20000   # quick
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "kenes_bench_ledger"


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(["psql", f"{PG}/{db}", "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def setup_django(data_dir: Path) -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    os.environ.update(
        {
            "KENES_DATABASE_URL": f"{PG}/{DB}",
            "KENES_DATA_DIR": str(data_dir),
            "KENES_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "kenes.settings",
            "KENES_SECRET_KEY": "bench-only-secret-key",
        }
    )
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kenes.drafts import demo
    from kenes.drafts.services import draft_version_import

    for lang in ("ru", "kk"):
        draft_version_import(
            actor=None, doc=demo.build("v2", lang), document_slug="demo", version_label="v2"
        )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_intake(submits: int, block: int) -> dict[str, list[float]]:
    from kenes.drafts.models import Version
    from kenes.proposals import services

    version = Version.objects.filter(document__slug="demo", label="v2").first()
    real = services.ledger_append
    times: dict[str, list[float]] = {"with ledger": [], "without ledger": []}
    n = 0
    while n < submits:
        for mode in ("with ledger", "without ledger"):
            services.ledger_append = real if mode == "with ledger" else (lambda **kw: None)
            try:
                for _ in range(block):
                    text = (
                        f"Предлагаю продлить срок общественного обсуждения проекта, "
                        f"вариант {n} ({mode})."
                    )
                    start = time.perf_counter()
                    services.proposal_submit(
                        actor=None,
                        version=version,
                        text=text,
                        channel="web",
                        language="ru",
                        region="71",
                    )
                    times[mode].append(time.perf_counter() - start)
                    n += 1
            finally:
                services.ledger_append = real
    return times


def bench_sequencer(pending: int, max_batch: int) -> tuple[float, int, int]:
    from django.db import transaction

    from kenes.ledger import events
    from kenes.ledger.events import commitment
    from kenes.ledger.services import TREE, ledger_append_many, ledger_sequence
    from kenes.proposals.receipts import new_code, new_secret

    ledger_sequence()  # place the intake entries first
    chunk = 10000
    for start in range(0, pending, chunk):
        with transaction.atomic():
            ledger_append_many(
                events.proposal_received(
                    code=new_code(),
                    commitment=commitment(new_secret(), f"text {start + i}"),
                    document="demo",
                    version="v2",
                    article="6",
                    point=None,
                    channel="web",
                    language="ru",
                    author_kind="citizen",
                    region="71",
                )
                for i in range(min(chunk, pending - start))
            )
    TREE.synced()  # the cache is warm in a running sequencer
    began = time.perf_counter()
    checkpoints = 0
    while ledger_sequence(max_batch=max_batch) is not None:
        checkpoints += 1
    elapsed = time.perf_counter() - began
    return elapsed, pending, checkpoints


def storage() -> dict[str, float]:
    from django.db import connection

    from kenes.ledger.models import Leaf

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_entry")
        cursor.execute("VACUUM ANALYZE ledger_leaf")
        cursor.execute(
            "SELECT pg_total_relation_size('ledger_entry'), "
            "pg_total_relation_size('ledger_leaf'), avg(octet_length(data)) "
            "FROM ledger_entry"
        )
        entry_bytes, leaf_bytes, avg_data = cursor.fetchone()
    leaves = Leaf.objects.count()
    return {
        "leaves": leaves,
        "entry": entry_bytes / leaves,
        "leaf": leaf_bytes / leaves,
        "data": float(avg_data),
        "total_mb": (entry_bytes + leaf_bytes) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submits", type=int, default=2000)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument("--pending", type=int, default=100000)
    parser.add_argument(
        "--max-batch",
        type=int,
        default=50000,
        help="as `kenes ledger sequence` (ledger_sequence default)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kenes-bench-ledger-") as tmp:
        setup_django(Path(tmp))
        times = bench_intake(args.submits, args.block)
        elapsed, pending, checkpoints = bench_sequencer(args.pending, args.max_batch)
        sizes = storage()
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB}")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, PostgreSQL at {PG}"
    )
    print("\n| intake (`proposal_submit`, in-process) | mean ms | p50 ms | p95 ms | n |")
    print("|---|---|---|---|---|")
    for mode, values in times.items():
        ms = [v * 1000 for v in values]
        print(
            f"| {mode} | {statistics.mean(ms):.2f} | {pct(ms, 0.5):.2f} | "
            f"{pct(ms, 0.95):.2f} | {len(ms)} |"
        )
    with_ms = statistics.mean(times["with ledger"]) * 1000
    without_ms = statistics.mean(times["without ledger"]) * 1000
    print(
        f"\nLedger cost per submission: {with_ms - without_ms:+.2f} ms "
        f"({(with_ms / without_ms - 1) * 100:+.1f} %)"
    )
    print(
        f"\nSequencer: {pending} pending entries placed in {elapsed:.2f} s "
        f"({pending / elapsed:,.0f} leaves/s, {checkpoints} checkpoint(s), "
        f"max_batch={args.max_batch})"
    )
    print(
        f"\nStorage over {sizes['leaves']} leaves: entry {sizes['entry']:.0f} B/leaf "
        f"(canonical JSON {sizes['data']:.0f} B), leaf {sizes['leaf']:.0f} B/leaf, "
        f"total {sizes['entry'] + sizes['leaf']:.0f} B/leaf ({sizes['total_mb']:.1f} MB)"
    )


if __name__ == "__main__":
    main()
