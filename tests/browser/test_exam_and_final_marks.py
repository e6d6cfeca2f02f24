"""Real browser on the demo school: the operator makes 5А a graduating class in the school settings and
picks the "year and exam" rule for the final mark; the maths teacher of 5А (whose year marks are in)
sets an exam mark without a reason, then on the "Итоговая" tab fills in the proposals (the examined
student's mean of year and exam), overrides one with a reason and saves."""

from __future__ import annotations

from playwright.sync_api import expect

REASON = "Решение педагогического совета"


def _seed_year_marks(app):
    """Year marks of 4 in the teacher's maths in 5А for everyone; returns (assignment id, year period id)."""
    from sqlalchemy import select

    from models import Enrollment, Period, PeriodMark, SchoolClass, Subject, TeachingAssignment, User, db

    with app.app_context():
        teacher = db.session.scalar(select(User).where(User.login == "teacher"))
        a = db.session.scalar(
            select(TeachingAssignment)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .where(
                TeachingAssignment.teacher_id == teacher.staff_id,
                SchoolClass.grade == 5,
                SchoolClass.letter == "А",
                Subject.name == "Математика",
            )
        )
        year = db.session.scalar(
            select(Period).where(Period.scheme == "year", Period.year_id == a.school_class.year_id)
        )
        for sid in db.session.scalars(
            select(Enrollment.student_id).where(Enrollment.class_id == a.class_id, Enrollment.ends_on.is_(None))
        ):
            db.session.add(
                PeriodMark(
                    student_id=sid, subject_id=a.subject_id, period_id=year.id, kind="year", value=4, assignment_id=a.id
                )
            )
        db.session.commit()
        result = a.id, year.id
        db.session.remove()
    return result


def _clean_up(app, year_id):
    from sqlalchemy import delete

    from models import PeriodMark, Setting, db

    with app.app_context():
        db.session.execute(delete(PeriodMark).where(PeriodMark.period_id == year_id))
        db.session.execute(delete(Setting).where(Setting.key.in_(("final_grades", "final_mark_rule"))))
        db.session.commit()
        db.session.remove()


def test_operator_sets_graduating_grades_teacher_sets_exam_and_final_marks(page, live_server, screenshot, sign_in):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    base = live_server.url
    assignment_id, year_id = _seed_year_marks(live_server.app)
    try:
        sign_in(page, "operator")
        page.goto(base + "/admin/settings/")
        page.fill("#final_grades", "5, 9, 11")
        page.select_option("#final_mark_rule", "year_and_exam")
        page.click("#settings-save")
        expect(page.locator(".alert-success")).to_be_visible()
        expect(page.locator("#final_grades")).to_have_value("5, 9, 11")
        page.click("#logout")

        sign_in(page, "teacher")
        page.goto(base + f"/admin/finals/{assignment_id}?period={year_id}")
        page.click(f"#tab-exam-{year_id}")
        expect(page.locator("#sheet-title")).to_contain_text("Экзаменационные отметки")
        first = page.locator("#finals-table > tbody > tr").first
        student = first.locator(".student-name").inner_text()
        first.locator("select.final-mark").select_option("5")
        expect(first.locator("input.final-reason")).to_be_visible()  # an optional comment
        first.locator("button.save-one").click()
        expect(page.locator(".alert-success")).to_contain_text("Сохранено отметок: 1")
        expect(page.locator("#sheet-title")).to_contain_text("Экзаменационные отметки")  # stayed on the tab
        screenshot(page, "finals-exam")

        page.click(f"#tab-final-{year_id}")
        expect(page.locator("#sheet-title")).to_contain_text("Итоговые отметки (аттестат)")
        examined = page.locator("#finals-table > tbody > tr", has_text=student)
        expect(examined.locator("strong.proposed")).to_have_text("5")  # (4 + 5) / 2 = 4.5
        others = page.locator("#finals-table > tbody > tr").nth(1)
        expect(others.locator("strong.proposed")).to_have_text("4")
        page.click("#fill-proposals")
        expect(page.locator("#filled-note")).to_be_visible()
        expect(examined.locator("select.final-mark")).to_have_value("5")
        reason = others.locator("input.final-reason")
        expect(reason).to_be_hidden()
        others.locator("select.final-mark").select_option("5")
        expect(reason).to_be_visible()
        reason.fill(REASON)
        page.click("#save-all")
        expect(page.locator(".alert-success")).to_contain_text("Сохранено отметок")
        expect(others.locator(".override-reason")).to_contain_text(REASON)
        assert page.locator("select.final-mark").evaluate_all("els => els.filter(e => !e.value).length") == 0
        screenshot(page, "finals-final")
    finally:
        _clean_up(live_server.app, year_id)
    assert not [e for e in errors if "Content Security Policy" in e], errors
