"""Demo: plain-language notes on the articles of the demo law that changed in v2, for handouts."""

from __future__ import annotations

from kenes.accounts.models import User
from kenes.core.seeding import SeedContext
from kenes.drafts.models import Article
from kenes.drafts.seed import DEMO_SLUG
from kenes.reports.models import ExplainerNote
from kenes.reports.services import explainer_note_save

NOTES = {
    "6": (
        "Талқылау енді кемінде 45 күнге созылады (бұрын 30 күн еді), ал Конституция жобасы "
        "бойынша — кемінде 60 күн. Ұсыныс жіберуге уақыт көбейді.",
        "Обсуждение теперь длится не меньше 45 дней (раньше было 30), а по проекту Конституции — "
        "не меньше 60 дней. Времени, чтобы отправить предложение, стало больше.",
    ),
    "11-1": (
        "Бір мәтінді көп адам жіберсе, ол бір ұсыныс ретінде қаралады, бірақ авторлар саны "
        "көрсетіледі: әр дауыс есептеледі.",
        "Если один текст прислали много людей, его рассматривают как одно предложение, но "
        "указывают число авторов: каждый голос учитывается.",
    ),
    "12": (
        "Әр ұсынысқа төрт шешімнің бірі беріледі: қабылданды, ішінара қабылданды, қабылданбады "
        "немесе жобаға қатысы жоқ. Шешімнің себебі ұсыныс тілінде жазылады.",
        "На каждое предложение дают одно из четырёх решений: принять, принять частично, "
        "отклонить или признать не относящимся к проекту. Причину пишут на языке предложения.",
    ),
}


def seed(ctx: SeedContext) -> None:
    articles = {
        a.number: a
        for a in Article.objects.filter(
            version__document__slug=DEMO_SLUG, version__label="v2", number__in=list(NOTES)
        )
    }
    if not articles or ExplainerNote.objects.filter(article__in=articles.values()).exists():
        return
    admin = User.objects.filter(username="admin").first()
    for number, (kk, ru) in NOTES.items():
        if number in articles:
            explainer_note_save(actor=admin, article=articles[number], language="kk", text=kk)
            explainer_note_save(actor=admin, article=articles[number], language="ru", text=ru)
    ctx.say(
        f"Handouts: plain-language notes on {len(articles)} articles of v2 (/reports/handouts/)."
    )
