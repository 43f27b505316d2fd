"""After-commit hooks: a lower app announces an event, a higher app reacts to it.

Intake (``proposals``) sits below ``insights`` and must not import it. Instead, intake calls
:func:`after_commit` with an event name and a payload; apps above register handlers for that
event from their ``AppConfig.ready``. The handlers run once the surrounding transaction has
committed (never for rows that were rolled back), in registration order; one failing handler
is logged and does not stop the others or the request.
"""

from __future__ import annotations

import logging
import threading
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


_deferred = threading.local()


def defer_to(sink: Callable[[str, dict[str, Any]], None] | None) -> None:
    """In this thread, hand each committed event to ``sink(event, payload)`` instead of running
    its handlers in the committing thread (``None``: run them here again). The intake writer
    uses this so that its next batch does not wait for the reactions to the last one; the
    sink calls :func:`run_handlers` later, in a thread of its own."""
    _deferred.sink = sink


def run_handlers(event: str, payload: dict[str, Any]) -> None:
    """Call the handlers of ``event`` now; one failing is logged and skipped."""
    for h in handlers(event):
        try:
            h(**payload)
        except Exception:  # a reaction must never undo or fail the committed write
            log.exception("hook %s: handler %s failed", event, getattr(h, "__name__", h))


def after_commit(event: str, **payload: Any) -> None:
    """Run the handlers of ``event`` with ``payload`` once the current transaction commits."""
    if not handlers(event):
        return
    sink = getattr(_deferred, "sink", None)
    if sink is not None:
        transaction.on_commit(lambda: sink(event, payload))
    else:
        transaction.on_commit(lambda: run_handlers(event, payload))
