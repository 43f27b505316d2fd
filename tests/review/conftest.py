from __future__ import annotations

import pytest
from django.utils import translation

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.proposals.services import proposal_submit


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages in English, so assertions read plainly (kk/ru are tested elsewhere)."""
    with translation.override("en"):
        yield


@pytest.fixture
def version(demo_draft):
    return demo_draft[1]


@pytest.fixture
def submit(version):
    """Submit a proposal with sensible defaults; keyword arguments override them."""

    def _submit(text="Предлагаю продлить срок консультаций до девяноста дней.", **kwargs):
        kwargs.setdefault("channel", "web")
        kwargs.setdefault("version", version)
        return proposal_submit(actor=None, text=text, **kwargs)

    return _submit


@pytest.fixture
def reviewer(db):
    return staff_user_create(actor=None, username="dana", password="x-Passw0rd!",
                             roles=[Role.REVIEWER.value])


@pytest.fixture
def reviewer2(db):
    return staff_user_create(actor=None, username="erlan", password="x-Passw0rd!",
                             roles=[Role.REVIEWER.value])
