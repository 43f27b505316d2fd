"""Outreach pages: public calendar, meeting page, coverage (with and without the map), CSV,
organiser pages and their permissions, the sync endpoint, paper-form templates and import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kenes.coalition.services import contact_add
from kenes.outreach import selectors
from kenes.outreach.services import meeting_plan, meeting_proposals_add, meeting_report
from kenes.proposals.models import Proposal
from tests.fixtures.drafts import SHARED_DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(past_meeting, organiser):
    meeting_report(
        actor=organiser,
        meeting=past_meeting,
        attendance={"f_18_29": 5, "m_45_59": 7},
        minutes="Обсудили статью 6.",
        questions=["Когда ответ?"],
    )
    meeting_proposals_add(
        actor=organiser,
        meeting=past_meeting,
        items=[{"text": "Срок консультаций продлить до шестидесяти дней.", "language": "ru"}],
    )
    return past_meeting


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_calendar_lists_coming_meetings_by_region_and_district(client, future_meeting, held):
    body = client.get("/outreach/").content.decode()
    assert "Arshaly" in body or "Аршалы" in body
    assert client.get("/outreach/?region=61").content.decode().count("or-meeting") == 0
    response = client.get("/outreach/?region=11&district=112200000")
    assert f"/outreach/meetings/{future_meeting.pk}/" in response.content.decode()


def test_public_meeting_page_shows_counts_questions_and_proposals(client, held, orgs):
    contact_add(
        actor=None, branch=orgs[0].branches.first(), name="Тайное Имя", phone="+7 701 000 11 22"
    )
    body = client.get(f"/outreach/meetings/{held.pk}/").content.decode()
    assert "12 people took part" in body
    assert "Когда ответ?" in body and "шестидесяти" in body
    assert "Тайное" not in body and "aigul" not in body


def test_coverage_counts_reached_remote_and_per_1000(held, kato):
    rows = {r.code: r for r in selectors.coverage_regions()}
    akmola = rows["11"]
    assert akmola.settlements == 5 and akmola.reached == 1
    assert akmola.remote == 2  # a wintering and a village of 300 people
    assert akmola.held == 1 and akmola.people == 12
    assert akmola.per_1000 == round(1000 * 12 / (12000 + 2500 + 300 + 9000), 1)
    districts = {d.code: d for d in selectors.coverage_districts("11")}
    assert districts["112000000"].reached == 1 and districts["112200000"].reached == 0


def test_gaps_are_districts_with_nothing_planned_in_14_days(kato, future_meeting, orgs, version_v1):
    gaps = {u.code for u in selectors.district_gaps()}
    assert "112200000" not in gaps  # planned in 3 days
    assert {"112000000", "612000000"} <= gaps
    meeting_plan(
        actor=None,
        organisation=orgs[0],
        settlement=kato["112001000"],
        version=version_v1,
        audience="residents",
        place="x",
        language="kk",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )
    assert "112000000" in {u.code for u in selectors.district_gaps()}


def test_suggestions_are_unvisited_remote_settlements_nearby(held, kato):
    suggestions = selectors.suggest_settlements(held)
    codes = [s.unit.code for s in suggestions]
    assert codes[0] == "112003300"  # 300 people, ~15 km, with coordinates
    assert suggestions[0].km is not None
    assert "112003500" in codes  # the wintering: no coordinates, same rural okrug
    assert "112003100" not in codes  # the meeting's own village


def test_coverage_page_without_a_map_says_so(client, held, settings, tmp_path):
    settings.KENES_REGIONS_GEOJSON = str(tmp_path / "absent.geojson")
    body = client.get("/outreach/coverage/?region=11").content.decode()
    assert "The map is not shown" in body
    assert "<svg viewBox" not in body
    assert "Аршалы" in body or "Arshaly" in body


def test_coverage_page_draws_the_map_from_geojson(client, held, settings, tmp_path):
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kato_prefix": "11"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[69, 50], [74, 50], [74, 54], [69, 54], [69, 50]]],
                },
            },
            {
                "type": "Feature",
                "properties": {"kato_prefix": "61"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[67, 41], [71, 41], [71, 44], [67, 41]]]],
                },
            },
        ],
    }
    path = tmp_path / "regions.geojson"
    path.write_text(json.dumps(geojson))
    settings.KENES_REGIONS_GEOJSON = str(path)
    body = client.get("/outreach/coverage/").content.decode()
    assert body.count("<path d=") == 2
    assert 'href="?region=11#districts"' in body


@pytest.mark.shared
def test_the_shared_geojson_draws_twenty_regions(client, kato, settings):
    path = SHARED_DATA / "kz" / "kz_regions_adm1_simplified.geojson"
    if not path.is_file():
        pytest.skip("needs ../shared/data/kz/kz_regions_adm1_simplified.geojson (absent)")
    settings.KENES_REGIONS_GEOJSON = str(path)
    body = client.get("/outreach/coverage/").content.decode()
    assert body.count("<path d=") == 20


def test_coverage_csv(client, held):
    response = client.get("/outreach/coverage.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    akmola = next(r for r in rows if r["level"] == "region" and r["region"] == "11")
    assert akmola["reached"] == "1" and akmola["people_reached"] == "12"
    assert any(r["level"] == "district" and r["code"] == "112200000" for r in rows)


def test_coverage_page_query_count_does_not_grow_with_meetings(
    client, held, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        client.get("/outreach/coverage/?region=11")


def test_organiser_pages_need_a_linked_organiser(
    client, past_meeting, organiser, other_organiser, django_user_model
):
    assert client.get("/outreach/manage/").status_code == 302
    assert login(organiser).get("/outreach/manage/").status_code == 200
    assert login(organiser).get(f"/outreach/manage/{past_meeting.pk}/").status_code == 200
    assert login(other_organiser).get(f"/outreach/manage/{past_meeting.pk}/").status_code == 403
    observer = django_user_model.objects.create_user("obs", password="x", is_staff=True)
    assert login(observer).get("/outreach/manage/").status_code == 403


def test_plan_report_and_proposals_through_the_pages(kato, orgs, organiser, version_v1):
    client = login(organiser)
    assert "Plan a meeting" in client.get("/outreach/manage/plan/").content.decode()
    day = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        "/outreach/manage/plan/",
        {
            "region": "11",
            "organisation": orgs[0].pk,
            "settlement": "112003300",
            "version": version_v1.pk,
            "audience": "residents",
            "day": day.isoformat(),
            "time": "11:00",
            "place": "Клуб",
            "language": "kk",
            "speakers": "Спикер",
        },
    )
    assert response.status_code == 302
    meeting = selectors.managed_meetings(organiser).get()
    url = f"/outreach/manage/{meeting.pk}/"
    response = client.post(
        url,
        {
            "action": "report",
            "f_18_29": "4",
            "m_60p": "2",
            "minutes": "Итоги",
            "questions": "Один?\nДва?",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.attendees == 6 and meeting.questions.count() == 2
    response = client.post(
        url,
        {
            "action": "proposals",
            "p-TOTAL_FORMS": "2",
            "p-INITIAL_FORMS": "0",
            "p-0-text": "Предлагаю публиковать проект в районной газете.",
            "p-0-article": "5",
            "p-0-language": "ru",
            "p-0-form_ref": "7",
            "p-1-text": "",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(channel="meeting")
    assert proposal.source_ref == "bolashak · form 7" and proposal.entered_by == organiser


def test_sync_endpoint(past_meeting, organiser, other_organiser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    body = {
        "items": [
            {
                "uuid": str(uuid.uuid4()),
                "type": "proposal",
                "meeting": past_meeting.pk,
                "text": "Предлагаю публиковать проект в районной газете.",
            }
        ]
    }
    # without the CSRF token: refused
    assert (
        client.post(
            "/outreach/offline/sync", json.dumps(body), content_type="application/json"
        ).status_code
        == 403
    )
    client = login(organiser)
    for _attempt in range(2):
        response = client.post(
            "/outreach/offline/sync", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "duplicate"
    assert Proposal.objects.filter(channel="meeting").count() == 1
    assert (
        client.post("/outreach/offline/sync", "nope", content_type="application/json").status_code
        == 400
    )
    assert (
        Client()
        .post("/outreach/offline/sync", json.dumps(body), content_type="application/json")
        .status_code
        == 403
    )


def test_offline_page_manifest_and_service_worker(past_meeting, organiser, client):
    page = login(organiser).get("/outreach/offline/")
    assert page.status_code == 200
    assert "offline-meetings" in page.content.decode()
    manifest = client.get("/outreach/offline/manifest.webmanifest").json()
    assert manifest["start_url"] == "/outreach/offline/"
    sw = client.get("/outreach/offline/sw.js")
    assert sw["Service-Worker-Allowed"] == "/outreach/offline/"
    assert b"caches" in sw.content


def test_paper_template_imports_with_the_existing_command(past_meeting, organiser, tmp_path):
    client = login(organiser)
    content = client.get(f"/outreach/manage/{past_meeting.pk}/template.csv").content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    rows[1][1] = "Предлагаю продлить срок консультаций до шестидесяти дней."
    rows[2][1] = "Жобаны аудандық газеттерде де жариялау керек."
    path = tmp_path / "forms.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows[:3])
    for _run in range(2):
        call_command(
            "import_proposals",
            str(path),
            "--document",
            "demo",
            "--version",
            "v1",
            "--channel",
            "meeting",
            "--source",
            str(past_meeting.pk),
            "--quiet",
        )
    raised = list(selectors.meeting_proposals(past_meeting))
    assert len(raised) == 2
    assert raised[0].author_kind == "meeting" and raised[0].region == "11"
    xlsx = client.get(f"/outreach/manage/{past_meeting.pk}/template.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get(f"/outreach/manage/{past_meeting.pk}/template.pdf").status_code == 404
