"""Outreach pages: public calendar, meeting pages, coalition members, coverage; the organiser's
pages (plan, report, proposals, photos) and the offline intake (PWA) with its sync endpoint.

Thin: parse with forms, read through selectors, write through services.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kenes.accounts.permissions import staff_view
from kenes.coalition import selectors as coalition
from kenes.coalition.models import OrganisationKind
from kenes.core.downloads import csv_download, xlsx_download
from kenes.core.validation import add_form_errors
from kenes.geo import selectors as geo
from kenes.geo.regions import Region, region_label
from kenes.outreach import forms, maps, selectors, services
from kenes.outreach.models import AgeBand, MeetingStatus, Sex
from kenes.proposals.importing import COLUMNS as IMPORT_COLUMNS
from kenes.proposals.services import Submitted

STATIC_DIR = Path(__file__).resolve().parent / "static" / "outreach"


organiser_view = staff_view(can_read=coalition.is_organiser)


def _place_filter(request: HttpRequest) -> tuple[forms.PlaceFilterForm, str, str]:
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    districts = list(geo.districts(region)) if region else []
    form = forms.PlaceFilterForm(request.GET or None, districts=districts)
    district = request.GET.get("district", "")
    if district not in {u.code for u in districts}:
        district = ""
    return form, region, district


# --- Public pages ---------------------------------------------------------------------------


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    form, region, district = _place_filter(request)
    page = Paginator(selectors.calendar(region=region, district=district), 20).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/calendar.html",
        {
            "form": form,
            "page": page,
            "region": region,
            "district": district,
            "query": query.urlencode(),
            "recent": selectors.recent_held(region=region, district=district, limit=5),
            "region_name": region_label(region),
        },
    )


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting(pk)
    if meeting is None:
        raise Http404
    return render(
        request,
        "outreach/meeting.html",
        {
            "meeting": meeting,
            "attendance": _attendance_rows(meeting) if meeting.status == MeetingStatus.HELD else [],
            "questions": list(meeting.questions.all()),
            "proposals": list(selectors.meeting_proposals(meeting)[:200]),
            "photos": list(meeting.photos.all()),
            "can_manage": selectors.can_manage_meeting(request.user, meeting),
        },
    )


def _attendance_rows(meeting: Any) -> list[dict[str, Any]]:
    table = selectors.meeting_attendance(meeting)
    rows = []
    for band in AgeBand:
        f, m = table["f"][band.value], table["m"][band.value]
        rows.append({"band": band.label, "f": f, "m": m, "total": f + m})
    return rows


@require_GET
def members(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in OrganisationKind.values else ""
    return render(
        request,
        "outreach/members.html",
        {
            "organisations": coalition.public_members(kind=kind or None),
            "kinds": OrganisationKind.choices,
            "kind": kind,
        },
    )


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    rows = selectors.coverage_regions()
    regions_map = maps.regions_map()
    shapes = []
    if regions_map is not None:
        by_code = {r.code: r for r in rows}
        for shape in regions_map.shapes:
            row = by_code.get(shape.code)
            shapes.append(
                {"shape": shape, "row": row, "fill": maps.colour(row.share if row else None)}
            )
    context: dict[str, Any] = {
        "rows": rows,
        "total": selectors.totals(rows),
        "map": regions_map,
        "shapes": shapes,
        "bins": _legend(),
        "region": region,
        "gap_days": selectors.GAP_DAYS,
        "organisations": selectors.meetings_per_organisation()[:40],
    }
    if region:
        districts = selectors.coverage_districts(region)
        context.update(
            region_name=region_label(region),
            districts=districts,
            district_total=selectors.totals(districts),
            gaps=selectors.district_gaps(region=region),
        )
    return render(request, "outreach/coverage.html", context)


def _legend() -> list[dict[str, str]]:
    return [
        {"fill": maps.colour(0.5), "label": _("half or more")},
        {"fill": maps.colour(0.25), "label": "25–49 %"},
        {"fill": maps.colour(0.1), "label": "10–24 %"},
        {"fill": maps.colour(0.01), "label": _("under 10 %")},
        {"fill": maps.colour(0.0), "label": _("none yet")},
        {"fill": maps.NO_DATA, "label": _("no settlements loaded")},
    ]


@require_GET
def coverage_csv(request: HttpRequest) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "level",
            "region",
            "code",
            "name",
            "settlements",
            "reached",
            "remote",
            "remote_reached",
            "meetings_held",
            "planned_next_14_days",
            "people_reached",
            "population_known",
            "people_per_1000",
            "districts_without_plan",
        ]
    )
    for row in selectors.coverage_regions():
        writer.writerow(_csv_row("region", row.code, row))
        if row.settlements:
            for d in selectors.coverage_districts(row.code):
                writer.writerow(_csv_row("district", row.code, d))
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="kenes-coverage-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


def _csv_row(level: str, region: str, r: selectors.Coverage) -> list[Any]:
    return [
        level,
        region,
        r.code,
        r.name,
        r.settlements,
        r.reached,
        r.remote,
        r.remote_reached,
        r.held,
        r.planned_soon,
        r.people,
        r.population_known,
        "" if r.per_1000 is None else r.per_1000,
        r.districts_without_plan if level == "region" else "",
    ]


# --- Organiser pages ------------------------------------------------------------------------


@organiser_view
def manage(request: HttpRequest) -> HttpResponse:
    meetings = selectors.managed_meetings(request.user)
    now = timezone.now()
    link = coalition.organiser_of(request.user)
    return render(
        request,
        "outreach/manage.html",
        {
            "link": link,
            "upcoming": list(
                meetings.filter(
                    status=MeetingStatus.PLANNED, starts_at__gte=now - timedelta(days=1)
                ).order_by("starts_at")[:50]
            ),
            "to_report": list(
                meetings.filter(status=MeetingStatus.PLANNED, starts_at__lt=now).order_by(
                    "-starts_at"
                )[:50]
            ),
            "held": list(meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at")[:20]),
        },
    )


@organiser_view
def plan(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or request.POST.get("region", "")
    if region not in Region.values:
        return render(request, "outreach/plan_region.html", {"regions": Region.choices})
    settlements = list(
        geo.settlements(region=region)
        .filter(level__gte=3)
        .select_related("district")
        .order_by("district__name_ru", "name_ru")
    )
    organisations = coalition.managed_organisations(request.user)
    form = forms.PlanForm(
        request.POST or None, organisations=organisations, settlements=settlements
    )
    if request.method == "POST" and form.is_valid():
        unit = geo.unit(form.cleaned_data["settlement"])
        if unit is None:  # the form offers known settlements only
            raise Http404
        try:
            meeting = services.meeting_plan(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                settlement=unit,
                version=form.cleaned_data["version"],
                audience=form.cleaned_data["audience"],
                starts_at=form.starts_at(),
                place=form.cleaned_data["place"],
                language=form.cleaned_data["language"],
                speakers=form.cleaned_data["speakers"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("outreach:manage-meeting", pk=meeting.pk)
    return render(
        request,
        "outreach/plan.html",
        {"form": form, "region": region, "region_name": region_label(region)},
    )


def _managed_meeting(request: HttpRequest, pk: int) -> Any:
    meeting = selectors.meeting(pk)
    if meeting is None:
        raise Http404
    if not selectors.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


@organiser_view
def manage_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    action = request.POST.get("action", "")
    initial = {f"{a.sex}_{a.band}": a.count for a in meeting.attendance.all()}
    report = forms.ReportForm(
        request.POST if action == "report" else None,
        initial={**initial, "minutes": meeting.minutes},
    )
    proposals = forms.ProposalFormSet(request.POST if action == "proposals" else None, prefix="p")
    photo = forms.PhotoForm(
        request.POST if action == "photo" else None, request.FILES if action == "photo" else None
    )
    results: list[dict[str, Any]] = []
    try:
        if action == "report" and report.is_valid():
            services.meeting_report(
                actor=request.user,
                meeting=meeting,
                attendance=report.attendance(),
                minutes=report.cleaned_data["minutes"],
                questions=report.question_list(),
            )
            messages.success(request, _("The report is saved."))
            return redirect("outreach:manage-meeting", pk=pk)
        if action == "proposals" and proposals.is_valid():
            items = [
                {
                    "text": f.cleaned_data["text"],
                    "article_number": f.cleaned_data.get("article") or None,
                    "language": f.cleaned_data.get("language") or None,
                    "source_ref": (
                        _("form %(n)s") % {"n": f.cleaned_data["form_ref"]}
                        if f.cleaned_data.get("form_ref")
                        else ""
                    ),
                }
                for f in proposals
                if f.cleaned_data.get("text", "").strip()
            ]
            stored = (
                services.meeting_proposals_add(actor=request.user, meeting=meeting, items=items)
                if items
                else []
            )
            for item, res in zip(items, stored, strict=True):
                if isinstance(res, Submitted):
                    results.append({"ok": True, "code": res.proposal.code, "text": item["text"]})
                else:
                    results.append(
                        {"ok": False, "text": item["text"], "message": " ".join(res.messages)}
                    )
            if results and all(r["ok"] for r in results):
                messages.success(
                    request, _("%(n)s proposal(s) sent to the review queue.") % {"n": len(results)}
                )
                return redirect("outreach:manage-meeting", pk=pk)
        if action == "photo" and photo.is_valid():
            services.meeting_photo_add(
                actor=request.user, meeting=meeting, upload=photo.cleaned_data["photo"]
            )
            messages.success(request, _("The photo is added."))
            return redirect("outreach:manage-meeting", pk=pk)
        if action == "cancel":
            services.meeting_cancel(actor=request.user, meeting=meeting)
            messages.success(request, _("The meeting is cancelled."))
            return redirect("outreach:manage")
    except ValidationError as exc:
        target = {"report": report, "photo": photo}.get(action)
        if target is not None:
            add_form_errors(target, exc)
        else:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "outreach/manage_meeting.html",
        {
            "meeting": meeting,
            "report": report,
            "proposals": proposals,
            "photo": photo,
            "results": results,
            "bands": AgeBand.choices,
            "sexes": Sex.choices,
            "raised": list(selectors.meeting_proposals(meeting)[:200]),
            "questions": list(meeting.questions.all()),
            "photos": list(meeting.photos.all()),
            "suggestions": selectors.suggest_settlements(meeting),
            "reportable": meeting.starts_at <= timezone.now() + services.REPORT_EARLY,
        },
    )


# The columns of the proposal import, without the author's contact (a meeting names none).
TEMPLATE_COLUMNS = [c for c in IMPORT_COLUMNS if c not in ("contact", "consent")]


def _template_rows(meeting: Any, rows: int = 30) -> list[list[str]]:
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")
    return [
        [f"m{meeting.pk}-{n:03d}", "", "", "", "", "meeting", meeting.region_code, when]
        for n in range(1, rows + 1)
    ]


@organiser_view
def paper_template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A paper-form template for ``kenes import-proposals --channel meeting --source <id>``."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    meeting = _managed_meeting(request, pk)
    name = f"kenes-meeting-{meeting.pk}"
    if fmt == "csv":
        return csv_download(TEMPLATE_COLUMNS, _template_rows(meeting), filename=f"{name}.csv")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "proposals"
    sheet.append(TEMPLATE_COLUMNS)
    for row in _template_rows(meeting):
        sheet.append(row)
    sheet.column_dimensions["B"].width = 80
    return xlsx_download(book, name=name)


# --- Offline intake (PWA) -------------------------------------------------------------------


@never_cache
@organiser_view
def offline(request: HttpRequest) -> HttpResponse:
    meetings = (
        selectors.managed_meetings(request.user)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__gte=timezone.now() - timedelta(days=60))
        .order_by("starts_at")[:200]
    )
    listed = list(meetings)
    # The form opens on the meeting happening now or next (not the oldest); with none coming,
    # on the latest one held.
    now = timezone.now()
    coming = [m for m in listed if m.starts_at >= now - services.REPORT_EARLY]
    default = coming[0] if coming else (listed[-1] if listed else None)
    data = [
        {
            "id": m.pk,
            "label": f"{timezone.localtime(m.starts_at):%Y-%m-%d %H:%M} · "
            f"{m.settlement.name} · {m.organisation.name}",
            "reportable": m.starts_at <= now + services.REPORT_EARLY,
            "selected": m is default,
        }
        for m in listed
    ]
    return render(
        request,
        "outreach/offline.html",
        {
            "meetings": data,
            "bands": AgeBand.choices,
            "sexes": Sex.choices,
            "sync_url": reverse("outreach:offline-sync"),
        },
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        (STATIC_DIR / "sw.js").read_bytes(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = reverse("outreach:offline")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    from django.templatetags.static import static

    data = {
        "name": _("Kenes — meetings offline"),
        "short_name": _("Kenes meetings"),
        "start_url": reverse("outreach:offline"),
        "scope": reverse("outreach:offline"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#00597a",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {
                "src": static("outreach/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


@require_POST
def offline_sync(request: HttpRequest) -> JsonResponse:
    """JSON sync: ``{"items": [...]}`` → ``{"results": [...]}``; see services.offline_sync."""
    user = request.user
    if not (
        user.is_authenticated and user.is_active and user.is_staff and coalition.is_organiser(user)
    ):
        return JsonResponse({"error": _("Sign in again as an organiser, then sync.")}, status=403)
    try:
        payload = json.loads(
            request.body.decode("utf-8"),
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
        )
        items = payload["items"]
        if not isinstance(items, list):
            raise TypeError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        return JsonResponse({"error": _("The request is not the expected JSON.")}, status=400)
    try:
        results = services.offline_sync(actor=user, items=items)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
