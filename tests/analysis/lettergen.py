"""An adversarial letter wrapper for tests and benchmarks (not production code).

:func:`wrap` turns a content sentence (e.g. a SIB-200 sentence or a generated proposal) into the
kind of letter citizens send: greeting and form of address, a self-introduction, a request
formula, the content (sometimes quoted inside a longer letter), a closing, a signature, a
place, a date, a contact line - in Russian or Kazakh (Cyrillic, Latin, or Cyrillic typed on a
Russian keyboard without the Kazakh letters), with typos.

Two disjoint phrase pools: variant ``"A"`` (used while developing) and variant ``"B"``
(held out: its greetings, personas and closings are worded differently and are only used to
report figures). Nothing in ``kenes.analysis`` may be tuned on variant B.
"""

from __future__ import annotations

import random
from typing import Literal

from kenes.analysis.normalize import kk_cyr_to_lat

Variant = Literal["A", "B"]
Script = Literal["cyr", "lat", "rukbd"]

RU_KEYBOARD = str.maketrans("әқңөұүіғһӘҚҢӨҰҮІҒҺ", "акноууiгхАКНОУУIГХ")

POOLS: dict[Variant, dict[str, list[str]]] = {
    "A": {
        "greet_ru": [
            "Здравствуйте!",
            "Добрый день!",
            "Уважаемые члены Конституционной комиссии!",
            "Уважаемая комиссия!",
            "Здравствуйте, уважаемые члены рабочей группы!",
            "Доброго времени суток.",
        ],
        "greet_kk": [
            "Сәлеметсіздер ме!",
            "Құрметті комиссия мүшелері!",
            "Қайырлы күн!",
            "Армысыздар!",
            "Құрметті Конституциялық комиссия!",
        ],
        "persona_ru": [
            "Я, как многодетная мать, хочу сказать.",
            "Я пенсионер из {city}.",
            "Меня зовут {name}, я учитель.",
            "Пишу вам как предприниматель.",
            "Я студент, живу в {city}.",
        ],
        "persona_kk": [
            "Мен зейнеткер ретінде жазып отырмын.",
            "Мен {city} қаласының тұрғынымын.",
            "Менің атым {name}, мен мұғаліммін.",
            "Мен көп балалы анамын.",
            "Мен шағын кәсіпкермін.",
        ],
        "request_ru": [
            "Прошу рассмотреть моё предложение.",
            "Хочу предложить следующее:",
            "У меня есть предложение.",
            "Прошу учесть моё мнение.",
        ],
        "request_kk": [
            "Ұсынысымды қарауларыңызды сұраймын.",
            "Менің ұсынысым мынадай:",
            "Ұсыныс енгізгім келеді.",
        ],
        "close_ru": [
            "С уважением,",
            "Спасибо за внимание.",
            "Заранее благодарю.",
            "Надеюсь на понимание.",
            "Жду ответа.",
        ],
        "close_kk": [
            "Құрметпен,",
            "Алдын ала рахмет!",
            "Назарларыңызға рахмет.",
            "Жауабыңызды күтемін.",
            "Рахмет!",
        ],
    },
    "B": {
        "greet_ru": [
            "Приветствую вас!",
            "Добрый вечер, уважаемые господа!",
            "Многоуважаемые депутаты и члены комиссии!",
            "Здраствуйте!",
            "Дорогие члены комиссии, добрый день.",
        ],
        "greet_kk": [
            "Ассалаумағалейкум!",
            "Аса құрметті комиссия!",
            "Сәлем, ағайын!",
            "Қадірлі комиссия мүшелері!",
            "Қайырлы таң!",
        ],
        "persona_ru": [
            "Как ветеран труда, считаю своим долгом написать.",
            "Я врач с двадцатилетним стажем.",
            "Я являюсь жителем села {city}.",
            "Будучи юристом, я давно слежу за этим.",
            "Я мама троих детей.",
        ],
        "persona_kk": [
            "Мен ауыл мұғалімімін.",
            "Жасым алпыста, мен зейнеткермін.",
            "Мен {city} облысынан дәрігермін.",
            "Мен фермермін, ауылда тұрамын.",
            "Мен студентпін.",
        ],
        "request_ru": [
            "Обращаюсь к вам с предложением.",
            "Прошу принять во внимание следующее.",
            "Вот моё предложение:",
            "Просим рассмотреть.",
        ],
        "request_kk": [
            "Сіздерге хат жазып отырмын.",
            "Ұсынысымды қарастыруды сұраймын.",
            "Мынадай ұсыныс енгіземін:",
        ],
        "close_ru": [
            "Всего доброго.",
            "С глубоким уважением,",
            "Надеюсь, моё предложение будет услышано.",
            "Будьте здоровы!",
            "Заранее спасибо!",
        ],
        "close_kk": [
            "Зор құрметпен,",
            "Ізгі тілекпен,",
            "Ұсынысымды қолдайсыздар деп сенемін.",
            "Сау болыңыздар!",
            "Көп рахмет!",
        ],
    },
}
NAMES = {
    "ru": ["Иван Петров", "Анна Ким", "Сергей Волков", "Ольга Смирнова", "Марат Ахметов"],
    "kk": ["Айгүл Серікқызы", "Ерлан Жұмабаев", "Гүлнар Әлиева", "Нұрлан Сапаров", "Дана Қасым"],
}
CITIES = {
    "ru": ["Алматы", "Караганда", "Шымкент", "Павлодар", "Актобе"],
    "kk": ["Алматы", "Қарағанды", "Шымкент", "Павлодар", "Ақтөбе"],
}
MONTHS = {"ru": ["марта", "апреля", "мая"], "kk": ["наурыз", "сәуір", "мамыр"]}


def typo(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """Swap, drop or double letters in some words."""
    words = text.split(" ")
    for i, w in enumerate(words):
        if len(w) > 4 and rng.random() < rate:
            j = rng.randrange(1, len(w) - 2)
            op = rng.choice(("swap", "drop", "double"))
            if op == "swap":
                w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            elif op == "drop":
                w = w[:j] + w[j + 1 :]
            else:
                w = w[:j] + w[j] + w[j:]
            words[i] = w
    return " ".join(words)


def script(text: str, lang: str, how: Script) -> str:
    if lang != "kk" or how == "cyr":
        return text
    if how == "lat":
        return kk_cyr_to_lat(text)
    return text.translate(RU_KEYBOARD)


def wrap(
    content: str,
    lang: str,
    rng: random.Random,
    *,
    variant: Variant = "A",
    how: Script = "cyr",
    typos: float = 0.0,
    quote: bool = False,
) -> str:
    """A letter around ``content`` (which is kept verbatim unless ``typos`` or ``how`` ask)."""
    pool = POOLS[variant]
    name = rng.choice(NAMES[lang])
    city = rng.choice(CITIES[lang])
    head: list[str] = []
    if rng.random() < 0.85:
        head.append(rng.choice(pool[f"greet_{lang}"]))
    if rng.random() < 0.6:
        head.append(rng.choice(pool[f"persona_{lang}"]).format(city=city, name=name))
    if rng.random() < 0.5:
        head.append(rng.choice(pool[f"request_{lang}"]))
    body = content
    if quote:
        lead = "Поддерживаю обращение:" if lang == "ru" else "Мына үндеуді қолдаймын:"
        body = f"{lead} «{content}»"
    tail: list[str] = []
    if rng.random() < 0.85:
        tail.append(rng.choice(pool[f"close_{lang}"]))
    sign = [name] if rng.random() < 0.7 else []
    if rng.random() < 0.4:
        sign.append(f"г. {city}" if lang == "ru" else f"{city} қаласы")
    lines = [" ".join(head), body, " ".join(tail), ", ".join(sign)]
    if rng.random() < 0.3:
        lines.append(f"{rng.randint(1, 28)} {rng.choice(MONTHS[lang])} 2026")
    if rng.random() < 0.2:
        lines.append(f"тел. +7 70{rng.randint(0, 9)} {rng.randint(100, 999)} 45 67")
    letter = "\n".join(x for x in lines if x)
    letter = script(letter, lang, how)
    return typo(letter, rng, typos) if typos else letter
