"""Lists of proposals say which draft and version each proposal is on."""

from __future__ import annotations

import html as html_lib

import pytest
from django.test import Client

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_public_list_and_the_queue_name_the_draft(client, submit, version, lang):
    p = submit().proposal
    title = version.document.title_in(lang)[0]
    listing = html_lib.unescape(client.get(f"/proposals/?lang={lang}").content.decode())
    assert p.code in listing
    assert f"{title[:40]}" in listing and f"· {version.label}" in listing
    # filtered to one version, the list does not repeat it on every item
    key = f"{version.document.slug}/{version.label}"
    filtered = html_lib.unescape(
        client.get(f"/proposals/?lang={lang}&version={key}").content.decode()
    )
    assert p.code in filtered and 'class="pdraft"' not in filtered
    reviewer = staff_user_create(
        actor=None, username="dana", password="x-Passw0rd!", roles=[Role.REVIEWER.value]
    )
    staff = Client()
    staff.force_login(reviewer)
    queue = html_lib.unescape(staff.get(f"/review/?lang={lang}").content.decode())
    assert 'class="rv-draft"' in queue and f"· {version.label}" in queue
