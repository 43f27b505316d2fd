"""Full-text search of the public list in Russian and Kazakh word forms (issue #15)."""

from __future__ import annotations

import pytest
from django.db import connection

from kenes.proposals.selectors import PublicFilters, kazakh_stem, public_proposals


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("салықтарды", "салық"),
        ("салық", "салық"),
        ("сайлауға", "сайлау"),
        ("парламенттің", "парламент"),
        ("мектептерде", "мектеп"),
        ("тілдің", "тіл"),
        ("бостандықтары", "бостандық"),
        ("Конституция", "конституция"),
        ("сот", "сот"),
    ],
)
def test_kazakh_stems_cut_plural_and_case_endings(word, stem):
    assert kazakh_stem(word) == stem


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stems are matched on PostgreSQL's 'simple' index"
)
def test_kazakh_and_russian_word_forms_find_each_other(submit):
    kk = submit(
        text="Салықтарды азайтуды және мектептерде тілдің оқытылуын ұсынамын.", language="kk"
    )
    ru = submit(text="Предлагаю снизить налоги для малого бизнеса в регионах.", language="ru")
    submit(text="Предлагаю изменить порядок выборов в маслихаты.", language="ru")

    def found(q: str) -> set[str]:
        return set(public_proposals(PublicFilters(q=q)).values_list("code", flat=True))

    assert found("салық") == {kk.proposal.code}
    assert found("салықтың") == {kk.proposal.code}
    assert found("мектепте") == {kk.proposal.code}
    assert found("налог") == {ru.proposal.code}
    assert found("налогами") == {ru.proposal.code}
    assert found("бюджет") == set()


@pytest.mark.django_db
def test_search_follows_inserts_edits_and_deletes(submit):
    # given proposals in both languages (the SQLite FTS table is kept by triggers)
    from kenes.proposals.models import Proposal

    kk = submit(text="Салықтарды азайтуды ұсынамын, мектептерде оқыту туралы.", language="kk")
    ru = submit(text="Предлагаю снизить налоги для малого бизнеса в регионах.", language="ru")

    def found(q: str) -> set[str]:
        return set(public_proposals(PublicFilters(q=q)).values_list("code", flat=True))

    assert found("салықтың") == {kk.proposal.code}
    assert found("НАЛОГ") == {ru.proposal.code}
    assert found("налог бизнес") == {ru.proposal.code}
    # when a text is edited and another deleted
    Proposal.objects.filter(pk=ru.proposal.pk).update(
        text="Предлагаю отменить сборы.", public_text="Предлагаю отменить сборы."
    )
    assert found("налог") == set()
    assert found("сборы") == {ru.proposal.code}
    Proposal.objects.filter(pk=kk.proposal.pk).delete()
    assert found("салық") == set()
