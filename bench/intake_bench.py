"""Benchmark: API intake (POST /api/proposals/) on PostgreSQL, through ``bench/serve``, by wrk.

Creates (drops first) its own database (``--database``, default ``kenes_bench_intake``) on the
local PostgreSQL, migrates it, loads the demo draft, starts ``bench/serve PORT`` — the
production stack as docs/operations.md documents it (gunicorn with kenes/gunicorn_conf.py, a
task worker, the ledger sequencer) — on a free loopback port, and drives it with ``wrk`` from a
second process: first the no-database liveness endpoint ``GET /healthz``, then submissions with
a unique text and Idempotency-Key per request. Afterwards it checks that every proposal has
its ledger entry and its idempotency key. Prints one line per phase and one ``RESULT`` line.
Loopback traffic only; every run is bounded by ``--seconds`` (plus start-up).

    .venv/bin/python bench/intake_bench.py --seconds 60 --connections 64
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")

SETUP = """
from kenes.drafts import demo
from kenes.drafts.services import draft_version_import
for lang in ("ru", "kk"):
    draft_version_import(actor=None, doc=demo.build("v2", lang), document_slug="demo",
                         version_label="v2")
"""

POST_LUA = r"""
local counter = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function request()
  counter = counter + 1
  local key = "b" .. tid .. "-" .. counter .. "-" .. os.time()
  local body = '{"document":"demo","version":"v2","language":"ru","region":"71",' ..
    '"text":"Предлагаю продлить срок общественного обсуждения проекта, запрос ' .. key .. '"}'
  return wrk.format("POST", "/api/proposals/",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
end
"""

DONE_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format("PCTL p50=%.2f p95=%.2f p99=%.2f max=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("ERRS connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(["psql", f"{PG}/{db}", "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def bench_env(db: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KENES_DATABASE_URL": f"{PG}/{db}",
        "KENES_DATA_DIR": str(data_dir),
        "KENES_LOG_LEVEL": "WARNING",
        "KENES_SECRET_KEY": "bench-only-secret-key",
    }


def fresh_database(db: str, data_dir: Path) -> dict[str, str]:
    """Drop and create ``db``, migrate it and load the demo draft; return the environment."""
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{db}"')
    env = bench_env(db, data_dir)
    subprocess.run(
        [str(BIN / "kenes"), "migrate", "--noinput", "-v0"], env=env, check=True, cwd=REPO
    )
    subprocess.run(
        [str(BIN / "kenes"), "shell", "-c", SETUP],
        env=env,
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(env: dict[str, str], extra: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``bench/serve PORT`` (the production stack) and stop it with SIGTERM."""
    port = free_port()
    process = subprocess.Popen(
        [str(REPO / "bench" / "serve"), str(port)],
        env={**env, **(extra or {})},
        cwd=REPO,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("bench/serve did not become ready") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int, worker_class: str = "sync", threads: int = 1
) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kenes.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
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
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/api/proposals/ping", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def wrk(
    url: str, *, seconds: int, connections: int, threads: int = 2, lua: str = ""
) -> dict[str, float]:
    lua = lua or "wrk.method = 'GET'\n"
    """Run wrk with a Lua script; return rps, latency percentiles (ms) and error counts."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua + DONE_LUA)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                f.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(f.name)
    result: dict[str, float] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = float(non2xx[1]) if non2xx else 0.0
    result["requests"] = float(re.search(r"(\d+) requests in", out)[1])
    for name, value in re.findall(r"(p50|p95|p99|max)=([\d.]+)", out):
        result[name] = float(value)
    for name, value in re.findall(r"(connect|read|write|status|timeout)=(\d+)", out):
        result[f"err_{name}"] = float(value)
    return result


def show(label: str, r: dict[str, float]) -> None:
    print(
        f"{label:<38} {r['rps']:>8.0f} req/s  p50 {r['p50']:>6.1f} ms  p95 {r['p95']:>6.1f} ms"
        f"  p99 {r['p99']:>6.1f} ms  non-2xx {r['non_2xx']:.0f}  "
        f"socket errors {sum(v for k, v in r.items() if k.startswith('err_')):.0f}",
        flush=True,
    )


def cpu_times() -> list[int]:
    """The machine's CPU time so far (/proc/stat, ticks): user, nice, system, idle, iowait,
    irq, softirq, steal."""
    return [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]


def cpu_shares(before: list[int], after: list[int]) -> dict[str, float]:
    """Idle and stolen shares of the machine between two :func:`cpu_times` (what was left
    unused, and what the hypervisor gave to others: context for a throughput figure)."""
    d = [a - b for a, b in zip(after, before, strict=True)]
    total = sum(d) or 1
    return {"idle": (d[3] + d[4]) / total, "steal": d[7] / total}


def scalar(db: str, sql: str) -> int:
    out = subprocess.run(
        ["psql", f"{PG}/{db}", "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip())


def analysis_lag(db: str, *, limit: int) -> tuple[int, float | None]:
    """(proposals not yet analysed now, seconds until none is), polling the incremental run."""
    sql = (
        "SELECT COALESCE((SELECT MAX(id) FROM proposals_proposal), 0) - COALESCE((SELECT "
        "MAX(last_proposal_id) FROM insights_analysisrun WHERE kind = 'incremental'), 0)"
    )
    start = time.monotonic()
    behind = first = scalar(db, sql)
    while behind > 0 and time.monotonic() - start < limit:
        time.sleep(0.5)
        behind = scalar(db, sql)
    return first, (time.monotonic() - start if behind <= 0 else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--database", default="kenes_bench_intake")
    parser.add_argument("--workers", type=int, default=0, help="KENES_WEB_WORKERS (0: default)")
    parser.add_argument("--threads", type=int, default=0, help="KENES_WEB_THREADS (0: default)")
    parser.add_argument(
        "--catch-up-seconds",
        type=int,
        default=300,
        help="how long to wait for the live analysis to catch up after the load",
    )
    parser.add_argument(
        "--no-writer",
        action="store_true",
        help="KENES_INTAKE_WRITER=0: each web process writes by itself (no writer process)",
    )
    args = parser.parse_args()
    # wrk is one address standing for many citizens: the per-address submission limit
    # (kenes.core.ratelimit, 20 per 10 min) would answer almost everything with 429.
    extra: dict[str, str] = {"KENES_RATE_SUBMIT": "off"}
    if args.workers:
        extra["KENES_WEB_WORKERS"] = str(args.workers)
    if args.threads:
        extra["KENES_WEB_THREADS"] = str(args.threads)
    extra["KENES_INTAKE_WRITER"] = "0" if args.no_writer else "1"
    with tempfile.TemporaryDirectory() as tmp:
        env = fresh_database(args.database, Path(tmp))
        env.pop("KENES_LEDGER_KEY", None)
        # the ledger key, generated once into KENES_DATA_DIR (production sets KENES_LEDGER_KEY)
        subprocess.run(
            [str(BIN / "kenes"), "ledger", "key"],
            env=env,
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        load = os.getloadavg()[0]
        print(
            f"{os.cpu_count()} cores, load average {load:.1f}; bench/serve; wrk "
            f"{args.connections} connections, {args.seconds} s per phase",
            flush=True,
        )
        with serve(env, extra) as base:
            wrk(base + "/healthz", seconds=3, connections=args.connections)  # warm up
            ping_start = cpu_times()
            ping = wrk(
                base + "/healthz",
                seconds=args.seconds,
                connections=args.connections,
                threads=args.wrk_threads,
            )
            show("GET /healthz (no database)", ping)
            ping_cpu = cpu_shares(ping_start, cpu_times())
            wrk(base + "/api/proposals/", seconds=3, connections=args.connections, lua=POST_LUA)
            before = scalar(args.database, "SELECT COUNT(*) FROM proposals_proposal")
            post_start = cpu_times()
            post = wrk(
                base + "/api/proposals/",
                seconds=args.seconds,
                connections=args.connections,
                threads=args.wrk_threads,
                lua=POST_LUA,
            )
            show("POST /api/proposals/ (submit)", post)
            post_cpu = cpu_shares(post_start, cpu_times())
            # Live analysis runs in the task worker at a lower priority: how far behind is it
            # when the load stops, and how long until it has analysed every stored proposal?
            behind, caught_up = analysis_lag(args.database, limit=args.catch_up_seconds)
            print(
                f"live analysis at the end of the run: {behind} proposals behind; "
                + (
                    f"caught up {caught_up:.0f} s later"
                    if caught_up is not None
                    else f"not caught up within {args.catch_up_seconds} s"
                ),
                flush=True,
            )
        db = args.database
        stored = scalar(db, "SELECT COUNT(*) FROM proposals_proposal") - before
        unledgered = scalar(
            db,
            "SELECT COUNT(*) FROM proposals_proposal p WHERE NOT EXISTS (SELECT 1 FROM "
            "ledger_entry e WHERE e.code = p.code AND e.kind = 'proposal.received')",
        )
        keyless = scalar(
            db,
            "SELECT COUNT(*) FROM proposals_proposal p LEFT JOIN proposals_idempotencykey k "
            "ON k.proposal_id = p.id WHERE k.id IS NULL",
        )
        # wrk counts non-2xx answers again under errors.status: count them once
        errors = post["non_2xx"] + sum(
            v for k, v in post.items() if k.startswith("err_") and k != "err_status"
        )
        print(
            f"stored in the timed phase: {stored}; without ledger entry: {unledgered}; "
            f"without idempotency key: {keyless}"
        )
        # Only stored proposals count as intake (a 429 or 503 is an answer, not an intake).
        intake = stored / args.seconds
        print(
            f"RESULT intake_per_s={intake:.0f} answers_per_s={post['rps']:.0f} "
            f"p50_ms={post['p50']:.1f} "
            f"p99_ms={post['p99']:.1f} errors={errors:.0f} healthz_per_s={ping['rps']:.0f} "
            f"ratio={intake / ping['rps']:.2f} stored={stored} unledgered={unledgered} "
            f"keyless={keyless} analysis_behind={behind} "
            f"analysis_caught_up_s={'-' if caught_up is None else round(caught_up)} "
            f"connections={args.connections} seconds={args.seconds} "
            f"writer={extra['KENES_INTAKE_WRITER']} load={load:.1f} idle={post_cpu['idle']:.2f} steal={post_cpu['steal']:.2f} "
            f"healthz_idle={ping_cpu['idle']:.2f} healthz_steal={ping_cpu['steal']:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
