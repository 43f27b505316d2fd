"""Identity per consultation, my proposals, consent, data download, erasure, retention (#10)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kenes.accounts import citizens
from kenes.accounts.models import Citizen, ConsentRecord, SignInCode
from kenes.accounts.session import SESSION_CITIZEN
from kenes.core.models import AuditEntry
from kenes.ledger.models import Entry
from kenes.proposals import rights
from kenes.proposals.models import Channel, Proposal
from kenes.proposals.services import public_text_hash

TEXT = "Предлагаю изменить статью. Меня зовут Айгерим Садыкова, мой ИИН 900101300017."


@pytest.fixture
def citizen(db):
    return Citizen.objects.create(phone="+77015550011", phone_index="x1")


def _submit(version, citizen, **kw):
    return rights.citizen_proposal_submit(
        citizen=citizen, actor=None, version=version, text=TEXT, channel=Channel.WEB, **kw
    )


def _signed_in(client, citizen):
    session = client.session
    session[SESSION_CITIZEN] = citizen.pk
    session.save()


def test_identity_modes_per_document(demo_draft, citizen):
    v1, _v2 = demo_draft
    assert rights.identity_missing(v1, None) == ""
    v1.document.identity = "signin"
    v1.document.save()
    with pytest.raises(ValidationError, match="Sign in"):
        _submit(v1, None)
    v1.document.identity = "iin"
    v1.document.save()
    with pytest.raises(ValidationError, match="IIN"):
        _submit(v1, citizen)
    citizens.citizen_set_iin(citizen=citizen, iin="900101300017")
    assert _submit(v1, citizen).proposal.citizen_id == citizen.pk


@override_settings(KENES_IDENTITY="signin")
def test_site_default_and_web_redirect_to_sign_in(client, demo_draft, citizen):
    v1, _v2 = demo_draft
    url = reverse("portal:propose", args=["demo", "v1"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:signin"))
    _signed_in(client, citizen)
    assert client.get(url).status_code == 200
    v1.document.identity = "anonymous"
    v1.document.save()
    client.logout()
    assert client.get(url).status_code == 200


def test_signed_in_citizen_sees_my_proposals_without_receipt(client, demo_draft, citizen):
    _v1, _v2 = demo_draft
    _signed_in(client, citizen)
    response = client.post(
        reverse("portal:propose", args=["demo", "v1"]),
        {"text": TEXT, "author_kind": "citizen"},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.citizen_id == citizen.pk
    # the receipt is lost: the session is gone, the citizen signs in again
    client.cookies.clear()
    _signed_in(client, citizen)
    page = client.get(reverse("portal:my")).content.decode()
    assert proposal.code in page
    assert "Садыкова" not in page and "900101300017" not in page  # public text only


def test_anonymous_contact_consent_is_recorded_with_version(demo_draft):
    v1, _v2 = demo_draft
    result = _submit(v1, None, contact="+77017770000", consent=True, consent_text="I agree v1")
    record = ConsentRecord.objects.get(proposal_code=result.proposal.code)
    assert record.text == "I agree v1" and record.citizen is None
    assert (
        record.version
        == citizens.consent_version("I agree v1")
        != citizens.consent_version("I agree v2")
    )
    assert record.given_at and record.withdrawn_at is None


def test_withdrawn_contact_consent_empties_the_contact(demo_draft, citizen):
    v1, _v2 = demo_draft
    result = _submit(v1, citizen, contact="+77017770000", consent=True, consent_text="ok")
    record = ConsentRecord.objects.get(citizen=citizen)
    rights.consent_withdraw(citizen=citizen, record_id=record.pk)
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    assert Proposal.objects.get(pk=result.proposal.pk).contact == ""
    other = Citizen.objects.create(phone="+77015550099", phone_index="x2")
    with pytest.raises(ValidationError):
        rights.consent_withdraw(citizen=other, record_id=record.pk)


def test_data_download_has_everything(client, demo_draft, citizen):
    v1, _v2 = demo_draft
    citizens.citizen_set_iin(citizen=citizen, iin="900101300017")
    _submit(v1, citizen, contact="a@b.kz", consent=True, consent_text="ok")
    _signed_in(client, citizen)
    response = client.get(reverse("portal:my-data"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["phone"] == "+77015550011"
    assert data["account"]["iin"] == "900101300017"
    assert data["proposals"][0]["text"] == Proposal.objects.get().text
    assert data["proposals"][0]["contact"] == "a@b.kz"
    assert data["consents"][0]["text"] == "ok"


def test_erasure_keeps_public_text_and_ledger(client, demo_draft, citizen):
    v1, _v2 = demo_draft
    citizens.citizen_set_iin(citizen=citizen, iin="900101300017")
    result = _submit(v1, citizen, contact="a@b.kz", consent=True, consent_text="ok")
    public = result.proposal.public_text
    entries = Entry.objects.count()
    _signed_in(client, citizen)
    assert client.get(reverse("portal:my-delete")).status_code == 200
    response = client.post(reverse("portal:my-delete"), {"confirm": "yes"})
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    assert proposal.text == public and "Садыкова" not in proposal.text
    assert "900101300017" not in proposal.text and proposal.contact == ""
    assert proposal.public_text == public and proposal.erased_at is not None
    assert Entry.objects.count() == entries
    event = json.loads(Entry.objects.get(code=proposal.code, kind="proposal.received").data)
    assert event["public_text_sha256"] == public_text_hash(proposal.public_text)
    citizen.refresh_from_db()
    assert citizen.phone == citizen.iin == citizen.phone_index == citizen.iin_index == ""
    assert citizen.erased_at is not None
    assert ConsentRecord.objects.get().withdrawn_at is not None
    assert AuditEntry.objects.filter(action="citizen.erased").count() == 1
    # signed out; the erased account cannot come back through the old session
    assert client.get(reverse("portal:my")).status_code == 302


def test_retention_run(demo_draft, citizen):
    v1, _v2 = demo_draft
    old = _submit(v1, None, contact="a@b.kz", consent=True, consent_text="ok").proposal
    fresh = rights.citizen_proposal_submit(
        citizen=None,
        actor=None,
        version=v1,
        text="Другой текст предложения о статье.",
        channel=Channel.WEB,
        contact="c@d.kz",
        consent=True,
        consent_text="ok",
    ).proposal
    Proposal.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=800))
    SignInCode.objects.create(
        channel="phone",
        target="+7701",
        target_index="i",
        digest="d",
        created_at=timezone.now() - timedelta(days=3),
        expires_at=timezone.now(),
    )
    Citizen.objects.filter(pk=citizen.pk).update(last_seen_at=timezone.now() - timedelta(days=2000))
    call_command("retention", "run")
    assert Proposal.objects.get(pk=old.pk).contact == ""
    assert Proposal.objects.get(pk=fresh.pk).contact == "c@d.kz"
    assert ConsentRecord.objects.get(proposal_code=old.code).withdrawn_at is not None
    assert not SignInCode.objects.exists()
    citizen.refresh_from_db()
    assert citizen.erased_at is not None and citizen.phone == ""


def test_retention_task_reschedules_itself(db):
    from kenes.proposals.tasks_retention import retention_daily

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        result = retention_daily.call(reschedule=True)
        from django_tasks import default_task_backend

        queued = default_task_backend.results
        assert result == {"contacts": 0, "signin_codes": 0, "citizens": 0}
        assert len(queued) == 1 and queued[0].task.run_after > timezone.now()


def test_retention_command_refuses_unknown_action(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown action"):
        call_command("retention", "now")


@override_settings(AXES_ENABLED=False)
def test_staff_reading_a_contact_in_review_is_audited(client, demo_draft, admin_user):
    v1, _v2 = demo_draft
    result = _submit(v1, None, contact="a@b.kz", consent=True, consent_text="ok")
    client.force_login(admin_user)
    page = client.get(reverse("review:proposal", args=[result.proposal.pk]))
    assert page.status_code == 200 and "a@b.kz" in page.content.decode()
    entry = AuditEntry.objects.get(action="proposals.contact_read")
    assert entry.target_id == str(result.proposal.pk) and "a@b.kz" not in json.dumps(entry.data)


@override_settings(
    AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"], AXES_ENABLED=False
)
def test_staff_admin_never_shows_a_citizens_personal_data(client, citizen, admin_user):
    citizens.citizen_set_iin(citizen=citizen, iin="900101300017")
    client.force_login(admin_user)
    for url in (
        "/admin/accounts/citizen/",
        f"/admin/accounts/citizen/{citizen.pk}/change/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "5550011" not in html and "900101" not in html and "9001" not in html
    assert client.post(f"/admin/accounts/citizen/{citizen.pk}/delete/").status_code == 403


def test_public_api_refuses_where_sign_in_is_required(client, demo_draft):
    from kenes.proposals.tokens import api_token_create

    v1, _v2 = demo_draft
    body = {"document": "demo", "version": "v1", "text": TEXT}
    v1.document.identity = "signin"
    v1.document.save()
    response = client.post("/api/proposals/", data=body, content_type="application/json")
    assert response.status_code == 403 and "identity" in response.json()["errors"]
    assert not Proposal.objects.exists()
    _token, raw = api_token_create(actor=None, name="Partner NGO")
    response = client.post(
        "/api/proposals/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    v1.document.identity = "anonymous"
    v1.document.save()
    body["text"] = "Другой текст для открытого API, без входа."
    response = client.post("/api/proposals/", data=body, content_type="application/json")
    assert response.status_code == 201


def test_iin_page_checks_and_returns_to_the_proposal(client, demo_draft, citizen):
    v1, _v2 = demo_draft
    v1.document.identity = "iin"
    v1.document.save()
    _signed_in(client, citizen)
    propose = reverse("portal:propose", args=["demo", "v1"])
    response = client.get(propose)
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:my-iin"))
    iin_url = response["Location"]
    client.get(iin_url)  # remembers where to come back to
    wrong = client.post(iin_url, {"iin": "900101300018"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert wrong.status_code == 400
    assert "контрольная цифра" in wrong.content.decode()
    right = client.post(iin_url, {"iin": "900101300017"})
    assert right.status_code == 302
    assert client.get(propose).status_code == 200
    assert "900101300017" not in client.get(reverse("portal:my")).content.decode()


def test_oidc_iin_claim_is_checked_and_stored(db, settings):
    settings.KENES_OIDC_IIN_CLAIM = "iin"
    citizen = citizens.citizen_from_oidc(
        issuer="https://idp.egov.kz", subject="42", claims={"name": "Асан", "iin": "900101300017"}
    )
    assert citizen.iin == "900101300017" and citizen.name == "Асан"
    again = citizens.citizen_from_oidc(issuer="https://idp.egov.kz", subject="42", claims={})
    assert again.pk == citizen.pk
    with pytest.raises(ValidationError):
        citizens.citizen_from_oidc(
            issuer="https://idp.egov.kz", subject="43", claims={"iin": "900101300017"}
        )


def test_retention_schedule_queues_the_task(db):
    from django_tasks import default_task_backend

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        call_command("retention", "schedule")
        assert len(default_task_backend.results) == 1
