"""Proposal pages: propose, receipt, tracker, public list, the article's proposals section."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from kenes.portal.forms import CONSENT_TEXT
from kenes.proposals.models import Proposal
from kenes.proposals.services import proposal_submit
from kenes.review.services import answer_record, proposal_merge

pytestmark = pytest.mark.django_db

KK_TEXT = (
    "Баптағы консультация мерзімін тоқсан күнге дейін ұзарту керек деп ойлаймын, "
    "себебі ауыл тұрғындары үлгермейді."
)
RU_TEXT = "Предлагаю продлить срок консультаций до девяноста дней: жители сёл не успевают."
CODE_RE = re.compile(r"KNS-[2-9A-Z]{4}-[2-9A-Z]{4}")
CONTACT = "aigerim.secret@example.kz"


@pytest.fixture
def submit_ru(submit):
    """The shared ``submit`` (tests/fixtures/proposals.py) with this module's default text."""

    def _submit(text=RU_TEXT, **kwargs):
        return submit(text, **kwargs)

    return _submit


def page(response) -> str:
    return response.content.decode()


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def propose(client, data, lang="kk", url="/propose/demo/v2/?article=6&point=2"):
    form = {
        "text": KK_TEXT,
        "article": "6",
        "point": "2",
        "author_kind": "citizen",
        "region": "",
        "contact": "",
        "language": "",
    }
    form.update(data)
    return client.post(url, form, HTTP_ACCEPT_LANGUAGE=lang)


# --- the form --------------------------------------------------------------------------------


def test_the_readers_link_prefills_the_target_and_sets_an_httponly_client_cookie(client, version):
    # when a Kazakh reader follows "propose a change here" from point 2 of article 6
    response = client.get("/propose/demo/v2/?article=6&point=2", HTTP_ACCEPT_LANGUAGE="kk")
    html = page(response)
    # then the target is shown as text with the article's title, and kept in hidden fields
    assert response.status_code == 200 and '<html lang="kk">' in html
    assert "6-бап. Консультациялардың мерзімі" in html
    assert '<input type="hidden" name="article" value="6">' in html
    assert '<input type="hidden" name="point" value="2">' in html
    assert 'name="article"' in html and '<select id="article"' not in html
    # and the form is CSRF protected, its text field described by its hint and counter
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'aria-describedby="text-hint text-count"' in html
    # and the browser gets a random, HttpOnly client token
    cookie = response.cookies["kenes_client"]
    assert cookie["httponly"] and len(cookie.value) >= 20


def test_without_a_target_the_form_offers_every_article_and_the_whole_draft(client, version):
    html = page(client.get("/propose/demo/v2/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<select id="article" name="article"' in html
    assert html.count('<option value="') >= version.articles.count() + 20  # + the 20 regions
    assert '<option value="">' in html  # the whole draft
    assert "Статья 6" in html


def test_propose_chooser_leads_to_the_latest_version(client, version):
    response = client.get("/propose/")
    assert response.status_code == 302 and response["Location"] == "/propose/demo/v2/"


def test_an_unknown_article_in_the_link_falls_back_to_the_choice(client, version):
    html = page(client.get("/propose/demo/v2/?article=999", HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<select id="article" name="article"' in html


# --- submitting -------------------------------------------------------------------------------


def test_submit_in_kazakh_through_the_form_redirects_to_the_receipt(client, version):
    # given a Kazakh reader on the form
    client.get("/propose/demo/v2/?article=6&point=2", HTTP_ACCEPT_LANGUAGE="kk")
    # when they send a proposal in Kazakh
    response = propose(client, {"region": "71"}, lang="kk")
    # then they are redirected (POST-redirect-GET) to the receipt of a stored proposal
    assert response.status_code == 302
    code = CODE_RE.search(response["Location"]).group()
    assert response["Location"] == f"/receipt/{code}/"
    proposal = Proposal.objects.get(code=code)
    assert (proposal.language, proposal.language_detected) == ("kk", True)
    assert (proposal.article.number, proposal.point.number) == ("6", "2")
    assert (proposal.channel, proposal.region, proposal.author_kind) == ("web", "71", "citizen")
    assert proposal.text == KK_TEXT and proposal.contact == "" and not proposal.consent
    # and the secret is not in the URL
    assert "secret" not in response["Location"].lower()


def test_submit_in_russian_with_contact_stores_the_consent_text_shown(client, version):
    form_html = page(client.get("/propose/demo/v2/", HTTP_ACCEPT_LANGUAGE="ru"))
    with translation.override("ru"):
        shown = str(CONSENT_TEXT)
    assert shown in form_html
    response = propose(
        client,
        {
            "text": RU_TEXT,
            "article": "4",
            "point": "",
            "contact": CONTACT,
            "consent": "1",
            "author_kind": "expert",
            "region": "75",
        },
        lang="ru",
        url="/propose/demo/v2/",
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.language == "ru" and proposal.article.number == "4" and proposal.point is None
    assert proposal.contact == CONTACT and proposal.consent and proposal.consent_text == shown
    assert proposal.author_kind == "expert"


def test_the_language_may_be_overridden(client, version):
    propose(client, {"text": RU_TEXT, "language": "kk"}, lang="ru")
    proposal = Proposal.objects.get()
    assert (proposal.language, proposal.language_detected) == ("kk", False)


def test_the_whole_draft_is_a_target(client, version):
    propose(client, {"article": "", "point": ""}, url="/propose/demo/v2/")
    proposal = Proposal.objects.get()
    assert proposal.article is None and proposal.point is None


ERRORS = {
    # field: (form data, Kazakh message, Russian message)
    "text": ({"text": "қысқа"}, "Ұсыныс тым қысқа", "Предложение слишком короткое"),
    "region": ({"region": "99"}, "Белгісіз өңір.", "Неизвестный регион."),
    "contact": (
        {"contact": "not a contact"},
        "Электрондық пошта мекенжайын",
        "Укажите адрес электронной почты",
    ),
    "consent": (
        {"contact": CONTACT},
        "дербес деректеріңізді өңдеуге келісім",
        "дайте согласие на обработку персональных данных",
    ),
    "article": (
        {"article": "999", "point": ""},
        "Бұл жобада 999-бап жоқ.",
        "В этом проекте нет статьи 999.",
    ),
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("field", sorted(ERRORS))
def test_a_bad_field_gets_its_message_next_to_it_in_the_readers_language(
    client, version, field, lang
):
    data, kk_message, ru_message = ERRORS[field]
    typed = (
        "<b>Менің мәтінім</b>\r\nекінші жол, ол жоғалмауы керек."
        if field != "text"
        else data["text"]
    )
    # when a reader sends the form with one bad field
    response = propose(
        client,
        {"text": typed, **data} if field != "text" else data,
        lang=lang,
        url="/propose/demo/v2/",
    )
    html = page(response)
    # then nothing is stored and the form comes back with the message in their language
    assert response.status_code == 200 and not Proposal.objects.exists()
    message = kk_message if lang == "kk" else ru_message
    error_block = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error_block and message in error_block.group(1)
    # tied to its field, and listed in the summary with a link to the field
    assert re.search(
        rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"'
        rf'|aria-describedby="[^"]*{field}-error"',
        html,
    )
    assert f'href="#{field}"' in html
    # and the text typed is never lost (escaped)
    shown = typed.replace("<", "&lt;").replace(">", "&gt;")
    assert shown in html


def test_the_same_text_from_the_same_browser_is_politely_refused(client, version):
    client.get("/propose/demo/v2/?article=6&point=2")
    assert propose(client, {}).status_code == 302
    # when the same browser sends the same text again
    response = propose(client, {"text": "  " + KK_TEXT.upper() + " "})
    html = page(response)
    # then a friendly notice is shown, not an error page, and the text is kept
    assert response.status_code == 200 and 'id="duplicate"' in html
    assert "Сіз дәл осы мәтінді жаңа ғана жібердіңіз, ол қабылданды." in html
    assert KK_TEXT.upper() in html
    assert Proposal.objects.count() == 1
    # while another browser may send the same text
    assert propose(Client(), {}).status_code == 302
    assert Proposal.objects.count() == 2


def test_the_form_is_csrf_protected(version):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/propose/demo/v2/", {"text": KK_TEXT})
    assert response.status_code == 403 and not Proposal.objects.exists()


# --- receipt ----------------------------------------------------------------------------------


def test_the_receipt_shows_the_code_and_the_secret_once(client, version):
    response = propose(client, {})
    receipt_url = response["Location"]
    code = CODE_RE.search(receipt_url).group()
    first = client.get(receipt_url)
    html = page(first)
    assert first.status_code == 200 and code in html
    assert "no-store" in first["Cache-Control"]
    secret = re.search(r'id="receipt-secret">([^<]+)<', html).group(1)
    proposal = Proposal.objects.get(code=code)
    from kenes.proposals.selectors import receipt_check

    assert receipt_check(code=code, secret=secret) == proposal  # the secret shown is the one
    # when the receipt is loaded again
    again = page(client.get(receipt_url))
    # then the code is there but the secret is not
    assert code in again and 'id="receipt-secret"' not in again
    assert secret not in again
    assert "kenes_receipt_secrets" not in client.session


def test_an_unknown_receipt_is_not_found(client, version):
    assert client.get("/receipt/KNS-2222-2222/").status_code == 404


# --- tracker ----------------------------------------------------------------------------------


def test_tracker_shows_the_answer_after_a_reviewer_answers(client, submit_ru, reviewer, version):
    proposal = submit_ru(text=KK_TEXT, article_number="6", point_number="2").proposal
    html = page(client.get(f"/track/{proposal.code}/", HTTP_ACCEPT_LANGUAGE="kk"))
    assert 'class="answer-box' not in html
    article = version.articles.get(number="6")
    answer_record(
        actor=reviewer,
        proposal=proposal,
        decision="accepted",
        reason_kk="Мерзім тоқсан күнге дейін ұзартылды.",
        reason_ru="Срок продлён до девяноста дней.",
        changed_article=article,
        changed_point=article.points.get(number="2"),
    )
    kk = page(client.get(f"/track/{proposal.code}/", HTTP_ACCEPT_LANGUAGE="kk"))
    ru = page(client.get(f"/track/{proposal.code}/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert 'class="answer-box decision-accepted"' in kk
    assert "Мерзім тоқсан күнге дейін ұзартылды." in kk and "Срок продлён" not in kk
    assert "Срок продлён до девяноста дней." in ru
    assert 'href="/draft/demo/v2/article/6#p2"' in kk
    # the history shows the states and never a staff name
    assert "жауап берілді" in kk.lower() and "дан ответ" in ru.lower()
    assert "dana" not in kk and "dana" not in ru


def test_the_reason_falls_back_to_the_other_language(client, submit_ru, reviewer):
    proposal = submit_ru().proposal
    answer_record(
        actor=reviewer, proposal=proposal, decision="not_accepted", reason_ru="Срок уже достаточен."
    )
    kk = page(client.get(f"/track/{proposal.code}/", HTTP_ACCEPT_LANGUAGE="kk"))
    assert '<p class="pre" lang="ru">Срок уже достаточен.</p>' in kk


def test_a_merged_proposal_shows_the_answer_of_the_one_it_was_merged_into(
    client, submit_ru, reviewer
):
    main_one = submit_ru().proposal
    twin = submit_ru(text=RU_TEXT + " Полностью согласен.").proposal
    proposal_merge(actor=reviewer, proposal=twin, into=main_one)
    answer_record(
        actor=reviewer,
        proposal=main_one,
        decision="partly_accepted",
        reason_ru="Частично учтено в статье 6.",
    )
    html = page(client.get(f"/track/{twin.code}/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Частично учтено в статье 6." in html
    assert f'href="/track/{main_one.code}/"' in html


def test_the_tracker_accepts_lower_case_spaces_and_cyrillic_look_alikes(client, submit_ru):
    proposal = submit_ru().proposal
    cyrillic = (
        proposal.code.lower()
        .replace("-", " ")
        .upper()
        .translate(str.maketrans("ABEKMHOPCTXYZ", "АВЕКМНОРСТХУЗ"))
    )
    response = client.post("/track/", {"code": cyrillic.lower()})
    assert response.status_code == 302 and response["Location"] == f"/track/{proposal.code}/"
    response = client.get(f"/track/{proposal.code.lower()}/")
    assert response.status_code == 302 and response["Location"] == f"/track/{proposal.code}/"


@pytest.mark.parametrize(("code", "status"), [("hello", 404), ("KNS-2222-2222", 404)])
def test_an_invalid_code_gets_a_friendly_message(client, version, code, status):
    response = client.post("/track/", {"code": code}, HTTP_ACCEPT_LANGUAGE="ru")
    html = page(response)
    assert response.status_code == status
    assert 'id="code-error"' in html and 'aria-invalid="true"' in html
    assert client.get(f"/track/{code}/").status_code == 404


def test_the_secret_confirms_the_author_and_a_wrong_one_is_refused(client, submit_ru):
    result = submit_ru()
    code = result.proposal.code
    wrong = client.post("/track/", {"code": code, "secret": "WRONGWRONG"})
    assert wrong.status_code == 200 and 'id="secret-error"' in page(wrong)
    right = client.post("/track/", {"code": code, "secret": result.secret.lower()})
    assert right.status_code == 302 and result.secret not in right["Location"]
    assert "notice-ok" in page(client.get(right["Location"]))
    assert "notice-ok" not in page(Client().get(right["Location"]))


# --- public list ------------------------------------------------------------------------------


def test_html_in_a_proposal_is_escaped_everywhere(client, submit_ru, version):
    proposal = submit_ru(
        text="<script>alert('x')</script> предлагаю изменить статью шесть.", article_number="6"
    ).proposal
    for url in ("/proposals/", f"/track/{proposal.code}/", f"/receipt/{proposal.code}/"):
        html = page(client.get(url))
        assert "<script>alert(" not in html, url
        assert "&lt;script&gt;alert(" in html, url
    fragment = page(client.get("/proposals/on/demo/v2/6", HTTP_HX_REQUEST="true"))
    assert "<script>alert(" not in fragment and "&lt;script&gt;" in fragment


def test_no_contact_appears_on_any_public_page(client, submit_ru, version, reviewer):
    proposal = submit_ru(
        text=KK_TEXT, contact=CONTACT, consent=True, article_number="6", region="71"
    ).proposal
    answer_record(actor=reviewer, proposal=proposal, decision="accepted", reason_kk="Иә.")
    for url in (
        "/proposals/",
        f"/track/{proposal.code}/",
        f"/receipt/{proposal.code}/",
        "/proposals/?version=demo/v2&article=6",
        "/draft/demo/v2/article/6",
    ):
        html = page(client.get(url))
        assert CONTACT not in html and "aigerim" not in html, url
    fragment = page(client.get("/proposals/on/demo/v2/6", HTTP_HX_REQUEST="true"))
    assert CONTACT not in fragment and "Азамат, Астана" in fragment


def test_list_items_show_author_region_article_state_and_decision(client, submit_ru, reviewer):
    p = submit_ru(text=KK_TEXT, article_number="6", point_number="2", region="71").proposal
    answer_record(actor=reviewer, proposal=p, decision="out_of_scope", reason_kk="Жоқ.")
    submit_ru(text=RU_TEXT + " Второе.", region="75", author_kind="expert")
    html = main(page(client.get("/proposals/", HTTP_ACCEPT_LANGUAGE="kk")))
    assert "Азамат, Астана" in html
    assert 'href="/draft/demo/v2/article/6#p2"' in html
    assert "Жауап берілді" in html or "жауап берілді" in html
    assert f'href="/proposals/{p.code}/"' in html


def test_list_filters_and_search(client, submit_ru, version):
    submit_ru(text=KK_TEXT, article_number="6", region="71")
    submit_ru(text=RU_TEXT, article_number="8", region="75", author_kind="expert")
    submit_ru(
        text="Нужно добавить право на обжалование отказа в регистрации предложения.",
        region="75",
        channel="meeting",
        author_kind="meeting",
    )

    def items(query):
        html = main(page(client.get("/proposals/" + query, HTTP_ACCEPT_LANGUAGE="ru")))
        return html.count('<li class="pitem">')

    assert items("") == 3
    assert items("?version=demo/v2&article=6") == 1
    assert items("?version=demo/v2&article=999") == 0
    assert items("?region=75") == 2
    assert items("?language=kk") == 1
    assert items("?channel=meeting") == 1
    assert items("?author_kind=expert") == 1
    assert items("?state=answered") == 0
    assert items("?state=received&region=75") == 2
    assert items("?q=обжалование") == 1
    assert items("?q=девяноста+дней") == 1
    assert items("?region=bogus") == 3  # unknown values are ignored


def test_counts_by_state_ignore_the_state_filter(client, submit_ru, reviewer):
    for n in range(3):
        submit_ru(text=f"{RU_TEXT} Вариант номер {n}.")
    answer_record(
        actor=reviewer, proposal=Proposal.objects.first(), decision="accepted", reason_ru="Да."
    )
    html = page(client.get("/proposals/?state=answered", HTTP_ACCEPT_LANGUAGE="ru"))
    counts = dict(
        re.findall(r'<li><a href="[^"]*"[^>]*>([^<]+?) <span class="n">(\d+)</span>', html)
    )
    assert counts["Все"] == "3" if "Все" in counts else counts["All"] == "3"
    assert counts["Получено"] == "2" and counts["Дан ответ"] == "1"
    assert main(html).count('<li class="pitem">') == 1


def test_the_list_is_paginated_by_25_with_a_constant_number_of_queries(
    client, version, django_assert_max_num_queries
):
    # given 60 proposals, some answered
    now = timezone.now()
    for n in range(60):
        proposal_submit(
            actor=None,
            version=version,
            channel="file",
            source="t.csv",
            external_id=str(n),
            text=f"{RU_TEXT} Номер {n}.",
            language="ru",
            article_number=str(1 + n % 8),
            region="71" if n % 2 else "",
            submitted_at=now - timedelta(minutes=n),
        )
    from kenes.review.services import answers_record

    answers_record(
        actor=None,
        proposal_ids=list(Proposal.objects.values_list("pk", flat=True)[:30]),
        decision="not_accepted",
        reason_ru="Нет.",
    )
    # when the pages are read, the number of queries does not depend on the rows
    for query in ("", "?page=2", "?page=3&region=71", "?version=demo/v2&article=3"):
        # versions, article, three counts, the page's ids, its rows, their answers, and the
        # counts of hidden and pending proposals by reason
        with django_assert_max_num_queries(9):
            response = client.get("/proposals/" + query, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200
    html = main(page(client.get("/proposals/?page=2")))
    assert html.count('<li class="pitem">') == 25
    assert main(page(client.get("/proposals/?page=3"))).count('<li class="pitem">') == 10
    assert 'rel="prev" href="?page=1"' in page(client.get("/proposals/?page=2"))
    # a filter stays in the page links
    filtered = page(client.get("/proposals/?region=71&page=1"))
    assert 'href="?region=71&amp;page=2"' in filtered


# --- the article page ---------------------------------------------------------------------------


def test_the_article_page_links_to_propose_per_article_and_per_point(client, version):
    html = page(client.get("/draft/demo/v2/article/6", HTTP_ACCEPT_LANGUAGE="kk"))
    assert 'href="/propose/demo/v2/?article=6"' in html
    assert 'href="/propose/demo/v2/?article=6&amp;point=1"' in html
    assert 'href="/propose/demo/v2/?article=6&amp;point=2"' in html
    assert 'id="article-proposals-body"' in html  # rendered on the server, no JS needed


def test_the_articles_proposals_section_counts_and_shows_the_latest(
    client, submit_ru, reviewer, version, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(7):
        submit_ru(
            text=f"{RU_TEXT} Вариант {n}.",
            article_number="6",
            channel="file",
            source="s",
            external_id=str(n),
            submitted_at=now - timedelta(minutes=n),
        )
    latest = Proposal.objects.order_by("-submitted_at").first()
    answer_record(actor=reviewer, proposal=latest, decision="accepted", reason_ru="Да.")
    submit_ru(text=RU_TEXT, article_number="5")
    with django_assert_max_num_queries(6):
        response = client.get(
            "/proposals/on/demo/v2/6", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="ru"
        )
    html = page(response)
    assert "<html" not in html
    assert html.count('<li class="pitem">') == 5 and "7" in html
    assert latest.text in html and "Вариант 6." not in html
    assert 'href="/proposals/?version=demo%2Fv2&amp;article=6"' in html
    # without htmx the address leads to the full filtered list
    plain = client.get("/proposals/on/demo/v2/6")
    assert plain.status_code == 302 and "article=6" in plain["Location"]
