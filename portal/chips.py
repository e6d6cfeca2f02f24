"""A student's marks as chips (the marks page, a subject's page), template globals built in Python: a Jinja macro
per chip cost ~60 µs (its call, a url_for, the escapes), most of the marks page's template time. A lesson mark
links to its history, a period mark is a plain badge; dark for a control work, a star for a comment. The kind of
work, the comment and the mark are escaped (tests/portal/test_chips.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import url_for
from markupsafe import Markup, escape

from models.finals.proposals import MarkChip


def _history_url(student_id: int) -> Callable[[int], str]:
    """The address of a lesson mark's history, built by url_for once and the lesson id put in."""
    head, tail = url_for("portal.mark_history", student_id=student_id, lesson_id=0).rsplit("/0/", 1)
    return lambda lesson_id: f"{head}/{lesson_id}/{tail}"


def _chip(m: MarkChip, history: Callable[[int], str]) -> str:
    colour = "badge-dark" if m.is_control else "badge-primary"
    title = f"{m.date:%d.%m} {escape(m.kind)}"
    if not m.lesson_id:
        return f'<span class="badge {colour} mr-1" title="{title}">{escape(m.shown)}</span>'
    if m.comment:
        title += f": {escape(m.comment)}"
    star = "*" if m.comment else ""
    return (
        f'<a class="badge {colour} mr-1 period-mark-chip" href="{history(m.lesson_id)}" title="{title}">'
        f"{escape(m.shown)}{star}</a>"
    )


def mark_chips(marks: Iterable[MarkChip], student_id: int) -> Markup:
    """The chips of several marks, one after another."""
    history = _history_url(student_id)
    return Markup("".join(_chip(m, history) for m in marks))


def mark_chip(m: MarkChip, student_id: int) -> Markup:
    return mark_chips((m,), student_id)
