"""The 20 top-level units of Kazakhstan (17 regions and 3 cities of republican significance).

Codes are the two-digit KATO prefixes, which ISO 3166-2:KZ also uses (KZ-10 ... KZ-79).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    ABAI = "10", _("Abai Region")
    AKMOLA = "11", _("Akmola Region")
    AKTOBE = "15", _("Aktobe Region")
    ALMATY_REGION = "19", _("Almaty Region")
    ATYRAU = "23", _("Atyrau Region")
    WEST_KAZAKHSTAN = "27", _("West Kazakhstan Region")
    ZHAMBYL = "31", _("Zhambyl Region")
    ZHETISU = "33", _("Zhetisu Region")
    KARAGANDA = "35", _("Karaganda Region")
    KOSTANAY = "39", _("Kostanay Region")
    KYZYLORDA = "43", _("Kyzylorda Region")
    MANGYSTAU = "47", _("Mangystau Region")
    PAVLODAR = "55", _("Pavlodar Region")
    NORTH_KAZAKHSTAN = "59", _("North Kazakhstan Region")
    TURKISTAN = "61", _("Turkistan Region")
    ULYTAU = "62", _("Ulytau Region")
    EAST_KAZAKHSTAN = "63", _("East Kazakhstan Region")
    ASTANA = "71", _("Astana")
    ALMATY = "75", _("Almaty")
    SHYMKENT = "79", _("Shymkent")


def region_label(code: str) -> str:
    """Return the region's name in the active language ('' for no region)."""
    return str(Region(code).label) if code in Region.values else ""
