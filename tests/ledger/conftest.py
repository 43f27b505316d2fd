import pytest

from kenes.ledger.services import TREE


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages):
    """Read service messages in English in these tests (fixture in tests/conftest.py)."""


@pytest.fixture(autouse=True)
def fresh_tree():
    """Each ledger test starts and ends with an empty in-process tree cache."""
    TREE.reset()
    yield
    TREE.reset()
