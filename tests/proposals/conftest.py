import pytest


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages):
    """Read service messages in English in these tests (fixture in tests/conftest.py)."""
