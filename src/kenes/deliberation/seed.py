"""Demo conversation on the demo law: bilingual statements and generated votes.

Three opinion groups are simulated — people who want everything online ("digital"), people who
want meetings, paper and longer deadlines ("rural"), and people who want authors identified and
deadlines short ("strict") — so the results page has groups, consensus and bridging to show.
Idempotent (skips when the conversation exists) and fast (a few thousand votes, one compute).
"""

from __future__ import annotations

import random

from kenes.core.seeding import SeedContext
from kenes.deliberation import services
from kenes.deliberation.models import Conversation
from kenes.drafts.models import Version

DEMO_SLUG = "consultations-law-talk"

# (language, text, P(agree) for the digital, rural and strict groups)
STATEMENTS: list[tuple[str, str, tuple[float, float, float]]] = [
    (
        "ru",
        "На каждое предложение должен быть дан мотивированный ответ, даже если оно отклонено.",
        (0.92, 0.9, 0.85),
    ),
    (
        "kk",
        "Жоба қазақ және орыс тілдерінде бір мезгілде жариялануы керек.",
        (0.9, 0.93, 0.8),
    ),
    (
        "ru",
        "Сводная таблица всех предложений и ответов на них должна быть открыта для каждого.",
        (0.88, 0.82, 0.75),
    ),
    (
        "ru",
        "Предложения достаточно принимать через интернет и мобильное приложение.",
        (0.85, 0.08, 0.5),
    ),
    (
        "kk",
        "Әр ауылда жоба туралы түсіндіру кездесуі міндетті түрде өткізілуі тиіс.",
        (0.35, 0.95, 0.45),
    ),
    (
        "ru",
        "Тридцати дней на консультацию мало: нужно не меньше шестидесяти.",
        (0.3, 0.9, 0.15),
    ),
    (
        "kk",
        "Жасырын ұсыныстар қабылданбауы керек: автор өзінің кім екенін көрсетуі тиіс.",
        (0.1, 0.35, 0.92),
    ),
    (
        "ru",
        "Анонимные предложения нужно рассматривать наравне с подписанными.",
        (0.9, 0.55, 0.05),
    ),
    (
        "ru",
        "За заведомо ложные сведения в предложениях должна быть ответственность.",
        (0.2, 0.4, 0.88),
    ),
    (
        "kk",
        "Жобаны аудандық газеттерде және жергілікті радиода да жариялау керек.",
        (0.3, 0.92, 0.55),
    ),
    (
        "ru",
        "Ответ на предложение должен быть написан простым языком, понятным без юриста.",
        (0.82, 0.88, 0.72),
    ),
    (
        "kk",
        "Түбіртек коды SMS арқылы да жіберілуі керек, интернеті жоқ адамдар үшін.",
        (0.62, 0.9, 0.6),
    ),
    (
        "kk",
        "Қағаз түрінде ұсыныс қабылдау – уақыт пен қаржыны босқа жұмсау.",
        (0.8, 0.05, 0.45),
    ),
    (
        "ru",
        "Консультации затягивают принятие законов, их сроки нужно сократить.",
        (0.45, 0.08, 0.85),
    ),
    (
        "ru",
        "Общественные наблюдатели должны иметь доступ к журналу консультаций.",
        (0.85, 0.75, 0.45),
    ),
    (
        "kk",
        "Қорытынды есепте әр өңірден қанша ұсыныс түскені көрсетілуі керек.",
        (0.78, 0.86, 0.74),
    ),
    (
        "ru",
        "Имена и контакты авторов предложений нельзя публиковать ни при каких условиях.",
        (0.88, 0.8, 0.4),
    ),
    (
        "kk",
        "Ұсынысты тек ЖСН арқылы тіркелген азаматтар ғана жібере алуы керек.",
        (0.15, 0.3, 0.9),
    ),
    (
        "ru",
        "Встречи с жителями нужно проводить на том языке, который удобен жителям.",
        (0.72, 0.95, 0.68),
    ),
    (
        "kk",
        "Онлайн арқылы ұсыныс жіберу ауыл тұрғындары үшін де ыңғайлы.",
        (0.88, 0.25, 0.55),
    ),
]

# Participant statements left for the moderation queue.
PENDING = [
    ("ru", "Пусть комиссия раз в неделю публикует, сколько предложений уже рассмотрено."),
    ("kk", "Кездесулер жұмыс уақытынан тыс, кешкісін өткізілсе екен."),
]

GROUPS = [("digital", 140), ("rural", 115), ("strict", 85)]
PASS_RATE = 0.08


def generate_votes(statement_ids: list[int], *, seed: int = 2026) -> list[tuple[str, int, int]]:
    """Votes of the simulated participants: (participant id, statement id, value)."""
    rng = random.Random(seed)
    votes: list[tuple[str, int, int]] = []
    n = 0
    for g, (_name, size) in enumerate(GROUPS):
        for _ in range(size):
            n += 1
            pid = f"demo-{n:04d}"
            # Each person votes on 60–100 % of the statements, in their own order.
            share = rng.uniform(0.6, 1.0)
            for sid, (_lang, _text, probs) in zip(statement_ids, STATEMENTS, strict=True):
                if rng.random() > share:
                    continue
                r = rng.random()
                if r < PASS_RATE:
                    value = 0
                elif r < PASS_RATE + (1 - PASS_RATE) * probs[g]:
                    value = 1
                else:
                    value = -1
                votes.append((pid, sid, value))
    return votes


def seed(ctx: SeedContext) -> None:
    if Conversation.objects.filter(slug=DEMO_SLUG).exists():
        return
    version = (
        Version.objects.filter(document__slug="consultations-law").order_by("-id").first()
        or Version.objects.order_by("-id").first()
    )
    if version is None:
        return
    conv = services.conversation_create(
        actor=None,
        slug=DEMO_SLUG,
        version=version,
        title_kk="Қоғамдық консультациялар туралы заң: не маңызды?",
        title_ru="Закон об общественных консультациях: что важно?",
        description_kk=(
            "Әр пікірге «Келісемін», «Келіспеймін» немесе «Өткізу» деп жауап беріңіз. "
            "Өз пікіріңізді де қоса аласыз – модератор тексергеннен кейін басқалар оған дауыс береді."
        ),
        description_ru=(
            "Ответьте на каждое утверждение: «Согласен», «Не согласен» или «Пропустить». "
            "Можно добавить своё утверждение – после проверки модератором за него проголосуют другие."
        ),
    )
    statements = [
        services.statement_seed(actor=None, conversation=conv, text=text, language=lang)
        for lang, text, _probs in STATEMENTS
    ]
    votes = generate_votes([s.pk for s in statements])
    services.votes_load(actor=None, conversation=conv, votes=votes)
    author = services.participant_get_or_create(
        conversation=conv,
        device_token="demo-author-device-token-0001",  # noqa: S106 - a demo device, not a secret
    )
    for lang, text in PENDING:
        services.statement_submit(conversation=conv, participant=author, text=text, language=lang)
    result = services.result_recompute(conversation=conv, force=True)
    if result is not None:
        services.result_publish(actor=None, result=result)
        groups = len(result.data.get("group_sizes", {}))
        ctx.say(
            f"Deliberation: /talk/{DEMO_SLUG}/ — {len(statements)} statements, "
            f"{result.n_participants} participants, {result.n_votes} votes, {groups} groups "
            f"({result.seconds:.1f} s)."
        )
