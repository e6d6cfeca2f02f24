"""Every staff page, opened by the roles that own it, speaks the school's words: no date printed other than
dd.mm.yyyy (an ISO 2026-12-06 in the text the reader sees), no Flask-Admin generic "объект" wording. The walk
follows the menus and the pages' own links (create and edit forms included) from the staff home page."""

from __future__ import annotations

import re

import pytest

from .crawl import visible_text, walk

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
GENERIC = re.compile(r"объект", re.I)


@pytest.mark.parametrize("role", ["operator", "secretary", "director", "coordinator", "teacher", "classteacher"])
def test_staff_pages_show_dates_as_dd_mm_yyyy_and_no_generic_wording(client, login_as, world, role):
    login_as(role)
    faults, pages = [], 0
    for url, html in walk(client, "/admin/", ("/admin/",), limit=250):
        pages += 1
        text = visible_text(html)
        for pattern in (ISO_DATE, GENERIC):
            for match in pattern.finditer(text):
                faults.append(f"{url}: …{text[max(0, match.start() - 60) : match.end() + 20]}…")
    assert pages > 10, f"the walk reached {pages} pages only"
    assert not faults, "\n".join(faults[:30])
