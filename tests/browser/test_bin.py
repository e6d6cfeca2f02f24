"""Real browser, demo school (issue 18 item 5): the operator removes a lesson with marks by mistake — the lesson page
names what will go and asks for a confirmation — finds it in "Корзина" through the menu and restores it; the journal
shows the lesson and its marks again."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from models import AcademicYear, Lesson, Mark, Period, RemovedRecord, SchoolClass, TeachingAssignment, User, db
from models.access import Actor
from models.school.removal import restore


def _lesson_with_marks(app) -> dict:
    """A lesson of the operator's school in an open period of an open year, with its marks as shown."""
    with app.app_context():
        operator = db.session.scalar(select(User).where(User.login == "operator"))
        row = db.session.execute(
            select(Lesson.id, Lesson.assignment_id, func.count(Mark.id))
            .join(Mark, Mark.lesson_id == Lesson.id)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
            .join(
                Period,
                (Period.year_id == SchoolClass.year_id)
                & (Period.scheme == SchoolClass.period_scheme)
                & (Period.starts_on <= Lesson.date)
                & (Period.ends_on >= Lesson.date),
            )
            .where(
                SchoolClass.school_id == operator.school_id,
                AcademicYear.archived_at.is_(None),
                Period.closed_at.is_(None),
                Mark.value.is_not(None),
            )
            .group_by(Lesson.id, Lesson.assignment_id)
            .order_by(Lesson.date.desc(), Lesson.id)
            .limit(1)
        ).one()
        values = sorted(
            str(v)
            for v in db.session.scalars(select(Mark.value).where(Mark.lesson_id == row[0], Mark.value.is_not(None)))
        )
        found = {"lesson": row[0], "assignment": row[1], "marks": row[2], "values": values, "operator": operator.id}
        db.session.remove()
    return found


def _put_back(app, ids) -> None:
    """Whatever happened, the shared demo database keeps the lesson."""
    with app.app_context():
        if db.session.get(Lesson, ids["lesson"]) is None:
            record = db.session.scalar(
                select(RemovedRecord).where(
                    RemovedRecord.kind == "lesson",
                    RemovedRecord.entity_id == ids["lesson"],
                    RemovedRecord.restored_at.is_(None),
                )
            )
            restore(Actor.of(db.session.get(User, ids["operator"])), record.id)
            db.session.commit()
        db.session.remove()


def test_the_operator_restores_a_lesson_removed_by_mistake(page, live_server, sign_in, screenshot):
    base, ids = live_server.url, _lesson_with_marks(live_server.app)
    lesson_page = f"{base}/admin/journal/{ids['assignment']}/lesson?lesson={ids['lesson']}"
    try:
        sign_in(page, "operator")
        page.goto(lesson_page)
        shown = page.locator("#lesson-delete-what")
        expect(shown).to_contain_text(f"отметки: {ids['marks']}")
        screenshot(page, "bin-lesson-confirm")
        page.click("#lesson-delete")  # the confirmation box is required: the browser keeps the form
        expect(page.locator("#lesson-delete-form")).to_be_visible()
        assert page.url == lesson_page
        page.check("#lesson-delete-confirm")
        page.click("#lesson-delete")
        expect(page.locator(".alert-success")).to_contain_text("Урок удалён")
        assert page.goto(lesson_page).status == 404

        page.goto(base + "/admin/")
        page.get_by_role("link", name="Организация", exact=True).click()
        page.click("a.dropdown-item:has-text('Корзина')")
        row = page.locator(".bin-row[data-kind='lesson']").first
        expect(row.locator(".bin-rows")).to_contain_text(f"отметки: {ids['marks']}")
        screenshot(page, "bin")
        row.locator("button.bin-restore").click()
        expect(page.locator(".alert-success")).to_contain_text("восстановлено вместе с отметками")
        expect(page.locator(f"#bin .bin-row[data-kind='lesson']:has-text('{ids['lesson']}')")).to_have_count(0)

        page.goto(lesson_page)
        expect(page.locator("#lesson-delete-form")).to_be_visible()
        marks = sorted(page.locator("table strong").all_inner_texts())
        assert [m for m in marks if m.isdigit()] == ids["values"]
        page.click("#back-to-grid")  # the grid of the lesson's period
        expect(page.locator(f"#l{ids['lesson']}")).to_have_count(1)
        screenshot(page, "bin-journal-restored")
    finally:
        _put_back(live_server.app, ids)
