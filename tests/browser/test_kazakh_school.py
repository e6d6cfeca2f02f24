"""Real browser, the demo school made a Kazakhstan school (jurisdiction KZ, Kazakh as the language of
instruction, criteria-based assessment) and read in the Kazakh interface: the maths teacher's journal names its
quarters "тоқсан", the columns ҚБ/БЖБ and the absence "ж" (typed with the Kazakh key, kept after a reload); the
operator's criteria weights are checked in Kazakh and refused while the year has marks; a parent on a phone reads
the diary's absence badge and the marks page's quarter tabs in Kazakh."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

RUSSIAN_PERIODS = re.compile(r"четверть|Учебный год|полугодие")


@pytest.fixture()
def kz_school(live_server):
    """The demo school as a Kazakh one for this test (and back afterwards), with СОР and СОЧ kinds of work; the
    parent's first child absent from their class's latest recorded lesson. Afterwards the accounts that chose
    Kazakh read Russian again."""
    from sqlalchemy import select

    from models import Attendance, Enrollment, Guardian, Lesson, School, StudentGuardian, User, WorkKind, db
    from models.tables.curriculum import TeachingAssignment

    app = live_server.app
    with app.app_context():
        school = db.session.scalar(select(School).where(School.code == "demo"))
        for code, name in (("sor", "СОР"), ("soch", "СОЧ")):
            if (
                db.session.scalar(select(WorkKind).where(WorkKind.school_id == school.id, WorkKind.code == code))
                is None
            ):
                db.session.add(WorkKind(school_id=school.id, code=code, name=name, criteria_kind=code, is_control=True))
        before = (school.jurisdiction, school.language, school.grading_scheme)
        school.jurisdiction, school.language, school.grading_scheme = "KZ", "kk", "criteria"
        parent = db.session.scalar(select(User).where(User.login == "parent"))
        child_id = db.session.scalar(
            select(StudentGuardian.student_id)
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(Guardian.id == parent.guardian_id)
            .order_by(StudentGuardian.student_id)
            .limit(1)
        )
        class_id = db.session.scalar(
            select(Enrollment.class_id).where(Enrollment.student_id == child_id).order_by(Enrollment.starts_on.desc())
        )
        lesson = db.session.scalar(
            select(Lesson)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .where(TeachingAssignment.class_id == class_id, Lesson.date < dt.date.today())
            .order_by(Lesson.date.desc())
            .limit(1)
        )
        added = None
        if (
            db.session.scalar(
                select(Attendance.id).where(Attendance.lesson_id == lesson.id, Attendance.student_id == child_id)
            )
            is None
        ):
            added = Attendance(lesson_id=lesson.id, student_id=child_id, status="absent")
            db.session.add(added)
        db.session.commit()
        info = {"school_id": school.id, "child_id": child_id, "day": lesson.date, "added": added and added.id}
    try:
        yield info
    finally:
        with app.app_context():
            school = db.session.get(School, info["school_id"])
            school.jurisdiction, school.language, school.grading_scheme = before
            if info["added"]:
                db.session.delete(db.session.get(Attendance, info["added"]))
            for user in db.session.scalars(select(User).where(User.login.in_(("teacher", "operator", "parent")))):
                user.locale = "ru"  # the other tests read the demo school in Russian
            db.session.commit()


def _kazakh(page) -> None:
    page.click("#lang-kk")
    expect(page.locator("#lang-kk")).to_have_class(re.compile(r"\bactive\b"))


def test_a_kazakh_school_in_the_kazakh_interface(page, live_server, sign_in, kz_school, screenshot):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    base = live_server.url

    # The teacher, at a desk: the journal of 6А in Kazakh.
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "teacher")
    page.goto(base + "/admin/journal/")
    _kazakh(page)
    row = page.locator("#journal-pages tbody tr", has_text="6А").filter(has_text="Математика").first
    row.locator("a.journal-open").click()
    expect(page.locator("#journal-grid")).to_have_attribute("data-criteria", "1")
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)
    tabs = page.locator("#period-tabs")
    expect(tabs).to_contain_text("1-тоқсан")
    expect(tabs).not_to_contain_text(RUSSIAN_PERIODS)
    tabs.locator("a", has_text="1-тоқсан").click()
    expect(page.locator("span.jg-pts").first).to_contain_text("ҚБ")  # ФО in Russian
    tabs.locator("a", has_text="2-тоқсан").click()
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)
    page.locator("th.jg-miss a.jg-hl").first.click()  # record a lesson of the timetable
    expect(page.locator("#lesson-form")).to_be_visible()
    page.fill("#topic", "Бөлшектерді қосу")
    page.click("#lesson-save")
    expect(page.locator(".alert-success")).to_contain_text("Бөлшектерді қосу")
    lesson_id = re.search(r"#l(\d+)$", page.url).group(1)
    expect(page.locator(f"#l{lesson_id}")).to_contain_text("ҚБ")
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)
    cell = page.locator(f"input.jg-i[name^='c-{lesson_id}-']").first
    cell.click()
    # The Kazakh key for "absent" (Playwright's keyboard knows the US layout only: the key event itself).
    cell.dispatch_event("keydown", {"key": "ж", "bubbles": True, "cancelable": True})
    expect(cell).to_have_value(re.compile(r"^ж( |$)"))
    expect(cell.locator("xpath=..")).to_have_class(re.compile(r"\bjg-ok\b"))
    screenshot(page, "kazakh-journal")
    name = cell.get_attribute("name")
    page.reload()
    expect(page.locator(f"input[name='{name}']")).to_have_value(re.compile(r"^ж( |$)"))

    # The operator: the criteria weights are checked, and wait for a year without marks.
    page.click("#logout")
    sign_in(page, "operator")
    page.goto(base + "/admin/settings/")
    _kazakh(page)
    expect(page.locator("#criteria_weights")).to_have_value("25, 25, 50")
    page.fill("#criteria_weights", "25, 25, 40")
    page.click("#settings-save")
    expect(page.locator("#criteria_weights-error")).to_contain_text("салмақтардың қосындысы — 90 %")
    page.fill("#criteria_weights", "30, 30, 40")
    page.click("#settings-save")
    expect(page.locator(".alert")).to_contain_text("оқу жылында бағалар бар")
    screenshot(page, "kazakh-settings")
    page.goto(base + "/admin/settings/")  # nothing was stored
    expect(page.locator("#criteria_weights")).to_have_value("25, 25, 50")

    # The parent, on a phone: the week with the absence, then the marks by quarter.
    page.click("#logout")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "parent")
    _kazakh(page)
    page.goto(f"{base}/diary/{kz_school['child_id']}?week={kz_school['day'].isoformat()}")
    expect(page.locator("span.badge-danger", has_text="ж").first).to_be_visible()
    expect(page.locator("span.badge-danger", has_text=re.compile(r"^н$"))).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the week is {width} px wide on a 390 px phone"
    screenshot(page, "kazakh-diary-phone")
    page.click("#marks-link")
    switch = page.locator("#period-switch")
    expect(switch).to_contain_text("1-тоқсан")
    expect(switch).not_to_contain_text(RUSSIAN_PERIODS)
    expect(page.locator("#year-summary th").last).to_have_text("Оқу жылы")
    screenshot(page, "kazakh-marks-phone")
    assert not [e for e in errors if "Content Security Policy" in e], errors
