"""Attendance taken or not at a lesson (issue 16, the monthly control): the stamp set by the first attendance
change or by "все присутствуют", and the control's list of lessons given without it, against values worked out
by hand.

jw (tests/journal/conftest.py): maths 5А by `teacher`, timetabled Mon and Wed at bell 1; the world's lesson of
Monday 07.09 (no attendance entry); "now" is Wednesday 16.09.2026 12:00 in Moscow (NOW); on 14.09 5А is anna,
vera, gleb."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import AuditEvent, Lesson, db
from models.access import Actor
from models.errors import AccessDenied, InvalidInput
from models.journal.attendance_taken import take_attendance_all_present
from models.journal.cells import set_attendance
from models.reports.control_findings import findings
from models.reports.journal_control import journal_control

from .conftest import NOW, at

TODAY, SEP = dt.date(2026, 9, 16), dt.date(2026, 9, 1)


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite gives it back without its zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _actor(world, who="teacher"):
    return Actor.of(world.users[who])


def _maths(world):
    c = journal_control(_actor(world, "coordinator"), SEP, today=TODAY)
    return next(p.figures for t in c.teachers for p in t.pages if p.assignment.id == world.a_maths_5a.id), c


def test_an_absence_stamps_the_lesson_without_touching_its_version(jw, world):
    lesson = world.lesson_5a
    version = lesson.version
    assert lesson.attendance_taken_at is None
    set_attendance(_actor(world), lesson.id, world.vera.id, "absent", None, now=NOW)
    db.session.commit()
    db.session.refresh(lesson)
    assert _utc(lesson.attendance_taken_at) == NOW
    assert lesson.attendance_taken_by_id == world.users["teacher"].id
    assert lesson.version == version  # a lesson form left open stays valid


def test_the_first_stamp_stays(jw, world):
    """Absent at NOW, removed an hour later: the lesson keeps the first moment."""
    lesson = world.lesson_5a
    cell = set_attendance(_actor(world), lesson.id, world.vera.id, "absent", None, now=NOW)
    db.session.commit()
    later = NOW + dt.timedelta(hours=1)
    set_attendance(_actor(world), lesson.id, world.vera.id, "", cell.attendance.version, now=later)
    db.session.commit()
    db.session.refresh(lesson)
    assert _utc(lesson.attendance_taken_at) == NOW


def test_all_present_stamps_once_and_is_audited(jw, world):
    lesson = world.lesson_5a
    assert take_attendance_all_present(_actor(world), world.a_maths_5a.id, lesson.id, now=NOW) is True
    db.session.commit()
    assert take_attendance_all_present(_actor(world), world.a_maths_5a.id, lesson.id, now=NOW) is False
    db.session.commit()
    db.session.refresh(lesson)
    assert (_utc(lesson.attendance_taken_at), lesson.attendance_taken_by_id) == (NOW, world.users["teacher"].id)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attendance.taken", AuditEvent.entity_id == lesson.id)
    ).all()
    assert len(events) == 1


@pytest.mark.parametrize(
    ("who", "day", "error"),
    [
        ("other_teacher", dt.date(2026, 9, 14), AccessDenied),  # not the page's teacher, no substitution that day
        ("coordinator", dt.date(2026, 9, 14), AccessDenied),  # the administration reads, the teacher writes
        ("teacher", dt.date(2026, 9, 21), InvalidInput),  # a lesson still to come
    ],
)
def test_all_present_refused(jw, world, lesson_of, who, day, error):
    lesson = lesson_of(world.a_maths_5a, day)
    with pytest.raises(error):
        take_attendance_all_present(_actor(world, who), world.a_maths_5a.id, lesson.id, now=NOW)


def test_the_control_lists_the_lessons_given_without_attendance(jw, world, lesson_of):
    """Maths 5А in September up to 16.09: 02.09 (nothing), 07.09 (the world's, nothing), 09.09 (vera absent,
    entered), 14.09 ("все присутствуют"), 16.09 (nothing), 21.09 (still to come, outside the control's days).
    Not taken: 02.09, 07.09, 16.09 → 3 of the 5 lessons recorded."""
    wed2 = lesson_of(world.a_maths_5a, dt.date(2026, 9, 2))
    wed9 = lesson_of(world.a_maths_5a, dt.date(2026, 9, 9), bell=world.bell)
    mon14 = lesson_of(world.a_maths_5a, dt.date(2026, 9, 14))
    wed16 = lesson_of(world.a_maths_5a, dt.date(2026, 9, 16))
    lesson_of(world.a_maths_5a, dt.date(2026, 9, 21))
    wed9.taught_by_id, wed9.substitution_id = world.s_other_teacher.id, world.substitution.id
    db.session.commit()
    set_attendance(_actor(world, "other_teacher"), wed9.id, world.vera.id, "absent", None, now=at(wed9.date))
    take_attendance_all_present(_actor(world), world.a_maths_5a.id, mon14.id, now=at(mon14.date))
    db.session.commit()
    f, c = _maths(world)
    assert (f.recorded, f.no_attendance) == (5, 3)
    expected = [
        (wed2.id, dt.date(2026, 9, 2)),
        (world.lesson_5a.id, dt.date(2026, 9, 7)),
        (wed16.id, dt.date(2026, 9, 16)),
    ]
    assert f.no_attendance_lessons == expected
    found = {x.code: x for x in findings(c) if x.assignment_id == world.a_maths_5a.id}
    assert str(found["no_attendance"].text) == "Посещаемость не отмечена на уроках: 3"
    assert found["no_attendance"].lessons == tuple(expected)
    teacher = next(t for t in c.teachers if t.teacher_id == world.s_teacher.id)
    assert teacher.figures.no_attendance >= 3 and teacher.figures.problems >= 3


def test_an_absence_entered_before_the_stamp_existed_counts_as_taken(jw, world):
    """A lesson with an attendance row but no stamp (data from before migration 0011b's backfill, an import):
    attendance was taken."""
    from models import Attendance

    db.session.add(Attendance(lesson_id=world.lesson_5a.id, student_id=world.vera.id, status="absent"))
    db.session.commit()
    f, _c = _maths(world)
    assert (f.recorded, f.no_attendance, f.no_attendance_lessons) == (1, 0, [])


def test_the_pages_and_the_button(client, login_as, jw, world):
    lesson = world.lesson_5a
    aid = world.a_maths_5a.id
    login_as("coordinator")
    html = client.get("/admin/control/?month=2026-09").get_data(as_text=True)
    assert 'id="attendance-missing-table"' in html
    assert f'href="/admin/journal/{aid}/lesson?lesson={lesson.id}#lesson-attendance"' in html
    login_as("teacher")
    page = client.get(f"/admin/journal/{aid}/lesson?lesson={lesson.id}").get_data(as_text=True)
    assert 'id="all-present"' in page and 'id="attendance-missing"' in page
    grid = client.get(f"/admin/journal/{aid}?period={world.q1.id}").get_data(as_text=True)
    assert f'id="all-present-{lesson.id}"' in grid and 'class="jg-noatt"' in grid
    response = client.post(f"/admin/journal/{aid}/lesson/{lesson.id}/all-present")
    assert response.status_code == 302 and "#lesson-attendance" in response.location
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).attendance_taken_at is not None
    page = client.get(f"/admin/journal/{aid}/lesson?lesson={lesson.id}").get_data(as_text=True)
    assert 'id="attendance-taken"' in page and 'id="all-present"' not in page
    assert f'<span class="text-muted" id="attendance-taken-by">({world.s_teacher.short_name})</span>' in page
    login_as("coordinator")
    html = client.get("/admin/control/?month=2026-09").get_data(as_text=True)
    assert f"lesson={lesson.id}#lesson-attendance" not in html


def test_another_teacher_cannot_press_it(client, login_as, jw, world):
    login_as("other_teacher")
    response = client.post(f"/admin/journal/{world.a_maths_5a.id}/lesson/{world.lesson_5a.id}/all-present")
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Lesson, world.lesson_5a.id).attendance_taken_at is None


def test_the_spravka_names_the_lessons_by_date(client, login_as, jw, world, control_pdf):
    """The world's lesson of 07.09 is the only one of maths 5А in September up to today: 1 lesson, 07.09."""
    import io

    from pypdf import PdfReader

    login_as("coordinator")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(control_pdf("2026-09"))).pages).split())
    assert "Посещаемость не отмечена на уроках: 1 (07.09)" in text
