"""Staff authenticators (second factors) edited in the admin are audited, like the command."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenes.accounts.models import Authenticator, User
from kenes.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return User.objects.create_superuser("root", "root@example.org", "x")


def _form_data(client: Client, device: TOTPDevice, root: User) -> dict[str, object]:
    """What the change form would post back unchanged."""
    model_admin = admin.site._registry[Authenticator]
    request = client.get("/admin/").wsgi_request
    request.user = root
    form = model_admin.get_form(request, device, change=True)(instance=device)
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
        if field.show_hidden_initial:  # fields with a callable default (the key)
            data[f"initial-{name}"] = value
    return data


def test_adding_changing_and_deleting_an_authenticator_are_audited(root, reviewer):
    client = Client()
    client.force_login(root)
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    # when an admin renames the device in the admin
    data = {**_form_data(client, device, root), "name": "work phone"}
    url = f"/admin/accounts/authenticator/{device.pk}/change/"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # then the change is audited against the staff member, naming the field, not its value
    changed = AuditEntry.objects.get(action="accounts.totp_changed")
    assert (changed.actor_label, changed.target_id) == ("root", str(reviewer.pk))
    assert changed.data == {"device": device.pk, "fields": ["name"]}
    assert "work phone" not in str(changed.data)
    # and deleting it is audited too, in the same transaction as the delete
    url = f"/admin/accounts/authenticator/{device.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    deleted = AuditEntry.objects.get(action="accounts.totp_deleted")
    assert deleted.data == {"device": device.pk}
    # and the list's bulk delete audits each device
    more = [TOTPDevice.objects.create(user=reviewer, name=f"key {n}") for n in range(2)]
    response = client.post(
        "/admin/accounts/authenticator/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in more], "post": "yes"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.totp_deleted").count() == 3
