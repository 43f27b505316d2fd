"""Writes of the counters: called by intake and review inside their own transactions."""

from __future__ import annotations

import logging
import random
from collections import Counter as Bag
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from kenes.counters.models import Tally

logger = logging.getLogger(__name__)

Item = tuple[int, str, str, int]  # (version id, dimension, key, delta)
COMPACT_EVERY = 500  # rows inserted, on average, between two compactions
_INSERT = (
    "INSERT INTO counters_tally (version_id, dim, key, n)"
    " SELECT * FROM unnest(%s::integer[], %s::text[], %s::text[], %s::bigint[])"
)


def day_key(when: datetime) -> str:
    """The local calendar day of a moment (KENES_TIME_ZONE), as counted by the dashboard."""
    return timezone.localtime(when).date().isoformat()


def intake_items(
    *,
    version_id: int,
    submitted_at: datetime,
    channel: str,
    region: str,
    language: str,
    author_kind: str,
    state: str,
    article_id: int | None,
    point_id: int | None,
) -> list[Item]:
    """The counts one new proposal adds."""
    items: list[Item] = [
        (version_id, "total", "", 1),
        (version_id, "day", day_key(submitted_at), 1),
        (version_id, "channel", channel, 1),
        (version_id, "region", region or "", 1),
        (version_id, "language", language, 1),
        (version_id, "author_kind", author_kind, 1),
        (version_id, "state", state, 1),
        (version_id, "article", str(article_id or ""), 1),
    ]
    if point_id:
        items.append((version_id, "point", str(point_id), 1))
    return items


def state_items(*, version_id: int, before: str, after: str) -> list[Item]:
    if before == after:
        return []
    return [(version_id, "state", before, -1), (version_id, "state", after, 1)]


def decision_items(
    *,
    version_id: int,
    article_id: int | None,
    point_id: int | None,
    decision: str,
    sign: int = 1,
) -> list[Item]:
    """The counts an answer adds (sign=1) or a replaced answer takes away (sign=-1)."""
    items: list[Item] = [
        (version_id, "decision", decision, sign),
        (version_id, "article_decision", f"{article_id or ''}|{decision}", sign),
    ]
    if point_id:
        items.append((version_id, "point_decision", f"{point_id}|{decision}", sign))
    return items


def counters_add(*, items: Iterable[Item]) -> int:
    """Insert the deltas (summed per key) in the caller's transaction; return the rows written."""
    if not connection.in_atomic_block:
        raise RuntimeError("counters_add must run inside the write's transaction")
    bag: Bag[tuple[int, str, str]] = Bag()
    for version_id, dim, key, n in items:
        bag[(version_id, dim, key[:80])] += n
    rows = [(v, d, k, n) for (v, d, k), n in bag.items() if n]
    if connection.vendor == "postgresql" and rows:
        # One statement whatever the number of rows, without the ORM's compilation: it runs
        # in every intake batch (four arrays, unnested by the server).
        with connection.cursor() as cursor:
            cursor.execute(_INSERT, [list(column) for column in zip(*rows, strict=True)])
    else:
        Tally.objects.bulk_create(
            [Tally(version_id=v, dim=d, key=k, n=n) for v, d, k, n in rows], batch_size=2000
        )
    if rows and random.random() < len(rows) / COMPACT_EVERY:
        transaction.on_commit(_compact_later)
    return len(rows)


def _compact_later() -> None:
    from kenes.counters.tasks import compact

    try:
        compact.enqueue()
    except Exception:  # a missed compaction only costs a little read speed
        logger.warning("could not queue the compaction of the counters", exc_info=True)


@transaction.atomic
def counters_compact(*, batch: int = 20000) -> int:
    """Fold committed deltas into one row per key; return how many rows were folded.

    Reads up to ``batch`` rows, deletes exactly those ids and inserts their sums. A second
    compaction running at the same time deletes fewer rows than it read and rolls back, so
    nothing is counted twice.
    """
    rows = list(
        Tally.objects.order_by("id").values_list("id", "version_id", "dim", "key", "n")[:batch]
    )
    if len(rows) < 2:
        return 0
    sums: Bag[tuple[int, str, str]] = Bag()
    for _id, v, d, k, n in rows:
        sums[(v, d, k)] += n
    if len(sums) == len(rows):
        return 0  # nothing to fold
    ids = [r[0] for r in rows]
    deleted = 0
    for start in range(0, len(ids), 5000):
        deleted += Tally.objects.filter(id__in=ids[start : start + 5000]).delete()[0]
    if deleted != len(ids):
        raise RuntimeError("counters were compacted concurrently; try again")
    Tally.objects.bulk_create(
        [Tally(version_id=v, dim=d, key=k, n=n) for (v, d, k), n in sums.items() if n],
        batch_size=2000,
    )
    return len(rows)


@transaction.atomic
def counters_replace(*, items: Iterable[Item], version_ids: Iterable[int] | None = None) -> int:
    """Replace every count (or those of ``version_ids``) by ``items`` (a full recount)."""
    qs = Tally.objects.all()
    if version_ids is not None:
        qs = qs.filter(version_id__in=list(version_ids))
    qs.delete()
    return counters_add(items=items)
