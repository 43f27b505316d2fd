"""Staff manage the calendar in the admin; every save goes through the audited service."""

from __future__ import annotations

import pytest

from kenes.consultations.models import Consultation
from kenes.core.models import AuditEntry


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _form(version, **over):
    data = {
        "version": version.pk,
        "title_kk": "",
        "title_ru": "Обсуждение демо-закона",
        "opens_at_0": "2026-11-01",
        "opens_at_1": "00:00:00",
        "closes_at_0": "2026-12-20",
        "closes_at_1": "23:59:00",
        "review_until": "2027-01-20",
        "report_on": "2027-02-01",
        "grace_days": "7",
    }
    data.update(over)
    return data


def test_staff_create_and_change_a_consultation_through_the_service(staff_client, version):
    response = staff_client.post("/admin/consultations/consultation/add/", _form(version))
    assert response.status_code == 302, response.content.decode()[:2000]
    c = Consultation.objects.get()
    assert c.grace_days == 7
    assert AuditEntry.objects.filter(action="consultation.create", target_id=str(c.pk)).exists()
    response = staff_client.post(
        f"/admin/consultations/consultation/{c.pk}/change/", _form(version, grace_days="3")
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.grace_days == 3
    change = AuditEntry.objects.get(action="consultation.change")
    assert "grace_days" in change.data["changed"]


def test_a_calendar_that_closes_before_it_opens_is_refused(staff_client, version):
    response = staff_client.post(
        "/admin/consultations/consultation/add/",
        _form(version, closes_at_0="2026-10-01"),
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "Обсуждение должно заканчиваться позже" in response.content.decode()
    assert Consultation.objects.count() == 0
