"""Real browser, demo school: the class teacher of 5А opens "Мой класс" → "Список класса" and orders the class's
report cards, then the parents' letters of the period — background jobs (Huey's immediate mode in the server's
process) — watches them finish on "Мои задания" and downloads each: one page a student of the class, with their
names, each in the family's language (the names as typed)."""

from __future__ import annotations

import io

import pytest
from jobs_page import downloaded_job_file
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def _order_and_download(page, button: str) -> list[str]:
    _name, data = downloaded_job_file(page, button, "Табели и письма класса (PDF)")
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def _to_my_class(page):
    page.click("a.dropdown-toggle:has-text('Мой класс')")
    page.click("a.dropdown-item:has-text('Список класса')")
    expect(page.locator("#class-title")).to_contain_text("5А")


def test_class_teacher_prints_the_class_report_cards(page, live_server, screenshot, sign_in, monkeypatch, tmp_path):
    import tasks

    monkeypatch.setattr(tasks.huey, "immediate", True)
    monkeypatch.setitem(live_server.app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    sign_in(page, "classteacher")
    _to_my_class(page)
    names = [n.strip() for n in page.locator("#class-roster tbody tr td:nth-child(2) strong").all_inner_texts()]
    screenshot(page, "class-report-cards-buttons")
    cards = _order_and_download(page, "#class-cards-pdf")
    assert len(cards) == len(names) > 0
    for text, name in zip(cards, names, strict=True):
        assert name in text
    _to_my_class(page)
    letters = _order_and_download(page, "#class-letters-pdf")
    assert len(letters) == len(names)
    for text, name in zip(letters, names, strict=True):
        assert name in text
