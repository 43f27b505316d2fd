"""``kenes opinions --polis DIR --out OUT.json``: the opinion map of a Pol.is export (no Django)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .compute import compute
from .polis_io import read_polis_export
from .types import OpinionError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kenes opinions",
        description="Opinion groups, representative and consensus statements and bridging "
        "scores of a Pol.is export folder (comments.csv + votes.csv or participants-votes.csv).",
    )
    p.add_argument("--polis", required=True, help="Pol.is export folder")
    p.add_argument("--out", required=True, help="output JSON file")
    return p


def _write_atomically(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    try:
        conversation = read_polis_export(args.polis)
        result = compute(
            conversation.vote_triples(),
            statement_ids=conversation.statement_ids(),
            moderated_out=conversation.moderated_out(),
        )
        _write_atomically(Path(args.out), result.to_json())
    except OpinionError as exc:
        print(f"kenes opinions: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"kenes opinions: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"kenes opinions: {result.n_participants} participants, {result.n_votes} votes, "
        f"{len(result.groups)} clustered into {result.k} groups → {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
