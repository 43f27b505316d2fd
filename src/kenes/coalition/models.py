"""The coalition: parties and organisations that hold explanatory meetings, with their branches.

Contact people's names and phones are personal data: encrypted at rest, shown only to staff
who manage the organisation, never on public pages or in logs and audit entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.core.crypto import EncryptedTextField
from kenes.core.i18n import current_lang
from kenes.geo.regions import Region


class OrganisationKind(models.TextChoices):
    PARTY = "party", _("political party")
    PUBLIC_ASSOCIATION = "public_association", _("public association")
    UNION = "union", _("trade union")
    INDUSTRY = "industry", _("industry association")
    YOUTH = "youth", _("youth organisation")
    EXPERT = "expert", _("expert or academic body")
    CULTURE_SPORT = "culture_sport", _("culture or sport organisation")
    DEPUTIES = "deputies", _("deputies' group")


def logo_path(instance: Organisation, filename: str) -> str:
    return f"coalition/logos/{instance.slug}{filename[filename.rfind('.') :].lower()}"


class Organisation(models.Model):
    slug = models.SlugField(_("short name for links"), max_length=60, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    joined_on = models.DateField(_("joined the coalition on"))
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name_ru"]
        permissions = [
            (
                "manage_any_organisation",
                _("Can manage the branches and meetings of every organisation"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_kk if current_lang() == "kk" and self.name_kk else self.name_ru


class Branch(models.Model):
    """The central office (no region) or a regional branch of an organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="branches",
    )
    region = models.CharField(
        _("region"),
        max_length=2,
        choices=Region.choices,
        blank=True,
        help_text=_("empty for the central office"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["organisation", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "region"], name="branch_once_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.slug}: {self.label}"

    @property
    def is_central(self) -> bool:
        return not self.region

    @property
    def label(self) -> str:
        return str(Region(self.region).label) if self.region else str(_("central office"))


class ContactPerson(models.Model):
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="contacts"
    )
    # Personal data: encrypted at rest.
    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone"), blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self) -> str:
        return f"{self.branch}: {self.position or self.pk}"


class Organiser(models.Model):
    """Links a staff user (coalition organiser role) to the organisation they act for.

    With ``branch`` set they manage that branch's meetings only; without, every branch of the
    organisation.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        on_delete=models.CASCADE,
        related_name="organiser",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="organisers",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisers",
    )

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.organisation.slug}"
