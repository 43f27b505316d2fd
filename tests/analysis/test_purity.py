"""``kenes.analysis`` is pure Python: no Django, no other Kenes app, no test generator."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import kenes.analysis

PKG = Path(kenes.analysis.__file__).parent


def test_no_forbidden_imports_in_the_source() -> None:
    bad = []
    for path in PKG.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")
                if top[0] in ("django", "tests") or (
                    top[0] == "kenes" and len(top) > 1 and top[1] != "analysis"
                ):
                    bad.append(f"{path.name}: {name}")
    assert bad == []


def test_importing_every_module_loads_no_django() -> None:
    mods = [f"kenes.analysis.{m.name}" for m in pkgutil.iter_modules([str(PKG)])]
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "print(sorted(k for k in sys.modules if k == 'django' or k.startswith('django.')"
        " or (k.startswith('kenes.') and not k.startswith('kenes.analysis'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip() == "[]"
