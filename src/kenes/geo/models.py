"""Geography: the units of KATO, Kazakhstan's classifier of administrative-territorial units.

A unit's ``code`` is its 9-digit KATO code; the first two digits are the region (the same codes
as :class:`kenes.proposals.regions.Region`). Levels: 1 region or city of republican
significance, 2 district or city administration, 3 rural okrug, town or village directly under
a district, 4 village, wintering, station and other settlements.

**Settlements** are the units people live in: kinds in :data:`SETTLEMENT_KINDS` at level 3 or 4.

**Remote** (``remote``) is computed by :func:`kenes.geo.remote.is_remote` whenever units are
imported or population data is added; the rule is configurable (see docs/outreach.md):

1. only settlements can be remote, and never a town (kind ``city``) or a district centre;
2. a settlement whose population is known and below ``KENES_REMOTE_POPULATION`` (default 500)
   is remote;
3. a settlement with coordinates whose nearest centre (a town or a unit marked as a district
   centre, within the same region) is farther than ``KENES_REMOTE_DISTANCE_KM`` (default 50 km,
   great-circle distance) is remote;
4. a settlement of a kind in ``KENES_REMOTE_KINDS`` (default: wintering, railway siding,
   station, site — seasonal and line-side points) is remote whatever else is known.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kenes.core.i18n import current_lang

SETTLEMENT_KINDS = frozenset(
    {"city", "village", "settlement", "wintering", "station", "railway_siding", "site", "other"}
)


class Unit(models.Model):
    code = models.CharField(_("KATO code"), max_length=9, primary_key=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    kind = models.CharField(_("kind"), max_length=32)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    # Two-digit region code (KATO prefix) and the ancestor just below the region (district,
    # city administration or a city's district; itself for those), kept for fast aggregation.
    region_code = models.CharField(_("region"), max_length=2, db_index=True)
    district = models.ForeignKey(
        "self",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    is_settlement = models.BooleanField(_("settlement"), default=False)
    is_centre = models.BooleanField(_("district centre"), default=False)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    remote = models.BooleanField(_("remote"), default=False)

    class Meta:
        verbose_name = _("KATO unit")
        verbose_name_plural = _("KATO units")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["region_code", "is_settlement", "remote"]),
            models.Index(fields=["district", "is_settlement"]),
            models.Index(fields=["level", "region_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        """The name in the active language (Kazakh when known, else Russian)."""
        if current_lang() == "kk" and self.name_kk:
            return self.name_kk
        return self.name_ru
