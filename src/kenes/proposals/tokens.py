"""API clients: bearer tokens and idempotent submission through the API.

A token looks like ``kns_<prefix>_<secret>``. Only its SHA-256 digest and the 8-character
prefix are stored (``ApiToken``); the plain token is shown once, when it is created. The prefix
names the token in the admin and scopes its ``Idempotency-Key`` values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.core import crypto
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts.models import Version
from kenes.proposals.models import ApiToken, Channel, IdempotencyKey
from kenes.proposals.services import SubmitArgs, Submitted, proposal_submit

TOKEN_PREFIX = "kns_"  # noqa: S105 - the public marker of a token, not a secret
PUBLIC_SCOPE = "public"
KEY_MAX = 200


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: Actor, name: str, channel: str = Channel.API, source: str = ""
) -> tuple[ApiToken, str]:
    """Create a token; return it with its plain text, which is never stored nor shown again."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the token a name.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    user = acting_user(actor)
    token = ApiToken.objects.create(
        name=name.strip()[:200],
        channel=channel,
        source=source.strip()[:200],
        prefix=prefix,
        digest=token_digest(raw),
        created_by=user,
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        target=token,
        data={"prefix": prefix, "channel": channel},
    )
    return token, raw


def api_token_authenticate(raw: str) -> ApiToken | None:
    """Return the active token for a presented bearer value, or None."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.filter(digest=token_digest(raw), active=True).first()
    # The look-up is by digest; compare again in constant time for good measure.
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
        return None
    return token


# --- Idempotent submission ------------------------------------------------------------------


class IdempotencyConflictError(ValidationError):
    """The Idempotency-Key was used before with a different request body."""


@dataclass(frozen=True)
class ApiSubmitted:
    """The outcome of an API submission: ``replayed`` when an earlier one is returned."""

    submitted: Submitted
    replayed: bool


def request_digest(body: dict[str, Any]) -> str:
    """Return a keyed digest of a request body (the body holds the contact: no plain hash)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    key = hashlib.sha256(b"kenes idempotency|" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def public_scope(client: str) -> str:
    """The Idempotency-Key scope of a client without a token: a keyed hash of its address.

    Each anonymous client has its own scope, so one client's key can never replay another's
    proposal (or, within the replay window, its secret).
    """
    key = hashlib.sha256(b"kenes idempotency scope|" + settings.SECRET_KEY.encode()).digest()
    return "p:" + hmac.new(key, client.encode(), hashlib.sha256).hexdigest()[:14]


def _replay_secret(found: IdempotencyKey) -> str | None:
    """The sealed secret while the replay window lasts; erased (and None) after it."""
    if not found.secret_sealed:
        return None
    window = timedelta(seconds=settings.KENES_RECEIPT_REPLAY_SECONDS)
    if found.created_at < timezone.now() - window:
        IdempotencyKey.objects.filter(pk=found.pk).update(secret_sealed="")
        return None
    try:
        return crypto.decrypt(found.secret_sealed)
    except ValueError:
        return None


def replay_secrets_expire() -> int:
    """Erase the sealed secrets older than the replay window; return how many were erased."""
    cutoff = timezone.now() - timedelta(seconds=settings.KENES_RECEIPT_REPLAY_SECONDS)
    return (
        IdempotencyKey.objects.filter(created_at__lt=cutoff)
        .exclude(secret_sealed="")
        .update(secret_sealed="")
    )


def check_idempotency_key(key: str) -> None:
    """Refuse a key that is too long or not printable (an empty key is no key)."""
    if key and (len(key) > KEY_MAX or not key.isprintable()):
        raise ValidationError(
            {
                "idempotency_key": [
                    _("The Idempotency-Key must be at most %(n)s printable characters.")
                    % {"n": KEY_MAX}
                ]
            }
        )


def idempotency_conflict() -> IdempotencyConflictError:
    """The error for a key used before with a different body."""
    return IdempotencyConflictError(
        {
            "idempotency_key": [
                _(
                    "This Idempotency-Key was already used for a different request. Use a new key for "
                    "a new proposal."
                )
            ]
        }
    )


def _replay(scope: str, key: str, digest: str) -> ApiSubmitted | None:
    found = IdempotencyKey.objects.select_related("proposal").filter(scope=scope, key=key).first()
    if found is None:
        return None
    if not hmac.compare_digest(found.request_digest, digest):
        raise idempotency_conflict()
    return ApiSubmitted(
        Submitted(found.proposal, _replay_secret(found), created=False), replayed=True
    )


def proposal_submit_idempotent(
    *,
    actor: Actor,
    scope: str,
    idempotency_key: str,
    body_digest: str,
    version: Version,
    **submit: Unpack[SubmitArgs],
) -> ApiSubmitted:
    """Submit through :func:`proposal_submit`, at most once per ``(scope, idempotency_key)``.

    With an empty key it is a plain submission. Otherwise the key and the proposal are written
    in one transaction, so a crash leaves both or neither. A retry with the same key and the
    same body digest returns the first proposal with ``replayed=True`` and, within
    ``KENES_RECEIPT_REPLAY_SECONDS``, its secret again (kept encrypted with the key until then,
    so an author whose response was lost is not left without it); the same key with another body raises
    :class:`IdempotencyConflictError`. Two concurrent requests with one key: the unique
    constraint lets one commit, the other rolls back entirely and replays the first.
    """
    if not idempotency_key:
        result = proposal_submit(actor=actor, version=version, **submit)
        return ApiSubmitted(result, replayed=not result.created)
    check_idempotency_key(idempotency_key)
    if (replayed := _replay(scope, idempotency_key, body_digest)) is not None:
        return replayed
    for attempt in range(2):
        try:
            with transaction.atomic():
                result = proposal_submit(actor=actor, version=version, **submit)
                if result.created:
                    IdempotencyKey.objects.create(
                        scope=scope,
                        key=idempotency_key,
                        request_digest=body_digest,
                        proposal=result.proposal,
                        secret_sealed=(
                            crypto.encrypt(result.secret)
                            if result.secret and settings.KENES_RECEIPT_REPLAY_SECONDS > 0
                            else ""
                        ),
                    )
            return ApiSubmitted(result, replayed=not result.created)
        except IntegrityError:
            # A concurrent request with the same key (or external id) won; ours was rolled
            # back as a whole. Replay the winner, or submit again to find its external id.
            replayed = _replay(scope, idempotency_key, body_digest)
            if replayed is not None:
                return replayed
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
