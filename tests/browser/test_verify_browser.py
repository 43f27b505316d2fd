"""Verifying a receipt in the citizen's own browser (WebCrypto) on a phone; accessibility."""

from __future__ import annotations

import pytest

from kenes.ledger.models import Entry
from kenes.ledger.services import TREE, ledger_sequence
from kenes.proposals.services import proposal_submit
from kenes.review.services import answer_record
from tests.browser.conftest import axe_violations
from tests.ledger.tamper import ledger_triggers_off

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Консультация мерзімін тоқсан күнге дейін ұзарту керек, себебі ауыл тұрғындары "
    "жобамен танысып үлгермейді."
)


@pytest.fixture
def receipt(demo_draft):
    from kenes.accounts.roles import Role
    from kenes.accounts.services import staff_user_create

    TREE.reset()
    version = demo_draft[1]
    for i in range(3):
        proposal_submit(
            actor=None,
            version=version,
            channel="web",
            text=f"Басқа ұсыныс нөмірі {i}: жобаның мерзімін ұзарту керек.",
        )
    mine = proposal_submit(actor=None, version=version, channel="web", text=TEXT)
    reviewer = staff_user_create(
        actor=None, username="dana", password="x-Passw0rd!", roles=[Role.REVIEWER.value]
    )
    answer_record(
        actor=reviewer,
        proposal=mine.proposal,
        decision="accepted",
        reason_kk="Қабылданды: мерзім ұзартылды.",
        reason_ru="Принято.",
    )
    ledger_sequence()
    yield mine
    TREE.reset()


def test_a_citizen_verifies_the_receipt_in_the_browser_on_a_phone(live_server, receipt, phone):
    requests: list[str] = []
    methods: list[str] = []
    phone.on("request", lambda r: (requests.append(r.url), methods.append(r.method)))
    phone.goto(f"{live_server.url}/ledger/verify/")
    assert phone.locator("html").get_attribute("lang") == "kk"
    assert axe_violations(phone) == []
    # when they type the code in small letters, the secret and their text, and check
    phone.fill("#code", receipt.proposal.code.lower().replace("-", " "))
    phone.fill("#secret", receipt.secret.lower())
    phone.fill("#text", TEXT + "\n")
    phone.locator("#verify-button").click()
    verdict = phone.locator("#verdict")
    verdict.wait_for()
    # then the browser itself made every check, and all passed
    result = phone.locator("#verify-result").inner_text()
    assert "notice-ok" in verdict.get_attribute("class"), result
    checks = phone.locator("#verify-result .check")
    assert checks.count() == 5
    assert phone.locator("#verify-result .check-ok").count() == 5
    assert "Қабылданды: мерзім ұзартылды." in phone.locator("#verify-result").inner_text()
    assert any("/api/ledger/proof/inclusion" in u for u in requests)
    assert "POST" not in methods  # the form was not posted: the browser checked
    assert all(receipt.secret not in u for u in requests)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []
    if __import__("os").environ.get("KENES_SCREENSHOT"):
        phone.screenshot(path=__import__("os").environ["KENES_SCREENSHOT"], full_page=True)
    # when the secret is wrong, the commitment check fails plainly
    phone.fill("#secret", "2222222222")
    phone.locator("#verify-button").click()
    phone.wait_for_function(
        "document.querySelector('#verdict') && "
        "document.querySelector('#verdict').className === 'error'"
    )
    assert phone.locator("#verify-result .check-bad").count() == 1


def test_a_tampered_entry_fails_in_the_browser(live_server, receipt, phone):
    entry = Entry.objects.get(code=receipt.proposal.code, kind="answer.recorded")
    with ledger_triggers_off() as cursor:
        cursor.execute(
            "UPDATE ledger_entry SET data = %s WHERE id = %s",
            [entry.data.replace('"accepted"', '"not_accepted"'), entry.pk],
        )
    phone.goto(f"{live_server.url}/ledger/verify/")
    phone.fill("#code", receipt.proposal.code)
    phone.locator("#verify-button").click()
    phone.locator("#verdict").wait_for()
    assert phone.locator("#verdict").get_attribute("class") == "error"
    assert phone.locator("#verify-result .check-bad").count() == 1


def test_the_server_check_works_without_javascript(live_server, receipt, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/ledger/verify/")
        page.fill("#code", receipt.proposal.code)
        page.fill("#secret", receipt.secret)
        page.fill("#text", TEXT)
        page.locator("#verify-button").click()
        page.wait_for_load_state()
        assert "notice-ok" in page.locator("#verdict").get_attribute("class")
        assert page.locator("#verify-result .check-ok").count() == 5
    finally:
        context.close()
