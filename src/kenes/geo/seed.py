"""Demo seed: a small KATO excerpt (all 20 regions; five with districts, rural okrugs and
villages; invented village names and approximate coordinates) from ``geo/demo/``."""

from __future__ import annotations

from pathlib import Path

from kenes.core.seeding import SeedContext
from kenes.geo.models import Unit
from kenes.geo.services import kato_import

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_KATO = DEMO_DIR / "kato_demo.csv"
DEMO_POPULATION = DEMO_DIR / "kato_demo_population.csv"


def seed(ctx: SeedContext) -> None:
    if Unit.objects.exists():
        return
    result = kato_import(actor=None, path=DEMO_KATO, population_path=DEMO_POPULATION)
    ctx.say(f"KATO excerpt: {result.units} units, {result.remote} remote settlements.")
