"""Shared fixtures. Tests needing ../shared/data skip with a reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenes.drafts import demo
from kenes.drafts.services import draft_version_import

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__import__("os").environ.get("KENES_SHARED_DIR", REPO.parent / "shared"))
SHARED_DATA = SHARED / "data"


def shared_file(rel: str) -> Path:
    """Return a file of ../shared/data, or skip the test when it is not there."""
    path = SHARED_DATA / rel
    if not path.is_file():
        pytest.skip(f"needs ../shared/data/{rel}, which is absent (a user's fresh clone has no "
                    "../shared)")
    return path


@pytest.fixture
def demo_draft(db):
    """The demo law, v1 and v2, in ru and kk; returns (v1, v2)."""
    versions = []
    for label in ("v1", "v2"):
        for lang in ("ru", "kk"):
            version = draft_version_import(actor=None, doc=demo.build(label, lang),
                                           document_slug="demo", version_label=label)
        versions.append(version)
    return tuple(versions)


@pytest.fixture
def constitution_2026(db):
    from kenes.drafts import formats

    doc = formats.parse_json(shared_file("kz/constitution_2026_ru.json").read_bytes())
    return draft_version_import(actor=None, doc=doc, document_slug="constitution",
                                version_label="2026")


@pytest.fixture
def constitution_1995(db):
    from kenes.drafts import formats

    doc = formats.parse_json(shared_file("kz/constitution_1995_ru_2023ed.json").read_bytes())
    return draft_version_import(actor=None, doc=doc, document_slug="constitution",
                                version_label="1995")
