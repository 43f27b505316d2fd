"""End to end, in Debian Chromium: proposals in kk and ru through the web form, the API and a
file each get a receipt; a reviewer answers them in the queue; every tracker shows the answer.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_RE = re.compile(r"KNS-[2-9A-Z]{4}-[2-9A-Z]{4}")
PASSWORD = "e2e-Passw0rd!"
TEXTS = {
    "web-kk": "Консультация мерзімін тоқсан күнге дейін ұзартуды ұсынамын.",
    "web-ru": "Предлагаю продлить срок консультаций до девяноста дней.",
    "api-kk": "Түбіртек кодын SMS арқылы да жіберу керек деп есептеймін.",
    "api-ru": "Квитанцию нужно дублировать SMS-сообщением на телефон.",
    "file-kk": "Ауылдағы кездесулердің хаттамаларын үш күнде жариялау керек.",
    "file-ru": "Протоколы встреч в сёлах нужно публиковать в течение трёх дней.",
}
REASON_RU = "Учтено: срок и порядок уточнены в новой редакции статьи 6."
REASON_KK = "Ескерілді: мерзім мен тәртіп 6-баптың жаңа редакциясында нақтыланды."


def test_every_channel_in_both_languages_gets_a_receipt_and_an_answer(
    live_server, demo_draft, phone, tmp_path
):
    codes: dict[str, str] = {}
    # given a citizen on the web form, in Kazakh and then in Russian
    for lang in ("kk", "ru"):
        phone.goto(f"{live_server.url}/propose/demo/v2/?article=6&lang={lang}")
        phone.fill("#text", TEXTS[f"web-{lang}"])
        phone.locator("form.propose-form button[type=submit]").click()
        phone.wait_for_url(re.compile(r"/receipt/KNS-"))
        codes[f"web-{lang}"] = phone.locator("#receipt-code").inner_text().strip()
        # the browser keeps its client cookie; a fresh one per language keeps the test honest
        phone.context.clear_cookies()
    # and an organisation's system posting to the API
    for lang in ("kk", "ru"):
        response = phone.request.post(
            f"{live_server.url}/api/proposals/",
            data={
                "document": "demo",
                "version": "v2",
                "article": "6",
                "text": TEXTS[f"api-{lang}"],
            },
            headers={"Idempotency-Key": f"e2e-{lang}"},
        )
        assert response.status == 201, response.text()
        codes[f"api-{lang}"] = response.json()["code"]
    # and a file of paper forms imported by staff
    data = tmp_path / "forms.csv"
    data.write_text(
        "id,text,article\n" + "".join(f"{key},{TEXTS[key]},6\n" for key in ("file-kk", "file-ru")),
        encoding="utf-8",
    )
    receipts = tmp_path / "receipts.csv"
    call_command(
        "import_proposals",
        str(data),
        document="demo",
        label="v2",
        channel="paper",
        source="forms",
        receipts=receipts,
        quiet=True,
    )
    for line in receipts.read_text(encoding="utf-8").splitlines()[1:]:
        _row, key, code, secret = line.split(",")
        assert secret
        codes[key] = code
    # then every proposal has a well-formed receipt code
    assert len(codes) == 6 and all(CODE_RE.fullmatch(c) for c in codes.values())

    # when a reviewer logs in and answers all of them from the queue in one step
    staff_user_create(
        actor=None, username="aruzhan", password=PASSWORD, roles=[Role.REVIEWER.value]
    )
    phone.goto(f"{live_server.url}/admin/login/?next=/review/%3Flang%3Dru")
    phone.fill("#id_username", "aruzhan")
    phone.fill("#id_password", PASSWORD)
    phone.locator("input[type=submit]").click()
    phone.wait_for_url(re.compile(r"/review/"))
    for code in codes.values():
        assert code in phone.locator("main").inner_text()
    phone.locator("#select-page").check()
    phone.locator("details:has(.rv-bulk-grid) > summary").click()
    phone.select_option("#id_bulk_decision", "accepted")
    phone.fill("#id_bulk_reason_ru", REASON_RU)
    # proposals in both languages: the reason is needed in Kazakh too
    phone.fill("#id_bulk_reason_kk", REASON_KK)
    phone.locator("button[name=action][value=answer]").click()
    # a confirmation states how many proposals change, then the answer is given
    phone.locator("[data-confirm]").click()
    phone.wait_for_load_state()

    # then each tracker, in the author's language, shows the answer
    for key, code in codes.items():
        lang = key.split("-")[1]
        phone.goto(f"{live_server.url}/track/{code}/?lang={lang}")
        box = phone.locator(".answer-box").inner_text()
        assert (REASON_KK if lang == "kk" else REASON_RU) in box, (key, box)
        assert TEXTS[key] in phone.locator("blockquote.ptext").inner_text()
