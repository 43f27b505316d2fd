"""Benchmark: a vote stored and answered (POST /api/deliberation/{slug}/votes) behind gunicorn.

    .venv/bin/python bench/deliberation_vote_bench.py                      # PostgreSQL, 50 voters
    .venv/bin/python bench/deliberation_vote_bench.py --voters 50 --seconds 30 --think 0

Drops and creates the PostgreSQL database ``--db`` (default ``kenes_delib_bench``) on
``$BENCH_PG`` (default postgres://postgres@127.0.0.1:5432), migrates it, loads the demo law and
the demo conversation (20 statements, 340 participants, 5,356 votes), starts gunicorn on a free
loopback port and drives it from another process: ``--voters`` threads, each a new device that
votes on the statements in a random order, waiting ``--think`` seconds (uniform 0.5×–1.5×)
between votes, as a person reading the next card does (0 = back to back: a saturation test). A
voter who has voted on every statement starts again as a new device. Latency is measured in the
driver from connect to the full answer. Bounded: ``--seconds`` of load, then everything stops.
Prints one ``RESULT k=v ...`` line.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SLUG = "consultations-law-talk"

SETUP = """
from kenes.core.seeding import SeedContext
from kenes.drafts.seed import seed as drafts_seed
from kenes.deliberation.seed import seed as delib_seed
ctx = SeedContext()
drafts_seed(ctx)
delib_seed(ctx)
print("\\n".join(ctx.report[-1:]))
"""


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL
    )


def prepare(db: str, data_dir: Path, sqlite: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "KENES_DATA_DIR": str(data_dir),
        "KENES_LOG_LEVEL": "WARNING",
        "KENES_SECRET_KEY": "bench-only-secret-key",
        "KENES_DEBUG": "0",
    }
    if sqlite:
        env["KENES_DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    else:
        psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{db}"')
        env["KENES_DATABASE_URL"] = f"{PG}/{db}"
    subprocess.run([str(BIN / "kenes"), "migrate", "--noinput", "-v0"], env=env, check=True)
    out = subprocess.run(
        [str(BIN / "kenes"), "shell", "-c", SETUP], env=env, capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(f"setting up the demo conversation failed:\n{out.stderr[-3000:]}")
    print(out.stdout.strip(), file=sys.stderr)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kenes.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{port}/api/deliberation/{SLUG}/statements"
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def drive(port: int, voters: int, seconds: float, think: float, warmup: float) -> dict:
    """The load generator (run in its own process): returns latencies and counts."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/api/deliberation/{SLUG}/statements")
    statements = [s["id"] for s in json.loads(conn.getresponse().read())]
    conn.close()
    lat: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + warmup + seconds

    def voter(n: int) -> None:
        rng = random.Random(n)
        time.sleep(rng.uniform(0, max(think, 0.05)))  # do not all start at once
        while time.monotonic() < stop:
            token = secrets.token_urlsafe(24)
            order = statements[:]
            rng.shuffle(order)
            for sid in order:
                if time.monotonic() >= stop:
                    return
                body = json.dumps(
                    {"statement_id": sid, "value": rng.choice((1, -1, 0)), "device_token": token}
                )
                t0 = time.perf_counter()
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    c.request(
                        "POST",
                        f"/api/deliberation/{SLUG}/votes",
                        body=body,
                        headers={"Content-Type": "application/json"},
                    )
                    r = c.getresponse()
                    r.read()
                    c.close()
                    status = r.status
                except OSError as exc:
                    status = type(exc).__name__
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    if status == 200:
                        if time.monotonic() - start >= warmup:
                            lat.append(dt)
                    else:
                        errors[str(status)] = errors.get(str(status), 0) + 1
                if think:
                    time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=voter, args=(i,), daemon=True) for i in range(voters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + warmup + 30)
    return {"lat": lat, "errors": errors}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voters", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between votes")
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--db", default="kenes_delib_bench")
    ap.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    ap.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # internal: driver process
    args = ap.parse_args()
    if args.drive:
        out = drive(args.drive, args.voters, args.seconds, args.think, args.warmup)
        json.dump(out, sys.stdout)
        return
    with tempfile.TemporaryDirectory(prefix="kenes-delib-bench-") as tmp:
        env = prepare(args.db, Path(tmp), args.sqlite)
        load_before = os.getloadavg()[0]
        with gunicorn(env, args.workers, args.threads) as port:
            driver = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--drive",
                    str(port),
                    "--voters",
                    str(args.voters),
                    "--seconds",
                    str(args.seconds),
                    "--warmup",
                    str(args.warmup),
                    "--think",
                    str(args.think),
                ],
                capture_output=True,
                text=True,
                timeout=args.seconds + args.warmup + 120,
                check=True,
            )
        out = json.loads(driver.stdout)
    lat = out["lat"]
    print(
        "RESULT bench=deliberation_vote "
        f"db={'sqlite' if args.sqlite else 'postgresql'} voters={args.voters} "
        f"think_s={args.think} workers={args.workers} threads={args.threads} "
        f"votes={len(lat)} votes_per_s={len(lat) / args.seconds:.1f} "
        f"p50_ms={pct(lat, 50):.1f} p95_ms={pct(lat, 95):.1f} p99_ms={pct(lat, 99):.1f} "
        f"max_ms={max(lat, default=float('nan')):.1f} "
        f"mean_ms={statistics.fmean(lat) if lat else float('nan'):.1f} "
        f"errors={sum(out['errors'].values())} error_kinds={json.dumps(out['errors'])} "
        f"load1_before={load_before:.1f} load1_after={os.getloadavg()[0]:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
