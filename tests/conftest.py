"""Shared fixtures. Tests needing ../shared/data skip with a reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.drafts import demo
from kenes.drafts.services import draft_version_import
from kenes.proposals.services import proposal_submit

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__import__("os").environ.get("KENES_SHARED_DIR", REPO.parent / "shared"))
SHARED_DATA = SHARED / "data"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache (cached counts, kenes.core.public) and sees pages
    as they are now: the anonymous page cache is off unless a test turns it on."""
    from django.core.cache import cache

    settings.KENES_PUBLIC_MAX_AGE = 0
    cache.clear()
    yield
    cache.clear()


def shared_file(rel: str) -> Path:
    """Return a file of ../shared/data, or skip the test when it is not there."""
    path = SHARED_DATA / rel
    if not path.is_file():
        pytest.skip(
            f"needs ../shared/data/{rel}, which is absent (a user's fresh clone has no ../shared)"
        )
    return path


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with empty rate-limit counters (they live in the local-memory cache)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def demo_draft(db):
    """The demo law, v1 and v2, in ru and kk; returns (v1, v2)."""
    versions = []
    for label in ("v1", "v2"):
        for lang in ("ru", "kk"):
            version = draft_version_import(
                actor=None, doc=demo.build(label, lang), document_slug="demo", version_label=label
            )
        versions.append(version)
    return tuple(versions)


@pytest.fixture
def constitution_2026(db):
    from kenes.drafts import formats

    doc = formats.parse_json(shared_file("kz/constitution_2026_ru.json").read_bytes())
    return draft_version_import(
        actor=None, doc=doc, document_slug="constitution", version_label="2026"
    )


@pytest.fixture
def constitution_1995(db):
    from kenes.drafts import formats

    doc = formats.parse_json(shared_file("kz/constitution_1995_ru_2023ed.json").read_bytes())
    return draft_version_import(
        actor=None, doc=doc, document_slug="constitution", version_label="1995"
    )


@pytest.fixture
def english_messages():
    """Service messages in English, so assertions read plainly (kk/ru are tested elsewhere).

    Used (autouse) by the proposals, review and ledger tests through their conftest files.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def version(demo_draft):
    """The demo law's current version (v2)."""
    return demo_draft[1]


@pytest.fixture
def submit(version):
    """Submit a proposal with sensible defaults; keyword arguments override them."""

    def _submit(text="Предлагаю продлить срок консультаций до девяноста дней.", **kwargs):
        kwargs.setdefault("channel", "web")
        kwargs.setdefault("version", version)
        return proposal_submit(actor=None, text=text, **kwargs)

    return _submit


@pytest.fixture
def reviewer(db):
    return staff_user_create(
        actor=None, username="dana", password="x-Passw0rd!", roles=[Role.REVIEWER.value]
    )


@pytest.fixture
def reviewer2(db):
    return staff_user_create(
        actor=None, username="erlan", password="x-Passw0rd!", roles=[Role.REVIEWER.value]
    )
