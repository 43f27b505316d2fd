"""Reads of the deliberation app: conversations, the moderation queue and result views."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kenes.deliberation.models import Conversation, Participant, Result, Statement, Vote

GROUP_COLOURS = ["#1d5fa0", "#b03a2e", "#1e7b3a", "#7d3c98", "#9a6100"]
UNGROUPED_COLOUR = "#6b6b6b"
Z_95 = 1.959964


def min_votes() -> int:
    return int(getattr(settings, "KENES_DELIB_MIN_VOTES", 20))


def conversations_public() -> QuerySet[Conversation]:
    return Conversation.objects.select_related("version__document", "article").annotate(
        n_statements=Count("statements", filter=Q(statements__state=Statement.State.ACCEPTED))
    )


def conversation_get(slug: str) -> Conversation | None:
    return (
        Conversation.objects.select_related("version__document", "article")
        .filter(slug=slug)
        .first()
    )


def statements_accepted(conversation: Conversation) -> QuerySet[Statement]:
    return Statement.objects.filter(conversation=conversation, state=Statement.State.ACCEPTED)


def moderation_queue(conversation: Conversation) -> QuerySet[Statement]:
    return Statement.objects.filter(
        conversation=conversation, state=Statement.State.PENDING
    ).order_by("created_at", "id")


def latest_result(conversation: Conversation) -> Result | None:
    return Result.objects.filter(conversation=conversation).order_by("-id").first()


def participant_progress(
    conversation: Conversation, participant: Participant | None
) -> tuple[int, int]:
    """(statements this participant voted on, accepted statements)."""
    total = statements_accepted(conversation).count()
    if participant is None:
        return 0, total
    done = Vote.objects.filter(
        participant=participant, statement__state=Statement.State.ACCEPTED
    ).count()
    return done, total


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0..1); (0, 1) without trials."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def group_label(index: int) -> str:
    return _("Group %(letter)s") % {"letter": "ABCDEFGHIJ"[index % 10]}


@dataclass
class Figure:
    """A share with its 95 % interval, in percent."""

    n_success: int
    n_trials: int
    pct: int = 0
    low: int = 0
    high: int = 100

    def __post_init__(self) -> None:
        lo, hi = wilson(self.n_success, self.n_trials)
        self.pct = round(100 * self.n_success / self.n_trials) if self.n_trials else 0
        self.low, self.high = round(100 * lo), round(100 * hi)


@dataclass
class StatementView:
    statement: Statement
    direction: str = ""
    figure: Figure | None = None
    by_group: list[tuple[str, str, Figure]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class GroupView:
    key: str
    label: str
    colour: str
    size: int
    share: int
    representative: list[StatementView] = field(default_factory=list)


@dataclass
class ResultView:
    result: Result | None
    min_votes: int
    groups: list[GroupView] = field(default_factory=list)
    consensus: list[StatementView] = field(default_factory=list)
    bridging: list[StatementView] = field(default_factory=list)
    n_statements_below: int = 0
    n_statements: int = 0
    points: list[tuple[float, float, str]] = field(default_factory=list)
    n_ungrouped: int = 0


def _group_figures(
    data: dict[str, Any], sid: str, groups: list[GroupView], direction: str = "agree"
) -> list[tuple[str, str, Figure]]:
    """Each group's share voting ``direction`` on the statement (of its members who voted)."""
    counts = data.get("group_votes", {}).get(sid, {})
    out = []
    for g in groups:
        a, d, p = counts.get(g.key, [0, 0, 0])
        out.append((g.label, g.colour, Figure(d if direction == "disagree" else a, a + d + p)))
    return out


def result_view(conversation: Conversation, *, max_points: int = 3000) -> ResultView:
    """What the results page shows, with statements below the evidence threshold left out."""
    result = latest_result(conversation)
    view = ResultView(result=result, min_votes=min_votes())
    if result is None:
        return view
    data = result.data or {}
    stats = data.get("statement_stats", {})
    statements = {
        str(s.pk): s
        for s in Statement.objects.filter(conversation=conversation, state=Statement.State.ACCEPTED)
    }
    seen = {
        sid: sum(st.get(k, 0) for k in ("agree", "disagree", "pass")) for sid, st in stats.items()
    }
    enough = {sid for sid in statements if seen.get(sid, 0) >= view.min_votes}
    view.n_statements = len(statements)
    view.n_statements_below = len(statements) - len(enough)
    sizes = data.get("group_sizes", {})
    total = sum(sizes.values()) or 1
    for i, key in enumerate(sorted(sizes, key=int)):
        view.groups.append(
            GroupView(
                key=key,
                label=group_label(i),
                colour=GROUP_COLOURS[i % len(GROUP_COLOURS)],
                size=sizes[key],
                share=round(100 * sizes[key] / total),
            )
        )
    for g in view.groups:
        for r in data.get("repness", {}).get(g.key, []):
            sid = str(r["statement_id"])
            if sid not in enough:
                continue
            g.representative.append(
                StatementView(
                    statement=statements[sid],
                    direction=r["direction"],
                    figure=Figure(r["n_success"], r["n_trials"]),
                    extra={"repness": r["repness"], "repness_test": r["repness_test"]},
                )
            )
    for c in data.get("consensus", []):
        sid = str(c["statement_id"])
        if sid not in enough:
            continue
        by_group = _group_figures(data, sid, view.groups, c["direction"])
        # Pol.is's consensus tests the whole population; shown here only when a majority of
        # every group voted that way too, so a statement one group rejects is never "shared".
        if any(2 * fig.n_success <= fig.n_trials for _l, _c, fig in by_group):
            continue
        view.consensus.append(
            StatementView(
                statement=statements[sid],
                direction=c["direction"],
                figure=Figure(c["n_success"], c["n_trials"]),
                by_group=by_group,
            )
        )
    bridging = [
        (sid, b)
        for sid, b in data.get("bridging", {}).items()
        if sid in enough and b.get("n_votes", 0) >= view.min_votes
    ]
    bridging.sort(key=lambda t: (-t[1]["intercept"], int(t[0])))
    gic = data.get("group_informed_consensus", {})
    for sid, b in bridging[:5]:
        view.bridging.append(
            StatementView(
                statement=statements[sid],
                by_group=_group_figures(data, sid, view.groups),
                extra={
                    "intercept": b["intercept"],
                    "factor": b["factor"],
                    "n_votes": b["n_votes"],
                    "gic": gic.get(sid),
                },
            )
        )
    view.points, view.n_ungrouped = _points(data, view.groups, max_points)
    return view


def _points(
    data: dict[str, Any], groups: list[GroupView], max_points: int
) -> tuple[list[tuple[float, float, str]], int]:
    """Projected participants scaled into a 600 × 400 box (a deterministic sample if many)."""
    projection = data.get("projection", {})
    membership = data.get("groups", {})
    colour = {g.key: g.colour for g in groups}
    ids = sorted(projection, key=lambda p: (len(p), p))
    step = max(1, math.ceil(len(ids) / max_points))
    ids = ids[::step]
    if not ids:
        return [], 0
    xs = [projection[p][0] for p in ids]
    ys = [projection[p][1] for p in ids]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = 560 / (x1 - x0) if x1 > x0 else 0
    sy = 360 / (y1 - y0) if y1 > y0 else 0
    points = []
    ungrouped = 0
    for p, x, y in zip(ids, xs, ys, strict=True):
        g = membership.get(p)
        if g is None:
            ungrouped += 1
        points.append(
            (
                round(20 + (x - x0) * sx if sx else 300, 1),
                round(20 + (y - y0) * sy if sy else 200, 1),
                colour.get(str(g), UNGROUPED_COLOUR),
            )
        )
    return points, ungrouped
