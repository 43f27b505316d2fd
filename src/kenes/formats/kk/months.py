"""Kazakh month names in dates: lowercase after the day ("24 қараша 2026 ж.").

Django's "E" date format asks for the month under the context "alt. month"; these markers make
``makemessages`` keep that context in our catalogs, where kk gives the lowercase forms.
"""

from django.utils.translation import pgettext_lazy

MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
