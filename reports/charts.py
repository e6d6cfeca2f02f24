"""Bar charts as inline SVG, drawn on the server (no script, no library in the browser; pure: no Flask, no
database). Labels are escaped; the chart is a picture with a title for screen readers, and the numbers it
shows are in the page's table as well."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

ROW = 28
LABEL_WIDTH = 190
BAR_WIDTH = 240
VALUE_WIDTH = 90
LABEL_CHARS = 28


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip(" .") + "…"


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


# --- column charts drawn with ReportLab's graphics: the same Drawing is SVG in the page and a picture in a PDF -----
CHART_WIDTH, CHART_HEIGHT = 680, 220
PALETTE = ("#2e7d32", "#1565c0", "#f9a825", "#c62828", "#6a1b9a", "#78909c")


def column_chart(chart, label: Callable[[object], str] = str):
    """A ``models.reports.charts.Chart`` as a ReportLab ``Drawing``: columns per category (stacked when the
    chart says so), each series a colour with its legend, every non-zero value written on its column. Labels
    are plain strings (``label`` turns a system name into the reader's language); the SVG writer escapes them."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    from .pdf import FONT, _register_fonts

    _register_fonts()
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    drawing.add(String(10, CHART_HEIGHT - 16, label(chart.title), fontName=FONT, fontSize=12))
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 45, 50, CHART_WIDTH - 215, CHART_HEIGHT - 90
    series = chart.series or []
    bars.data = [list(s.values) or [0] for s in series] or [[0]]
    bars.categoryAxis.categoryNames = [label(c) for c in chart.categories] or [""]
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 8
    bars.categoryAxis.labels.angle = 30 if len(chart.categories) > 8 else 0
    bars.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 8 else "n"
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 8
    bars.valueAxis.valueMin = 0
    step = 20 if chart.percent else max(1, math.ceil(chart.top / 5))
    bars.valueAxis.valueMax = 100 if chart.percent else step * max(1, math.ceil(chart.top / step))
    bars.valueAxis.valueStep = step
    if chart.stacked:
        bars.categoryAxis.style = "stacked"
    bars.barLabels.fontName = FONT
    bars.barLabels.fontSize = 7
    bars.barLabelFormat = lambda v: "" if not v else (f"{v:.0f}%" if chart.percent else f"{v:g}")
    bars.barLabels.boxTarget = "mid" if chart.stacked else "hi"
    for i in range(len(series)):
        bars.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        bars.bars[i].strokeColor = None
    drawing.add(bars)
    if series:
        legend = Legend()
        legend.x, legend.y = CHART_WIDTH - 160, CHART_HEIGHT - 40
        legend.fontName, legend.fontSize = FONT, 9
        legend.alignment = "right"
        legend.columnMaximum = len(series)
        legend.colorNamePairs = [
            (colors.HexColor(PALETTE[i % len(PALETTE)]), label(s.name)) for i, s in enumerate(series)
        ]
        drawing.add(legend)
    return drawing


def scaled(drawing, factor: float):
    """The drawing made ``factor`` times its size (for a PDF page that holds several)."""
    drawing.scale(factor, factor)
    drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
    return drawing


def chart_svg(drawing, *, key: str = "chart", title: str = "") -> Markup:
    """The drawing as inline SVG for a page: as wide as its column (the viewBox keeps the proportions), the
    chart's title for screen readers, its clip path named after ``key`` (several charts in one page); the XML
    declaration and doctype dropped. ReportLab escapes every text it writes; the title is escaped here."""
    from reportlab.graphics import renderSVG

    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.find("<svg") :]
    svg = svg.replace(f'<svg width="{drawing.width:g}" height="{drawing.height:g}"', '<svg width="100%" role="img"', 1)
    svg = svg.replace("<title>...</title>", f"<title>{escape(title)}</title>", 1).replace("<desc>...</desc>", "", 1)
    svg = svg.replace('id="clip"', f'id="clip-{escape(key)}"').replace("url(#clip)", f"url(#clip-{escape(key)})")
    return Markup(svg)
