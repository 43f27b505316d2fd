"""The merkle package must stay pure Python: no Django, no other kenes modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kenes.ledger.merkle as merkle

PACKAGE = Path(merkle.__file__).resolve().parent


def test_no_django_imports() -> None:
    pattern = re.compile(r"^\s*(from|import) django", re.MULTILINE)
    for path in PACKAGE.glob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_only_stdlib_cryptography_and_own_imports() -> None:
    allowed_third_party = {"cryptography"}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative import inside the package
                    continue
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "kenes":
                    assert name.startswith("kenes.ledger.merkle"), (path, name)
                else:
                    assert top in allowed_third_party or top in _stdlib(), (path, name)


def _stdlib() -> frozenset[str]:
    import sys

    return frozenset(sys.stdlib_module_names) | {"__future__"}
