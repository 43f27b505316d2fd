import pytest

from kenes.accounts import sms


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code() -> str:
    import re

    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
