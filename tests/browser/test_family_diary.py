"""Real browser, demo school, a phone-sized screen: the parent of two children switches between them in the diary
(keeping the week), opens the marks and one subject, sees where its period mark is heading and what the next
mark up needs, and opens a mark the teacher has just changed: old → new, the comment, who and when."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import select

import school_clock
from models import Lesson, Mark, Period, TeachingAssignment, User, UserRole, db
from models.access import Actor, children
from models.accounts.auth import new_session_token
from models.base import utcnow
from models.journal.cells import set_mark

PHONE = {"width": 390, "height": 844}


def _change_a_mark(app):
    """The latest mark of one of the children (by a teacher with an account), changed by the lesson's teacher with a comment: (children, the mark's
    student, subject and lesson ids, old value, new value)."""
    with app.app_context():
        with app.test_request_context():
            today = school_clock.today()
        parent = db.session.scalar(select(User).where(User.login == "parent"))
        kids = db.session.scalars(children(Actor.of(parent))).all()
        assert len(kids) == 2
        mark, lesson, assignment = db.session.execute(
            select(Mark, Lesson, TeachingAssignment)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .where(Mark.student_id.in_([k.id for k in kids]), Mark.value.is_not(None), Lesson.date <= today)
            .order_by(Lesson.date.desc(), Mark.id.desc())
            .limit(1)
        ).one()
        teacher = db.session.scalar(select(User).where(User.staff_id == assignment.teacher_id))
        if teacher is None:  # the tiny demo gives accounts to a few teachers only: this one signs up
            teacher = User(
                school_id=parent.school_id,
                login=f"teacher-{assignment.teacher_id}",
                password_hash="!",
                session_token=new_session_token(),
                staff_id=assignment.teacher_id,
            )
            teacher.roles = [UserRole(role="teacher")]
            db.session.add(teacher)
            db.session.flush()
        child = next(k for k in kids if k.id == mark.student_id)
        other = next(k for k in kids if k.id != mark.student_id)
        period = db.session.scalar(
            select(Period.id).where(
                Period.year_id == assignment.year_id,
                Period.scheme != "year",
                Period.starts_on <= lesson.date,
                Period.ends_on >= lesson.date,
            )
        )
        old = mark.value
        new = 4 if old == 5 else 5
        set_mark(
            Actor.of(teacher),
            lesson.id,
            child.id,
            mark.slot,
            str(new),
            mark.version,
            comment="Исправлено после пересдачи",
            now=utcnow(),
        )
        db.session.commit()
        result = (
            (other.id, child.id),
            child.id,
            period,
            assignment.subject_id,
            lesson.id,
            lesson.date,
            str(old),
            str(new),
        )
        db.session.remove()
        return result


def test_parent_switches_children_opens_a_subject_sees_the_forecast_and_a_changed_mark(
    page, live_server, sign_in, screenshot
):
    base = live_server.url
    (first_id, second_id), child_id, period_id, subject_id, lesson_id, day, old, new = _change_a_mark(live_server.app)
    page.set_viewport_size(PHONE)
    sign_in(page, "parent")
    expect(page.locator("#unread-notices")).to_be_visible()  # the navigation counts the change

    week = (day - dt.timedelta(days=day.weekday())).isoformat()
    page.goto(f"{base}/diary/{first_id}?week={week}")
    page.click(f"#child-switcher a[href^='/diary/{second_id}?']")
    expect(page).to_have_url(f"{base}/diary/{second_id}?week={week}")  # the same week, the other child
    expect(page.locator("#child-switcher a.active")).to_have_attribute("href", f"/diary/{second_id}?week={week}")
    expect(page.locator("#unread-notices")).to_be_visible()  # on every page, not only the home page
    expect(page.locator(".diary-comment", has_text="Исправлено после пересдачи")).to_be_visible()

    page.click("#marks-link")
    page.click(f"#period-switch a[href*='period={period_id}']")  # the term of the changed mark
    page.locator(f"a[href*='/diary/{second_id}/subjects/{subject_id}']").first.click()
    forecast = page.locator("#forecast")
    expect(forecast).to_contain_text("Прогноз отметки")
    expect(forecast.locator(".forecast-heading, #period-mark").first).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the subject page is {width} px wide on a 390 px phone"
    screenshot(page, "family-subject-phone")

    page.locator(f"#subject-marks a[href$='/lessons/{lesson_id}/marks']").first.click()
    history = page.locator("#mark-history")
    expect(history).to_contain_text(f"{old} → {new}")
    expect(history).to_contain_text("Исправлено после пересдачи")
    screenshot(page, "family-mark-history-phone")

    # the other child from the subject page: the same subject kept, or their marks when they lack it
    page.goto(f"{base}/diary/{second_id}/subjects/{subject_id}")
    page.click(f"#child-switcher a[href^='/diary/{first_id}/']")
    expect(page).to_have_url(re.compile(rf"/diary/{first_id}/(subjects/{subject_id}|marks)$"))
