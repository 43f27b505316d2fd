import pytest

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages):
    """Service messages in English in these tests (fixture in tests/conftest.py)."""


@pytest.fixture
def moderator(db):
    return staff_user_create(
        actor=None, username="mira", password="x-Passw0rd!", roles=[Role.MODERATOR.value]
    )
