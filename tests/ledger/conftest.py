from __future__ import annotations

import pytest
from django.utils import translation

from tests.proposals.conftest import reviewer, submit, version  # noqa: F401


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield
