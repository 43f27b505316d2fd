"""Benchmark: ``kenes import-proposals`` of generated files on PostgreSQL (rows/s, peak RSS).

Creates (drops first) the database ``kenes_bench_import``, generates CSV files of N proposals
(texts from a Russian vocabulary, articles 1-9 of the demo draft, regions, a contact on one row
in ten) under a temporary folder, imports each with the command as a child process and reports
rows/s and the child's peak RSS. A run longer than ``--max-seconds`` is stopped there and the
rows it committed are counted. The database is kept for ``bench/list_bench.py``.

    .venv/bin/python bench/import_bench.py --rows 100000 --rows 1000000 --max-seconds 600
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from intake_bench import BIN, PG, REPO, fresh_database

WORDS = (
    "срок обсуждения проекта закона статья пункт граждане право свобода суд налог выборы "
    "парламент президент акимат область район село город школа больница пенсия зарплата "
    "язык казахский русский культура земля вода экология дорога транспорт бюджет расходы "
    "доходы контроль прокуратура полиция защита ребёнок семья молодёжь студент университет "
    "наука цифровой данные персональный конституция референдум депутат мажилис сенат "
    "местный самоуправление маслихат голосование участок комиссия наблюдатель прозрачность "
    "отчёт открытый доступ информация предлагаю считаю необходимо изменить дополнить "
    "исключить уточнить формулировку продлить сократить увеличить уменьшить гарантировать"
).split()
REGIONS = (
    "10",
    "11",
    "15",
    "19",
    "23",
    "27",
    "31",
    "33",
    "35",
    "39",
    "43",
    "47",
    "55",
    "59",
    "61",
    "62",
    "63",
    "71",
    "75",
    "79",
)


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "article", "language", "region", "contact", "consent"])
        for i in range(rows):
            text = " ".join(rnd.choices(WORDS, k=rnd.randint(12, 40))).capitalize() + "."
            contact = (
                f"+7 70{rnd.randint(0, 9)} {rnd.randint(100, 999)} {i % 10000:04d}"
                if i % 10 == 0
                else ""
            )
            w.writerow(
                [
                    f"g{i}",
                    text,
                    rnd.randint(1, 9) if i % 3 else "",
                    "ru",
                    rnd.choice(REGIONS),
                    contact,
                    "1" if contact else "",
                ]
            )


def run_import(
    env: dict[str, str],
    path: Path,
    source: str,
    max_seconds: int,
    jobs: int = 1,
    receipts: Path | None = None,
) -> tuple[float, float, bool]:
    """Run the command (``jobs`` shard processes); return (seconds, peak RSS MiB, finished?)."""
    started = time.monotonic()
    base = [
        str(BIN / "kenes"),
        "import-proposals",
        str(path),
        "--document",
        "demo",
        "--version",
        "v2",
        "--channel",
        "file",
        "--source",
        source,
    ]
    processes = [
        subprocess.Popen(
            [
                *base,
                *(["--shard", f"{k}/{jobs}", "--quiet"] if jobs > 1 else []),
                *(["--receipts", f"{receipts}.{k}.csv"] if receipts else []),
            ],
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
        for k in range(jobs)
    ]
    finished = True
    deadline = started + max_seconds
    peak = 0.0
    running = {p.pid for p in processes}
    while running:
        for pid in list(running):
            done, _status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                running.discard(pid)
                peak = max(peak, usage.ru_maxrss / 1024)
        if running and time.monotonic() > deadline:
            finished = False
            for pid in running:
                os.killpg(pid, signal.SIGKILL)
                _pid, _status, usage = os.wait4(pid, 0)
                peak = max(peak, usage.ru_maxrss / 1024)
            running.clear()
        time.sleep(0.2)
    for p in processes:
        p.returncode = 0  # reaped above
    return time.monotonic() - started, peak, finished


DATABASE = "kenes_bench_import"


def count(source: str) -> int:
    out = subprocess.run(
        ["psql", f"{PG}/{DATABASE}", "-tA", "-v", f"src={source}"],
        input="SELECT COUNT(*) FROM proposals_proposal WHERE source = :'src';",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip())


def main() -> None:
    global DATABASE
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows", type=int, action="append", help="rows per file (repeatable; default 100000)"
    )
    parser.add_argument("--max-seconds", type=int, default=600)
    parser.add_argument(
        "--jobs", type=int, default=1, help="import with this many shard processes (--shard K/N)"
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="reuse kenes_bench_import instead of creating it afresh",
    )
    parser.add_argument(
        "--database", default="kenes_bench_import", help="the database to (re)create"
    )
    parser.add_argument(
        "--receipts", action="store_true", help="write receipts files (secrets fsync'ed per batch)"
    )
    args = parser.parse_args()
    DATABASE = args.database
    sizes = args.rows or [100_000]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = (
            fresh_database(DATABASE, tmp_path)
            if not args.keep_database
            else __import__("intake_bench").bench_env(DATABASE, tmp_path)
        )
        for rows in sizes:
            path = tmp_path / f"proposals_{rows}.csv"
            generate(path, rows)
            size = path.stat().st_size / 2**20
            print(
                f"{rows:,} rows, {size:,.0f} MiB: importing (limit {args.max_seconds} s)",
                flush=True,
            )
            receipts = tmp_path / f"receipts_{rows}" if args.receipts else None
            seconds, rss, finished = run_import(
                env, path, path.name, args.max_seconds, args.jobs, receipts
            )
            done = count(path.name)
            print(
                f"RESULT rows={rows} imported={done} finished={finished} "
                f"seconds={seconds:.1f} rows_per_s={done / seconds:.0f} jobs={args.jobs} "
                f"peak_rss_mib_per_process={rss:.0f} receipts={args.receipts} "
                f"load={os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
