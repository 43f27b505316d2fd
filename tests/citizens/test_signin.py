"""Citizens sign in by phone code or e-mail link; codes hashed, expiring, limited (#10)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kenes.accounts import citizens
from kenes.accounts.models import Citizen, ConsentRecord, SignInCode
from kenes.accounts.session import SESSION_CITIZEN
from tests.citizens.conftest import last_code

PHONE = "+7 701 123 45 67"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_phone_code_signs_in_and_is_stored_hashed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = citizens.signin_code_send(phone=PHONE)
    code = last_code()
    row.refresh_from_db()
    assert code not in row.digest and len(row.digest) == 64
    raw = _raw("accounts_signincode", "target", row.pk)
    assert "7011234567" not in raw  # encrypted at rest
    citizen = citizens.signin_code_verify(phone="87011234567", code=code)
    assert citizen.phone == "+77011234567"
    # the same phone signs in to the same account next time; a used code is dead
    with pytest.raises(ValidationError):
        citizens.signin_code_verify(phone=PHONE, code=code)
    with django_capture_on_commit_callbacks(execute=True):
        citizens.signin_code_send(phone=PHONE)
    assert citizens.signin_code_verify(phone=PHONE, code=last_code()).pk == citizen.pk
    assert Citizen.objects.count() == 1


def test_wrong_codes_are_limited(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        citizens.signin_code_send(phone=PHONE)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationError, match="wrong"):
            citizens.signin_code_verify(phone=PHONE, code=wrong)
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        citizens.signin_code_verify(phone=PHONE, code=code)


def test_codes_expire(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = citizens.signin_code_send(phone=PHONE)
    SignInCode.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="expired"):
        citizens.signin_code_verify(phone=PHONE, code=last_code())


@override_settings(KENES_SIGNIN_CODES_PER_HOUR=2)
def test_codes_sent_per_hour_are_limited(db):
    citizens.signin_code_send(phone=PHONE)
    citizens.signin_code_send(phone=PHONE)
    with pytest.raises(ValidationError, match="Too many codes"):
        citizens.signin_code_send(phone=PHONE)


def test_bad_phone_is_refused(db):
    with pytest.raises(ValidationError, match="country code"):
        citizens.signin_code_send(phone="hello")


def test_email_link(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        citizens.signin_link_send(email="Aigerim@Example.KZ", base_url="https://k/signin/email/")
    link = re.search(r"https://k/signin/email/(\S+)", mail.outbox[-1].body).group(1)
    citizen = citizens.signin_link_verify(token=link)
    assert citizen.email == "Aigerim@example.kz"
    with pytest.raises(ValidationError, match="already used"):
        citizens.signin_link_verify(token=link)


def test_web_sign_in_by_phone_keeps_the_phone_out_of_urls(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:signin"), {"way": "phone", "phone": PHONE})
    assert response.status_code == 302 and "7011234567" not in response["Location"]
    page = client.get(response["Location"])
    assert "4567" in page.content.decode() and "701123" not in page.content.decode()
    response = client.post(reverse("portal:signin-code"), {"code": "999999x"})
    assert response.status_code == 400
    response = client.post(reverse("portal:signin-code"), {"code": last_code()})
    assert response.status_code == 302 and response["Location"] == reverse("portal:my")
    assert client.session[SESSION_CITIZEN]
    assert client.get(reverse("portal:my")).status_code == 200
    # signing in recorded the account consent shown on the page, with its version
    record = ConsentRecord.objects.get(purpose="account")
    assert record.text in client.get(reverse("portal:signin")).content.decode()
    assert record.version == citizens.consent_version(record.text)


def test_my_page_needs_sign_in(client, db):
    response = client.get(reverse("portal:my"))
    assert response.status_code == 302 and reverse("portal:signin") in response["Location"]


def test_iin_stored_encrypted_unique_and_masked(client, db):
    a = Citizen.objects.create(phone="+77010000001", phone_index="a")
    b = Citizen.objects.create(phone="+77010000002", phone_index="b")
    with pytest.raises(ValidationError, match="check digit"):
        citizens.citizen_set_iin(citizen=a, iin="900101300018")
    citizens.citizen_set_iin(citizen=a, iin="900101300017")
    raw = _raw("accounts_citizen", "iin", a.pk)
    assert "900101300017" not in raw
    assert a.iin_masked == "9001••••••17"
    with pytest.raises(ValidationError, match="already linked"):
        citizens.citizen_set_iin(citizen=b, iin="9001 0130 0017")
