"""Real browser, demo school, CSRF on: the director switches a day of 5А to distance learning (through the
menu); the maths teacher adds the lesson's link (a javascript: link is refused first); a parent on a phone
(390 px) finds the distance lesson first in the child's diary with its link and signs the week (a double
click leaves one signature); the class teacher of 5А sees the signature on "Мой класс" → "Подписи родителей"."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import delete, func, select

from models import (
    DiaryAcknowledgement,
    Guardian,
    Lesson,
    SchoolClass,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
    User,
    db,
)

LINK = "https://meet.example.org/5a-maths"


def _forget_switch(app, day: dt.date) -> None:
    """The browser tests share one demo school: the day goes back to lessons in the building afterwards."""
    from models.tables.school import CancelledDay

    with app.app_context():
        db.session.execute(delete(CancelledDay).where(CancelledDay.date == day))
        db.session.commit()
        db.session.remove()


def _demo(app):
    """The child of `parent` in 5А (the `student` account), the maths page of 5А and its latest lesson."""
    with app.app_context():
        child = db.session.scalar(
            select(Student).join(User, User.student_id == Student.id).where(User.login == "student")
        )
        guardian = db.session.scalar(
            select(Guardian).join(User, User.guardian_id == Guardian.id).where(User.login == "parent")
        )
        row = db.session.execute(
            select(Lesson.id, Lesson.date, TeachingAssignment.id, SchoolClass.id)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .join(Staff, Staff.id == TeachingAssignment.teacher_id)
            .join(User, User.staff_id == Staff.id)
            .where(
                User.login == "teacher", Subject.name == "Математика", SchoolClass.grade == 5, SchoolClass.letter == "А"
            )
            .order_by(Lesson.date.desc())
            .limit(1)
        ).one()
        names = (child.id, child.first_name, guardian.id, guardian.last_name)
        db.session.remove()
    return names, row


def test_distance_day_link_diary_first_and_weekly_signature(page, live_server, sign_in, screenshot, request):
    base = live_server.url
    (child_id, child_name, guardian_id, guardian_name), (lesson_id, day, assignment_id, class_id) = _demo(
        live_server.app
    )
    request.addfinalizer(lambda: _forget_switch(live_server.app, day))

    # The director: "Расписание" → "Дистанционное обучение", 5А on the lesson's day, quarantine.
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "director")
    page.click("a.dropdown-toggle:has-text('Расписание')")
    page.click("a.dropdown-item:has-text('Дистанционное обучение')")
    expect(page.locator("#distance-title")).to_be_visible()
    page.fill("#date", day.isoformat())
    page.select_option("#target", f"class:{class_id}")
    page.select_option("#kind", "quarantine")
    page.fill("#reason", "Карантин по гриппу, приказ № 7")
    page.click("#distance-switch")
    expect(page.locator(".alert-success")).to_contain_text("переведён на дистанционное обучение")
    expect(page.locator("#distance-days")).to_contain_text("5А")
    screenshot(page, "distance-switch")
    page.click("#logout")

    # The maths teacher: the lesson page says the day is distance; a javascript: link is refused, then the link.
    sign_in(page, "teacher")
    page.goto(f"{base}/admin/journal/{assignment_id}/lesson?lesson={lesson_id}")
    expect(page.locator("#distance-reason")).to_contain_text("Карантин по гриппу")
    page.fill("#distance_url", "javascript:alert(1)")
    page.click("#distance-save")
    expect(page.locator(".alert-danger")).to_contain_text("http:// или https://")
    page.fill("#distance_url", LINK)
    page.fill("#distance_materials", "Учебник, с. 112, № 5–9")
    page.click("#distance-save")
    expect(page.locator(".alert-success")).to_contain_text("сохранены")
    expect(page.locator("#distance_url")).to_have_value(LINK)
    page.goto(f"{base}/admin/journal/{assignment_id}?day={day.isoformat()}")
    screenshot(page, "distance-lesson-teacher")
    page.click("#logout")

    # The parent on a phone: the distance block comes first, with the link; the week is signed once.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "parent")
    page.goto(f"{base}/diary/{child_id}?week={day.isoformat()}")
    block = page.locator("#distance-lessons")
    expect(block).to_be_visible()
    expect(block).to_contain_text("Карантин по гриппу")
    link = block.locator("a.distance-link").first
    expect(link).to_have_attribute("href", LINK)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    first_day = page.locator(".card-header", has_text="Понедельник").first
    assert block.bounding_box()["y"] < first_day.bounding_box()["y"], "the distance lessons come before the week"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the diary is {width} px wide on a 390 px phone"
    screenshot(page, "distance-diary-phone")
    page.dblclick("#week-ack-button")
    expect(page.locator("#week-signed")).to_be_visible()
    monday = day - dt.timedelta(days=day.weekday())
    with live_server.app.app_context():
        signed = db.session.scalar(
            select(func.count())
            .select_from(DiaryAcknowledgement)
            .where(
                DiaryAcknowledgement.guardian_id == guardian_id,
                DiaryAcknowledgement.student_id == child_id,
                DiaryAcknowledgement.week_start == monday,
            )
        )
        db.session.remove()
    assert signed == 1
    screenshot(page, "week-signed-phone")
    page.click("#logout")

    # The class teacher of 5А: "Мой класс" → "Подписи родителей", the week of the lesson.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "classteacher")
    page.click("a.dropdown-toggle:has-text('Мой класс')")
    page.click("a.dropdown-item:has-text('Подписи родителей')")
    page.fill("#week", day.isoformat())
    page.click("#signatures-filter button[type=submit]")
    row = page.locator("#signatures tr.signature-row", has_text=guardian_name).first
    expect(row).to_contain_text("✔")
    expect(page.locator("#signatures-summary")).to_contain_text(monday.strftime("%d.%m.%Y"))
    screenshot(page, "signatures-class-teacher")
