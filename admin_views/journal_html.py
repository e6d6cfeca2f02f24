"""The journal grid's body (a row per student, a cell per lesson) as HTML built once in Python: printed by Jinja,
a 30 × 45 grid cost ~5,000 escape calls and most of the page's time. Only the cell texts, the posted-back cell
states and the names are escaped; everything else is ids and fixed class names. A grid holds few distinct cell
texts ("", "5", "н", "н 4"…) and columns: each is escaped (an absence code also translated) once per page, not
once per cell. The markup is the one templates/admin/journal/grid.html printed before
(static/js/journal-grid.js reads it)."""

from __future__ import annotations

from flask_babel import gettext
from markupsafe import Markup, escape

_OUT = '<td class="jg-c jg-out"></td>'
_VOID = '<td class="jg-c jg-void"></td>'


def _since(word: str, day) -> str:
    return f' <span class="jg-since">{escape(word)} {day:%d.%m}</span>'


class _Escaped(dict):
    """value → its escaped text, computed on first use. Keyed by type too: an absence code (``Joined``) is shown
    translated, the same characters as plain text are not."""

    def text(self, value) -> str:
        key = (value.__class__, value)
        shown = self.get(key)
        if shown is None:
            shown = self[key] = str(escape(value))
        return shown


def _cell(g, student_id: int, soon: str, esc: _Escaped) -> str:
    if g.kind == "in":
        flags = (" jg-late" if g.late else "") + (" jg-a" if g.absent else "")
        state = f'<input type="hidden" name="o-{g.key}" value=\'{escape(g.state)}\'>' if g.state else ""
        return (
            f'<td class="jg-c"><input class="jg-i{flags}" name="c-{g.key}" value="{esc.text(g.text)}" '
            f'aria-labelledby="s{student_id} {esc.text(g.column)}">{state}</td>'
        )
    if g.kind == "ro":
        flags = ("jg-late" if g.late else "") + (" jg-a" if g.absent else "")
        return f'<td class="jg-c jg-ro"><span class="{flags}">{esc.text(g.text)}</span></td>'
    if g.kind == "soon":
        return f'<td class="jg-c jg-ro jg-soon" title="{soon}"></td>'
    return _OUT if g.kind == "out" else _VOID


def grid_rows(page) -> Markup:
    """The <tr> of every student of the page (JournalPage.rows()), "" when the roster is empty."""
    starts, ends = page.period.starts_on, page.period.ends_on
    since, until = gettext("с"), gettext("по")
    soon = str(escape(gettext("Урок ещё не прошёл: отметки и посещаемость ставятся в день урока и позже.")))
    out = []
    esc = _Escaped()
    for row in page.rows():
        s = row.student
        name = str(escape(s.name))
        if s.joined and s.joined > starts:
            name += _since(since, s.joined)
        if s.left and s.left < ends:
            name += _since(until, s.left)
        out.append(
            f'\n    <tr data-student="{s.id}">\n      <td class="jg-n">{s.number}</td>\n      '
            f'<th class="jg-name" scope="row" id="s{s.id}">{name}</th>'
        )
        out.extend(_cell(g, s.id, soon, esc) for g in row.cells)
        out.append("\n    </tr>")
    return Markup("".join(out))
