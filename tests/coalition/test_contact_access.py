"""Contact people's names and phones in the admin: only for staff who manage them, audited."""

from __future__ import annotations

import pytest

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.coalition.services import contact_add
from kenes.core.models import AuditEntry
from tests.fixtures.people import PASSWORD

pytestmark = pytest.mark.django_db
NAME = "Айгүл Ахметова"
PHONE = "+7 701 123 45 67"


@pytest.fixture
def contacts(orgs):
    own = contact_add(actor=None, branch=orgs[0].branches.get(region="11"), name=NAME, phone=PHONE)
    other = contact_add(
        actor=None,
        branch=orgs[1].branches.get(region="11"),
        name="Серік Беков",
        phone="+77010000000",
    )
    return own, other


def _staff(role: str, username: str):
    return staff_user_create(actor=None, username=username, password=PASSWORD, roles=[role])


def _url(contact) -> str:
    return f"/admin/coalition/contactperson/{contact.pk}/change/"


@pytest.mark.parametrize("role", [Role.REVIEWER.value, Role.OBSERVER.value])
def test_reviewers_and_observers_cannot_read_contact_people(client, contacts, role):
    # given a reviewer or observer, whose "*.view_*" permission covers the contact model
    client.force_login(_staff(role, "staff1"))
    # when they open a contact and the list
    page = client.get(_url(contacts[0]))
    listing = client.get("/admin/coalition/contactperson/")
    index = client.get("/admin/")
    # then neither the name nor the phone is shown, and the model is not even listed
    assert page.status_code in (302, 403, 404)
    assert NAME not in page.content.decode() and "701 123" not in page.content.decode()
    assert listing.status_code in (302, 403)
    assert "contactperson" not in index.content.decode()
    assert not AuditEntry.objects.filter(action="coalition.contact_read").exists()


def test_organiser_reads_only_own_organisations_contacts_and_is_audited(
    client, contacts, organiser
):
    client.force_login(organiser)
    own = client.get(_url(contacts[0]))
    assert own.status_code == 200 and NAME in own.content.decode()
    other = client.get(_url(contacts[1]))
    assert other.status_code in (302, 404) and "Серік" not in other.content.decode()
    entry = AuditEntry.objects.get(action="coalition.contact_read")
    assert entry.actor == organiser and entry.target_id == str(contacts[0].pk)
    assert NAME not in str(entry.data) and "701" not in str(entry.data)


def test_commission_admin_reads_every_contact_and_each_read_is_audited(
    client, contacts, admin_user
):
    client.force_login(admin_user)
    for contact in contacts:
        assert client.get(_url(contact)).status_code == 200
    assert AuditEntry.objects.filter(action="coalition.contact_read").count() == 2
