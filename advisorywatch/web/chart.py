"""Alerts over time by severity: a stacked bar chart as SVG, drawn on the server."""

from __future__ import annotations

from collections import Counter
from datetime import date
from xml.sax.saxutils import escape

from advisorywatch.model import SEVERITY_RANK

WIDTH, HEIGHT, MARGIN, AXIS = 720, 200, 28, 18
COLOURS = {"info": "#6b8fb3", "warning": "#d99a29", "critical": "#c0392b"}


def alerts_chart(counts: dict[date, Counter[str]]) -> str:
    """An SVG document: one bar per day, stacked by severity (critical on top), with the
    highest day's count on the axis and a tooltip per bar segment."""
    days = sorted(counts)
    peak = max((sum(c.values()) for c in counts.values()), default=0)
    plot_h = HEIGHT - MARGIN - AXIS
    slot = (WIDTH - MARGIN) / max(len(days), 1)
    bar = max(slot * 0.8, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-family="sans-serif" font-size="11">',
        f"<title>Alerts per day by severity, {days[0]} to {days[-1]}</title>" if days else "",
        f'<line x1="{MARGIN}" y1="{HEIGHT - AXIS}" x2="{WIDTH}" y2="{HEIGHT - AXIS}" '
        'stroke="#888"/>',
        f'<text x="{MARGIN - 4}" y="{MARGIN}" text-anchor="end">{peak}</text>',
        f'<text x="{MARGIN - 4}" y="{HEIGHT - AXIS}" text-anchor="end">0</text>',
    ]
    for n, day in enumerate(days):
        x = MARGIN + n * slot + (slot - bar) / 2
        y = float(HEIGHT - AXIS)
        for severity in sorted(COLOURS, key=SEVERITY_RANK.__getitem__):
            count = counts[day].get(severity, 0)
            if not count or not peak:
                continue
            h = plot_h * count / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[severity]}"><title>{escape(f"{day}: {count} {severity}")}'
                "</title></rect>"
            )
        if n % max(len(days) // 7, 1) == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle">'
                f"{day:%m-%d}</text>"
            )
    legend_x = WIDTH - 3 * 80
    for i, (severity, colour) in enumerate(COLOURS.items()):
        x = legend_x + i * 80
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="13">{severity}</text>')
    parts.append("</svg>")
    return "".join(parts)
