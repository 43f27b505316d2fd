import pytest

from kenes.accounts import sms


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Service messages in English in these tests (fixture in tests/conftest.py)."""


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code() -> str:
    import re

    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


@pytest.fixture
def commission_admin(db):
    from kenes.accounts.roles import Role
    from kenes.accounts.services import staff_user_create

    return staff_user_create(
        actor=None, username="aida", password="x-Passw0rd!", roles=[Role.COMMISSION_ADMIN.value]
    )
