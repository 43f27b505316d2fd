"""Staff roles and the admin site."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def make(role: Role, name: str | None = None):
    return staff_user_create(
        actor=None, username=name or role.value, password="x-Passw0rd!", roles=[role.value]
    )


def test_every_role_is_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_observer_can_view_but_not_change():
    observer = make(Role.OBSERVER)
    assert observer.has_perm("drafts.view_article")
    assert not observer.has_perm("drafts.change_article")
    assert not observer.has_perm("core.change_auditentry")


def test_reviewer_cannot_manage_staff_and_admin_cannot_edit_the_audit_log():
    reviewer = make(Role.REVIEWER)
    assert not reviewer.has_perm("accounts.add_user")
    admin = make(Role.COMMISSION_ADMIN)
    assert admin.is_superuser
    assert AuditEntry.objects.filter(action="staff_user.create").count() == 2


def test_unknown_role_and_duplicate_name_are_refused():
    with pytest.raises(ValidationError, match="Unknown role"):
        staff_user_create(actor=None, username="x", password="p", roles=["king"])
    make(Role.OBSERVER, "dup")
    with pytest.raises(ValidationError, match="already exists"):
        make(Role.OBSERVER, "dup")


def test_create_staff_command(capsys):
    call_command("create_staff", "aigerim", "--role", "reviewer", "--password", "s3cret-Pass!")
    assert "Created aigerim (reviewer)" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_admin_pages_of_every_model_open(client, demo_draft, lang):
    admin = make(Role.COMMISSION_ADMIN, "boss")
    client.force_login(admin)
    models = [m for m in apps.get_models() if m._meta.app_label in {"accounts", "core", "drafts"}]
    for model in models:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, url
    page = client.get("/admin/drafts/article/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert ("Баптар" if lang == "kk" else "Статьи") in page
