"""Every staff page, opened by the roles that own it, speaks the school's words: no date printed other than
dd.mm.yyyy (an ISO 2026-12-06 in the text the reader sees), no Flask-Admin generic "объект" wording. The walk
follows the menus and the pages' own links (create and edit forms included) from the staff home page."""

from __future__ import annotations

import re

import pytest

from .crawl import walk

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
GENERIC = re.compile(r"объект", re.I)


@pytest.mark.parametrize("role", ["operator", "secretary", "director", "coordinator", "teacher", "classteacher"])
def test_staff_pages_show_dates_as_dd_mm_yyyy_and_no_generic_wording(app, client, login_as, world, role):
    login_as(role)
    faults = []
    pages = walk(app, client, "/admin/", files=False)
    for url, text in pages.items():
        for pattern in (ISO_DATE, GENERIC):
            for match in pattern.finditer(text):
                faults.append(f"{url}: …{text[max(0, match.start() - 60) : match.end() + 20]}…")
    assert len(pages) > 10, f"the walk reached {len(pages)} pages only"
    assert not faults, "\n".join(faults[:30])
