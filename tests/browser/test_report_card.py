"""Real browser, demo school, on a phone-sized screen: the parent opens a child's diary (this week's lessons,
recorded or still only in the timetable), follows "Отметки и итоги", switches to the 1st quarter and reads
every subject's marks with the average and the year's summary, and downloads the parents' letter of the quarter."""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin

from playwright.sync_api import expect
from pypdf import PdfReader
from school_day import school_today


def _this_week(app, student_id):
    from models import User, db
    from models.access import Actor
    from models.journal.diary import diary_week

    with app.app_context():
        parent = db.session.query(User).filter_by(login="parent").one()
        week = diary_week(Actor.of(parent), student_id, school_today(app))
        result = (
            sum(1 for d in week.days for item in d.lessons if not item.planned),
            sum(1 for d in week.days for item in d.lessons if item.planned),
        )
        db.session.remove()
    return result


def test_parent_reads_marks_by_subject_on_a_phone(page, live_server, screenshot, sign_in):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "parent")
    page.locator("#children a", has_text="5А").click()
    student_id = int(re.search(r"/diary/(\d+)", page.url).group(1))
    recorded, planned = _this_week(live_server.app, student_id)
    expect(page.locator("tr.diary-lesson")).to_have_count(recorded)
    expect(page.locator("tr.diary-planned")).to_have_count(planned)
    screenshot(page, "diary-week-phone")
    page.click("#marks-link")
    expect(page.locator("#marks-student")).to_contain_text("5А")
    page.click("#period-switch a:has-text('1 четверть')")
    expect(page.locator("#period-marks")).to_contain_text("Математика")
    with_marks = page.locator("#period-marks tr.subject-line:has(.marks .badge)").first
    expect(with_marks.locator(".average")).to_have_text(re.compile(r"^\d(,\d+)?$"))
    expect(page.locator("#year-summary th").last).to_have_text("Учебный год")
    screenshot(page, "report-card-phone")
    # the parents' letter of the quarter: the child's name, the subjects, the absences, the signature line
    letter = page.request.get(urljoin(page.url, page.locator("#letter-pdf").get_attribute("href")))
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.body())).pages).split())
    child = page.locator("#marks-student").inner_text()
    assert "1 четверть" in text and "Математика" in text and "Пропущено уроков" in text
    assert any(part in text for part in child.split() if len(part) > 3), (child, text[:200])
    page.click("#diary-link")
    expect(page.locator("#diary-student")).to_be_visible()
