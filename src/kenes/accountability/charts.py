"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable without CSS.

Each chart is an ``<svg role="img">`` with a title; the page shows the same figures as a
table beside it and links their CSV.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kenes.accountability.selectors import Series

BAR_H = 24
GAP = 6
LABEL_W = 168
WIDTH = 420
INK = "#1f4e79"


def _num(n: int) -> str:
    from django.utils.formats import number_format

    return str(number_format(n, force_grouping=True))


def bars_svg(series: Series) -> SafeString:
    """A horizontal bar chart: one bar per key, the value written at its end."""
    bars = series.bars
    top = max(series.top, 1)
    height = len(bars) * (BAR_H + GAP) + GAP
    span = WIDTH - LABEL_W - 56
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-labelledby="chart-{}-t" preserveAspectRatio="xMinYMin meet">'
            '<title id="chart-{}-t">{}</title>',
            WIDTH,
            max(height, BAR_H + 2 * GAP),
            series.slug,
            series.slug,
            series.title,
        )
    ]
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR_H + GAP)
        w = round(span * bar.value / top, 1) if bar.value else 0
        label = bar.label if len(bar.label) <= 18 else bar.label[:17] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                LABEL_W - 8,
                y + BAR_H - 6,
                label,
                LABEL_W,
                y,
                max(w, 1),
                BAR_H,
                INK,
                LABEL_W + w + 6,
                y + BAR_H - 6,
                _num(bar.value),
            )
        )
    if not bars:
        parts.append(mark_safe('<text x="10" y="20" class="chart-label">—</text>'))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def days_svg(series: Series) -> SafeString:
    """Columns per day (oldest on the left), the largest day and the first/last dates marked."""
    bars = series.bars[-120:]  # the last 120 days with proposals
    top = max((b.value for b in bars), default=0) or 1
    height, base = 170, 140
    step = (WIDTH - 20) / max(len(bars), 1)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-labelledby="chart-{}-t"><title id="chart-{}-t">{}</title>',
            WIDTH,
            height,
            series.slug,
            series.slug,
            series.title,
        )
    ]
    for i, bar in enumerate(bars):
        h = round(120 * bar.value / top, 1)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                round(10 + i * step, 1),
                round(base - h, 1),
                round(max(step - 1, 1), 1),
                max(h, 0.5),
                INK,
                bar.label,
                _num(bar.value),
            )
        )
    parts.append(
        format_html(
            '<line x1="10" y1="{}" x2="{}" y2="{}" stroke="#555"></line>', base, WIDTH - 10, base
        )
    )
    if bars:
        parts.append(
            format_html(
                '<text x="10" y="{}" class="chart-label">{}</text>'
                '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
                '<text x="10" y="14" class="chart-value">{}</text>',
                base + 20,
                bars[0].label,
                WIDTH - 10,
                base + 20,
                bars[-1].label,
                _num(top),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def chart_svg(series: Series) -> SafeString:
    return days_svg(series) if series.kind == "days" else bars_svg(series)
