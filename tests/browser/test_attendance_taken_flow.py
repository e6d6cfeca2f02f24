"""Real browser, the demo school: the maths teacher of 5А records a lesson and leaves attendance untouched; the
coordinator's monthly control lists that lesson under "Посещаемость не отмечена" with a link to it; the teacher
presses "Все присутствуют" on the lesson page, and the control no longer lists it (issue 16)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

pytestmark = pytest.mark.browser


def _open_maths_5a(page, base):
    page.goto(base + "/admin/journal/")
    row = page.locator("#journal-pages tbody tr", has_text="5А").filter(has_text="Математика").first
    row.locator("a.journal-open").click()
    expect(page.locator("#journal-title")).to_contain_text("5А")


def test_all_present_takes_the_lesson_off_the_control(page, browser, live_server, sign_in, screenshot):
    from models import Lesson, db

    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, "teacher")
    _open_maths_5a(page, base)
    page.locator("th.jg-miss a.jg-hl").last.click()  # the latest timetabled lesson not recorded yet
    page.fill("#topic", "Десятичные дроби: посещаемость")
    page.click("#lesson-save")
    expect(page.locator(".alert-success")).to_contain_text("Десятичные дроби: посещаемость")
    lesson_id = int(re.search(r"#l(\d+)$", page.url).group(1))
    with live_server.app.app_context():
        lesson = db.session.get(Lesson, lesson_id)
        day, assignment_id = lesson.date, lesson.assignment_id
        db.session.remove()
    try:
        expect(page.locator(f"#l{lesson_id} .jg-noatt")).to_have_count(1)  # the grid marks it
        expect(page.locator(f"#all-present-{lesson_id}")).to_be_visible()

        other = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 900})
        coordinator = other.new_page()
        try:
            sign_in(coordinator, "coordinator")
            control = f"{base}/admin/control/?month={day:%Y-%m}"
            coordinator.goto(control)
            link = coordinator.locator(f"#attendance-missing-table a.lesson-link[data-lesson='{lesson_id}']")
            expect(link).to_have_text(day.strftime("%d.%m"))
            row = coordinator.locator(".attendance-missing-line").filter(
                has=coordinator.locator(f"a.lesson-link[data-lesson='{lesson_id}']")
            )
            expect(row).to_contain_text("5А")
            expect(row).to_contain_text("Математика")
            screenshot(coordinator, "control-attendance-missing")
            link.click()  # the coordinator reads the lesson: not taken, and no button for them
            expect(coordinator.locator("#attendance-missing")).to_be_visible()
            expect(coordinator.locator("#all-present")).to_have_count(0)

            page.goto(f"{base}/admin/journal/{assignment_id}/lesson?lesson={lesson_id}")
            expect(page.locator("#attendance-missing")).to_be_visible()
            screenshot(page, "lesson-attendance-missing")
            page.click("#all-present")
            expect(page.locator(".alert-success")).to_contain_text("все присутствуют")
            expect(page.locator("#attendance-taken")).to_contain_text("Посещаемость отмечена")
            expect(page.locator("#all-present")).to_have_count(0)

            coordinator.goto(control)
            expect(coordinator.locator(f"a.lesson-link[data-lesson='{lesson_id}']")).to_have_count(0)
        finally:
            other.close()
        assert errors == []
    finally:
        with live_server.app.app_context():  # the demo database is shared: the lesson goes
            db.session.execute(delete(Lesson).where(Lesson.id == lesson_id))
            db.session.commit()
            assert db.session.scalar(select(Lesson.id).where(Lesson.id == lesson_id)) is None
            db.session.remove()


def test_an_absence_typed_in_the_grid_takes_attendance(page, live_server, sign_in):
    """«н» typed in a cell of a new lesson: the column's "not taken" mark and its button go at once, and stay
    gone after a reload (the server stamped the lesson)."""
    from models import Lesson, db

    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "teacher")
    _open_maths_5a(page, base)
    page.locator("th.jg-miss a.jg-hl").last.click()
    page.fill("#topic", "Десятичные дроби: отсутствующий")
    page.click("#lesson-save")
    expect(page.locator(".alert-success")).to_contain_text("Десятичные дроби: отсутствующий")
    lesson_id = int(re.search(r"#l(\d+)$", page.url).group(1))
    try:
        expect(page.locator("#jg-form.jg-live")).to_have_count(1)  # the grid's script has taken over
        expect(page.locator(f"#l{lesson_id} .jg-noatt")).to_have_count(1)
        cell = page.locator(f"input.jg-i[name^='c-{lesson_id}-']").first
        cell.click()
        page.keyboard.press("n")
        expect(cell).to_have_value("н")
        expect(page.locator(f"#l{lesson_id} .jg-noatt")).to_have_count(0)
        expect(page.locator(f"#all-present-{lesson_id}")).to_have_count(0)
        page.reload()
        expect(page.locator(f"#l{lesson_id} .jg-noatt")).to_have_count(0)
        expect(page.locator(f"#all-present-{lesson_id}")).to_have_count(0)
    finally:
        from models import Attendance

        with live_server.app.app_context():
            db.session.execute(delete(Attendance).where(Attendance.lesson_id == lesson_id))
            db.session.execute(delete(Lesson).where(Lesson.id == lesson_id))
            db.session.commit()
            db.session.remove()
