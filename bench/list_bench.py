"""Benchmark: the public list and search ``GET /api/proposals/?q=...`` at 50 concurrent clients.

Uses the database ``kenes_bench_import`` left by ``bench/import_bench.py`` (run it first with
``--rows 100000``), serves it with gunicorn (workers = 2 * cores + 1) on a free loopback port
and drives it with wrk, rotating over searches and filters; once as the API answers by default
(a page of items) and once with ``counts=true``. Prints requests/s and p50/p95/p99.

    .venv/bin/python bench/list_bench.py --seconds 30
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from intake_bench import PG, bench_env, gunicorn, show, wrk

QUERIES = [
    "q=" + quote("налог"),
    "q=" + quote("выборы парламент"),
    "q=" + quote("прозрачность отчёт"),
    "region=71",
    "document=demo&version=v2&article=6",
    "document=demo&version=v2&article=3&q=" + quote("суд"),
    "language=ru&state=received",
    "",
]


def lua(extra: str) -> str:
    paths = ", ".join(f'"/api/proposals/?{q}{"&" if q else ""}{extra}"' for q in QUERIES)
    return f"""
local paths = {{{paths}}}
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    # Fresh statistics (autovacuum would gather them soon after a bulk import): without them
    # PostgreSQL misjudges how many proposals a search word matches and picks a slow plan.
    subprocess.run(["psql", f"{PG}/kenes_bench_import", "-qc", "VACUUM ANALYZE"], check=True)
    rows = subprocess.run(
        ["psql", f"{PG}/kenes_bench_import", "-tAc", "SELECT COUNT(*) FROM proposals_proposal"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(
        f"{os.cpu_count()} cores; {rows} proposals; gunicorn {args.workers} sync workers; "
        f"wrk {args.connections} connections, {args.seconds} s each",
        flush=True,
    )
    with (
        tempfile.TemporaryDirectory() as tmp,
        gunicorn(bench_env("kenes_bench_import", Path(tmp)), workers=args.workers) as base,
    ):
        for label, extra in (
            ("list+search (items only, default)", "limit=20"),
            ("list+search with counts=true", "limit=20&counts=true"),
        ):
            show(
                label,
                wrk(
                    base + "/api/proposals/",
                    seconds=args.seconds,
                    connections=args.connections,
                    lua=lua(extra),
                ),
            )


if __name__ == "__main__":
    main()
