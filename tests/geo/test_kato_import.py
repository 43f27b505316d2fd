"""Loading the KATO classifier: full shared file, the demo excerpt, bad files, remoteness."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kenes.geo.importing import KatoFileError
from kenes.geo.models import Unit
from kenes.geo.remote import Place, RemoteRule, remote_codes
from kenes.geo.seed import DEMO_KATO, DEMO_POPULATION
from kenes.geo.services import kato_import, population_import
from tests.fixtures.drafts import shared_file

HEADER = "kato,parent_kato,level,type,name_ru,name_kk\n"
GOOD = HEADER + (
    "110000000,,1,region,Акмолинская область,Ақмола облысы\n"
    "112000000,110000000,2,district,Целиноградский район,Целиноград ауданы\n"
    "112001000,112000000,3,village,с.Акмол,Ақмол ауылы\n"
    "112003000,112000000,3,rural_district,Аксу с.о.,Ақсу ауылдық округі\n"
    "112003100,112003000,4,village,с.Аксу,Ақсу ауылы\n"
    "112003300,112003100,4,wintering,зим.Коктерек,\n"
)


def write(tmp_path: Path, text: str, name: str = "kato.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.django_db
def test_a_small_file_loads_with_districts_settlements_and_remote_flags(tmp_path):
    result = kato_import(actor=None, path=write(tmp_path, GOOD))
    assert result.units == 6
    village = Unit.objects.get(code="112003100")
    assert village.parent_id == "112003000"
    assert village.district_id == "112000000"
    assert village.region_code == "11"
    assert village.is_settlement and not village.remote
    assert not Unit.objects.get(code="112003000").is_settlement  # a rural okrug
    # a wintering is remote by its kind
    assert Unit.objects.get(code="112003300").remote
    with translation.override("kk"):
        assert village.name == "Ақсу ауылы"
    with translation.override("ru"):
        assert village.name == "с.Аксу"


@pytest.mark.django_db
def test_every_problem_is_reported_by_line_and_nothing_is_loaded(tmp_path):
    bad = HEADER + (
        "110000000,,1,region,Акмолинская область,\n"
        "112000000,110000000,2,district,Целиноградский район,\n"
        "112000000,110000000,2,district,Дубликат,\n"  # line 4: duplicate
        "112003100,999999999,4,village,с.Нигде,\n"  # line 5: unknown parent
        "11200X,112000000,3,village,с.Плохой,\n"  # line 6: bad code
        "112005000,112000000,7,village,с.Уровень,\n"  # line 7: bad level
        "112006000,112000000,3,village,,\n"  # line 8: empty name
    )
    with pytest.raises(KatoFileError) as caught:
        kato_import(actor=None, path=write(tmp_path, bad))
    lines = {p.line for p in caught.value.problems}
    assert lines == {4, 5, 6, 7, 8}
    messages = " ".join(str(p) for p in caught.value.problems)
    assert "duplicate code 112000000 (first on line 3)" in messages
    assert "unknown parent 999999999" in messages
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_a_file_in_the_wrong_encoding_is_refused_with_its_lines(tmp_path):
    path = write(
        tmp_path, "\n".join(line.split(",Ақ")[0] for line in GOOD.splitlines()), encoding="cp1251"
    )
    with pytest.raises(KatoFileError) as caught:
        kato_import(actor=None, path=path)
    assert {p.line for p in caught.value.problems} >= {2, 3}
    assert "not UTF-8" in str(caught.value.problems[0])
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_missing_columns_and_loops_are_refused(tmp_path):
    with pytest.raises(KatoFileError) as caught:
        kato_import(actor=None, path=write(tmp_path, "kato,name_ru\n110000000,x\n"))
    assert "missing columns: parent_kato, level, type" in str(caught.value.problems[0])
    loop = HEADER + (
        "110000000,,1,region,A,\n112000001,112000002,4,village,B,\n"
        "112000002,112000001,4,village,C,\n"
    )
    with pytest.raises(KatoFileError) as caught:
        kato_import(actor=None, path=write(tmp_path, loop))
    assert any("loops" in str(p) for p in caught.value.problems)


@pytest.mark.django_db
def test_population_file_adds_numbers_and_checks_them(tmp_path):
    kato_import(actor=None, path=write(tmp_path, GOOD))
    pop = write(
        tmp_path,
        "kato,population,lat,lon,centre\n112001000,12000,51.0,71.2,1\n112003100,300,51.1,71.3,\n",
        name="pop.csv",
    )
    population_import(actor=None, path=pop)
    village = Unit.objects.get(code="112003100")
    assert village.population == 300 and village.remote  # below 500 people
    assert Unit.objects.get(code="112001000").is_centre
    bad = write(
        tmp_path,
        "kato,population,lat,lon\n112003100,many,71.3,51.1\n999000000,1,,\n",
        name="bad.csv",
    )
    with pytest.raises(KatoFileError) as caught:
        population_import(actor=None, path=bad)
    text = " ".join(str(p) for p in caught.value.problems)
    assert "'many' is not a number" in text
    assert "swapped" in text
    assert "unknown KATO code '999000000'" in text


def test_remote_rule_by_distance_from_a_centre():
    rule = RemoteRule(population_below=100, distance_km=50, kinds=())
    centre = Place("1", "11", "village", True, True, 5000, 51.0, 71.0)
    near = Place("2", "11", "village", True, False, 900, 51.2, 71.0)  # ~22 km
    far = Place("3", "11", "village", True, False, 900, 52.0, 71.0)  # ~111 km
    unknown = Place("4", "11", "village", True, False, None, None, None)
    assert remote_codes([centre, near, far, unknown], rule) == {"3"}


@pytest.mark.django_db
def test_the_demo_excerpt_loads():
    result = kato_import(actor=None, path=DEMO_KATO, population_path=DEMO_POPULATION)
    assert result.units == Unit.objects.count() > 200
    assert Unit.objects.filter(level=1).count() == 20
    assert 0 < result.remote < Unit.objects.filter(is_settlement=True).count()


@pytest.mark.django_db
@pytest.mark.shared
def test_the_full_shared_classifier_imports(tmp_path):
    path = shared_file("kz/kato_2022-10-17_ru.csv")
    call_command("import-kato".replace("-", "_"), str(path))
    assert Unit.objects.count() == 16264
    assert Unit.objects.filter(level=1).count() == 20
    assert not Unit.objects.filter(level__gt=1, district__isnull=True).exists()
    # Re-importing the same file updates in place.
    kato_import(actor=None, path=path)
    assert Unit.objects.count() == 16264


@pytest.mark.django_db
def test_command_reports_problems_and_fails(tmp_path, capsys):
    path = write(tmp_path, HEADER + "112003100,999999999,4,village,с.Нигде,\n")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("import_kato", str(path))
    assert "line 2" in capsys.readouterr().err
