"""A mark's chip (portal/chips.py): the markup the marks page and a subject's page print for each mark."""

from __future__ import annotations

import datetime as dt

import pytest

from models.finals.proposals import MarkChip
from portal.chips import mark_chip, mark_chips

DAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("chip", "html"),
    [
        (
            MarkChip(DAY, "5", "Устный ответ", lesson_id=7),
            '<a class="badge badge-primary mr-1 period-mark-chip" href="/diary/3/lessons/7/marks" '
            'title="01.12 Устный ответ">5</a>',
        ),
        (
            MarkChip(DAY, "2", "Контрольная работа", is_control=True, comment="Без решения", lesson_id=70),
            '<a class="badge badge-dark mr-1 period-mark-chip" href="/diary/3/lessons/70/marks" '
            'title="01.12 Контрольная работа: Без решения">2*</a>',
        ),
        (  # a period mark on the year's sheet: no lesson, no history, no comment
            MarkChip(DAY, "4", "1 четверть", comment="ignored"),
            '<span class="badge badge-primary mr-1" title="01.12 1 четверть">4</span>',
        ),
        (  # the teacher's words and the kind's name are text, never markup
            MarkChip(DAY, "<b>5</b>", '<img src=x onerror="a()">', comment='"><script>x()</script>', lesson_id=1),
            '<a class="badge badge-primary mr-1 period-mark-chip" href="/diary/3/lessons/1/marks" '
            'title="01.12 &lt;img src=x onerror=&#34;a()&#34;&gt;: &#34;&gt;&lt;script&gt;x()&lt;/script&gt;">'
            "&lt;b&gt;5&lt;/b&gt;*</a>",
        ),
    ],
)
def test_chip(app, chip, html):
    with app.test_request_context():
        assert str(mark_chip(chip, 3)) == html


def test_chips_follow_one_another(app):
    marks = [MarkChip(DAY, "5", "Ответ", lesson_id=1), MarkChip(DAY, "4", "Ответ", lesson_id=2)]
    with app.test_request_context():
        assert str(mark_chips(marks, 3)) == "".join(str(mark_chip(m, 3)) for m in marks)
        assert str(mark_chips([], 3)) == ""
