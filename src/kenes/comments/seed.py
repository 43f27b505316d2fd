"""Demo comments on v1 of the demo law, moderated, then carried to v2 (idempotent)."""

from __future__ import annotations

from kenes.accounts.models import User
from kenes.comments.models import Comment, CommentState, HiddenReason
from kenes.comments.services import comment_moderate, comment_submit, comments_carry
from kenes.core.seeding import SeedContext
from kenes.drafts.models import Version
from kenes.drafts.seed import DEMO_SLUG

# (article, point or None, language, text, state, reason)
DEMO = [
    (
        "3",
        "1",
        "ru",
        "Хорошо бы добавить принцип доступности для людей с инвалидностью.",
        "published",
        "",
    ),
    ("3", "2", "kk", "«Мәні бойынша» деген сөзді түсіндіру керек.", "published", ""),
    ("6", "1", "ru", "Тридцать дней — слишком мало для сельских районов.", "published", ""),
    ("6", "1", "kk", "Мерзімді ұзарту дұрыс, бірақ жазғы демалыс кезінде емес.", "published", ""),
    ("6", "1", "ru", "Позвоните мне: 8 701 123 45 67, расскажу подробнее.", "published", ""),
    ("10", None, "ru", "Анонимные предложения нужны тем, кто боится давления.", "published", ""),
    ("12", "1", "ru", "Купите наш курс по праву со скидкой!", "hidden", HiddenReason.SPAM),
    ("12", "1", "kk", "Шешімдердің тізімі толық емес сияқты.", "pending", ""),
]


def seed(ctx: SeedContext) -> None:
    v1 = Version.objects.filter(document__slug=DEMO_SLUG, label="v1").first()
    v2 = Version.objects.filter(document__slug=DEMO_SLUG, label="v2").first()
    if v1 is None or Comment.objects.filter(version=v1).exists():
        return
    moderator = User.objects.filter(username="reviewer").first()
    for number, point_number, lang, text, state, reason in DEMO:
        article = v1.articles.filter(number=number).first()
        if article is None:
            continue
        point = article.points.filter(number=point_number).first() if point_number else None
        comment = comment_submit(version=v1, article=article, point=point, text=text, language=lang)
        if state != CommentState.PENDING:
            comment_moderate(actor=moderator, comment=comment, state=state, reason=reason)
    if v2 is not None:
        comments_carry(actor=None, version=v2, previous=v1)
    ctx.say(f"Comments: {len(DEMO)} demo comments on {DEMO_SLUG}/v1, carried to v2.")
