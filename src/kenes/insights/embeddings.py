"""Stored embeddings: the engine's :class:`~kenes.analysis.embeddings.VectorStore` on the
database (PostgreSQL or SQLite), so every text is embedded once per model and reused by full
runs, the incremental step and re-runs."""

from __future__ import annotations

from collections.abc import Sequence

from kenes.analysis.embeddings import FloatArray, from_compact, to_compact
from kenes.insights.models import Embedding


class DbVectorStore:
    def __init__(self, model_id: str) -> None:
        self.model_id = model_id

    def get_many(self, keys: Sequence[str]) -> dict[str, FloatArray]:
        out: dict[str, FloatArray] = {}
        for i in range(0, len(keys), 500):
            rows = Embedding.objects.filter(key__in=list(keys[i : i + 500])).values_list(
                "key", "vector"
            )
            for k, v in rows:
                out[k] = from_compact(bytes(v))
        return out

    def put_many(self, items: Sequence[tuple[str, FloatArray]]) -> None:
        Embedding.objects.bulk_create(
            [Embedding(key=k, model_id=self.model_id, vector=to_compact(v)) for k, v in items],
            batch_size=1000,
            ignore_conflicts=True,
        )
