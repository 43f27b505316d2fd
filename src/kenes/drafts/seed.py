"""Demo seed of the drafts app (see kenes.core.seeding)."""

from __future__ import annotations

import re

from kenes.core.seeding import SeedContext
from kenes.drafts import demo, formats
from kenes.drafts.models import Version
from kenes.drafts.services import draft_version_import

DEMO_SLUG = "consultations-law"
SHARED_DRAFTS = [
    ("constitution", "1995", "kz/constitution_1995_ru_2023ed.json"),
    ("constitution", "2026", "kz/constitution_2026_ru.json"),
]


def _load(slug: str, label: str, doc: formats.DraftDoc, ctx: SeedContext) -> None:
    version = Version.objects.filter(document__slug=slug, label=label).first()
    if version is not None and doc.language in version.languages:
        return
    draft_version_import(actor=None, doc=doc, document_slug=slug, version_label=label)
    ctx.say(f"Draft {slug}/{label} ({doc.language}): {len(doc.articles())} articles.")


def seed(ctx: SeedContext) -> None:
    for label in ("v1", "v2"):
        for lang in ("ru", "kk"):
            _load(DEMO_SLUG, label, demo.build(label, lang), ctx)
    if ctx.shared_dir is not None:
        for slug, label, rel in SHARED_DRAFTS:
            path = ctx.shared_dir / "data" / rel
            if path.is_file():
                _load(slug, label, formats.parse_json(path.read_bytes()), ctx)
    for path in ctx.draft_paths:
        doc = formats.parse_json(path.read_bytes())
        slug = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-")[:60] or "draft"
        _load(slug, (doc.version or "1").lower().replace(" ", "-")[:40], doc, ctx)
