"""Demo data discovery, after Decidim's manifests: each app declares its own demo seed.

An app whose ``AppConfig`` has ``demo_seed = "kenes.<app>.demo:seed"`` takes part in
``kenes seed-demo``; seeds run in ``demo_order`` order and each is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps


@dataclass
class SeedContext:
    """What seeds share: options and a place to report what they did."""

    draft_paths: list[Path] = field(default_factory=list)
    shared_dir: Path | None = None
    size: str = "full"
    report: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.report.append(line)


def discover_seeds() -> list[tuple[str, Callable[[SeedContext], None]]]:
    found = []
    for config in apps.get_app_configs():
        target = getattr(config, "demo_seed", None)
        if not target:
            continue
        module, _, name = target.partition(":")
        found.append(
            (getattr(config, "demo_order", 100), config.label, getattr(import_module(module), name))
        )
    return [(label, fn) for _order, label, fn in sorted(found, key=lambda t: (t[0], t[1]))]
