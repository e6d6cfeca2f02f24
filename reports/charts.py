"""Bar charts as inline SVG, drawn on the server (no script, no library in the browser; pure: no Flask, no
database). Labels are escaped; the chart is a picture with a title for screen readers, and the numbers it
shows are in the page's table as well."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

ROW = 28
LABEL_WIDTH = 190
BAR_WIDTH = 240
VALUE_WIDTH = 90
LABEL_CHARS = 28


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(bars: Sequence[tuple[str, int, float]], *, title: str = "") -> Markup:
    """Horizontal bars, one per (label, count, percent 0–100), widths proportional to the percent."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW * max(len(bars), 1) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" style="max-width:{width}px">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, count, percent) in enumerate(bars):
        y = 4 + index * ROW
        bar = round(BAR_WIDTH * max(0.0, min(percent, 100.0)) / 100, 1)
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {count} ({percent:.0f}%)</title>'
            f'<text x="0" y="{y + 18}" font-size="13" fill="#212529">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="{ROW - 10}" fill="#e9ecef"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW - 10}" fill="#007bff"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 18}" font-size="13" fill="#212529">'
            f"{count} · {percent:.0f}%</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
