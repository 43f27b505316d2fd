"""The reports pages in a real browser: an organiser prints a handout on a phone; the commission
builds the final report with the button; both pages pass axe in kk and ru."""

from __future__ import annotations

import pytest

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.proposals.services import proposal_submit
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "x-Passw0rd!"


def log_in(page, base_url, username, role, next_path):
    staff_user_create(actor=None, username=username, password=PASSWORD, roles=[role])
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_organiser_prints_a_handout_on_a_phone(live_server, demo_draft, phone, tmp_path):
    v1, _v2 = demo_draft
    proposal_submit(
        actor=None,
        version=v1,
        text="Консультация мерзімін тоқсан күнге дейін ұзартуды ұсынамын.",
        channel="web",
        article_number="6",
        language="kk",
    )
    log_in(
        phone, live_server.url, "organiser", Role.COALITION_ORGANISER.value, "/reports/handouts/"
    )
    assert phone.locator("h1").inner_text() == "Түсіндірме жадынамалар"
    assert axe_violations(phone) == []
    phone.locator("input[name=articles][value='6']").check()
    phone.get_by_label("Қазақша").check()
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Жадынаманы жүктеп алу (PDF)").click()
    path = tmp_path / "handout.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    from tests.reports.conftest import pdftotext

    text = pdftotext(path)
    assert "6-бап" in text and "Осы бапқа ұсыныстар: 1." in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_commission_builds_the_report_with_the_button(
    live_server, demo_draft, browser, settings, tmp_path, lang
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    try:
        log_in(page, live_server.url, f"admin-{lang}", Role.COMMISSION_ADMIN.value, "/reports/")
        assert axe_violations(page) == []
        page.locator("select[name=language]").select_option(lang)
        page.locator("form.rp-form button[type=submit]").click()
        page.wait_for_url("**/reports/")
        link = page.locator("a[href$='/download']")
        assert link.count() == 1
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.endswith(f"-{lang}.pdf")
        assert axe_violations(page) == []
    finally:
        context.close()
