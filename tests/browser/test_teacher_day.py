"""Real browser, demo school: the teacher's home page lists today's lessons and the lessons of the last two
weeks still missing from the journal (the tiny demo records only its first week, so after that some are
missing on any school day); following one opens that journal page, and recording today's lesson from the
home page opens the lesson form for today."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from school_day import school_today


def _expected(app):
    from models import User, db
    from models.access import Actor
    from models.home.today import teacher_day

    with app.app_context():
        day = teacher_day(Actor.of(db.session.query(User).filter_by(login="teacher").one()), school_today(app))
        result = len(day.lessons), day.unrecorded_total, [u.assignment.school_class.name for u in day.unrecorded]
        db.session.remove()
    return result


def test_teacher_sees_the_day_and_what_is_not_recorded(page, live_server, screenshot, sign_in):
    lessons, missing, classes = _expected(live_server.app)
    sign_in(page, "teacher")
    expect(page.locator("#today-title")).to_contain_text(school_today(live_server.app).strftime("%d.%m.%Y"))
    expect(page.locator("tr.today-lesson")).to_have_count(lessons)
    screenshot(page, "teacher-day")
    if missing:
        expect(page.locator("#unrecorded .badge")).to_have_count(missing)
        page.locator("#unrecorded a").first.click()
        expect(page.locator("body")).to_contain_text(classes[0])
        expect(page).to_have_url(re.compile(r"/admin/journal/\d+"))
    else:
        expect(page.locator("#all-recorded")).to_be_visible()
    page.goto(live_server.url + "/admin/")
    record = page.locator("a.today-record")
    if record.count():
        record.first.click()
        expect(page.locator("[name=topic]")).to_be_visible()
