from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kenes.insights import services
from kenes.proposals.services import proposal_submit

T0 = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))

LETTER = (
    "Уважаемая комиссия! Предлагаем увеличить срок консультаций по проекту закона до "
    "девяноста дней, потому что жители сёл не успевают прочитать проект и обсудить его "
    "на сходе. Просим также публиковать проект в районных газетах и на сайтах акиматов "
    "каждого района. С уважением, жители."
)
PERSONAL = [
    "Я учитель из Шиели, у нас интернет только в школе.",
    "Моя мама живёт в ауле и газет не получает уже три года.",
    "В нашем селе сход проводится только раз в квартал.",
    "",
    "",
    "",
    "",
    "",
]
DISTINCT = [
    ("7", "Добавьте приём предложений через мобильное приложение и SMS, это удобно молодёжи."),
    (None, "Квитанцию нужно отправлять по SMS, как сказано в статье 8, а не только на экране."),
    ("14", "Контакты авторов должны храниться в зашифрованном виде и удаляться через год."),
    (None, "Прошу исключить статью 17 и пункт 2 статьи 12: ответственность описана неясно."),
    ("9", "Встречи в отдалённых сёлах надо проводить до начала посевной кампании весной."),
    ("15", "Журнал консультаций должен быть доступен для проверки любому гражданину страны."),
]


@pytest.fixture(autouse=True)
def fresh_worker_state():
    services.worker_state_clear()
    yield
    services.worker_state_clear()


@pytest.fixture
def submit_at(version):
    counter = iter(range(100_000))

    def _submit(text, **kwargs):
        n = next(counter)
        kwargs.setdefault("channel", "web")
        kwargs.setdefault("language", "ru")
        kwargs.setdefault("submitted_at", T0 + dt.timedelta(minutes=n))
        return proposal_submit(actor=None, version=version, text=text, **kwargs).proposal

    return _submit


@pytest.fixture
def form_letters(submit_at):
    """Eight copies of a form letter (three with a personal sentence) and six distinct ones."""
    letters = [submit_at(f"{LETTER} {extra}".strip()) for extra in PERSONAL]
    distinct = [submit_at(text, article_number=article) for article, text in DISTINCT]
    return letters, distinct


@pytest.fixture
def analysed(form_letters, version):
    """The form letters after a full run with the hashing embedder."""
    run = services.analysis_run_full(actor=None, version=version, embedder="hashing")
    return run, form_letters
