"""Nearest-neighbour search at scale: exact numpy vs faiss IVF (kenes.analysis.vectors).

Random-but-clustered unit vectors (``--clusters`` centres, each point a centre plus noise, like
proposals around topics), ``--n`` of them in ``--dim`` dimensions. Measures for each index: build
time, memory it holds, query time p50/p95 (one query at a time, as a search page asks), and for
the IVF index recall@10 against the exact answer. Bounded in time: ``--budget`` seconds for the
timed queries of each index.

    .venv/bin/python bench/vector_search_bench.py                     # 1M x 384 (about 3-5 min)
    .venv/bin/python bench/vector_search_bench.py --n 200000 --skip-ivf

Prints one ``RESULT k=v ...`` line (times in ms, memory in MB: ``*_mb`` computed from the
arrays, ``*_rss_mb`` the growth of the process's resident memory; load = 1-min load average).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kenes.analysis.vectors import ExactIndex, IvfIndex


def clustered(n: int, dim: int, clusters: int, seed: int, chunk: int = 100_000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        which = rng.integers(0, clusters, stop - start)
        spread = rng.uniform(0.3, 0.9, (stop - start, 1)).astype(np.float32)
        noise = rng.standard_normal((stop - start, dim), dtype=np.float32) / np.sqrt(dim)
        block = centres[which] + spread * noise * 1.5
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:stop] = block
    return out


def timed_queries(index, queries: np.ndarray, k: int, budget: float) -> tuple[list, list[float]]:
    results, times = [], []
    deadline = time.perf_counter() + budget
    for q in queries:
        t = time.perf_counter()
        results.append(index.search(q, k))
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() > deadline:
            break
    return results, times


def rss_mb() -> float:
    """Resident memory of this process, MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(times: list[float], p: float) -> float:
    return round(float(np.percentile(times, p)), 2) if times else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--clusters", type=int, default=2_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--nprobe", type=int, default=32)
    ap.add_argument("--nlist", type=int, default=0, help="IVF cells (0: about 2·√n)")
    ap.add_argument("--budget", type=float, default=40.0, help="seconds of timed queries per index")
    ap.add_argument("--skip-ivf", action="store_true")
    ap.add_argument("--skip-exact-timing", action="store_true")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    t = time.perf_counter()
    data = clustered(args.n, args.dim, args.clusters, seed=7)
    rng = np.random.default_rng(11)
    picks = rng.choice(args.n, args.queries, replace=False)
    queries = data[picks] + rng.standard_normal((args.queries, args.dim), dtype=np.float32) * 0.02
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    gen_s = time.perf_counter() - t
    ids = np.arange(args.n, dtype=np.int64) + 1_000
    print(f"data: {args.n} x {args.dim} in {gen_s:.1f} s", file=sys.stderr)

    rss0 = rss_mb()
    t = time.perf_counter()
    exact = ExactIndex(args.dim)
    exact.reserve(args.n)
    for start in range(0, args.n, 100_000):
        exact.add(ids[start : start + 100_000].tolist(), data[start : start + 100_000])
    exact_build = time.perf_counter() - t
    exact_mb = exact.nbytes / 2**20
    exact_rss = rss_mb() - rss0
    # the exact answers (for recall), timed one query at a time within the budget
    if args.skip_exact_timing:
        truth = exact.search_many(queries, args.k)
        exact_times: list[float] = []
    else:
        truth, exact_times = timed_queries(exact, queries, args.k, args.budget)
        if len(truth) < len(queries):
            truth += exact.search_many(queries[len(truth) :], args.k)
    print(f"exact: build {exact_build:.1f} s, p50 {pct(exact_times, 50)} ms", file=sys.stderr)
    fields: dict[str, object] = {
        "bench": "vector_search",
        "n": args.n,
        "dim": args.dim,
        "clusters": args.clusters,
        "exact_build_s": round(exact_build, 2),
        "exact_mb": round(exact_mb, 1),
        "exact_rss_mb": round(exact_rss, 1),
        "exact_queries": len(exact_times),
        "exact_p50_ms": pct(exact_times, 50),
        "exact_p95_ms": pct(exact_times, 95),
    }
    if not args.skip_ivf:
        del exact
        rss1 = rss_mb()
        t = time.perf_counter()
        ivf = IvfIndex(args.dim, nlist=args.nlist or None, nprobe=args.nprobe)
        ivf.add(ids.tolist(), data)
        ivf_build = time.perf_counter() - t
        ivf_rss = rss_mb() - rss1
        codes_mb = (args.n * (args.dim + 8)) / 2**20  # int8 codes + the id of each vector
        ivf.search(queries[0], args.k)  # warm-up
        found, ivf_times = timed_queries(ivf, queries, args.k, args.budget)
        recall = np.mean(
            [
                len({i for i, _s in got} & {i for i, _s in want}) / max(1, len(want))
                for got, want in zip(found, truth, strict=False)
            ]
        )
        print(f"ivf: build {ivf_build:.1f} s, p50 {pct(ivf_times, 50)} ms", file=sys.stderr)
        fields.update(
            {
                "ivf_nlist": ivf.nlist,
                "ivf_nprobe": args.nprobe,
                "ivf_build_s": round(ivf_build, 2),
                "ivf_mb": round(codes_mb, 1),
                "ivf_rss_mb": round(ivf_rss, 1),
                "ivf_queries": len(ivf_times),
                "ivf_p50_ms": pct(ivf_times, 50),
                "ivf_p95_ms": pct(ivf_times, 95),
                "ivf_recall_at_10": round(float(recall), 4),
            }
        )
    fields["load_before"] = round(load0, 2)
    fields["load_after"] = round(os.getloadavg()[0], 2)
    print("RESULT " + " ".join(f"{k}={v}" for k, v in fields.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
