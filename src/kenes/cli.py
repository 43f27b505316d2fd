"""The ``kenes`` command: Django's manage.py plus the operator commands.

Operator commands are spelt with hyphens (``kenes import-draft``, ``kenes seed-demo``); they are
Django management commands whose module names use underscores.
"""

from __future__ import annotations

import os
import sys

# Commands that run without Django or a database: pure-Python entry points.
PURE_COMMANDS = {
    "analyze": "kenes.analysis.cli",
    "build-embedder": "kenes.analysis.native",
    "opinions": "kenes.analysis.opinions.cli",
    "verify": "kenes.ledger.merkle.verify",
    "witness": "kenes.ledger.merkle.witness",
}


def main(argv: list[str] | None = None) -> None:
    """Run a kenes command, e.g. ``kenes migrate`` or ``kenes import-draft FILE``."""
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in PURE_COMMANDS:
        from importlib import import_module

        module = import_module(PURE_COMMANDS[args[1]])
        raise SystemExit(module.main(args[2:]))
    if len(args) > 1 and "-" in args[1] and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kenes.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
