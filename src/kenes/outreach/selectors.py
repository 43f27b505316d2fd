"""Reads of outreach: the public calendar, meeting pages, the organiser's lists, coverage.

Coverage counts a settlement as *reached* when a meeting was held there. Remote settlements
(see kenes.geo.models) are counted separately. People reached per 1,000 inhabitants uses only
settlements whose population is known: attendees of meetings held there over their population.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from kenes.coalition import selectors as coalition
from kenes.coalition.models import Organisation
from kenes.geo.models import Unit
from kenes.geo.regions import Region, region_label
from kenes.geo.remote import distance_km
from kenes.outreach.models import Meeting, MeetingStatus
from kenes.proposals.models import Channel, Proposal

GAP_DAYS = 14


def can_manage_meeting(user: Any, meeting: Meeting) -> bool:
    if coalition.manages_any(user):
        return True
    link = coalition.organiser_of(user) if coalition.is_organiser(user) else None
    if link is None or link.organisation_id != meeting.organisation_id:
        return False
    return not link.branch_id or link.branch_id == meeting.branch_id


def managed_meetings(user: Any) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("organisation", "settlement", "settlement__parent")
    if coalition.manages_any(user):
        return qs
    link = coalition.organiser_of(user) if coalition.is_organiser(user) else None
    if link is None:
        return qs.none()
    qs = qs.filter(organisation_id=link.organisation_id)
    if link.branch_id:
        qs = qs.filter(branch_id=link.branch_id)
    return qs


def _public() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "organisation", "settlement", "settlement__parent", "settlement__district"
    )


def calendar(
    *, region: str = "", district: str = "", since: datetime | None = None
) -> QuerySet[Meeting]:
    """Planned meetings from today on, soonest first, optionally in one region or district."""
    start = (since or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    qs = _public().filter(status=MeetingStatus.PLANNED, starts_at__gte=start)
    if region:
        qs = qs.filter(region_code=region)
    if district:
        qs = qs.filter(district_code=district)
    return qs.order_by("starts_at", "id")


def recent_held(*, region: str = "", district: str = "", limit: int = 10) -> list[Meeting]:
    qs = _public().filter(status=MeetingStatus.HELD)
    if region:
        qs = qs.filter(region_code=region)
    if district:
        qs = qs.filter(district_code=district)
    return list(qs.order_by("-starts_at", "-id")[:limit])


def meeting(pk: int) -> Meeting | None:
    return _public().select_related("version__document", "branch").filter(pk=pk).first()


def meeting_attendance(meeting: Meeting) -> dict[str, dict[str, int]]:
    """{"f": {"18_29": n, ...}, "m": {...}} with every cell."""
    from kenes.outreach.models import AgeBand, Sex

    table = {s: dict.fromkeys(AgeBand.values, 0) for s in Sex.values}
    for a in meeting.attendance.all():
        table[a.sex][a.band] = a.count
    return table


def meeting_proposals(meeting: Meeting) -> QuerySet[Proposal]:
    """The proposals raised at a meeting (no personal data selected)."""
    return (
        Proposal.objects.filter(channel=Channel.MEETING, source=meeting.source)
        .select_related("article")
        .defer("contact", "author_index", "secret_digest")
        .order_by("submitted_at", "id")
    )


# --- Coverage -------------------------------------------------------------------------------


@dataclass
class Coverage:
    code: str
    name: str
    settlements: int = 0
    reached: int = 0
    remote: int = 0
    remote_reached: int = 0
    held: int = 0
    planned_soon: int = 0
    people: int = 0
    population_known: int = 0
    people_in_known: int = 0
    districts_without_plan: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def share(self) -> float | None:
        return self.reached / self.settlements if self.settlements else None

    @property
    def share_pct(self) -> int | None:
        return round(100 * self.reached / self.settlements) if self.settlements else None

    @property
    def remote_share_pct(self) -> int | None:
        return round(100 * self.remote_reached / self.remote) if self.remote else None

    @property
    def per_1000(self) -> float | None:
        if not self.population_known:
            return None
        return round(1000 * self.people_in_known / self.population_known, 1)


def _fill(
    rows: dict[str, Coverage], key: str, unit_rows: Any, held_rows: Any, planned_rows: Any
) -> None:
    for r in unit_rows:
        c = rows.get(r[key])
        if c is not None:
            c.settlements, c.remote, c.population_known = r["n"], r["remote"], r["pop"] or 0
    for r in held_rows:
        c = rows.get(r[key])
        if c is not None:
            c.held, c.reached, c.remote_reached = r["meetings"], r["reached"], r["remote"]
            c.people, c.people_in_known = r["people"] or 0, r["people_known"] or 0
    for r in planned_rows:
        c = rows.get(r[key])
        if c is not None:
            c.planned_soon = r["n"]


def _held_aggregates() -> dict[str, Any]:
    return {
        "meetings": Count("id"),
        "reached": Count("settlement", distinct=True, filter=Q(settlement__is_settlement=True)),
        "remote": Count("settlement", distinct=True, filter=Q(settlement__remote=True)),
        "people": Sum("attendees"),
        "people_known": Sum("attendees", filter=Q(settlement__population__isnull=False)),
    }


def _unit_aggregates() -> dict[str, Any]:
    return {
        "n": Count("code"),
        "remote": Count("code", filter=Q(remote=True)),
        "pop": Sum("population"),
    }


def _soon(now: datetime, days: int = GAP_DAYS) -> Q:
    return Q(
        status=MeetingStatus.PLANNED, starts_at__gte=now, starts_at__lt=now + timedelta(days=days)
    )


def coverage_regions(*, now: datetime | None = None) -> list[Coverage]:
    """One row per region (all 20, in the order of Region)."""
    now = now or timezone.now()
    rows = {str(code): Coverage(str(code), str(label)) for code, label in Region.choices}
    settlements = Unit.objects.filter(is_settlement=True)
    _fill(
        rows,
        "region_code",
        settlements.values("region_code").annotate(**_unit_aggregates()).order_by(),
        Meeting.objects.filter(status=MeetingStatus.HELD)
        .values("region_code")
        .annotate(**_held_aggregates())
        .order_by(),
        Meeting.objects.filter(_soon(now)).values("region_code").annotate(n=Count("id")).order_by(),
    )
    for gap in district_gaps(now=now):
        rows[gap.region_code].districts_without_plan += 1
    return list(rows.values())


def _districts(region: str) -> QuerySet[Unit]:
    return Unit.objects.filter(parent_id=f"{region}0000000")


def coverage_districts(region: str, *, now: datetime | None = None) -> list[Coverage]:
    """One row per district (or city administration) of a region, by name."""
    now = now or timezone.now()
    rows = {u.code: Coverage(u.code, u.name) for u in _districts(region).order_by("name_ru")}
    settlements = Unit.objects.filter(is_settlement=True, region_code=region)
    meetings = Meeting.objects.filter(region_code=region)
    _fill(
        rows,
        "district",
        settlements.values("district").annotate(**_unit_aggregates()).order_by(),
        meetings.filter(status=MeetingStatus.HELD)
        .values(district=F("district_code"))
        .annotate(**_held_aggregates())
        .order_by(),
        meetings.filter(_soon(now))
        .values(district=F("district_code"))
        .annotate(n=Count("id"))
        .order_by(),
    )
    return list(rows.values())


def district_gaps(
    *, region: str = "", now: datetime | None = None, days: int = GAP_DAYS
) -> list[Unit]:
    """Districts with no meeting planned in the next ``days`` days (that have settlements)."""
    now = now or timezone.now()
    planned = Meeting.objects.filter(_soon(now, days)).values("district_code")
    with_settlements = Unit.objects.filter(is_settlement=True).values("district_id")
    qs = Unit.objects.filter(parent__level=1, code__in=with_settlements).exclude(code__in=planned)
    if region:
        qs = qs.filter(region_code=region)
    return list(qs.order_by("region_code", "name_ru"))


def meetings_per_organisation() -> list[Organisation]:
    now = timezone.now()
    return list(
        Organisation.objects.filter(active=True)
        .annotate(
            held=Count("meetings", filter=Q(meetings__status=MeetingStatus.HELD)),
            planned=Count(
                "meetings",
                filter=Q(meetings__status=MeetingStatus.PLANNED, meetings__starts_at__gte=now),
            ),
            people=Sum("meetings__attendees", filter=Q(meetings__status=MeetingStatus.HELD)),
        )
        .order_by("-held", "name_ru")
    )


def totals(rows: list[Coverage]) -> Coverage:
    total = Coverage("", "")
    for r in rows:
        for name in (
            "settlements",
            "reached",
            "remote",
            "remote_reached",
            "held",
            "planned_soon",
            "people",
            "population_known",
            "people_in_known",
            "districts_without_plan",
        ):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return total


# --- Planning helper ------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    unit: Unit
    km: float | None
    why: str  # "distance", "okrug" or "district"


def suggest_settlements(
    meeting: Meeting, *, limit: int = 8, radius_km: float = 80.0
) -> list[Suggestion]:
    """Unvisited remote settlements near a meeting: by distance when coordinates are known,
    else in the same rural okrug, then the same district."""
    here = meeting.settlement
    visited = Meeting.objects.exclude(status=MeetingStatus.CANCELLED).values("settlement_id")
    remote = Unit.objects.filter(
        is_settlement=True, remote=True, region_code=here.region_code
    ).exclude(code__in=visited)
    found: list[Suggestion] = []
    if here.lat is not None and here.lon is not None:
        near = []
        for unit in remote.filter(lat__isnull=False).select_related("parent"):
            km = distance_km(here.lat, here.lon, unit.lat, unit.lon)  # type: ignore[arg-type]
            if km <= radius_km:
                near.append(Suggestion(unit, round(km, 1), "distance"))
        found = sorted(near, key=lambda s: s.km or 0)[:limit]
    seen = {s.unit.code for s in found}
    for why, qs in (
        ("okrug", remote.filter(parent_id=here.parent_id)),
        ("district", remote.filter(district_id=here.district_id)),
    ):
        if len(found) >= limit:
            break
        for unit in qs.select_related("parent").order_by("name_ru")[:limit]:
            if unit.code not in seen and len(found) < limit:
                found.append(Suggestion(unit, None, why))
                seen.add(unit.code)
    return found


def region_name(code: str) -> str:
    return region_label(code)
