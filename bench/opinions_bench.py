"""Benchmarks of kenes.analysis.opinions (plain script, not a test).

    .venv/bin/python bench/opinions_bench.py                      # every case
    .venv/bin/python bench/opinions_bench.py --case polis         # the shared Pol.is exports
    .venv/bin/python bench/opinions_bench.py --case 10k --case 100k

Each case runs in its own child process (so peak memory is that case's), bounded by
``--timeout`` seconds, and prints one ``RESULT key=value ...`` line. ``seconds`` is the time of
``compute()`` on votes already in memory (as the deliberation task hands them over) and
``cpu_s`` its CPU time (user + system, all threads: less sensitive to a busy machine); ``peak_mb``
is the child's peak resident memory, generation of the votes included (an upper bound).
Figures go to bench/README-opinions.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kenes.analysis.opinions import compute, read_polis_export  # noqa: E402

POLIS = ROOT.parent / "shared" / "data" / "polis"
SIZES = {
    "10k": (10_000, 800, 600_000),
    "100k": (100_000, 1_000, 5_000_000),
}


def generate(
    n_participants: int, n_statements: int, n_votes: int, seed: int = 7
) -> tuple[list[tuple[str, str, int]], np.ndarray]:
    """Votes of a planted opinion space: 4 latent groups on 2 axes, statements with a
    direction and a popularity (some consensus); participants vote on a skewed number of
    statements (a long tail of light voters). Returns the votes and the planted groups."""
    rng = np.random.default_rng(seed)
    centers = np.array([[1.0, 0.6], [-1.0, 0.4], [0.2, -1.0], [-0.3, 1.2]])
    group = rng.choice(4, size=n_participants, p=[0.4, 0.3, 0.2, 0.1])
    position = centers[group] + rng.normal(0, 0.45, (n_participants, 2))
    direction = rng.normal(0, 1, (n_statements, 2))
    popularity = rng.normal(0.3, 0.8, n_statements)
    activity = rng.lognormal(0.0, 1.2, n_participants)
    # scale the activity so that the clipped vote counts add up to n_votes
    low, high = 0.0, float(n_votes)
    for _ in range(60):
        mid = (low + high) / 2
        total = np.clip(np.round(activity * mid), 1, n_statements).sum()
        low, high = (mid, high) if total < n_votes else (low, mid)
    per_participant = np.clip(np.round(activity * high), 1, n_statements).astype(np.int64)
    excess = int(per_participant.sum() - n_votes)
    movable = np.flatnonzero(per_participant > 1)[: max(excess, 0)]
    per_participant[movable] -= 1
    rows = np.repeat(np.arange(n_participants), per_participant)
    # statements seen: weighted towards lower ids (older statements get more votes)
    weights = 1.0 / np.sqrt(np.arange(1, n_statements + 1))
    weights /= weights.sum()
    cols = np.empty(rows.size, dtype=np.int64)
    start = 0
    for m in per_participant.tolist():
        cols[start : start + m] = rng.choice(n_statements, size=m, replace=False, p=weights)
        start += m
    logit = popularity[cols] + 2.0 * np.sum(position[rows] * direction[cols], axis=1)
    u = rng.random(rows.size)
    pass_p = 0.12
    agree_p = (1 - pass_p) / (1 + np.exp(-logit))
    value = np.where(u < agree_p, 1, np.where(u < agree_p + pass_p, 0, -1))
    pids = [f"p{i}" for i in range(n_participants)]
    sids = [str(j) for j in range(n_statements)]
    votes = [
        (pids[r], sids[c], int(v))
        for r, c, v in zip(rows.tolist(), cols.tolist(), value.tolist(), strict=True)
    ]
    return votes, group


def cpu_s() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(case: str) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score

    if case in SIZES:
        n_p, n_s, n_v = SIZES[case]
        t0 = time.perf_counter()
        votes, planted = generate(n_p, n_s, n_v)
        gen_s = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), cpu_s()
        result = compute(votes, statement_ids=[str(j) for j in range(n_s)])
        seconds, cpu = time.perf_counter() - t0, cpu_s() - c0
        clustered = sorted(result.groups)
        ari = adjusted_rand_score(
            [int(planted[int(p[1:])]) for p in clustered], [result.groups[p] for p in clustered]
        )
        return {
            "case": case,
            "participants": n_p,
            "statements": n_s,
            "votes": len(votes),
            "clustered": len(result.groups),
            "k": result.k,
            "ari_planted": round(ari, 3),
            "seconds": round(seconds, 2),
            "cpu_s": round(cpu, 2),
            "generate_s": round(gen_s, 1),
            "peak_mb": round(peak_mb()),
        }
    folder = POLIS / case
    t0 = time.perf_counter()
    conv = read_polis_export(folder)
    read_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), cpu_s()
    result = compute(
        conv.vote_triples(),
        statement_ids=conv.statement_ids(),
        moderated_out=conv.moderated_out(),
    )
    seconds, cpu = time.perf_counter() - t0, cpu_s() - c0
    common = sorted(set(conv.polis_groups) & set(result.groups))
    ari = adjusted_rand_score(
        [conv.polis_groups[p] for p in common], [result.groups[p] for p in common]
    )
    return {
        "case": case,
        "participants": result.n_participants,
        "votes": result.n_votes,
        "clustered": len(result.groups),
        "polis_clustered": len(conv.polis_groups),
        "common": len(common),
        "k": result.k,
        "polis_k": len(set(conv.polis_groups.values())),
        "ari": round(ari, 3),
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "read_s": round(read_s, 2),
        "peak_mb": round(peak_mb()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", action="append", help="polis, a Pol.is folder name, 10k or 100k")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per case")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    cases: list[str] = []
    for c in args.case or ["polis", "10k", "100k"]:
        if c == "polis":
            if POLIS.is_dir():
                cases.extend(sorted(d.name for d in POLIS.iterdir() if d.is_dir()))
            else:
                print(f"RESULT case=polis skipped=no-data ({POLIS} absent)", flush=True)
        else:
            cases.append(c)
    failed = 0
    print(f"# load average {os.getloadavg()}", flush=True)
    for case in cases:
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--child", case],
                capture_output=True,
                text=True,
                timeout=args.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            print(f"RESULT case={case} error=timeout-after-{args.timeout:.0f}s", flush=True)
            failed += 1
            continue
        if out.returncode != 0:
            print(f"RESULT case={case} error=exit-{out.returncode}", flush=True)
            print(out.stderr[-2000:], file=sys.stderr)
            failed += 1
            continue
        data = json.loads(out.stdout.strip().splitlines()[-1])
        print("RESULT " + " ".join(f"{k}={v}" for k, v in data.items()), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
