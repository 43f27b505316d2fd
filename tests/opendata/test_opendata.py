"""The open-data package: a valid Frictionless Data Package, no personal data, streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from kenes.ledger.services import ledger_sequence
from kenes.opendata.build import build_package
from kenes.review.services import answers_record

pytestmark = pytest.mark.django_db

SECRET_PHONE = "8 701 555 44 33"
SECRET_IIN = "900101300123"


@pytest.fixture
def data(demo_draft, reviewer):
    from kenes.proposals.services import proposal_submit

    v1 = demo_draft[0]
    made = []
    for i, (article, text) in enumerate(
        [
            ("6", f"Срок мал. Мой телефон {SECRET_PHONE}, ИИН {SECRET_IIN}."),
            ("3", "Меня зовут Айгуль Серикова, принципы хорошие."),
            (None, "Закон нужен, но язык сложен для простых людей."),
        ]
    ):
        made.append(
            proposal_submit(
                actor=None,
                version=v1,
                text=text,
                channel="web",
                article_number=article,
                contact=f"+7701000000{i}",
                consent=True,
                consent_text="ok",
                region="75",
            ).proposal
        )
    answers_record(
        actor=reviewer,
        proposal_ids=[made[0].pk],
        decision="accepted",
        reason_kk="Қабылданды.",
        reason_ru="Принято, звоните 87015554433.",
    )
    ledger_sequence()
    return made


def _read(path):
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        tables = {
            n[:-4]: list(csv.DictReader(io.TextIOWrapper(zf.open(n), encoding="utf-8")))
            for n in names
            if n.endswith(".csv")
        }
        descriptor = json.loads(zf.read("datapackage.json"))
        checkpoint = (
            zf.read("ledger-checkpoint.txt").decode() if "ledger-checkpoint.txt" in names else None
        )
    return names, tables, descriptor, checkpoint


def test_package_holds_every_table_without_personal_data(tmp_path, data):
    result = build_package(out_dir=tmp_path, day=dt.date(2026, 12, 6))
    assert result.path.name == "kenes-opendata-2026-12-06.zip"
    _names, tables, descriptor, checkpoint = _read(result.path)
    expected = {"proposals", "answers", "campaigns", "themes", "article_links", "meetings",
                "coverage", "changes"}  # fmt: skip
    assert expected <= set(tables)
    assert len(tables["proposals"]) == 3
    row = next(r for r in tables["proposals"] if r["code"] == data[0].code)
    assert row["decision"] == "accepted" and row["article"] == "6" and row["region"] == "75"
    assert row["document"] == "demo" and row["version"] == "v1" and row["channel"] == "web"
    with zipfile.ZipFile(result.path) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist()).decode()
    for secret in (SECRET_PHONE, SECRET_IIN, "Айгуль", "87015554433", "+77010000000"):
        assert secret not in everything
    assert not any("contact" in column for r in tables.values() for column in (r[0] if r else {}))
    assert tables["answers"][0]["proposal"] == data[0].code
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["kenes"]["ledger"]["size"] >= 4
    assert checkpoint and str(descriptor["kenes"]["ledger"]["size"]) in checkpoint
    assert descriptor["kenes"]["rows"]["proposals"] == 3


def test_package_validates_with_frictionless(tmp_path, data):
    frictionless = pytest.importorskip("frictionless")
    result = build_package(out_dir=tmp_path)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(folder)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    # A tampered file no longer matches its declared hash.
    (folder / "answers.csv").write_text("proposal,decision\nX,accepted\n", encoding="utf-8")
    assert not frictionless.validate(str(folder / "datapackage.json")).valid


def test_empty_database_gives_a_valid_empty_package(tmp_path, db):
    frictionless = pytest.importorskip("frictionless")
    out = io.StringIO()
    call_command("opendata", "build", "--out", str(tmp_path), "--date", "2026-01-02", stdout=out)
    assert "No proposals yet" in out.getvalue()
    path = tmp_path / "kenes-opendata-2026-01-02.zip"
    _names, tables, descriptor, checkpoint = _read(path)
    assert tables["proposals"] == [] and checkpoint is None
    assert descriptor["kenes"]["ledger"]["checkpoint"] is None
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp_path / "x")
    assert frictionless.validate(str(tmp_path / "x" / "datapackage.json")).valid


def test_command_refuses_bad_input(tmp_path, db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("opendata", "build", "--out", str(tmp_path), "--date", "yesterday")
    a_file = tmp_path / "f"
    a_file.write_text("x")
    with pytest.raises(CommandError, match="folder"):
        call_command("opendata", "build", "--out", str(a_file))


@override_settings(KENES_OPENDATA_LICENSE="CC0-1.0")
def test_licence_is_configurable(tmp_path, db):
    _names, _t, descriptor, _c = _read(build_package(out_dir=tmp_path).path)
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"


def test_page_lists_packages_and_api_pages_rows(tmp_path, data, client, settings):
    settings.MEDIA_ROOT = tmp_path
    build_package(out_dir=tmp_path / "opendata", day=dt.date(2026, 12, 5))
    build_package(out_dir=tmp_path / "opendata", day=dt.date(2026, 12, 6))
    html = client.get(reverse("opendata:index"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert html.index("kenes-opendata-2026-12-06.zip") < html.index("kenes-opendata-2026-12-05.zip")
    index = client.get("/api/opendata/").json()
    assert {t["name"] for t in index["tables"]} >= {"proposals", "changes"}
    first = client.get("/api/opendata/proposals?limit=2").json()
    assert len(first["rows"]) == 2 and first["next_after"] is not None
    second = client.get(f"/api/opendata/proposals?limit=2&after={first['next_after']}").json()
    assert len(second["rows"]) == 1 and second["next_after"] is None
    codes = {r["code"] for r in first["rows"] + second["rows"]}
    assert codes == {p.code for p in data}
    assert all(SECRET_IIN not in r["text"] for r in first["rows"] + second["rows"])
    assert client.get("/api/opendata/nope").status_code == 404
    assert client.get("/api/opendata/proposals?limit=0").status_code == 422


def test_staff_may_queue_a_build_others_may_not(client, db, reviewer, tmp_path, settings):
    from django_tasks_db.models import DBTaskResult

    from kenes.accounts.roles import Role
    from kenes.accounts.services import staff_user_create
    from kenes.opendata.tasks import opendata_build

    settings.MEDIA_ROOT = tmp_path
    url = reverse("opendata:build")
    assert client.post(url).status_code == 302  # anonymous → login
    assert DBTaskResult.objects.count() == 0
    observer = staff_user_create(
        actor=None, username="obs", password="x-Passw0rd!", roles=[Role.OBSERVER.value]
    )
    client.force_login(observer)
    assert url not in client.get(reverse("opendata:index")).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(reviewer)
    assert url in client.get(reverse("opendata:index")).content.decode()
    assert client.post(url).status_code == 302
    assert DBTaskResult.objects.count() == 1
    # The task itself builds the package where the page looks for it.
    summary = opendata_build.call(str(tmp_path / "opendata"))
    assert "proposals 0" in summary
    assert len(list((tmp_path / "opendata").glob("kenes-opendata-*.zip"))) == 1
