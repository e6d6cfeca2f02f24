"""Real browser, demo school (issue 18): the seal of an archived year — the operator archives a finished year,
a mark of it is changed behind the application's back, and the director's verification on "Архив и печати"
names the student and the lesson; the class teacher corrects a parent's phone on "Мой класс → Контакты семей"
on a 390 px phone (a malformed number refused, nothing saved), then on a desktop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from past_years import add_past_year, remove_past_year
from playwright.sync_api import expect
from sqlalchemy import select, update

from models import (
    AcademicYear,
    Enrollment,
    Guardian,
    Lesson,
    Mark,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    User,
    WorkKind,
    db,
)


def _past_year_with_a_mark(app) -> dict:
    with app.app_context():
        year = add_past_year(db.session, "demo", "2019/2020", dt.date(2019, 9, 1))
        school = year.school
        teacher = db.session.scalar(select(Staff).where(Staff.school_id == school.id).limit(1))
        student = db.session.scalar(select(Student).where(Student.school_id == school.id).order_by(Student.id))
        subject = db.session.scalar(select(Subject).where(Subject.school_id == school.id).order_by(Subject.id))
        kind = db.session.scalar(select(WorkKind).where(WorkKind.school_id == school.id).order_by(WorkKind.id))
        cls = SchoolClass(school_id=school.id, year_id=year.id, grade=7, letter="Я")
        db.session.add(cls)
        db.session.flush()
        assignment = TeachingAssignment(
            year_id=year.id, class_id=cls.id, subject_id=subject.id, teacher_id=teacher.id, hours_per_week=Decimal(2)
        )
        db.session.add(assignment)
        db.session.flush()
        lesson = Lesson(
            assignment_id=assignment.id,
            date=dt.date(2019, 9, 9),
            topic="Повторение",
            work_kind_id=kind.id,
            taught_by_id=teacher.id,
        )
        db.session.add(lesson)
        db.session.flush()
        mark = Mark(lesson_id=lesson.id, student_id=student.id, value=4)
        db.session.add(mark)
        db.session.commit()
        ids = {
            "year": year.id,
            "class": cls.id,
            "assignment": assignment.id,
            "lesson": lesson.id,
            "mark": mark.id,
            "student": student.last_name,
        }
        db.session.remove()
    return ids


def _remove(app, ids) -> None:
    with app.app_context():
        db.session.query(Mark).filter_by(id=ids["mark"]).delete()
        db.session.query(Lesson).filter_by(id=ids["lesson"]).delete()
        db.session.query(TeachingAssignment).filter_by(id=ids["assignment"]).delete()
        db.session.query(SchoolClass).filter_by(id=ids["class"]).delete()
        remove_past_year(db.session, ids["year"])
        db.session.remove()


def test_a_mark_changed_in_an_archived_year_is_named_by_the_verification(
    page, live_server, sign_in, screenshot, worker_after
):
    base, ids = live_server.url, _past_year_with_a_mark(live_server.app)
    worker_after(2.5)
    try:
        sign_in(page, "operator")
        page.goto(base + "/admin/years/")
        page.check(f"input.action-checkbox[value='{ids['year']}']")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("a.dropdown-toggle:has-text('С выбранным')")
        page.click("a.dropdown-item:has-text('Перенести в архив')")
        expect(page.locator(".alert-success")).to_contain_text("Перенос в архив учебных годов (1) поставлен в очередь.")
        page.click("#current-user")  # the user's menu on the right of the bar
        page.click("#nav-jobs")
        job = page.locator("#jobs tbody tr").first
        expect(job).to_contain_text("Печать учебного года")
        expect(job.locator(".job-status")).to_have_text("Готово", timeout=15000)  # the page polls the job
        job.locator("a[id^=open-]").click()
        expect(page.locator("#seal-job-done")).to_contain_text("перенесён в архив и запечатан")
        with live_server.app.app_context():  # behind the application's back: straight into the database
            db.session.execute(update(Mark).where(Mark.id == ids["mark"]).values(value=5))
            db.session.commit()
            db.session.remove()

        page.context.clear_cookies()
        sign_in(page, "director")
        page.click("a.dropdown-toggle:has-text('Организация')")
        page.click("a.dropdown-item:has-text('Архив и печати')")
        row = page.locator(f"#year-{ids['year']}")
        expect(row.locator(".seal-state")).to_contain_text("Печать цела")
        row.locator("button.verify-seal").click()
        expect(page.locator("#seal-job[data-status=queued]")).to_be_visible()  # answered at once, job waiting
        expect(page.locator("#seal-check-result")).to_contain_text("Печать нарушена", timeout=15000)  # refreshed
        difference = page.locator("#seal-differences .seal-difference")
        expect(difference).to_have_count(1)
        expect(difference).to_contain_text(ids["student"])
        expect(difference).to_contain_text("09.09.2019, 7Я")
        expect(difference).to_contain_text("изменено после архивации")
        expect(page.locator(f"#year-{ids['year']} .restore-year-form")).to_have_count(0)  # the operator's
        screenshot(page, "year-seal-changed")
    finally:
        _remove(live_server.app, ids)


def test_the_class_teacher_corrects_a_parents_phone_on_a_phone(page, live_server, sign_in, screenshot):
    base, app = live_server.url, live_server.app
    with app.app_context():
        staff_id = db.session.scalar(select(User.staff_id).where(User.login == "classteacher"))
        cls = db.session.scalar(
            select(SchoolClass)
            .join(AcademicYear)
            .where(SchoolClass.class_teacher_id == staff_id)
            .order_by(AcademicYear.starts_on.desc())
        )
        guardian = db.session.scalar(
            select(Guardian)
            .join(StudentGuardian)
            .join(Enrollment, Enrollment.student_id == StudentGuardian.student_id)
            .where(Enrollment.class_id == cls.id, Enrollment.ends_on.is_(None))
            .order_by(Guardian.id)
            .limit(1)
        )
        guardian_id, old_phone = guardian.id, guardian.phone
        db.session.remove()
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        sign_in(page, "classteacher")
        page.goto(base + "/admin/my-class/")
        page.click("#nav-contacts")
        form = page.locator(f"form.contact-guardian:has(input[name=person_id][value='{guardian_id}'])").first
        form.locator("input.contact-phone").fill("звоните вечером")
        form.locator("button.contact-save").click()
        expect(page.locator(".alert-danger")).to_contain_text("Не сохранено: Телефон")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the contacts page is {width} px wide on a 390 px phone"
        screenshot(page, "family-contacts-phone")
        form = page.locator(f"form.contact-guardian:has(input[name=person_id][value='{guardian_id}'])").first
        expect(form.locator("input.contact-phone")).to_have_value(old_phone or "")  # nothing was saved
        form.locator("input.contact-phone").fill("+7 701 555 12 34")
        form.locator("button.contact-save").click()
        expect(page.locator(".alert-success")).to_contain_text("Контакты сохранены.")
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(base + "/admin/my-class/")
        expect(page.locator("#class-roster")).to_contain_text("+7 701 555 12 34")
        screenshot(page, "family-contacts-roster")
    finally:
        with app.app_context():
            db.session.execute(update(Guardian).where(Guardian.id == guardian_id).values(phone=old_phone))
            db.session.commit()
            db.session.remove()
