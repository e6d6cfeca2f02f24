"""Real browser, the Kazakhstan demo school (`flask --app app demo --kind kz`) loaded next to the Russian one: the
maths teacher (kz-teacher, desktop) reads the first quarter of 5А in Kazakh with the columns ҚБ /10, БЖБ and one
ТЖБ /25 and the finals sheet proposing marks from the weighted percent; the parent (kz-parent, phone 390 px) reads
the quarter's points in Kazakh on the marks page. Both accounts read Kazakh from their first sign-in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import PeriodMark, SchoolClass, Subject, TeachingAssignment, User, db

RUSSIAN = re.compile(r"четверть|Дневник|Журнал страницы|СОЧ|СОР")


@pytest.fixture(scope="module")
def kz(live_server):
    """Loads the Kazakh demo school (idempotent) with its lessons up to today; returns the ids the test opens."""
    from demo.generator import Scale, load_demo

    with live_server.app.app_context():
        load_demo(scale=Scale(schools=1, classes_per_grade=1, students_per_class=5, weeks=None), kind="kz")
        teacher = db.session.scalar(select(User.staff_id).where(User.login == "kz-teacher"))
        assignment, class_id = db.session.execute(
            select(TeachingAssignment.id, TeachingAssignment.class_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .where(TeachingAssignment.teacher_id == teacher, Subject.name == "Математика", SchoolClass.grade == 5)
        ).one()
        q1 = db.session.scalar(select(PeriodMark.period_id).where(PeriodMark.assignment_id == assignment).limit(1))
        child = db.session.scalar(select(User.student_id).where(User.login == "kz-student"))
        db.session.remove()
    return {"assignment": assignment, "q1": q1, "child": child}


def test_kazakh_teacher_and_parent_read_the_criteria_marks_in_kazakh(page, live_server, sign_in, kz, screenshot):
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "kz-teacher")
    page.goto(f"{base}/admin/journal/{kz['assignment']}?period={kz['q1']}")
    grid = page.locator("#journal-grid")
    expect(grid).to_have_attribute("data-criteria", "1")
    expect(page.locator("span.jg-pts", has_text="ТЖБ")).to_have_count(1)
    expect(page.locator("span.jg-pts", has_text="ТЖБ")).to_contain_text("/25")
    expect(page.locator("span.jg-pts", has_text="БЖБ").first).to_be_visible()
    expect(page.locator("span.jg-pts", has_text="ҚБ").first).to_contain_text("/10")
    expect(page.locator("body")).to_contain_text("1-тоқсан")
    screenshot(page, "kz-demo-journal")
    page.goto(f"{base}/admin/finals/{kz['assignment']}?period={kz['q1']}")
    expect(page.locator("strong.proposed").first).to_have_text(re.compile(r"^[2-5]$"))
    expect(page.locator("td.proposal").first).to_contain_text("%")
    expect(page.locator("body")).to_contain_text("Критериалды")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "kz-parent")
    page.goto(f"{base}/diary/{kz['child']}/marks")
    body = page.locator("main") if page.locator("main").count() else page.locator("body")
    expect(body).to_contain_text("1-тоқсан")
    expect(body).to_contain_text(re.compile(r"\b\d+/(15|20)\b"))  # a СОР's points
    expect(body).to_contain_text("Қазақ тілі")
    expect(body).not_to_contain_text(RUSSIAN)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "kz-demo-marks-phone")
