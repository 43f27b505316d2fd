from __future__ import annotations

import pytest

from kenes.deliberation import services


@pytest.fixture(autouse=True)
def _no_auto_recompute(settings):
    settings.KENES_DELIB_AUTO = False
    settings.KENES_LEDGER_AUTOSEQUENCE = False


@pytest.fixture
def conversation(version, admin_user):
    return services.conversation_create(
        actor=admin_user,
        slug="demo-talk",
        version=version,
        title_kk="Жоба туралы әңгіме",
        title_ru="Разговор о проекте",
        description_kk="Келісесіз бе?",
        description_ru="Согласны ли вы?",
    )


@pytest.fixture
def statements(conversation, admin_user):
    texts = [
        ("Әр ұсынысқа дәлелді жауап берілуі керек.", "kk"),
        ("Срок консультаций нужно продлить до шестидесяти дней.", "ru"),
        ("Жасырын ұсыныстарды қабылдамау керек.", "kk"),
    ]
    return [
        services.statement_seed(actor=admin_user, conversation=conversation, text=t, language=lang)
        for t, lang in texts
    ]


def device(n: int) -> str:
    return f"device-token-{n:06d}-abcdefgh"


@pytest.fixture
def participant(conversation):
    return services.participant_get_or_create(conversation=conversation, device_token=device(1))
