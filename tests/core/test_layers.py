"""The layers of the house (docs/architecture.md): which app may import which.

Read from the source with ``ast``, so the test fails on an import anywhere in an app (module level
or inside a function) that goes upward, sideways between apps of one layer, or out of a pure core.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
KENES = SRC / "kenes"

# Lower numbers sit lower. An app may import only apps of a lower layer; the pure cores
# (`analysis`, `ledger.merkle`) import nothing from Django or Kenes and anyone may use them.
LAYERS: dict[str, int] = {
    "core": 0,
    "geo": 5,
    "accounts": 10,
    "drafts": 20,
    "counters": 22,
    "consultations": 25,
    "ledger": 30,
    "proposals": 40,
    "review": 50,
    "insights": 60,
    "deliberation": 65,
    "coalition": 60,
    "comments": 60,
    "changes": 65,
    "outreach": 70,
    "accountability": 80,
    "opendata": 80,
    "reports": 80,
    "portal": 90,
    "api": 90,
}
PURE = {"analysis", "ledger.merkle"}
# Not apps: the project's top-level modules (settings, urls, cli, wsgi) compose everything.
TOP_LEVEL = {"settings", "urls", "cli", "wsgi", "asgi", "__init__", "__main__"}


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kenes" or len(parts) < 2:
        return None
    if parts[1:3] == ["ledger", "merkle"]:
        return "ledger.merkle"
    return parts[1] if (KENES / parts[1]).is_dir() else None


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(target)
            found.extend(f"{target}.{alias.name}" for alias in node.names)
    return found


def _app_files() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(KENES.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        app = _app_of(_module_name(path))
        if app is not None:
            out.append((app, path))
    return out


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for app, path in _app_files():
        for target in _imports(path):
            other = _app_of(target)
            if other is not None and other != app:
                edges.setdefault((app, other), []).append(str(path.relative_to(SRC)))
    return edges


def test_every_app_has_a_layer():
    apps = {p.name for p in KENES.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    apps -= {"analysis", "locale", "formats"}
    missing = sorted(apps - set(LAYERS))
    assert not missing, f"add these apps to LAYERS here and in docs/architecture.md: {missing}"


def test_apps_import_only_lower_layers():
    wrong = []
    for (src, dst), files in sorted(_edges().items()):
        if src in PURE or dst in PURE:
            continue
        if LAYERS[dst] >= LAYERS[src]:
            wrong.append(
                f"{src} (layer {LAYERS[src]}) imports {dst} (layer {LAYERS[dst]}) in {files[0]}"
            )
    assert not wrong, "\n".join(wrong)


def test_the_app_graph_has_no_cycle():
    graph: dict[str, set[str]] = {}
    for src, dst in _edges():
        graph.setdefault(src, set()).add(dst)
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, node])):
                return cycle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [])
            assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize("core", sorted(PURE))
def test_pure_cores_import_no_django_and_no_other_app(core):
    root = KENES / core.replace(".", "/")
    wrong = []
    for path in sorted(root.rglob("*.py")):
        for target in _imports(path):
            other = _app_of(target)
            if target.split(".")[0] == "django" or (other is not None and other != core):
                wrong.append(f"{path.relative_to(SRC)}: {target}")
    assert not wrong, "\n".join(wrong)


def test_importing_the_pure_cores_loads_no_django():
    modules = sorted(
        _module_name(p)
        for core in PURE
        for p in (KENES / core.replace(".", "/")).rglob("*.py")
        if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip() == "", f"Django was imported: {out.stdout.strip()[:300]}"
