"""campaigns.match_template: the incremental membership test (used by kenes.insights)."""

from __future__ import annotations

from kenes.analysis.campaigns import match_template

TEMPLATE = (
    "Предлагаю изменить статью 27 Конституции, чтобы каждый человек имел право на "
    "достойный труд и справедливую оплату. Минимальная зарплата должна расти вместе с "
    "ценами на продукты и коммунальные услуги."
)


def test_a_copy_with_a_personal_sentence_matches_and_keeps_the_addition() -> None:
    # given a copy of the template with one personal sentence
    text = TEMPLATE + " Я работаю медсестрой в Павлодаре и получаю очень мало."
    # when it is matched against the template
    found = match_template(text, TEMPLATE)
    # then it matches with full coverage and the personal sentence is its addition
    assert found is not None
    cov, adds = found
    assert cov == 1.0
    assert adds == ["Я работаю медсестрой в Павлодаре и получаю очень мало."]


def test_a_different_proposal_or_a_long_text_quoting_part_of_the_letter_does_not_match() -> None:
    other = "Налоги для малого бизнеса нужно снизить вдвое, это поможет селу и молодёжи."
    assert match_template(other, TEMPLATE) is None
    own = " ".join(
        f"Отдельное соображение номер {i} о судебной системе и работе прокуратуры."
        for i in range(8)
    )
    first_sentence = TEMPLATE.split(". ")[0] + "."
    assert match_template(first_sentence + " " + own, TEMPLATE) is None
    assert match_template("", TEMPLATE) is None


def test_a_long_letter_quoting_the_whole_key_block_is_a_copy() -> None:
    # (issue #11: copies quote the campaign's key block inside a longer letter of their own)
    own = " ".join(
        f"Отдельное соображение номер {i} о судебной системе и работе прокуратуры."
        for i in range(8)
    )
    found = match_template(f"Поддерживаю обращение: «{TEMPLATE}» {own}", TEMPLATE)
    assert found is not None
    cov, adds = found
    assert cov >= 0.85 and len(adds) >= 8


def test_reference_language_means_are_kept_per_embedder() -> None:
    # given two embedders of different dimensions used in one process (demo, then a full run)
    import numpy as np

    from kenes.analysis.campaigns import language_means
    from kenes.analysis.embeddings import HashingEmbedder

    small, big = HashingEmbedder(dim=64), HashingEmbedder(dim=128)
    for emb in (small, big):
        vecs = emb.embed_queries(["Предлагаю продлить срок."])
        # when the means come from the reference sentences (too few texts of each language)
        means = language_means(vecs, ["ru"], emb.embed_queries, min_docs=30)
        # then they have the embedder's own dimension
        assert means["ru"].shape == (emb.dim,) and means["kk"].shape == (emb.dim,)
        assert np.isfinite(means["ru"]).all()
