"""Explainer handouts (CLI and page), staff notes (audited), and the staff report button whose
background task completes."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.core.models import AuditEntry
from kenes.reports.models import ExplainerNote, ReportBuild
from kenes.reports.services import explainer_note_save, handout_build
from tests.reports.conftest import pdftotext

pytestmark = pytest.mark.django_db


def _images(path) -> int:
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages (poppler-utils) is not installed")
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return len([line for line in out.splitlines()[2:] if line.strip()])


@pytest.fixture
def unlinked_organiser(db):
    """A coalition organiser not yet linked to an organisation."""
    return staff_user_create(
        actor=None, username="organiser", password="x-Passw0rd!",
        roles=[Role.COALITION_ORGANISER.value],
    )  # fmt: skip


def test_handout_has_both_wordings_the_note_counts_and_qr_codes(consultation, admin_user, tmp_path):
    _v1, v2, _p = consultation
    article6 = v2.articles.get(number="6")
    explainer_note_save(
        actor=admin_user,
        article=article6,
        language="kk",
        text="Бұрын мерзім отыз күн еді, енді кемінде қырық бес күн.",
    )
    out = tmp_path / "handout.pdf"
    call_command(
        "handout", "build", "--document", "demo", "--version", "v2", "--articles", "6,11-1",
        "--language", "kk", "--out", str(out),
    )  # fmt: skip
    text = re.sub(r"\s+", " ", pdftotext(out))
    old_kk = v2.document.versions.get(label="v1").articles.get(number="6").search_kk
    new_kk = article6.search_kk
    # both wordings, side by side (checked by distinctive words of each)
    assert "қырық бес" in new_kk and "қырық бес" in text
    old_words = set(old_kk.split()) - set(new_kk.split())
    assert old_words and any(w in text for w in old_words)
    assert "Бұрын мерзім отыз күн еді" in text
    # the two proposals on article 6 (made on v1) and their decisions
    assert "Осы бапқа ұсыныстар: 2." in text
    assert "11-1" in text and "Жаңа бап" in text
    # two QR codes per article
    assert _images(out) == 4


def test_handout_bad_input(consultation, tmp_path):
    _v1, v2, _p = consultation
    with pytest.raises(ValidationError):
        handout_build(version=v2, numbers=[], language="kk", out=tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="99"):
        call_command(
            "handout", "build", "--document", "demo", "--version", "v2", "--articles", "6,99",
            "--language", "ru", "--out", str(tmp_path / "x.pdf"),
        )  # fmt: skip
    assert not (tmp_path / "x.pdf").exists()


def test_notes_are_audited_and_removed_by_an_empty_text(consultation, admin_user):
    _v1, v2, _p = consultation
    article = v2.articles.get(number="6")
    explainer_note_save(actor=admin_user, article=article, language="ru", text="Срок продлён.")
    explainer_note_save(actor=admin_user, article=article, language="ru", text="Срок стал дольше.")
    assert ExplainerNote.objects.get().text == "Срок стал дольше."
    explainer_note_save(actor=admin_user, article=article, language="ru", text="  ")
    assert not ExplainerNote.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="reports.note").values_list(
            "action", flat=True
        )
    )
    assert actions.count("reports.note_saved") == 2 and "reports.note_removed" in actions


def test_organiser_downloads_a_handout_from_the_page(consultation, unlinked_organiser, client):
    _v1, v2, _p = consultation
    client.force_login(unlinked_organiser)
    url = reverse("reports:handouts-version", args=[v2.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    assert 'value="11-1"' in page.content.decode()
    # no article chosen: a clear error, no file
    empty = client.post(url, {"language": "ru"}, HTTP_ACCEPT_LANGUAGE="ru")
    body = empty.content.decode()
    with translation.override("ru"):
        required = gettext("This field is required.")
    assert empty.status_code == 200 and required in body
    response = client.post(url, {"language": "ru", "articles": ["6"]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # an organiser cannot write notes
    note_url = reverse("reports:note-edit", args=[v2.articles.get(number="6").pk, "kk"])
    assert client.get(note_url).status_code == 403


def test_anonymous_visitors_go_to_the_login(client, demo_draft):
    response = client.get(reverse("reports:handouts"))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_staff_note_form(consultation, admin_user, client):
    _v1, v2, _p = consultation
    client.force_login(admin_user)
    article = v2.articles.get(number="6")
    url = reverse("reports:note-edit", args=[article.pk, "kk"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Қарапайым түсіндірме."})
    assert response.status_code == 302
    assert ExplainerNote.objects.get(article=article, language="kk").text == "Қарапайым түсіндірме."
    assert client.get(reverse("reports:note-edit", args=[article.pk, "xx"])).status_code == 404


def test_staff_button_enqueues_and_the_task_completes(
    consultation, admin_user, client, tmp_path, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from kenes.reports import tasks

    v1, _v2, _p = consultation
    client.force_login(admin_user)
    with override_settings(MEDIA_ROOT=tmp_path):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:builds"), {"version": v1.pk, "language": "kk"})
        assert response.status_code == 302
        build = ReportBuild.objects.get()
        assert build.status == ReportBuild.Status.QUEUED
        assert AuditEntry.objects.filter(action="reports.build_queued").exists()
        # the task is in the database queue for `kenes db_worker`
        queued = DBTaskResult.objects.get()
        assert queued.task_path == "kenes.reports.tasks.build_report"
        assert queued.args_kwargs["kwargs"] == {"build_id": build.pk}
        # the status row polls while queued
        row = client.get(reverse("reports:build-status", args=[build.pk])).content.decode()
        assert "every 2s" in row
        # the worker runs the task
        assert tasks.build_report.call(build_id=build.pk) == 5
        build.refresh_from_db()
        assert build.status == ReportBuild.Status.DONE and build.progress == 100
        row = client.get(reverse("reports:build-status", args=[build.pk])).content.decode()
        assert "every 2s" not in row
        pdf = client.get(reverse("reports:build-download", args=[build.pk]))
        assert pdf.status_code == 200
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        # a second run of the same task does nothing
        assert tasks.build_report.call(build_id=build.pk) == 0


def test_the_button_builds_with_an_immediate_backend(
    consultation, admin_user, client, tmp_path, django_capture_on_commit_callbacks
):
    v1, _v2, _p = consultation
    client.force_login(admin_user)
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(MEDIA_ROOT=tmp_path, TASKS=immediate):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:builds"), {"version": v1.pk, "language": "ru"})
    assert response.status_code == 302
    build = ReportBuild.objects.get()
    assert build.status == ReportBuild.Status.DONE, build.error
    assert "Итоговый отчёт" in pdftotext(build.file)


def test_observers_see_builds_but_cannot_build(consultation, client):
    observer = staff_user_create(
        actor=None, username="obs", password="x-Passw0rd!", roles=[Role.OBSERVER.value]
    )
    client.force_login(observer)
    v1, _v2, _p = consultation
    assert client.get(reverse("reports:builds")).status_code == 200
    response = client.post(reverse("reports:builds"), {"version": v1.pk, "language": "kk"})
    assert response.status_code == 403 and not ReportBuild.objects.exists()
