"""Organisations, branches, contacts (encrypted), organisers' rights, the public member list."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from kenes.coalition import selectors
from kenes.coalition.models import ContactPerson
from kenes.coalition.services import (
    branch_create,
    contact_add,
    organisation_create,
    organisation_logo_set,
)
from kenes.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"
    b"\x00\x1f\xf3\xffa" + b"\x00" * 40
)


def test_organisation_has_a_central_office_and_regional_branches(orgs):
    org = orgs[0]
    assert sorted(b.region for b in org.branches.all()) == ["", "11", "61"]
    assert org.branches.get(region="").is_central


def test_contact_people_are_encrypted_at_rest_and_not_in_the_audit(orgs):
    branch = orgs[0].branches.get(region="11")
    contact = contact_add(
        actor=None,
        branch=branch,
        name="Айгүл Ахметова",
        phone="+7 701 123 45 67",
        position="coordinator",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone FROM coalition_contactperson WHERE id = %s", [contact.pk]
        )
        raw_name, raw_phone = cursor.fetchone()
    assert "Айгүл" not in raw_name and "701" not in raw_phone
    assert ContactPerson.objects.get(pk=contact.pk).name == "Айгүл Ахметова"
    audit = AuditEntry.objects.filter(action="coalition.contact_add").get()
    assert "Айгүл" not in str(audit.data) and "701" not in str(audit.data)


def test_bad_phone_is_refused(orgs):
    with pytest.raises(ValidationError) as caught:
        contact_add(actor=None, branch=orgs[0].branches.first(), name="A", phone="call me")
    assert "phone" in caught.value.message_dict


def test_organisers_manage_only_their_own_organisation(orgs, organiser, other_organiser):
    mine, theirs = orgs
    assert selectors.can_manage_organisation(organiser, mine)
    assert not selectors.can_manage_organisation(organiser, theirs)
    assert set(selectors.managed_branches(organiser)) == set(mine.branches.all())
    branch_create(actor=organiser, organisation=mine, region="63")
    with pytest.raises(PermissionDenied):
        branch_create(actor=organiser, organisation=theirs, region="63")
    with pytest.raises(PermissionDenied):
        contact_add(actor=organiser, branch=theirs.branches.first(), name="X")
    with pytest.raises(PermissionDenied):
        organisation_create(
            actor=organiser,
            slug="x",
            kind="party",
            name_kk="x",
            name_ru="x",
            joined_on="2026-01-01",
        )


def test_a_branch_organiser_manages_only_that_branch(orgs, branch_organiser):
    org = orgs[0]
    assert selectors.can_manage_branch(branch_organiser, org.branches.get(region="61"))
    assert not selectors.can_manage_branch(branch_organiser, org.branches.get(region="11"))
    assert not selectors.can_manage_organisation(branch_organiser, org)


def test_commission_admin_manages_everything(orgs, admin_user):
    assert all(selectors.can_manage_organisation(admin_user, o) for o in orgs)


def test_staff_without_a_link_manage_nothing(orgs, django_user_model):
    from kenes.accounts.roles import Role
    from kenes.accounts.services import staff_user_create

    loose = staff_user_create(
        actor=None, username="loose", password="x-Passw0rd!", roles=[Role.COALITION_ORGANISER.value]
    )
    assert not selectors.is_organiser(loose)
    assert not selectors.managed_branches(loose).exists()


def test_logo_must_be_a_small_png_or_jpeg_by_content(orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = orgs[0]
    organisation_logo_set(actor=None, organisation=org, upload=io.BytesIO(PNG))
    assert org.logo.name.endswith(".png")
    with pytest.raises(ValidationError, match="Only JPEG and PNG"):
        organisation_logo_set(
            actor=None,
            organisation=org,
            upload=io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        )
    settings.KENES_LOGO_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="the limit is"):
        organisation_logo_set(actor=None, organisation=org, upload=io.BytesIO(PNG))


def test_public_member_list_never_shows_contacts(client, orgs):
    contact_add(
        actor=None, branch=orgs[0].branches.first(), name="Секретное Имя", phone="+7 701 999 88 77"
    )
    response = client.get("/outreach/coalition/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Болашак" in body or "Болашақ" in body
    assert "Секретное" not in body and "999 88 77" not in body
