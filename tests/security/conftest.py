import pytest


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages):
    """Service messages in English unless a test asks for another language (tests/conftest.py)."""
