import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard keeps its figures a few seconds per worker; each test starts without."""
    cache.clear()
    yield
    cache.clear()
