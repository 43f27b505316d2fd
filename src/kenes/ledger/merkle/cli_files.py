"""What the command lines of the package share: small input files read with a size limit,
and argparse's own exits turned into an exit status (pure Python, no Django)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

EXIT_USAGE = 2


def read_small_text(
    path: str,
    *,
    limit: int,
    label: str,
    unreadable: type[Exception],
    bad: type[Exception],
) -> str:
    """The UTF-8 text of a file of at most ``limit`` bytes. A file that cannot be read raises
    ``unreadable``, a larger or non-UTF-8 one ``bad``; ``label`` names the file in the error."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise unreadable(f"cannot read {label}: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise bad(f"{label} is larger than {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad(f"{label} is not UTF-8") from exc


def parse_args(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None
) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status when argparse ended the run itself (--help,
    or a usage error it has already printed)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
