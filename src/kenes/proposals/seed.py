"""Demo proposals: about 2,000 in Kazakh and Russian over every channel and region.

The texts are written for the demo law (kenes.drafts.demo) from phrases combined at random with
a fixed seed, so a demo looks like a living consultation and is the same on every machine.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from kenes.core.seeding import SeedContext
from kenes.drafts.models import Version
from kenes.drafts.seed import DEMO_SLUG
from kenes.geo.regions import Region
from kenes.proposals.models import AuthorKind, Channel, Proposal
from kenes.proposals.services import proposal_submit

DEMO_COUNT = 2000

# article number → (ru proposals, kk proposals)
IDEAS: dict[str | None, tuple[list[str], list[str]]] = {
    "4": (
        [
            "Предлагаю публиковать проект также на языках этнических групп, проживающих в регионе.",
            "Нужно прямо указать, что ответ даётся на языке предложения.",
        ],
        [
            "Жобаны өңірде тұратын этностық топтардың тілдерінде де жариялауды ұсынамын.",
            "Жауап ұсыныс жазылған тілде берілетінін тікелей көрсету керек.",
        ],
    ),
    "5": (
        [
            "Тридцати дней мало: сельские жители не успевают прочитать проект.",
            "Проект нужно публиковать и в печатных районных газетах, не только в интернете.",
        ],
        [
            "Отыз күн аз: ауыл тұрғындары жобаны оқып үлгермейді.",
            "Жобаны интернетте ғана емес, аудандық газеттерде де жариялау керек.",
        ],
    ),
    "6": (
        [
            "Срок консультаций следует увеличить до шестидесяти дней.",
            "Для конституционных поправок срок должен быть не меньше девяноста дней.",
        ],
        [
            "Консультациялар мерзімін алпыс күнге дейін ұзарту керек.",
            "Конституциялық түзетулер үшін мерзім кемінде тоқсан күн болуы тиіс.",
        ],
    ),
    "7": (
        [
            "Добавьте приём предложений через мобильное приложение и SMS.",
            "Пусть предложения можно будет оставить в акимате сельского округа.",
        ],
        [
            "Ұсыныстарды ұялы қосымша және SMS арқылы қабылдауды қосыңыздар.",
            "Ұсыныстарды ауылдық округ әкімдігінде де қалдыруға болсын.",
        ],
    ),
    "8": (
        [
            "Квитанцию нужно отправлять по SMS, а не только показывать на экране.",
            "Код квитанции должен быть коротким, чтобы его можно было продиктовать.",
        ],
        [
            "Түбіртекті экранда көрсетумен шектелмей, SMS арқылы жіберу керек.",
            "Түбіртек коды қысқа болуы керек, оны телефонмен айтып беруге болатындай.",
        ],
    ),
    "9": (
        [
            "Встречи в отдалённых сёлах надо проводить до начала посевной.",
            "Протоколы встреч нужно публиковать в течение трёх дней.",
        ],
        [
            "Шалғай ауылдардағы кездесулерді егіс науқаны басталғанға дейін өткізу керек.",
            "Кездесу хаттамаларын үш күн ішінде жариялау қажет.",
        ],
    ),
    "10": (
        [
            "Анонимные предложения тоже нужно рассматривать, если они по существу.",
            "Запрет анонимных предложений отпугнёт людей, прошу исключить статью 10.",
        ],
        [
            "Мәні бар болса, жасырын ұсыныстарды да қарау керек.",
            "Жасырын ұсыныстарға тыйым адамдарды үркітеді, 10-бапты алып тастауды сұраймын.",
        ],
    ),
    "12": (
        [
            "Ответ должен содержать ссылку на изменённую статью.",
            "Нужно добавить вариант ответа «вне предмета проекта».",
        ],
        [
            "Жауапта өзгертілген бапқа сілтеме болуы керек.",
            "«Жобаның шегінен тыс» деген жауап нұсқасын қосу керек.",
        ],
    ),
    "14": (
        [
            "Контакты авторов должны храниться в зашифрованном виде.",
            "Прошу не публиковать даже регион автора без его согласия.",
        ],
        [
            "Авторлардың байланыс деректері шифрланған түрде сақталуы керек.",
            "Автордың келісімінсіз оның өңірін де жарияламауды сұраймын.",
        ],
    ),
    "15": (
        [
            "Журнал должен быть доступен для проверки любому гражданину.",
            "Пусть наблюдатели от партий подтверждают журнал своей подписью.",
        ],
        [
            "Журналды кез келген азамат тексере алатын болуы керек.",
            "Партиялардан байқаушылар журналды өз қолтаңбасымен растасын.",
        ],
    ),
    None: (
        [
            "Закон нужен, но его язык слишком сложен для простых людей.",
            "Спасибо за возможность высказаться. Прошу учесть мнение молодёжи.",
        ],
        [
            "Заң қажет, бірақ оның тілі қарапайым адамдарға тым күрделі.",
            "Пікір айтуға мүмкіндік бергендеріңізге рахмет. Жастардың пікірін ескеруді сұраймын.",
        ],
    ),
}
OPENINGS = (
    ["", "Уважаемая комиссия! ", "Добрый день. ", "Как учитель со стажем, "],
    ["", "Құрметті комиссия! ", "Сәлеметсіздер ме. ", "Ұзақ жыл ұстаз ретінде, "],
)
CLOSINGS = (
    ["", " Спасибо.", " Надеюсь на ответ.", " Это важно для нашего села."],
    ["", " Рахмет.", " Жауап күтемін.", " Бұл біздің ауыл үшін маңызды."],
)
CHANNEL_WEIGHTS = [
    (Channel.WEB, 55),
    (Channel.API, 10),
    (Channel.FILE, 10),
    (Channel.MEETING, 15),
    (Channel.PAPER, 7),
    (Channel.EMAIL, 3),
]


def demo_texts(rng: random.Random, n: int) -> list[tuple[str | None, str, str]]:
    """Return n (article, language, text) triples."""
    out = []
    keys = list(IDEAS)
    for _i in range(n):
        article = rng.choice(keys)
        lang_index = 0 if rng.random() < 0.45 else 1
        base = rng.choice(IDEAS[article][lang_index])
        text = rng.choice(OPENINGS[lang_index]) + base + rng.choice(CLOSINGS[lang_index])
        out.append((article, ("ru", "kk")[lang_index], text))
    return out


def seed(ctx: SeedContext, count: int = DEMO_COUNT) -> None:
    version = Version.objects.filter(document__slug=DEMO_SLUG, label="v1").first()
    if version is None or Proposal.objects.filter(version=version).exists():
        return
    rng = random.Random(2026)
    now = timezone.now()
    channels = [c for c, w in CHANNEL_WEIGHTS for _ in range(w)]
    for i, (article, lang, text) in enumerate(demo_texts(rng, count)):
        channel = rng.choice(channels)
        proposal_submit(
            actor=None,
            version=version,
            text=text,
            channel=channel,
            article_number=article,
            language=lang,
            author_kind=(
                AuthorKind.MEETING
                if channel == Channel.MEETING
                else rng.choice(
                    [AuthorKind.CITIZEN] * 8 + [AuthorKind.EXPERT, AuthorKind.ORGANISATION]
                )
            ),
            region=rng.choice(Region.values) if rng.random() < 0.9 else "",
            source={
                "file": "demo-import.csv",
                "meeting": "demo-meetings",
                "paper": "demo-paper-forms",
            }.get(channel, ""),
            external_id=f"demo-{i}" if channel in (Channel.FILE, Channel.PAPER) else "",
            submitted_at=now - timedelta(minutes=rng.randint(5, 60 * 24 * 30)),
        )
    ctx.say(f"Proposals: {count} demo proposals on {DEMO_SLUG}/v1.")
