"""A full recount of the public counters from proposals and answers (no Django app imports,
so the data migration can call it with historical models)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

Item = tuple[int, str, str, int]

SIMPLE = {
    "channel": "channel",
    "region": "region",
    "language": "language",
    "author_kind": "author_kind",
    "state": "state",
}


def recount_items(
    proposal_model: Any, answer_model: Any, version_ids: list[int] | None = None
) -> Iterator[Item]:
    """Yield (version id, dimension, key, n) for every count the intake and review maintain."""
    qs = proposal_model.objects.all()
    if version_ids is not None:
        qs = qs.filter(version_id__in=version_ids)
    qs = qs.order_by()
    for row in qs.values("version_id").annotate(n=Count("id")):
        yield row["version_id"], "total", "", row["n"]
    for dim, field in SIMPLE.items():
        for row in qs.values("version_id", field).annotate(n=Count("id")):
            yield row["version_id"], dim, row[field] or "", row["n"]
    tz = timezone.get_current_timezone()
    for row in (
        qs.annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .values("version_id", "day")
        .annotate(n=Count("id"))
    ):
        yield row["version_id"], "day", row["day"].isoformat(), row["n"]
    for row in qs.values("version_id", "article_id").annotate(n=Count("id")):
        yield row["version_id"], "article", str(row["article_id"] or ""), row["n"]
    for row in (
        qs.filter(point_id__isnull=False).values("version_id", "point_id").annotate(n=Count("id"))
    ):
        yield row["version_id"], "point", str(row["point_id"]), row["n"]
    latest = Subquery(
        answer_model.objects.filter(proposal_id=OuterRef("pk"))
        .order_by("-answered_at", "-id")
        .values("decision")[:1]
    )
    rows = (
        qs.annotate(last=latest)
        .filter(last__isnull=False)
        .values("version_id", "article_id", "point_id", "last")
        .annotate(n=Count("id"))
    )
    for row in rows:
        v, decision, n = row["version_id"], row["last"], row["n"]
        yield v, "decision", decision, n
        yield v, "article_decision", f"{row['article_id'] or ''}|{decision}", n
        if row["point_id"]:
            yield v, "point_decision", f"{row['point_id']}|{decision}", n
