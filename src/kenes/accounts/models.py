"""Staff accounts, and citizens' optional accounts (separate from staff: ``Citizen``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenes.core.crypto import EncryptedTextField


class User(AbstractUser):
    """A member of staff: commission admin, reviewer, coalition organiser or observer.

    The role is a Django group (see ``kenes.accounts.roles``); a user may hold several.
    """

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))],
        default="kk",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("staff user")  # type: ignore[assignment]
        verbose_name_plural = _("staff users")  # type: ignore[assignment]
        swappable = "AUTH_USER_MODEL"


# --- citizens (issue #10): accounts separate from staff, optional per consultation ---


class Citizen(models.Model):
    """A citizen who signed in (phone code, e-mail link or OpenID Connect); not a staff user.

    Every identifier is personal data: stored encrypted, with a keyed blind index
    (``kenes.core.crypto.blind_index``) for look-up and uniqueness. The IIN is never shown in
    full (``iin_masked``).
    """

    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    email = EncryptedTextField(_("e-mail"), blank=True)
    email_index = models.CharField(max_length=64, blank=True, editable=False)
    # OpenID Connect: blind index of "issuer|subject".
    oidc_index = models.CharField(max_length=64, blank=True, editable=False)
    name = EncryptedTextField(_("name"), blank=True)
    iin = EncryptedTextField(_("IIN"), blank=True)
    iin_index = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last signed in"), default=timezone.now)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        constraints = [
            models.UniqueConstraint(fields=[f], condition=~Q(**{f: ""}), name=f"citizen_{f}_once")
            for f in ("phone_index", "email_index", "oidc_index", "iin_index")
        ]

    def __str__(self) -> str:
        return f"citizen #{self.pk}"

    @property
    def iin_masked(self) -> str:
        from kenes.accounts.iin import mask

        return mask(str(self.iin)) if self.iin else ""

    @property
    def label(self) -> str:
        """How the citizen sees their own account: a masked phone or e-mail."""
        phone, email = str(self.phone or ""), str(self.email or "")
        if phone:
            return "+" + "•" * max(len(phone) - 5, 0) + phone[-4:]
        if email:
            name, _sep, domain = email.partition("@")
            return f"{name[:1]}•••@{domain}"
        return str(_("signed in with eGov") if self.oidc_index else _("citizen"))


class SignInChannel(models.TextChoices):
    PHONE = "phone", _("phone code")
    EMAIL = "email", _("e-mail link")


class SignInCode(models.Model):
    """A one-time code (phone) or link token (e-mail); only its keyed hash is stored."""

    channel = models.CharField(max_length=8, choices=SignInChannel.choices)
    # Where the code was sent: encrypted, and its blind index for the per-target limits.
    target = EncryptedTextField()
    target_index = models.CharField(max_length=64, db_index=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self) -> str:
        return f"{self.channel} code #{self.pk}"


class ConsentPurpose(models.TextChoices):
    CONTACT = "contact", _("keep my contact to tell me about the answer")
    ACCOUNT = "account", _("keep my account to show me my proposals")


class ConsentRecord(models.Model):
    """What a person agreed to: the exact text, its version, when, and when withdrawn."""

    citizen = models.ForeignKey(
        Citizen, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    # The receipt code of the proposal the consent came with, if any.
    proposal_code = models.CharField(max_length=16, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    text = models.TextField(_("text agreed to"))
    version = models.CharField(_("version of the text"), max_length=32)
    language = models.CharField(max_length=8, blank=True)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.version}"


class Authenticator(TOTPDevice):  # type: ignore[misc]
    """django-otp's TOTP device under a name in the reader's language (the staff's second
    factor); a proxy: the rows stay in django-otp's table."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")
