"""The live step reads, embeds and places a new proposal exactly as the last full run did, and
every proposal's panel shows its themes and links, or why there are none."""

from __future__ import annotations

import random
import re

import pytest

from kenes.analysis.live import LiveModel
from kenes.insights import services
from kenes.insights.models import AnalysisRun, ArticleLink, DuplicateOf, ThemeMember, Verdict
from tests.analysis import generate, lettergen

pytestmark = pytest.mark.django_db

HELLO = "Добрый день! Спасибо за вашу работу. С уважением, Иван."
WEATHER = "Здравствуйте. Какая погода будет завтра, дождь или снег? Какая температура?"


@pytest.fixture
def corpus(submit_at):
    """Letters in Kazakh and Russian (individually written proposals, each in a citizen's
    letter), a letter of formulas only and one about the weather, filed on article 5."""
    rng = random.Random(11)
    props = []
    for i in range(80):
        lang = ("kk", "ru")[i % 2]
        text, _article = generate.distinct_proposal(rng, lang)
        # One sentence (the longest): short content in a letter of formulas, so that the content sent
        # again on its own is no near-copy of the letter.
        claim = max(re.split(r"(?<=[.!?])\s+", text), key=len)
        props.append(submit_at(lettergen.wrap(claim, lang, rng), language=lang))
    hello = submit_at(HELLO)
    weather = submit_at(WEATHER, article_number="5")
    return props, hello, weather


def themes_of(proposal) -> set[str]:
    return set(ThemeMember.objects.filter(proposal=proposal).values_list("theme__key", flat=True))


def test_a_proposal_of_the_run_submitted_again_lands_in_its_themes(corpus, submit_at, version):
    # given a full run over letters in Kazakh and Russian
    props, _hello, _weather = corpus
    run = services.analysis_run_full(actor=None, version=version, embedder="hashing")
    assert bytes(run.live_model) and run.n_themes >= 2
    # when each letter is sent again and analysed live: its content alone where that reads
    # the same (so that it is no copy of the letter), else the whole letter
    live = LiveModel.loads(bytes(run.live_model))
    again = []
    for p in props[:40]:
        content = live.read(p.text, p.language).content
        alone = live.read(content, p.language).content == content
        q = submit_at(content if alone else p.text, language=p.language)
        services.proposal_analyze_new(proposal_id=q.pk)
        again.append((p, q))
    # then each lands in the themes (theme and subtheme) the run gave the original
    for p, q in again:
        assert themes_of(q) == themes_of(p) != set(), (
            p.pk,
            live.read(p.text, p.language).content,
            live.read(q.text, q.language).content,
        )
    # placed from its own vector, not only as a copy of an earlier proposal
    copies = DuplicateOf.objects.filter(proposal__in=[q for _p, q in again]).count()
    assert copies > 0 and len(again) - copies >= 8
    assert {p.language for p, _q in again} == {"kk", "ru"}


def test_the_run_links_the_article_the_author_chose_and_says_why_there_is_none(corpus, version):
    _props, hello, weather = corpus
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    # the article chosen on the form comes first, whatever the text is about
    first = ArticleLink.objects.filter(proposal=weather).order_by("rank").first()
    assert (first.article.number, first.source) == ("5", "explicit")
    # a letter of formulas only: no theme, no link, and the reason for both
    assert not themes_of(hello) and not ArticleLink.objects.filter(proposal=hello).exists()
    assert set(Verdict.objects.filter(proposal=hello).values_list("kind", flat=True)) == {
        "formulas"
    }
    # every other proposal has a theme, and links or the linker's "no article" verdict
    for p in _props:
        assert themes_of(p), p.text
        has_links = ArticleLink.objects.filter(proposal=p).exists()
        no_article = Verdict.objects.filter(proposal=p, kind="no_article").exists()
        assert has_links != no_article, p.text


def test_the_live_step_says_why_a_proposal_has_no_theme_or_no_article(corpus, submit_at, version):
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    hello = submit_at("Здравствуйте! Благодарю за вашу работу. Всего доброго.")
    services.proposal_analyze_new(proposal_id=hello.pk)
    assert list(Verdict.objects.filter(proposal=hello).values_list("kind", flat=True)) == [
        "formulas"
    ]
    weather = submit_at("Подскажите, какая погода будет завтра: дождь или снег, какая температура?")
    services.proposal_analyze_new(proposal_id=weather.pk)
    # a letter about the weather: a theme (every content has one), and the linker's verdict
    assert themes_of(weather) and not weather.article_links.exists()
    kinds = set(Verdict.objects.filter(proposal=weather).values_list("kind", flat=True))
    assert kinds == {"no_article"}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", ["Тақырыптар", "Нақты бір бапқа қатысты емес", "тек сәлемдесу"]),
        ("ru", ["Темы", "Не касается конкретной статьи", "только приветствия"]),
    ],
)
def test_the_panel_shows_themes_links_and_reasons_in_kk_and_ru(
    client, corpus, reviewer, submit_at, version, lang, words
):
    props, hello, _weather = corpus
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    off_topic = submit_at("Подскажите, какая погода будет завтра: дождь или снег?")
    services.proposal_analyze_new(proposal_id=off_topic.pk)
    client.force_login(reviewer)
    shown = {
        key: client.get(f"/review/{p.pk}/analysis?lang={lang}").content.decode()
        for key, p in (("themed", props[0]), ("formulas", hello), ("no_article", off_topic))
    }
    theme = ThemeMember.objects.filter(proposal=props[0], theme__parent=None).get().theme
    assert theme.code in shown["themed"] and (theme.label_kk or theme.label_ru) in shown["themed"]
    assert words[0] in shown["themed"]
    assert words[2] in shown["formulas"] and 'data-no-theme="formulas"' in shown["formulas"]
    assert words[1] in shown["no_article"]
    for html in shown.values():
        assert "Nothing to analyse" not in html and "Concerns no" not in html
        assert "No article found" not in html and "hx-trigger" not in html


def test_a_proposal_not_analysed_yet_says_so_and_asks_again(
    client, corpus, reviewer, settings, submit_at, version
):
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    settings.KENES_INSIGHTS_AUTO = False
    late = submit_at("Срок консультаций нужно продлить до шестидесяти дней.")
    client.force_login(reviewer)
    html = client.get(f"/review/{late.pk}/analysis?lang=ru", HTTP_HX_REQUEST="true").content
    page = html.decode()
    assert "анализируется" in page and 'hx-trigger="load delay:2s"' in page
    services.proposal_analyze_new(proposal_id=late.pk)
    page = client.get(f"/review/{late.pk}/analysis?lang=ru", HTTP_HX_REQUEST="true").content
    assert "hx-trigger" not in page.decode() and themes_of(late)
    assert AnalysisRun.objects.filter(kind="incremental", last_proposal_id=late.pk).exists()


def test_a_young_version_is_analysed_whole_at_each_arrival(
    settings, submit_at, version, django_capture_on_commit_callbacks
):
    # given the demo's settings: the step inline, a version young up to three proposals
    settings.KENES_INSIGHTS_INLINE = True
    settings.KENES_INSIGHTS_BOOTSTRAP = 3
    settings.KENES_INSIGHTS_LIVE_EMBEDDER = "hashing"
    texts = [
        "Срок консультаций нужно продлить до шестидесяти дней для сельских жителей.",
        "Жобаны аудандық газеттерде де жариялау керек, ауылда интернет нашар.",
        "Квитанцию о приёме предложения нужно отправлять по SMS на телефон автора.",
        "Протоколы встреч с жителями сёл нужно публиковать в течение трёх дней.",
    ]
    # when the first proposals arrive, each one commits and triggers the analysis
    for text in texts[:3]:
        with django_capture_on_commit_callbacks(execute=True):
            first = submit_at(text)
        # then a full run has analysed everything so far: the proposal has a theme at once
        assert themes_of(first)
    assert AnalysisRun.objects.filter(kind="full", status="done").count() == 3
    # and past the young size, the step places new proposals in the last run's themes
    with django_capture_on_commit_callbacks(execute=True):
        later = submit_at(texts[3])
    assert AnalysisRun.objects.filter(kind="full").count() == 3 and themes_of(later)


def test_warming_up_builds_the_step_for_open_consultations_once(corpus, submit_at, version):
    # given a full run, and the version's consultation open
    from datetime import timedelta

    from django.utils import timezone

    from kenes.consultations.models import Consultation
    from kenes.insights.services import incremental

    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    now = timezone.now()
    Consultation.objects.create(
        version=version, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    incremental._STATES.clear()
    # when the process warms up (as on its first request in the demo)
    assert incremental.warm_up() == [version.pk]
    state = incremental._STATES[version.pk]
    # then the step's state, embedder and linker are built before any proposal arrives
    assert state.semantic is not None and state.semantic.linker is not None
    # and the first proposal is analysed with that very state, not a rebuilt one
    q = submit_at(
        "Предлагаю в статье 5 закрепить публикацию всех отчётов комиссии.", article_number="5"
    )
    assert services.proposal_analyze_new(proposal_id=q.pk) == 1
    assert incremental._STATES[version.pk] is state
    assert ArticleLink.objects.filter(proposal=q).exists()
    # and a closed consultation is not warmed
    Consultation.objects.filter(version=version).update(closes_at=now - timedelta(hours=1))
    assert incremental.warm_up() == []
