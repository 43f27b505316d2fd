"""Small server-side SVG charts for the report (no JavaScript, no CDN): bars and a day series.

Every chart carries its numbers as text, so the PDF's text layer (and a screen reader) has them.
"""

from __future__ import annotations

import datetime as dt
from html import escape

BAR_COLOUR = "#2b5d8a"
FONT = "DejaVu Sans, Noto Sans, sans-serif"


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def bars(rows: list[tuple[str, int]], *, width: int = 640, label_width: int = 220) -> str:
    """A horizontal bar chart, one row per (label, number), largest bar at full width."""
    rows = [(label, n) for label, n in rows if n > 0]
    if not rows:
        return ""
    row_h, gap = 16, 4
    height = len(rows) * (row_h + gap) + gap
    top = max(n for _l, n in rows)
    room = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT}" font-size="10">'
    ]
    for i, (label, n) in enumerate(rows):
        y = gap + i * (row_h + gap)
        w = max(1, round(room * n / top))
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w}" height="{row_h}" fill="{BAR_COLOUR}"/>'
            f'<text x="{label_width + w + 4}" y="{y + 12}">{_fmt(n)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def days(series: list[tuple[dt.date, int]], *, width: int = 640, height: int = 140) -> str:
    """Proposals per day as columns, with the first and last day and the peak labelled."""
    if not series:
        return ""
    first, last = series[0][0], series[-1][0]
    span = (last - first).days + 1
    by_day = dict(series)
    top = max(n for _d, n in series)
    left, bottom, right = 40, 20, 10
    room_w, room_h = width - left - right, height - bottom - 16
    col = room_w / span
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT}" font-size="9">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        f'stroke="#555" stroke-width="0.5"/>',
        f'<text x="{left - 4}" y="{16 + 4}" text-anchor="end">{_fmt(top)}</text>',
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for i in range(span):
        n = by_day.get(first + dt.timedelta(days=i), 0)
        if not n:
            continue
        h = room_h * n / top
        x = left + i * col
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{max(col - 0.5, 0.5):.1f}" '
            f'height="{h:.1f}" fill="{BAR_COLOUR}"/>'
        )
    parts.append(f'<text x="{left}" y="{height - 6}">{first.isoformat()}</text>')
    if span > 1:
        parts.append(
            f'<text x="{width - right}" y="{height - 6}" text-anchor="end">{last.isoformat()}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
