"""Real browser, the demo school switched to criteria-based grading (Kazakhstan): the maths teacher records a
СОР out of 20 points for 6А, types points into the grid (a number, then Enter saves and moves down), a result
over the maximum is refused in red with the reason, and the points are still there after a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "demo-pass-2026"


@pytest.fixture()
def criteria_school(live_server):
    """The demo school grades by criteria for this test (and back afterwards), with a СОР kind of work."""
    from sqlalchemy import select

    from models import School, WorkKind, db

    with live_server.app.app_context():
        school = db.session.scalar(select(School).where(School.code == "demo"))
        if db.session.scalar(select(WorkKind).where(WorkKind.school_id == school.id, WorkKind.code == "sor")) is None:
            db.session.add(WorkKind(school_id=school.id, code="sor", name="СОР", criteria_kind="sor", is_control=True))
        school.grading_scheme = "criteria"
        db.session.commit()
        school_id = school.id
    try:
        yield
    finally:
        with live_server.app.app_context():
            db.session.get(School, school_id).grading_scheme = "five_point"
            db.session.commit()


def test_teacher_enters_sor_points(page, live_server, criteria_school, screenshot):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    base = live_server.url
    page.goto(base + "/login")
    page.fill("#login", "teacher")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(base + "/admin/journal/")
    row = page.locator("#journal-pages tbody tr", has_text="6А").filter(has_text="Математика").first
    row.locator("a.journal-open").click()
    expect(page.locator("#journal-grid")).to_have_attribute("data-criteria", "1")
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)

    page.locator("th.jg-miss a.jg-hl").first.click()
    expect(page.locator("#lesson-form")).to_be_visible()
    page.select_option("#work_kind_id", label="СОР (×1) — контрольная")
    page.fill("#topic", "СОР по разделу «Обыкновенные дроби»")
    page.click("#lesson-save")
    expect(page.locator(".alert-danger")).to_contain_text("максимальный балл")  # required for СОР
    page.fill("#max_points", "20")
    page.fill("#topic", "СОР по разделу «Обыкновенные дроби»")
    page.click("#lesson-save")
    expect(page.locator(".alert-success")).to_contain_text("Обыкновенные дроби")
    lesson_id = re.search(r"#l(\d+)$", page.url).group(1)
    expect(page.locator(f"#l{lesson_id}")).to_contain_text("СОР /20")
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)

    cells = page.locator(f"input.jg-i[name^='c-{lesson_id}-']")
    first, second, third = cells.nth(0), cells.nth(1), cells.nth(2)
    first.click()
    page.keyboard.type("18")
    expect(first).to_have_value("18")  # typed, not saved yet
    page.keyboard.press("Enter")
    expect(first.locator("xpath=..")).to_have_class(re.compile(r"\bjg-ok\b"))
    expect(second).to_be_focused()
    page.keyboard.type("17,5")
    page.keyboard.press("Enter")
    expect(second.locator("xpath=..")).to_have_class(re.compile(r"\bjg-ok\b"))
    expect(second).to_have_value("17.5")
    expect(third).to_be_focused()
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    expect(third.locator("xpath=..")).to_have_class(re.compile(r"\bjg-err\b"))
    expect(page.locator("#jg-status")).to_contain_text("больше максимума")
    expect(third).to_have_value("")
    screenshot(page, "journal-criteria-points")

    page.reload()
    expect(page.locator(f"input[name='{first.get_attribute('name')}']")).to_have_value("18")
    expect(page.locator(f"input[name='{second.get_attribute('name')}']")).to_have_value("17.5")
    assert not [e for e in errors if "Content Security Policy" in e], errors
