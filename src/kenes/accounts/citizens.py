"""Citizens' sign-in and personal-data services (issue #10): phone codes, e-mail links,
OpenID Connect, IIN, consent records, erasure.

Codes and link tokens are stored only as a keyed hash (HMAC-SHA256 under a key derived from
``SECRET_KEY``), expire after ``KENES_SIGNIN_CODE_TTL`` / ``KENES_SIGNIN_LINK_TTL`` seconds,
allow ``KENES_SIGNIN_CODE_ATTEMPTS`` wrong tries, and at most ``KENES_SIGNIN_CODES_PER_HOUR``
are sent to one phone or address per hour. Phones, e-mails, names and IINs are encrypted at
rest and looked up by blind index only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts import iin as iin_mod
from kenes.accounts import sms
from kenes.accounts.models import (
    Citizen,
    ConsentPurpose,
    ConsentRecord,
    SignInChannel,
    SignInCode,
)
from kenes.core.crypto import blind_index

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


def _key() -> bytes:
    return hashlib.sha256(b"kenes sign-in code|" + settings.SECRET_KEY.encode()).digest()


def _digest(target_index: str, code: str) -> str:
    return hmac.new(_key(), f"{target_index}|{code}".encode(), hashlib.sha256).hexdigest()


def normalize_phone(raw: str) -> str:
    """Return ``+77011234567`` for a Kazakh mobile typed any common way; raise ValidationError."""
    digits = re.sub(r"[\s()\-\u00a0]", "", raw or "")
    if digits.startswith("8") and len(digits) == 11:
        digits = "+7" + digits[1:]
    elif digits.startswith("7") and len(digits) == 11:
        digits = "+" + digits
    if not re.fullmatch(r"\+[1-9][0-9]{9,14}", digits):
        raise ValidationError(
            {"phone": _("Type your phone number with the country code, e.g. +7 701 123 45 67.")}
        )
    return digits


def normalize_email(raw: str) -> str:
    email = (raw or "").strip()
    if not EMAIL_RE.match(email) or "\x00" in email:
        raise ValidationError({"email": _("Type an e-mail address, e.g. name@example.kz.")})
    local, _sep, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _target_index(channel: str, target: str) -> str:
    return blind_index(f"{channel}:{target}")


def _check_send_limit(target_index: str) -> None:
    hour_ago = timezone.now() - timedelta(hours=1)
    sent = SignInCode.objects.filter(target_index=target_index, created_at__gte=hour_ago).count()
    if sent >= settings.KENES_SIGNIN_CODES_PER_HOUR:
        raise ValidationError(
            _("Too many codes were sent to this address in the last hour. Try again later.")
        )


@transaction.atomic
def signin_code_send(*, phone: str) -> SignInCode:
    """Send a 6-digit one-time code to ``phone`` through the SMS gateway (after commit)."""
    phone = normalize_phone(phone)
    index = _target_index(SignInChannel.PHONE, phone)
    _check_send_limit(index)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    row = SignInCode.objects.create(
        channel=SignInChannel.PHONE,
        target=phone,
        target_index=index,
        digest=_digest(index, code),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.KENES_SIGNIN_CODE_TTL),
    )
    text = _("Kenes sign-in code: %(code)s. Do not tell it to anyone.") % {"code": code}
    transaction.on_commit(lambda: sms.gateway().send(phone=phone, text=text))
    return row


def signin_code_verify(*, phone: str, code: str) -> Citizen:
    """Return the citizen for ``phone`` when ``code`` is the latest live code sent to it.

    A wrong code counts an attempt (kept even though the call fails); after
    ``KENES_SIGNIN_CODE_ATTEMPTS`` the code is dead and a new one must be asked for.
    """
    phone = normalize_phone(phone)
    index = _target_index(SignInChannel.PHONE, phone)
    code = re.sub(r"\s", "", code or "")
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update()
            .filter(
                channel=SignInChannel.PHONE,
                target_index=index,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None:
            raise ValidationError(
                {"code": _("This code has expired or was never sent. Ask for a new code.")}
            )
        if row.attempts >= settings.KENES_SIGNIN_CODE_ATTEMPTS:
            raise ValidationError({"code": _("Too many wrong codes. Ask for a new code.")})
        if not hmac.compare_digest(row.digest, _digest(index, code)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            wrong = True
        else:
            wrong = False
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            citizen = _citizen_for(phone=phone)
    if wrong:
        raise ValidationError({"code": _("The code is wrong. Check it and try again.")})
    return citizen


def _citizen_for(*, phone: str = "", email: str = "") -> Citizen:
    field, value = ("phone", phone) if phone else ("email", email)
    index = blind_index(value)
    citizen = Citizen.objects.filter(**{f"{field}_index": index}).first()
    if citizen is None:
        citizen = Citizen(**{field: value, f"{field}_index": index})
    citizen.last_seen_at = timezone.now()
    citizen.save()
    return citizen


@transaction.atomic
def signin_link_send(*, email: str, base_url: str) -> SignInCode:
    """E-mail a one-time sign-in link (``base_url`` + token) to ``email`` (after commit)."""
    email = normalize_email(email)
    index = _target_index(SignInChannel.EMAIL, email)
    _check_send_limit(index)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    row = SignInCode.objects.create(
        channel=SignInChannel.EMAIL,
        target=email,
        target_index=index,
        digest=_digest("link", token),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.KENES_SIGNIN_LINK_TTL),
    )
    link = base_url + token
    subject = _("Sign in to Kenes")
    body = _(
        "Open this link to sign in to Kenes: %(link)s\n"
        "It works once, for %(minutes)s minutes. If you did not ask for it, ignore this message."
    ) % {"link": link, "minutes": settings.KENES_SIGNIN_LINK_TTL // 60}
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return row


@transaction.atomic
def signin_link_verify(*, token: str) -> Citizen:
    """Return the citizen for a live, unused e-mail link token (then the token is dead)."""
    row = (
        SignInCode.objects.select_for_update()
        .filter(
            channel=SignInChannel.EMAIL,
            digest=_digest("link", (token or "")[:100]),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if row is None:
        raise ValidationError(
            _("This sign-in link has expired or was already used. Ask for a new link.")
        )
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return _citizen_for(email=row.target)


@transaction.atomic
def citizen_from_oidc(*, issuer: str, subject: str, claims: dict[str, Any]) -> Citizen:
    """Return (creating) the citizen an identity provider vouched for as ``issuer|subject``.

    The name and e-mail the provider gives are stored encrypted; an IIN claim (see
    ``KENES_OIDC_IIN_CLAIM``) is checked and stored like a typed one.
    """
    if not issuer or not subject:
        raise ValidationError(_("The identity provider did not say who you are."))
    index = blind_index(f"oidc:{issuer}|{subject}")
    citizen = Citizen.objects.filter(oidc_index=index).first() or Citizen(oidc_index=index)
    name = str(claims.get("name") or "").strip()[:200]
    if name:
        citizen.name = name
    citizen.last_seen_at = timezone.now()
    citizen.save()
    claim = settings.KENES_OIDC_IIN_CLAIM
    if claim and claims.get(claim) and not citizen.iin:
        citizen_set_iin(citizen=citizen, iin=str(claims[claim]))
    return citizen


def iin_error_message(code: str) -> str:
    return {
        "format": _("An IIN is 12 digits."),
        "century": _("The 7th digit of an IIN is from 1 to 6. Check the number."),
        "date": _("The first six digits of an IIN are the date of birth. Check the number."),
        "check": _("This IIN has a wrong check digit. Check each digit."),
    }.get(code, _("This is not a valid IIN."))


@transaction.atomic
def citizen_set_iin(*, citizen: Citizen, iin: str) -> Citizen:
    """Check and store the citizen's IIN (encrypted, blind-indexed, unique)."""
    try:
        parsed = iin_mod.parse(iin)
    except iin_mod.IINError as exc:
        raise ValidationError({"iin": iin_error_message(exc.code)}) from exc
    index = blind_index("iin:" + parsed.value)
    if Citizen.objects.filter(iin_index=index).exclude(pk=citizen.pk).exists():
        raise ValidationError(
            {"iin": _("This IIN is already linked to another account. Sign in with that one.")}
        )
    citizen.iin, citizen.iin_index = parsed.value, index
    try:
        with transaction.atomic():
            citizen.save(update_fields=["iin", "iin_index"])
    except IntegrityError as exc:  # a concurrent registration of the same IIN
        raise ValidationError(
            {"iin": _("This IIN is already linked to another account. Sign in with that one.")}
        ) from exc
    return citizen


# --- consent ---


def consent_version(text: str) -> str:
    """The version of a consent text: a short hash of its exact wording."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@transaction.atomic
def consent_give(
    *,
    citizen: Citizen | None,
    purpose: str,
    text: str,
    language: str = "",
    proposal_code: str = "",
) -> ConsentRecord:
    """Record that a person agreed to ``text`` (its version is the hash of the wording)."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose of consent.")})
    return ConsentRecord.objects.create(
        citizen=citizen,
        purpose=purpose,
        text=text,
        version=consent_version(text),
        language=language,
        proposal_code=proposal_code,
    )


@transaction.atomic
def account_consent_ensure(*, citizen: Citizen, text: str, language: str = "") -> ConsentRecord:
    """Record the consent to keep the account (the sign-in page's text), once per version."""
    version = consent_version(text)
    record = ConsentRecord.objects.filter(
        citizen=citizen,
        purpose=ConsentPurpose.ACCOUNT,
        version=version,
        withdrawn_at__isnull=True,
    ).first()
    return record or consent_give(
        citizen=citizen, purpose=ConsentPurpose.ACCOUNT, text=text, language=language
    )


@transaction.atomic
def consent_withdraw(*, citizen: Citizen, record_id: int) -> ConsentRecord:
    """Withdraw one of the citizen's consents (the record stays, dated)."""
    record = ConsentRecord.objects.filter(pk=record_id, citizen=citizen).first()
    if record is None:
        raise ValidationError(_("There is no such consent of yours."))
    if record.withdrawn_at is None:
        record.withdrawn_at = timezone.now()
        record.save(update_fields=["withdrawn_at"])
    return record


def citizen_export(*, citizen: Citizen) -> dict[str, Any]:
    """The citizen's own account data (the proposals layer adds their proposals)."""
    return {
        "account": {
            "id": citizen.pk,
            "phone": citizen.phone,
            "email": citizen.email,
            "name": citizen.name,
            "iin": citizen.iin,
            "signed_in_with_identity_provider": bool(citizen.oidc_index),
            "created_at": citizen.created_at.isoformat(),
            "last_seen_at": citizen.last_seen_at.isoformat(),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "text": c.text,
                "version": c.version,
                "language": c.language,
                "proposal": c.proposal_code,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in citizen.consents.all()
        ],
    }


def citizen_erase_account(*, citizen: Citizen) -> Citizen:
    """Erase the account's personal data and withdraw its consents; call in a transaction.

    The row stays (so proposals keep their link and the person's "my proposals" is gone
    with their identifiers); it can no longer be signed in to.
    """
    now = timezone.now()
    citizen.phone = citizen.email = citizen.name = citizen.iin = ""
    citizen.phone_index = citizen.email_index = citizen.oidc_index = citizen.iin_index = ""
    citizen.erased_at = now
    citizen.save()
    citizen.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    return citizen


def signin_codes_purge(*, older_than: timedelta) -> int:
    """Delete sign-in codes created before ``now - older_than``; return how many."""
    deleted, _rows = SignInCode.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
