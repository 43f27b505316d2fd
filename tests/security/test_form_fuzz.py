"""Hypothesis over the public pages' query parameters and forms: any text (NUL characters,
control and invisible characters, huge numbers) is answered with a page or a 4xx, never 500."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
nasty = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.sampled_from("\x00\u200b\ufeff\u202e\n\r\t %/?&#'\"<>KNS-0123"), max_size=30
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["9223372036854775808", "1e400", "NaN", "Infinity", "-1", "0", "../.."]),
)
PAGES = [
    ("/proposals/", ["q", "state", "region", "language", "channel", "page", "article"]),
    ("/draft/demo/v2/search", ["q"]),
    ("/track/", ["code"]),
    ("/compare/", ["a", "b"]),
    ("/propose/demo/v2/", ["article", "point"]),
    ("/insights/", ["page"]),
    ("/ledger/verify/", ["code"]),
]


@pytest.fixture(autouse=True)
def _no_limits(demo_draft, settings):
    settings.KENES_RATE_LIMITS = {}


@pytest.mark.parametrize(("path", "names"), PAGES)
def test_query_parameters(path, names):
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(st.dictionaries(st.sampled_from(names), nasty, max_size=len(names)))
    def run(params):
        response = client.get(path, params)
        assert response.status_code < 500, (path, params)

    run()


def test_path_segments():
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(nasty)
    def run(value):
        from urllib.parse import quote

        for template in ("/draft/demo/v2/article/{}", "/track/{}/", "/receipt/{}/"):
            response = client.get(template.format(quote(value, safe="")))
            assert response.status_code < 500, (template, value)

    run()


def test_forms():
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(
        st.fixed_dictionaries(
            {"text": nasty, "contact": nasty, "region": nasty, "article": nasty},
            optional={"consent": st.sampled_from(["on", "1", "\x00"]), "point": nasty},
        ),
        st.fixed_dictionaries({"code": nasty, "secret": nasty}),
    )
    def run(proposal, track):
        assert client.post("/propose/demo/v2/", proposal).status_code < 500, proposal
        assert client.post("/track/", track).status_code < 500, track

    run()
