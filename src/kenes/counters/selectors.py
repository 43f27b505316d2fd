"""Reads of the counters: one grouped query over a small table, never a scan of proposals."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from kenes.counters.models import Tally

DIMENSIONS = (
    "total",
    "day",
    "channel",
    "region",
    "language",
    "author_kind",
    "state",
    "decision",
    "article",
    "point",
    "article_decision",
    "point_decision",
)


def counter_totals(
    *, version_id: int | None = None, dims: tuple[str, ...] | None = None
) -> dict[str, dict[str, int]]:
    """Return ``{dimension: {key: n}}`` (keys with n = 0 left out), for one version or all."""
    qs = Tally.objects.all()
    if version_id is not None:
        qs = qs.filter(version_id=version_id)
    if dims is not None:
        qs = qs.filter(dim__in=dims)
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for dim, key, n in (
        qs.values_list("dim", "key").annotate(n=Sum("n")).values_list("dim", "key", "n")
    ):
        if n:
            out[dim][key] = int(n)
    return dict(out)


def counter_versions() -> list[int]:
    """The version ids that have any count."""
    return sorted(set(Tally.objects.values_list("version_id", flat=True).distinct()))
