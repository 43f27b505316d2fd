"""Demo meetings: about 300 over the demo KATO excerpt — 220 held in the last two months with
attendance, minutes, questions and proposals (through the services, so the proposals reach
the review queue), 80 planned in the coming month, with gaps left so the coverage page tells
a story (some districts with nothing planned, remote villages still unvisited)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kenes.coalition.models import Organisation
from kenes.core.seeding import SeedContext
from kenes.drafts.models import Version
from kenes.drafts.seed import DEMO_SLUG
from kenes.geo.models import Unit
from kenes.outreach.models import Audience, Meeting
from kenes.outreach.services import (
    ATTENDANCE_KEYS,
    meeting_plan,
    meeting_proposals_add,
    meeting_report,
)

HELD, PLANNED = 220, 80
# How much each demo region has been covered so far (relative weights of held meetings).
REGION_WEIGHT = {"61": 5, "11": 3, "43": 2.5, "63": 1.5, "59": 1}
PLACES = [
    ("ауылдық клуб", "сельский клуб"),
    ("мектептің акт залы", "актовый зал школы"),
    ("ауыл әкімдігі", "акимат сельского округа"),
    ("мәдениет үйі", "дом культуры"),
    ("кітапхана", "библиотека"),
]
MINUTES = [
    (
        "Заң жобасының негізгі баптары түсіндірілді. Тұрғындар консультация мерзімі мен "
        "ұсыныс беру тәсілдері туралы сұрады.",
        "kk",
    ),
    (
        "Разъяснены основные статьи проекта. Жители спрашивали о сроках консультаций и о том, "
        "как подать предложение без интернета.",
        "ru",
    ),
]
QUESTIONS = [
    "Ұсынысқа жауап қашан келеді?",
    "Можно ли подать предложение по телефону?",
    "Жоба газетте жарияланады ма?",
    "Кто будет рассматривать предложения?",
]
PROPOSALS = [
    ("5", "kk", "Жобаны аудандық газеттерде де жариялау керек, ауылда интернет нашар."),
    ("5", "ru", "Тридцати дней мало: в сёлах не успевают прочитать проект, нужно больше."),
    ("6", "kk", "Консультациялар мерзімін алпыс күнге дейін ұзартуды ұсынамыз."),
    ("7", "ru", "Пусть предложения принимают и в акимате сельского округа, на бумаге."),
    ("7", "kk", "Ұсыныстарды ауылдық округ әкімдігінде қағаз түрінде қабылдау керек."),
    ("9", "ru", "Встречи в отдалённых сёлах проводить до начала посевной кампании."),
    ("9", "kk", "Кездесу хаттамаларын үш күн ішінде жариялау қажет."),
    (None, "ru", "Просим провести ещё одну встречу для животноводов с дальних зимовок."),
]


def seed(ctx: SeedContext) -> None:
    version = Version.objects.filter(document__slug=DEMO_SLUG, label="v1").first()
    if version is None or Meeting.objects.exists():
        return
    orgs = list(Organisation.objects.order_by("id"))
    settlements = list(
        Unit.objects.filter(is_settlement=True, region_code__in=REGION_WEIGHT).order_by("code")
    )
    if not orgs or not settlements:
        return
    rng = random.Random(80)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    by_region: dict[str, list[Unit]] = {}
    for unit in settlements:
        by_region.setdefault(unit.region_code, []).append(unit)
    regions = list(REGION_WEIGHT)
    weights = [REGION_WEIGHT[r] for r in regions]
    proposals = 0
    with transaction.atomic():
        for n in range(HELD + PLANNED):
            held = n < HELD
            region = rng.choices(regions, weights)[0] if held else rng.choice(regions)
            pool = by_region[region]
            # Remote villages are visited less often: the coverage page shows the gap.
            unit = rng.choice(pool)
            if unit.remote and rng.random() < 0.6:
                unit = rng.choice(pool)
            if (
                not held
                and unit.district_id
                and unit.district_id.endswith("2400000")
                and region in ("59", "63")
            ):
                continue  # nothing planned yet in these two districts
            org = orgs[0] if n % 6 == 0 else rng.choice(orgs)
            starts = (
                now - timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 6))
                if held
                else now + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 6))
            )
            place_kk, place_ru = rng.choice(PLACES)
            language = rng.choice(["kk", "kk", "kk_ru", "ru"])
            meeting = meeting_plan(
                actor=None,
                organisation=org,
                settlement=unit,
                version=version,
                audience=rng.choice(Audience.values),
                starts_at=starts.replace(hour=11),
                place=place_ru if language == "ru" else place_kk,
                language=language,
                speakers="Облыстық филиал төрағасы; заңгер-сарапшы",
            )
            if not held:
                continue
            counts = {key: 0 for key in ATTENDANCE_KEYS}
            for key in rng.sample(ATTENDANCE_KEYS, 6):
                counts[key] = rng.randint(1, 14)
            text, _lang = rng.choice(MINUTES)
            meeting_report(
                actor=None,
                meeting=meeting,
                attendance=counts,
                minutes=text,
                questions=rng.sample(QUESTIONS, rng.randint(0, 2)),
            )
            items = [
                {
                    "text": t,
                    "article_number": a,
                    "language": lang,
                    "external_id": f"demo-{meeting.pk}-{k}",
                    "source_ref": f"form {k + 1}",
                }
                for k, (a, lang, t) in enumerate(rng.sample(PROPOSALS, rng.randint(0, 3)))
            ]
            if items:
                meeting_proposals_add(actor=None, meeting=meeting, items=items)
                proposals += len(items)
    ctx.say(
        f"Meetings: {Meeting.objects.count()} ({HELD} held, {proposals} proposals raised at them)."
    )
