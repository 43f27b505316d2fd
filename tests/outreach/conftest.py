"""Shared fixtures of the coalition and outreach tests: a small KATO tree, two organisations,
their organisers, a meeting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone, translation

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.coalition.services import organisation_create, organiser_link
from kenes.geo.models import Unit
from kenes.geo.services import kato_import
from kenes.outreach.services import meeting_plan

PASSWORD = "x-Passw0rd!"
KATO = (
    "kato,parent_kato,level,type,name_ru,name_kk\n"
    "110000000,,1,region,Акмолинская область,Ақмола облысы\n"
    "112000000,110000000,2,district,Целиноградский район,Целиноград ауданы\n"
    "112001000,112000000,3,village,с.Акмол,Ақмол ауылы\n"
    "112003000,112000000,3,rural_district,Аксу с.о.,Ақсу ауылдық округі\n"
    "112003100,112003000,4,village,с.Аксу,Ақсу ауылы\n"
    "112003300,112003000,4,village,с.Береке,Береке ауылы\n"
    "112003500,112003000,4,wintering,зим.Коктерек,Көктерек қыстағы\n"
    "112200000,110000000,2,district,Аршалынский район,Аршалы ауданы\n"
    "112201000,112200000,3,village,с.Аршалы,Аршалы ауылы\n"
    "610000000,,1,region,Туркестанская область,Түркістан облысы\n"
    "612000000,610000000,2,district,Сайрамский район,Сайрам ауданы\n"
    "612001000,612000000,3,village,с.Аксукент,Ақсукент ауылы\n"
)
POPULATION = (
    "kato,population,lat,lon,centre\n"
    "112001000,12000,51.0,71.2,1\n"
    "112003100,2500,51.1,71.3,\n"
    "112003300,300,51.2,71.1,\n"
    "112201000,9000,50.85,72.17,1\n"
)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages and pages in English (pages: the language for requests that ask for none)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def kato(db, tmp_path: Path):
    (tmp_path / "k.csv").write_text(KATO, encoding="utf-8")
    (tmp_path / "p.csv").write_text(POPULATION, encoding="utf-8")
    kato_import(actor=None, path=tmp_path / "k.csv", population_path=tmp_path / "p.csv")
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def orgs(db):
    a = organisation_create(
        actor=None,
        slug="bolashak",
        kind="party",
        name_kk="Болашақ",
        name_ru="Болашак",
        joined_on=dt.date(2026, 1, 10),
        regions=["11", "61"],
    )
    b = organisation_create(
        actor=None,
        slug="zangerler",
        kind="expert",
        name_kk="Заңгерлер",
        name_ru="Юристы",
        joined_on=dt.date(2026, 1, 12),
        regions=["11"],
    )
    return a, b


def _organiser(username: str, org, branch=None):
    user = staff_user_create(
        actor=None, username=username, password=PASSWORD, roles=[Role.COALITION_ORGANISER.value]
    )
    organiser_link(actor=None, user=user, organisation=org, branch=branch)
    return user


@pytest.fixture
def organiser(orgs):
    return _organiser("aigul", orgs[0])


@pytest.fixture
def other_organiser(orgs):
    return _organiser("erlan", orgs[1])


@pytest.fixture
def branch_organiser(orgs):
    return _organiser("dana", orgs[0], orgs[0].branches.get(region="61"))


@pytest.fixture
def admin_user(db):
    return staff_user_create(
        actor=None, username="admin1", password=PASSWORD, roles=[Role.COMMISSION_ADMIN.value]
    )


@pytest.fixture
def version_v1(demo_draft):
    """Meetings explain the demo law's first version."""
    return demo_draft[0]


@pytest.fixture
def past_meeting(kato, orgs, version_v1, organiser):
    return meeting_plan(
        actor=organiser,
        organisation=orgs[0],
        settlement=kato["112003100"],
        version=version_v1,
        audience="residents",
        place="Ауылдық клуб",
        starts_at=timezone.now() - dt.timedelta(days=1),
        language="kk",
    )


@pytest.fixture
def future_meeting(kato, orgs, version_v1, organiser):
    return meeting_plan(
        actor=organiser,
        organisation=orgs[0],
        settlement=kato["112201000"],
        version=version_v1,
        audience="students",
        place="Мектеп",
        starts_at=timezone.now() + dt.timedelta(days=3),
        language="ru",
    )
