"""Stored embeddings: every text embedded once per model, kept compact in the database."""

from __future__ import annotations

import numpy as np
import pytest

from kenes.analysis.embeddings import HashingEmbedder
from kenes.insights.embeddings import DbVectorStore
from kenes.insights.models import Embedding

pytestmark = pytest.mark.django_db

TEXTS = ["Пенсии нужно индексировать каждый год.", "Мемлекеттік тіл - қазақ тілі."]


def test_vectors_are_stored_once_and_reused_by_another_process():
    first = HashingEmbedder(store=DbVectorStore("hashing-char3-256"))
    a = first.embed_queries(TEXTS)
    assert first.encoded == 2 and Embedding.objects.count() == 2
    # a fresh embedder (another worker, a re-run) reads them instead of embedding again
    again = HashingEmbedder(store=DbVectorStore("hashing-char3-256"))
    b = again.embed_queries(TEXTS + TEXTS)
    assert again.encoded == 0 and Embedding.objects.count() == 2
    # float16 storage: cosines within 1e-3 of the float32 vectors
    assert np.allclose(a @ a.T, b[:2] @ b[:2].T, atol=1e-3)
    row = Embedding.objects.first()
    assert row is not None and len(bytes(row.vector)) == 256 * 2
    # queries and passages are different texts for e5: stored separately
    again.embed_passages(TEXTS[:1])
    assert Embedding.objects.count() == 3
