from __future__ import annotations

from typing import Any

from django import template

from kenes.review.models import Decision

register = template.Library()


@register.filter
def decided(row: Any, decision: str) -> int:
    return int(row.decided(decision))


@register.filter
def decision_label(value: str) -> str:
    try:
        return str(Decision(value).label)
    except ValueError:
        return value


@register.filter
def chart_svg(series: Any) -> str:
    from kenes.accountability.charts import chart_svg as draw

    return draw(series)
