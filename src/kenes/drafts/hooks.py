"""Hooks run when a new version of a document is imported.

Apps above ``drafts`` (comments carry their anchors to the new text) register a function in
their ``AppConfig.ready``; ``draft_version_import`` calls every registered function inside its
own transaction, so the new version and whatever the hooks write commit or fail together. The
drafts app itself imports no other Kenes app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class VersionImported(Protocol):
    def __call__(self, *, version: Any, previous: Any | None, actor: Any) -> None: ...


_HOOKS: dict[str, Callable[..., None]] = {}


def register_version_imported(name: str, hook: Callable[..., None]) -> None:
    """Register ``hook(version=, previous=, actor=)``; registering a name twice replaces it."""
    _HOOKS[name] = hook


def unregister_version_imported(name: str) -> None:
    _HOOKS.pop(name, None)


def registered() -> list[str]:
    return sorted(_HOOKS)


def run_version_imported(*, version: Any, previous: Any | None, actor: Any) -> None:
    """Call every hook in name order (inside the import's transaction)."""
    for name in sorted(_HOOKS):
        _HOOKS[name](version=version, previous=previous, actor=actor)
