"""The filter of the long lists of journal pages (models/journal/page_filter.py) and its use by the journal's and
the final marks' lists: by class and teacher, choices taken from the list, unknown ids ignored."""

from __future__ import annotations

import re
from types import SimpleNamespace as NS

import pytest

from models.journal.page_filter import LONG_LIST, filter_pages


def _line(class_id, class_name, teacher_id, teacher):
    return NS(
        assignment=NS(
            class_id=class_id, school_class=NS(name=class_name), teacher_id=teacher_id, teacher=NS(short_name=teacher)
        )
    )


LINES = [
    _line(1, "5А", 10, "Яковлева Е.П."),
    _line(1, "5А", 11, "Антонов И.И."),
    _line(2, "5Б", 10, "Яковлева Е.П."),
    _line(3, "6А", 12, "Борисова О.С."),
]


@pytest.mark.parametrize(
    "class_id, teacher_id, expected",
    [
        (None, None, [0, 1, 2, 3]),
        (1, None, [0, 1]),
        (None, 10, [0, 2]),
        (1, 10, [0]),
        (2, 12, []),  # both known, nothing matches both
        (99, None, [0, 1, 2, 3]),  # an unknown class (a stale link): ignored
        (None, 99, [0, 1, 2, 3]),
    ],
)
def test_filter_by_class_and_teacher(class_id, teacher_id, expected):
    pf, lines = filter_pages(LINES, class_id, teacher_id)
    assert lines == [LINES[i] for i in expected]
    assert pf.classes == [(1, "5А"), (2, "5Б"), (3, "6А")]
    assert pf.teachers == [(11, "Антонов И.И."), (12, "Борисова О.С."), (10, "Яковлева Е.П.")]
    assert pf.total == 4 and pf.shown == pf.active == (class_id in (1, 2) or teacher_id in (10, 12))


def test_a_long_list_offers_the_filter():
    pf, _lines = filter_pages(LINES * LONG_LIST, None, None)
    assert pf.shown and not pf.active


@pytest.mark.parametrize("url", ["/admin/journal/", "/admin/finals/"])
def test_the_operators_lists_filter_by_class(client, login_as, world, jw, url):
    def links(html):
        return {int(i) for i in re.findall(re.escape(url) + r"(\d+)\b", html)}

    login_as("operator")
    whole = client.get(url).get_data(as_text=True)
    assert {world.a_maths_5a.id, world.a_maths_6b.id} <= links(whole)
    html = client.get(f"{url}?class={world.c5a.id}").get_data(as_text=True)
    assert 'id="page-filter"' in html and 'id="pf-reset"' in html
    assert world.a_maths_5a.id in links(html) and world.a_maths_6b.id not in links(html)
    html = client.get(f"{url}?teacher={world.s_other_teacher.id}").get_data(as_text=True)
    assert world.a_maths_6b.id in links(html) and world.a_maths_5a.id not in links(html)
