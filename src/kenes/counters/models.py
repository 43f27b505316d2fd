"""Maintained aggregates of proposals: what the public dashboard reads instead of a scan.

Each write to a proposal's countable facts (intake, a state move, an answer) inserts *delta*
rows ``(version, dimension, key, +n/-n)`` in the same transaction as the write. Inserts never
contend on a hot row; ``counters_compact`` later folds committed deltas into one row per key.
A figure is the sum of its rows, so it is exact at every commit.
"""

from __future__ import annotations

from django.db import models


class Tally(models.Model):
    """One delta (or a compacted sum) of a count of proposals."""

    version_id = models.IntegerField(db_index=True)
    dim = models.CharField(max_length=24)
    key = models.CharField(max_length=80, blank=True)
    n = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["version_id", "dim", "key"])]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.dim}:{self.key}={self.n}"
