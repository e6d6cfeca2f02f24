"""PDF output with an embedded Cyrillic/Kazakh font (PT Sans from the ``fontpkg-pt-sans`` package).

Two ways in, both importing their heavy libraries only when a PDF is made (a worker starts without them):

- ``render_pdf(template, ...)``: HTML → PDF through xhtml2pdf, with no access outside the font dir — for
  letters and forms (the справка of the journal control).
- ``build_pdf(story, ...)`` with the helpers below: ReportLab's own platypus flowables and ``Table`` — for
  long registers and journal grids, where xhtml2pdf's HTML/CSS layout is the cost (~180 ms against ~26 ms a
  grid page). Long tables go through ``paged_table``: ReportLab splits one long ``Table`` across pages by
  re-measuring the whole remainder on every page (time grows with the square of the pages), so the rows
  are measured once and laid out as one table per page here.

User text in a ``Paragraph`` is markup for ReportLab: it goes through ``para`` (escaped) or stays a plain
cell string (drawn as is).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from flask import render_template
from flask_babel import gettext as _

_LOCK = threading.Lock()  # xhtml2pdf/reportlab keep global state (fonts, subsets): one render at a time

FONT = "PTSans"
FONT_BOLD = "PTSans-Bold"
MARGIN = 42.52  # 1.5 cm, as the HTML reports have it
GRID = "#444444"
HEADER_BACKGROUND = "#eeeeee"


@cache
def font_files() -> tuple[Path, Path]:
    import fontpkg

    return Path(fontpkg.path("PT Sans")), Path(fontpkg.path("PT Sans", weight="bold"))


def render_pdf(template: str, **context) -> bytes:
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    regular, bold = font_files()
    html = render_template(template, font_regular=regular.as_uri(), font_bold=bold.as_uri(), **context)
    out = io.BytesIO()
    with _LOCK:
        result = pisa.CreatePDF(
            html,
            dest=out,
            encoding="utf-8",
            resource_policy=ResourceAccessPolicy(base_dir=str(regular.parent), allow_remote=False),
        )
    if result.err:
        raise RuntimeError(f"PDF rendering failed with {result.err} errors")
    return out.getvalue()


# --- ReportLab platypus ----------------------------------------------------------------------------------


@cache
def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = font_files()
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    for italic in (0, 1):  # <b> in a Paragraph picks the bold file; no italic face: upright
        addMapping(FONT, 0, italic, FONT)
        addMapping(FONT, 1, italic, FONT_BOLD)


@cache
def style(size: float = 10, *, bold: bool = False, align: str = "left", space_after: float = 0):
    """A paragraph style in the embedded font (cached: styles are immutable here)."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    _register_fonts()
    return ParagraphStyle(
        f"{size}-{bold}-{align}-{space_after}",
        fontName=FONT_BOLD if bold else FONT,
        fontSize=size,
        leading=size * 1.2,
        spaceAfter=space_after,
        alignment={"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}[align],
    )


@cache
def _paragraph_class():
    from reportlab.platypus import Paragraph

    class WrappedOnce(Paragraph):
        """A paragraph that breaks its lines once a width. A table cell is wrapped to measure its row, again when
        the table is split at the foot of a page and again to be drawn, always at its column's width: a long
        table of such cells (the справка's findings of a district school's month, ~5,700 paragraphs on 56 pages)
        broke the same lines three times."""

        _wrapped: tuple | None = None

        def wrap(self, availWidth, availHeight):
            known = self._wrapped
            if known is not None and known[0] == availWidth and hasattr(self, "blPara"):
                self.width = availWidth
                return known[1]
            size = super().wrap(availWidth, availHeight)
            self._wrapped = (availWidth, size)
            return size

    return WrappedOnce


def para(text: object, size: float = 10, **kwargs):
    """A wrapping paragraph of user text: escaped, so ``<b>`` or ``&`` in a name or topic prints as typed."""
    return _paragraph_class()(escape("" if text is None else str(text)), style(size, **kwargs))


def header_para(text: object, width: float, size: float, *, smallest: float = 5.0):
    """A bold header cell whose longest word fits the column (``width`` points, padding included): the size goes
    down from ``size`` to ``smallest`` rather than breaking a word in the middle ("Бағдарл / амадан")."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    room = width - 6  # the grid's 3 pt padding each side
    longest = max((str(text).split() or [""]), key=lambda w: stringWidth(w, FONT_BOLD, size))
    while size > smallest and stringWidth(longest, FONT_BOLD, size) > room:
        size -= 0.25
    return para(text, size, bold=True)


def title(text: str, subtitle: str = "") -> list:
    """The heading of a report, as the HTML reports have it (14 pt centred, a centred line under it)."""
    out = [para(text, 14, bold=True, align="center", space_after=4)]
    if subtitle:
        out.append(para(subtitle, 10, align="center", space_after=8))
    return out


def table_style(size: float, *, header_rows: int = 1, extra: Sequence[tuple] = ()):
    """The reports' grid: thin dark lines, a grey bold header, 2/3 pt padding, the embedded font."""
    from reportlab.platypus import TableStyle

    _register_fonts()
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, size, size * 1.2),
            ("FONT", (0, 0), (-1, header_rows - 1), FONT_BOLD, size, size * 1.2),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BACKGROUND),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            *extra,
        ]
    )


def grid_table(rows: list[list], widths: Sequence[float], size: float, *, extra: Sequence[tuple] = ()):
    """One table with its header row repeated when it runs over a page (for tables of a page or two)."""
    from reportlab.platypus import Table

    return Table(rows, colWidths=list(widths), style=table_style(size, extra=extra), repeatRows=1)


def ends_with(table, closing):
    """``table`` followed by ``closing`` (a legend, a note, a signature line) that is never alone on a page: when
    the two do not fit where they stand, the table is split leaving room for ``closing`` under its last rows
    (ReportLab's ``KeepTogether`` would move a table taller than what is left to the next page, or let the closing
    line spill over on its own)."""
    from reportlab.platypus import Flowable

    class EndsWith(Flowable):
        def __init__(self, table, closing):
            super().__init__()
            self.table, self.closing = table, closing
            self.gap = max(table.getSpaceAfter(), closing.getSpaceBefore())
            self.spaceBefore = table.getSpaceBefore()
            self.spaceAfter = closing.getSpaceAfter()
            self.hAlign = "LEFT"

        def _closing_height(self, width: float, height: float) -> float:
            return self.closing.wrap(width, height)[1] + self.gap

        def wrap(self, width: float, height: float):
            self.width = width
            self.table_height = self.table.wrap(width, height)[1]
            self.closing_height = self._closing_height(width, height)
            self.height = self.table_height + self.closing_height
            return width, self.height

        def split(self, width: float, height: float):
            closing = self._closing_height(width, height)
            parts = self.table.split(width, height - closing)
            if not parts:
                return []  # not even one row with the closing line: all of it on the next page
            if len(parts) == 1:
                return [parts[0], self.closing]
            return [*parts[:-1], EndsWith(parts[-1], self.closing)]

        def draw(self):
            spare = self.width - getattr(self.table, "_width", self.width)
            shift = {"CENTER": spare / 2, "CENTRE": spare / 2, "RIGHT": spare}.get(getattr(self.table, "hAlign", ""), 0)
            self.table.drawOn(self.canv, shift, self.closing_height)
            self.closing.drawOn(self.canv, 0, 0)

    return EndsWith(table, closing)


def paged_table(
    header: list,
    rows: list[list],
    widths: Sequence[float],
    size: float,
    *,
    first_height: float,
    height: float,
    extra: Sequence[tuple] = (),
) -> list:
    """A long table as one table per page (each with the header), measured once: the first page has
    ``first_height`` points for it (what the heading left), the others ``height``."""
    from reportlab.platypus import PageBreak, Table

    if not rows:
        return [grid_table([header], widths, size, extra=extra)]
    measured = Table([header, *rows], colWidths=list(widths), style=table_style(size, extra=extra))
    measured.wrap(sum(widths), height)
    heights = measured._rowHeights  # one pass over every row, as ReportLab measures them
    cells = measured._cellvalues  # the paragraphs already wrapped at these widths
    out, start, room, fuzz = [], 1, first_height, 1.0
    while start < len(heights):
        used, end = heights[0], start
        while end < len(heights) and (end == start or used + heights[end] <= room - fuzz):
            used += heights[end]
            end += 1
        if out:
            out.append(PageBreak())
        out.append(
            Table(
                [cells[0], *cells[start:end]],
                colWidths=list(widths),
                rowHeights=[heights[0], *heights[start:end]],
                style=table_style(size, extra=extra),
            )
        )
        start, room = end, height
    return out


def build_pdf(
    story: list | Callable[[float, float], list],
    *,
    landscape: bool = True,
    progress: Callable[[float], None] | None = None,
) -> bytes:
    """A4 with 1.5 cm margins and "Стр. N" at the foot of every page. ``story`` may be a function of the
    frame's width and height (to lay out tables per page). ``progress(share)``, share 0–1 of the story laid
    out, is called as the pages are made (a background job shows it); the story holds no database rows by then."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turn
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    pagesize = turn(A4) if landscape else A4
    page_label = _("Стр.")

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawRightString(pagesize[0] - MARGIN, MARGIN / 2, f"{page_label} {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title="",
        author="",
    )
    frame_width, frame_height = doc.width - 12, doc.height - 12  # the frame's own 6 pt padding each side
    if progress is not None:
        state = {"flowables": 1, "done": 0}  # ReportLab reports the story's size, then each flowable placed

        def on_progress(kind: str, value: int) -> None:
            if kind == "SIZE_EST":
                state["flowables"] = max(1, value)
            elif kind == "PROGRESS":
                state["done"] = value
            elif kind == "PAGE":
                progress(min(1.0, state["done"] / state["flowables"]))

        doc.setProgressCallBack(on_progress)
    with _LOCK:
        doc.build(
            story(frame_width, frame_height) if callable(story) else story, onFirstPage=footer, onLaterPages=footer
        )
    return out.getvalue()


def height_of(flowables: list, width: float, height: float) -> float:
    """The height the flowables take one after another (for what is left of the first page)."""
    total = 0.0
    for f in flowables:
        total += f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def register_pdf(
    heading: str,
    subtitle: str,
    columns: Sequence[tuple[str, float]],
    body: list[list],
    *,
    empty: str,
    size: float = 10,
) -> bytes:
    """A register (a row per entry under a translated header) as a landscape A4 PDF: the heading, the table one a
    page, ``empty`` when there are no rows, and the line for the responsible person's signature. ``columns``:
    (header text, already translated; share of the page's width); ``body``: the rows' cells (``para`` for text
    that wraps)."""

    def story(width: float, height: float) -> list:
        widths = [share * width for _label, share in columns]
        top = title(heading, subtitle)
        header = [label for label, _share in columns]
        tables = paged_table(
            header, body, widths, size, first_height=height - height_of(top, width, height), height=height
        )
        if not body:
            tables.append(para(empty, size))
        signature = para(_("Ответственный ____________________ / ____________________ /"), size)
        signature.style = signature.style.clone("signature", spaceBefore=16)
        if body:  # the signature under the last rows, never alone on a page
            tables[-1].repeatRows = 1  # if they move, their header goes with them
            return [*top, *tables[:-1], ends_with(tables[-1], signature)]
        return [*top, *tables, signature]

    return build_pdf(story)
