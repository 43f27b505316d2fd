"""Schemathesis over the whole OpenAPI schema: no 5xx and no response outside the schema,
for valid and invalid input (NUL bytes and huge numbers included). Bounded: a fixed number of
examples per operation, no database growth beyond them (issue #10, "Bad input")."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.django_db

EXAMPLES = 30

_config = SchemathesisConfig()
_config.projects.default.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], allow_x00=True
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=_config)


@pytest.fixture(autouse=True)
def _data(demo_draft, settings):
    settings.KENES_RATE_LIMITS = {}  # a fuzzer is one client sending many requests
    settings.KENES_DUPLICATE_WINDOW = 0
    # As Django's test client does: the test's connection (inside its transaction) must not
    # be closed at the end of each request the WSGI app serves.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case):
    # Every check but "schema-valid input must be accepted": a schema cannot say that an
    # article needs its version, or that a proof's range must be inside the log.
    # Ask for plain bodies: the schema describes JSON, and GZipMiddleware compresses answers
    # for clients that accept it (the WSGI client here does not decompress).
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )


def test_the_schema_has_one_key_per_status_code(client):
    import json

    raw = client.get("/api/openapi.json").content.decode()

    def no_duplicates(pairs):
        keys = [k for k, _v in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(raw, object_pairs_hook=no_duplicates)
