"""Sending receipts to authors. Backends: ``console`` (default) and ``email``.

``KENES_NOTIFIER=email`` sends with Django's email settings (``EMAIL_HOST`` ...); phones get the
message through an SMS gateway backend an operator can add here. The console backend never
prints the contact itself: personal data stays out of logs.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from kenes.proposals.models import Proposal

log = logging.getLogger("kenes.notify")


def mask(contact: str) -> str:
    if "@" in contact:
        name, _sep, domain = contact.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"***{contact[-2:]}"


def receipt_message(proposal: Proposal) -> tuple[str, str]:
    with translation.override(proposal.language if proposal.language != "en" else "ru"):
        subject = _("Your proposal was received: %(code)s") % {"code": proposal.code}
        body = _(
            "Your proposal to the draft was received and registered under the code "
            "%(code)s. Keep this code: with it you can follow the review and see the "
            "answer at %(url)s."
        ) % {"code": proposal.code, "url": f"{settings.KENES_PUBLIC_URL}/track/"}
    return subject, body


def send(proposal: Proposal) -> None:
    subject, body = receipt_message(proposal)
    backend = settings.KENES_NOTIFIER
    if backend == "email" and "@" in proposal.contact:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [proposal.contact])
        log.info("receipt %s sent by email to %s", proposal.code, mask(proposal.contact))
    else:
        log.info("receipt %s for %s: %s", proposal.code, mask(proposal.contact), subject)


# How many receipts one task sends (and one worker query reads).
BATCH = 500


def send_many(proposal_ids: list[int]) -> int:
    """Send the receipts of many proposals: one query per batch, one mail connection.

    Returns how many receipts were sent (proposals without a contact are skipped).
    """
    backend = settings.KENES_NOTIFIER
    sent = 0
    connection = get_connection() if backend == "email" else None
    for start in range(0, len(proposal_ids), BATCH):
        chunk = proposal_ids[start : start + BATCH]
        proposals = Proposal.objects.filter(pk__in=chunk).exclude(contact="").order_by("pk")
        messages = []
        for proposal in proposals.iterator(chunk_size=BATCH):
            subject, body = receipt_message(proposal)
            if connection is not None and "@" in proposal.contact:
                messages.append(
                    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [proposal.contact])
                )
            log.info("receipt %s for %s: %s", proposal.code, mask(proposal.contact), subject)
            sent += 1
        if connection is not None and messages:
            connection.send_messages(messages)
    return sent
