"""``kenes verify receipt``: the command line around :func:`.receipt.verify_receipt`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_files import read_small_text
from .errors import ReceiptError
from .receipt import (
    MAX_RECEIPT_FILE,
    ReceiptInput,
    format_report,
    load_receipt_file,
    verify_receipt,
)
from .sources import DirLogSource, HttpLogSource, LogSource

__all__ = ["add_receipt_arguments", "run_receipt_command"]


def add_receipt_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``receipt`` subcommand's options to ``parser``."""
    parser.add_argument(
        "--receipt",
        metavar="FILE",
        help='receipt JSON file {"code": ..., "secret": ..., "text": ...}',
    )
    parser.add_argument("--code", help="receipt code, e.g. KNS-7F3K-9Q2M")
    parser.add_argument("--secret", help="the secret printed on the receipt")
    text = parser.add_mutually_exclusive_group()
    text.add_argument("--text", help="the text of the proposal as it was sent")
    text.add_argument("--text-file", metavar="FILE", help="file with the text (UTF-8)")
    parser.add_argument(
        "--log",
        required=True,
        metavar="URL|DIR",
        help="the log's URL, or a directory from `kenes ledger export`",
    )
    parser.add_argument(
        "--log-key",
        metavar="VKEY",
        help="the log's verifier key, or a file holding it (recommended)",
    )
    parser.add_argument(
        "--kept-checkpoint",
        metavar="FILE",
        help="a checkpoint you kept earlier: check the log still extends it",
    )
    parser.add_argument(
        "--witness-key",
        action="append",
        metavar="VKEY",
        help="a witness's verifier key (or a file of keys, one a line); repeatable; "
        "default: the witnesses the log publishes",
    )
    parser.add_argument(
        "--min-witnesses",
        type=int,
        metavar="N",
        help="fail unless at least N witnesses cosigned the checkpoint (default 1 when "
        "there are witness keys, 0 when the log publishes none)",
    )
    parser.add_argument(
        "--save-checkpoint",
        metavar="FILE",
        help="after success, save the verified checkpoint here for next time",
    )


class UsageError(Exception):
    """Bad command-line input (exit status 2)."""


def _read_small(path: str, what: str) -> str:
    return read_small_text(
        path, limit=MAX_RECEIPT_FILE, label=f"{what} {path}", unreadable=UsageError, bad=UsageError
    )


def _receipt_from_args(args: argparse.Namespace) -> ReceiptInput:
    base = ReceiptInput("")
    if args.receipt:
        try:
            base = load_receipt_file(args.receipt)
        except ReceiptError as exc:
            raise UsageError(str(exc)) from exc
    text = base.text
    if args.text is not None:
        text = args.text
    elif args.text_file:
        text = _read_small(args.text_file, "the text file")
    code = args.code or base.code
    if not code:
        raise UsageError("give the receipt code (--code) or a receipt file (--receipt)")
    return ReceiptInput(code, args.secret if args.secret is not None else base.secret, text)


def _source(location: str) -> LogSource:
    if location.startswith(("http://", "https://")):
        try:
            return HttpLogSource(location)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    try:
        return DirLogSource(location)
    except ReceiptError as exc:
        raise UsageError(f"--log must be an http(s) URL or an exported directory: {exc}") from exc


def _log_key(value: str | None) -> str | None:
    if value is None:
        return None
    if "+" in value and not Path(value).is_file():
        return value.strip()
    lines = [line.strip() for line in _read_small(value, "the key file").splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if not keys:
        raise UsageError(f"the key file {value} is empty")
    return keys[0]


def _witness_keys(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    keys: list[str] = []
    for value in values:
        if "+" in value and not Path(value).is_file():
            keys.append(value.strip())
            continue
        lines = _read_small(value, "the witness key file").splitlines()
        keys += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return keys


def run_receipt_command(args: argparse.Namespace) -> int:
    """Run ``verify receipt`` from parsed arguments; return 0, 1 or 2."""
    try:
        receipt = _receipt_from_args(args)
        source = _source(args.log)
        log_key = _log_key(args.log_key)
        kept = (
            _read_small(args.kept_checkpoint, "the kept checkpoint")
            if args.kept_checkpoint
            else None
        )
        witness_keys = _witness_keys(args.witness_key)
        if args.min_witnesses is not None and args.min_witnesses < 0:
            raise UsageError("--min-witnesses must be 0 or more")
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = verify_receipt(
        source,
        receipt,
        log_key=log_key,
        kept_checkpoint=kept,
        witness_keys=witness_keys,
        min_witnesses=args.min_witnesses,
    )
    sys.stdout.write(format_report(report))
    if report.ok and args.save_checkpoint and report.checkpoint_note:
        try:
            Path(args.save_checkpoint).write_text(report.checkpoint_note, encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot save the checkpoint: {exc}", file=sys.stderr)
            return 2
        print(
            f"Saved the checkpoint to {args.save_checkpoint}; pass it next time with "
            "--kept-checkpoint."
        )
    return 0 if report.ok else 1
