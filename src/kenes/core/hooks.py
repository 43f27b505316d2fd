"""After-commit hooks: a lower app announces an event, a higher app reacts to it.

Intake (``proposals``) sits below ``insights`` and must not import it. Instead, intake calls
:func:`after_commit` with an event name and a payload; apps above register handlers for that
event from their ``AppConfig.ready``. The handlers run once the surrounding transaction has
committed (never for rows that were rolled back), in registration order; one failing handler
is logged and does not stop the others or the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

# Sent by intake with ``proposal_ids`` (list[int]) of proposals stored in the transaction,
# whatever the channel (web, API, file import, meeting report, offline sync).
PROPOSALS_STORED = "proposals.stored"

Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = {}


def register(event: str, handler: Handler) -> None:
    """Call ``handler(**payload)`` after each commit that announced ``event`` (idempotent)."""
    lst = _handlers.setdefault(event, [])
    if handler not in lst:
        lst.append(handler)


def unregister(event: str, handler: Handler) -> None:
    lst = _handlers.get(event, [])
    if handler in lst:
        lst.remove(handler)


def handlers(event: str) -> list[Handler]:
    return list(_handlers.get(event, []))


def after_commit(event: str, **payload: Any) -> None:
    """Run the handlers of ``event`` with ``payload`` once the current transaction commits."""
    todo = handlers(event)
    if not todo:
        return

    def run() -> None:
        for h in todo:
            try:
                h(**payload)
            except Exception:  # a reaction must never undo or fail the committed write
                log.exception("hook %s: handler %s failed", event, getattr(h, "__name__", h))

    transaction.on_commit(run)
