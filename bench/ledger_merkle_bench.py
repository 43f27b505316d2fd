"""Benchmark the pure-Python Merkle log (kenes.ledger.merkle); a plain script, not a test.

Usage::

    .venv/bin/python bench/ledger_merkle_bench.py [--sizes 1000000 10000000] [--samples 1000]

Measures leaf hashing and append throughput into the in-memory ``MerkleTree``,
root computation, inclusion/consistency proof generation and verification at
each size, and prints a Markdown table (figures go into bench/README-ledger.md).
A size whose estimated build time exceeds ``--max-build-seconds`` is skipped.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kenes.ledger.merkle import (  # path set up above; no Django needed
    MerkleTree,
    consistency_proof,
    hash_leaf,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)


def _timings(fn: Callable[[int], object], args: list[int]) -> list[float]:
    out = []
    for a in args:
        t0 = time.perf_counter()
        fn(a)
        out.append(time.perf_counter() - t0)
    return out


def _fmt(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"{statistics.mean(ms):.3f} / {p99:.3f} / {ms[-1]:.3f}"


def bench_size(size: int, samples: int, rng: random.Random) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    leaves = [hash_leaf(i.to_bytes(8, "big")) for i in range(size)]
    t_hash = time.perf_counter() - t0
    rows.append(("leaf hashing (hash_leaf)", f"{size / t_hash:,.0f} leaves/s ({t_hash:.1f} s)"))

    tree = MerkleTree()
    t0 = time.perf_counter()
    tree.extend(leaves)
    t_append = time.perf_counter() - t0
    del leaves
    rows.append(
        (
            "append leaf hashes (MerkleTree.extend)",
            f"{size / t_append:,.0f} leaves/s ({t_append:.1f} s)",
        )
    )

    t0 = time.perf_counter()
    root = tree.root()
    rows.append(("root at full size", f"{(time.perf_counter() - t0) * 1000:.3f} ms"))
    sizes = [rng.randrange(1, size + 1) for _ in range(samples)]
    rows.append(("root at random size, ms mean / p99 / max", _fmt(_timings(tree.root, sizes))))

    indices = [rng.randrange(size) for _ in range(samples)]
    proofs: dict[int, list[bytes]] = {}

    def gen_inclusion(i: int) -> None:
        proofs[i] = inclusion_proof(tree, i, size)

    rows.append(
        ("inclusion proof generation, ms mean / p99 / max", _fmt(_timings(gen_inclusion, indices)))
    )

    def ver_inclusion(i: int) -> None:
        verify_inclusion(tree.leaf_hash(i), i, size, proofs[i], root)

    rows.append(
        (
            "inclusion proof verification, ms mean / p99 / max",
            _fmt(_timings(ver_inclusion, indices)),
        )
    )

    olds = [rng.randrange(1, size) for _ in range(samples)]
    cproofs: dict[int, list[bytes]] = {}

    def gen_consistency(s1: int) -> None:
        cproofs[s1] = consistency_proof(tree, s1, size)

    rows.append(
        (
            "consistency proof generation (random size1 -> size), ms mean / p99 / max",
            _fmt(_timings(gen_consistency, olds)),
        )
    )
    old_roots = {s1: tree.root(s1) for s1 in olds}

    def ver_consistency(s1: int) -> None:
        verify_consistency(s1, size, cproofs[s1], old_roots[s1], root)

    rows.append(
        (
            "consistency proof verification, ms mean / p99 / max",
            _fmt(_timings(ver_consistency, olds)),
        )
    )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak RSS of the process so far", f"{rss_mb:,.0f} MB"))
    rows.append(("total build time (hash + append)", f"{t_hash + t_append:.1f} s"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--max-build-seconds", type=float, default=180.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(
        f"# Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )
    seconds_per_leaf: float | None = None
    for size in sorted(args.sizes):
        if seconds_per_leaf is not None and seconds_per_leaf * size > args.max_build_seconds:
            print(
                f"\n## {size:,} leaves: skipped, estimated build "
                f"{seconds_per_leaf * size:.0f} s > {args.max_build_seconds:.0f} s"
            )
            continue
        t0 = time.perf_counter()
        rows = bench_size(size, args.samples, rng)
        seconds_per_leaf = (time.perf_counter() - t0) / size
        print(f"\n## {size:,} leaves ({args.samples} samples per timing)\n")
        print("| measurement | result |\n|---|---|")
        for name, value in rows:
            print(f"| {name} | {value} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
