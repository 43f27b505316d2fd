"""Demo coalition: 5 parties and 25 other organisations (invented names) with regional
branches and contact people; the demo "organiser" user acts for the first party."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from kenes.accounts.models import User
from kenes.coalition.models import Organisation
from kenes.coalition.services import contact_add, organisation_create, organiser_link
from kenes.core.seeding import SeedContext

DETAILED = ["11", "43", "59", "61", "63"]
OTHER = ["10", "15", "19", "23", "27", "31", "33", "35", "39", "47", "55", "62", "71", "75", "79"]

# One organisation a line: slug | kind | name_kk | name_ru
ORGANISATIONS = [
    tuple(cell.strip() for cell in line.split("|"))
    for line in """
bolashak           | party              | «Болашақ жолы» партиясы | Партия «Болашақ жолы»
adal-zan           | party              | «Адал заң» партиясы | Партия «Адал заң»
zhasyl-dala        | party              | «Жасыл дала» партиясы | Партия «Жасыл дала»
auyl-tynysy        | party              | «Ауыл тынысы» партиясы | Партия «Ауыл тынысы»
el-birligi         | party              | «Ел бірлігі» партиясы | Партия «Ел бірлігі»
kenes-ana          | public_association | «Ана кеңесі» қоғамдық бірлестігі | Общественное объединение «Совет матерей»
ardager            | public_association | «Ардагерлер» қоғамдық бірлестігі | Общественное объединение «Ветераны»
kuqyq-alany        | public_association | «Құқық алаңы» бірлестігі | Объединение «Правовая площадка»
mugedek-kuqy       | public_association | Мүмкіндігі шектеулі жандар қоғамы | Общество людей с инвалидностью
tilashar           | public_association | «Тіләшар» тіл қоғамы | Языковое общество «Тiлашар»
kasipoda-bilim     | union              | Білім қызметкерлерінің кәсіподағы | Профсоюз работников образования
kasipoda-densaulyk | union              | Денсаулық сақтау қызметкерлерінің кәсіподағы | Профсоюз работников здравоохранения
kasipoda-agro      | union              | Агроөнеркәсіп кешені кәсіподағы | Профсоюз работников АПК
kasipoda-ken       | union              | Тау-кен металлургия кәсіподағы | Горно-металлургический профсоюз
fermerler          | industry           | Фермерлер одағы | Союз фермеров
shagyn-biznes      | industry           | Шағын кәсіпкерлер қауымдастығы | Ассоциация малого предпринимательства
kurylys            | industry           | Құрылысшылар қауымдастығы | Ассоциация строителей
zhas-tolkyn        | youth              | «Жас толқын» жастар қозғалысы | Молодёжное движение «Жас толқын»
student-kenes      | youth              | Студенттер кеңесі | Совет студентов
volonter           | youth              | Еріктілер желісі | Сеть волонтёров
zangerler          | expert             | Заңгерлер одағы | Союз юристов
sayasat-inst       | expert             | Саяси зерттеулер институты | Институт политических исследований
univer-kuqyq       | expert             | Университеттік құқық клиникасы | Университетская юридическая клиника
akademia           | expert             | Қоғамдық ғылымдар академиясы | Академия общественных наук
madeniet           | culture_sport      | Мәдениет қайраткерлері одағы | Союз деятелей культуры
sport-ardager      | culture_sport      | Спорт ардагерлері клубы | Клуб ветеранов спорта
akyndar            | culture_sport      | Ақындар мен жыршылар қауымдастығы | Ассоциация акынов и жырау
deputat-mazhilis   | deputies           | Мәжіліс депутаттарының «Ашық заң» тобы | Депутатская группа Мажилиса «Открытый закон»
deputat-maslikhat  | deputies           | Мәслихат депутаттарының өңіраралық тобы | Межрегиональная группа депутатов маслихатов
deputat-zhastar    | deputies           | Жас депутаттар тобы | Группа молодых депутатов
""".strip().splitlines()
]
FIRST = "Айгүл Ерлан Динара Бауыржан Сәуле Нұрлан Гүлнар Асқар Жанар Марат Ольга Сергей".split()
LAST = (
    "Ахметова Сейітов Жұмабаева Оспанов Қасымова Бекетов Иванова Петров Нұрланова Серікбаев".split()
)


def seed(ctx: SeedContext) -> None:
    if Organisation.objects.exists():
        return
    rng = random.Random(75)
    branches = 0
    with transaction.atomic():
        for n, (slug, kind, kk, ru) in enumerate(ORGANISATIONS):
            regions = (DETAILED if kind == "party" else rng.sample(DETAILED, 2)) + rng.sample(
                OTHER, 3 if kind == "party" else 1
            )
            org = organisation_create(
                actor=None,
                slug=slug,
                kind=kind,
                name_kk=kk,
                name_ru=ru,
                joined_on=date(2026, 1, 10 + n % 15),
                website=f"https://{slug}.example.kz",
                regions=sorted(regions),
            )
            for branch in org.branches.all():
                branches += 1
                contact_add(
                    actor=None,
                    branch=branch,
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    phone=f"+7 70{rng.randint(0, 9)} {rng.randint(100, 999)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    position="төраға" if not branch.region else "үйлестіруші",
                )
        organiser = User.objects.filter(username="organiser").first()
        if organiser is not None:
            organiser_link(
                actor=None,
                user=organiser,
                organisation=Organisation.objects.get(slug=ORGANISATIONS[0][0]),
            )
    ctx.say(
        f"Coalition: {len(ORGANISATIONS)} organisations, {branches} branches"
        + ("; the demo organiser acts for the first party." if organiser else ".")
    )
