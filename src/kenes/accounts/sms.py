"""SMS gateways for one-time sign-in codes.

A gateway is a class with ``send(*, phone: str, text: str) -> None``; ``KENES_SMS_BACKEND``
names it (dotted path). An operator adds their provider's gateway beside these. The console
gateway, for development and tests, writes the message to standard error with the phone
masked and keeps it in :data:`outbox` so tests (and the browser tests) can read the code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsGateway(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


@dataclass(frozen=True)
class Sent:
    phone: str
    text: str


# Messages sent by the console gateway in this process, newest last (dev and tests only).
outbox: list[Sent] = []


def mask_phone(phone: str) -> str:
    return "•" * max(len(phone) - 4, 0) + phone[-4:]


class ConsoleGateway:
    """Print the message (phone masked) to stderr and keep it in :data:`outbox`."""

    def send(self, *, phone: str, text: str) -> None:
        outbox.append(Sent(phone, text))
        del outbox[:-200]
        print(f"[kenes sms to {mask_phone(phone)}] {text}", file=sys.stderr)


def gateway() -> SmsGateway:
    cls = import_string(settings.KENES_SMS_BACKEND)
    return cls()  # type: ignore[no-any-return]
