"""The public counters equal a direct count after mixed writes through every service."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.db import transaction

from kenes.accountability.services import counters_rebuild
from kenes.counters.models import Tally
from kenes.counters.selectors import counter_totals
from kenes.counters.services import counters_add, counters_compact, day_key
from kenes.proposals.models import Proposal
from kenes.proposals.services import proposals_submit_many
from kenes.review import services as review
from kenes.review.models import Answer

TEXTS = [
    "Предлагаю продлить срок консультаций до девяноста дней, вариант {i}.",
    "Ұсыныс: мерзімді ұзарту керек, нұсқа {i}, азаматтардың пікірі үшін.",
]


def direct_counts(version_id: int) -> dict[str, dict[str, int]]:
    """Count straight from proposals and answers, the slow obvious way."""
    out: dict[str, Counter[str]] = {}

    def add(dim: str, key: str) -> None:
        out.setdefault(dim, Counter())[key] += 1

    for p in Proposal.objects.filter(version_id=version_id):
        add("total", "")
        add("day", day_key(p.submitted_at))
        add("channel", p.channel)
        add("region", p.region)
        add("language", p.language)
        add("author_kind", p.author_kind)
        add("state", p.state)
        add("article", str(p.article_id or ""))
        if p.point_id:
            add("point", str(p.point_id))
        last = Answer.objects.filter(proposal=p).order_by("-answered_at", "-id").first()
        if last:
            add("decision", last.decision)
            add("article_decision", f"{p.article_id or ''}|{last.decision}")
            if p.point_id:
                add("point_decision", f"{p.point_id}|{last.decision}")
    return {d: {k: n for k, n in c.items() if n} for d, c in out.items()}


def mixed_writes(version, submit, reviewer, seed: int) -> None:
    rng = random.Random(seed)
    articles = list(version.articles.prefetch_related("points"))
    for i in range(12):
        article = rng.choice([None, *articles])
        point = rng.choice([None, *article.points.all()]) if article else None
        submit(
            text=rng.choice(TEXTS).format(i=i),
            channel=rng.choice(["web", "api"]),
            region=rng.choice(["", "71", "75", "19"]),
            article_number=article.number if article else None,
            point_number=point.number if point else None,
        )
    with transaction.atomic():
        proposals_submit_many(
            actor=None,
            version=version,
            channel="paper",
            source="forms",
            rows=[
                {"text": TEXTS[0].format(i=100 + i), "external_id": f"f{i}", "region": "11"}
                for i in range(6)
            ],
        )
    ids = list(Proposal.objects.order_by("id").values_list("id", flat=True))
    rng.shuffle(ids)
    review.answers_record(
        actor=reviewer, proposal_ids=ids[:5], decision="accepted", reason_ru="Учтено."
    )
    review.answer_record(
        actor=reviewer,
        proposal=Proposal.objects.get(pk=ids[0]),
        decision="not_accepted",
        reason_ru="Пересмотрено.",
    )  # a later answer replaces the first
    review.proposal_review_start(actor=reviewer, proposal=Proposal.objects.get(pk=ids[6]))
    review.proposal_merge(
        actor=reviewer,
        proposal=Proposal.objects.get(pk=ids[7]),
        into=Proposal.objects.get(pk=ids[8]),
    )
    review.answer_record(
        actor=reviewer,
        proposal=Proposal.objects.get(pk=ids[9]),
        decision="out_of_scope",
        reason_kk="Жобаның аясынан тыс.",
    )
    review.proposal_review_start(actor=reviewer, proposal=Proposal.objects.get(pk=ids[9]))


@pytest.mark.parametrize("seed", [1, 2])
def test_counters_equal_a_direct_count_after_mixed_writes(version, submit, reviewer, seed):
    mixed_writes(version, submit, reviewer, seed)
    expected = direct_counts(version.pk)
    assert counter_totals(version_id=version.pk) == expected
    # compaction changes the rows, not the figures
    rows_before = Tally.objects.count()
    assert counters_compact() > 0
    assert Tally.objects.count() < rows_before
    assert counter_totals(version_id=version.pk) == expected
    # and a full recount agrees
    counters_rebuild(actor=None)
    assert counter_totals(version_id=version.pk) == expected


def test_a_refused_proposal_counts_nothing(version, submit):
    submit()
    before = counter_totals(version_id=version.pk)
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        submit(text="short")
    assert counter_totals(version_id=version.pk) == before


def test_counters_are_written_only_inside_a_transaction():
    with pytest.raises(RuntimeError):
        counters_add(items=[(1, "total", "", 1)])


def test_the_command_checks_compacts_and_rebuilds(version, submit, capsys):
    from django.core.management import call_command

    submit()
    call_command("counters", "check")
    assert "equal" in capsys.readouterr().out
    Tally.objects.all().delete()  # lost counters are found by the check, fixed by a rebuild
    with pytest.raises(SystemExit):
        call_command("counters", "check")
    call_command("counters", "rebuild")
    call_command("counters", "compact")
    call_command("counters", "check")
    assert counter_totals(version_id=version.pk)["total"] == {"": 1}
