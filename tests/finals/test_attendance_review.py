"""The class teacher's weekly attendance page (R4): every absence and late arrival of the week in all
subjects, reasons confirmed or corrected by the class teacher only (and the operator), audited,
versioned, closed periods read-only, totals per student."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from models import Attendance, AuditEvent, db
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound, PeriodClosed
from models.journal.attendance_review import Confirmation, confirm_reason, confirm_week, reviewable_classes, week_review

NOW = dt.datetime(2026, 9, 11, 15, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 9, 7)


@pytest.fixture()
def week(fin, world):
    """In 5А during the week of 07.09: anna absent at maths (Mon, the world's lesson) and Russian (Tue), late
    at maths on Wed; vera absent at Russian (Tue) for illness; boris (6Б) absent on Monday; anna absent the
    week after."""
    w = world
    russian_tue = fin.lesson(dt.date(2026, 9, 8), assignment=w.a_russian_5a)
    maths_wed = fin.lesson(dt.date(2026, 9, 9))
    next_week = fin.lesson(dt.date(2026, 9, 14))
    f = fin
    f.a_maths_mon = fin.add(Attendance(lesson_id=w.lesson_5a.id, student_id=w.anna.id, status="absent"))
    f.a_russian = fin.add(
        Attendance(lesson_id=russian_tue.id, student_id=w.anna.id, status="absent", reason_id=fin.unexcused.id)
    )
    f.a_late = fin.add(Attendance(lesson_id=maths_wed.id, student_id=w.anna.id, status="late", minutes_late=7))
    f.v_russian = fin.add(
        Attendance(lesson_id=russian_tue.id, student_id=w.vera.id, status="absent", reason_id=fin.illness.id)
    )
    f.boris = fin.add(Attendance(lesson_id=w.lesson_6b.id, student_id=w.boris.id, status="absent"))
    f.a_next = fin.add(Attendance(lesson_id=next_week.id, student_id=w.anna.id, status="absent"))
    db.session.commit()
    return f


def test_the_week_lists_every_absence_of_the_class_in_all_subjects(week, world, actor_of):
    review = week_review(actor_of("classteacher"), world.c5a.id, dt.date(2026, 9, 10))
    assert review.monday == MONDAY and review.can_confirm
    assert [(line.date.day, line.subject, line.student.last_name, line.status_label) for line in review.lines] == [
        (7, "Математика", "Аннова", "н"),
        (8, "Русский язык", "Аннова", "н"),
        (8, "Русский язык", "Верова", "н"),
        (9, "Математика", "Аннова", "опоздание 7 мин"),
    ]
    anna, vera = review.totals
    assert (anna.missed, anna.excused, anna.unexcused, anna.unexplained, anna.late) == (2, 0, 1, 1, 1)
    assert (vera.missed, vera.excused, vera.unexcused, vera.unexplained) == (1, 1, 0, 0)
    assert (review.previous, review.next) == (dt.date(2026, 8, 31), dt.date(2026, 9, 14))
    assert [r.code for r in review.reasons] == ["illness", "unexcused"]


def test_the_class_teacher_confirms_and_corrects_reasons(week, world, actor_of):
    ct = actor_of("classteacher")
    result = confirm_week(
        ct,
        world.c5a.id,
        [
            Confirmation(week.a_maths_mon.id, week.illness.id, week.a_maths_mon.version),
            Confirmation(week.a_russian.id, week.illness.id, week.a_russian.version),  # corrected
            Confirmation(week.v_russian.id, week.illness.id, week.v_russian.version),  # confirmed as it is
            Confirmation(week.a_late.id, "", week.a_late.version),  # left as it is
        ],
        now=NOW,
    )
    assert (result.saved, result.unchanged, result.errors) == (3, 0, {})
    by = world.users["classteacher"].id
    for att in (week.a_maths_mon, week.a_russian, week.v_russian):
        assert (att.reason_id, att.confirmed_by_id, att.confirmed_at) == (week.illness.id, by, NOW)
    assert week.a_late.confirmed_at is None
    review = week_review(ct, world.c5a.id, MONDAY)
    assert review.lines[0].confirmed_by == "Русская Р.И."
    assert review.totals[0].excused == 2
    again = confirm_week(
        ct, world.c5a.id, [Confirmation(week.v_russian.id, week.illness.id, week.v_russian.version)], now=NOW
    )
    assert (again.saved, again.unchanged) == (0, 1)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.confirm")).all()
    assert len(events) == 3
    corrected = next(e for e in events if e.entity_id == week.a_russian.id)
    assert json.loads(corrected.old)["reason_id"] == week.unexcused.id
    assert json.loads(corrected.new)["reason_id"] == week.illness.id


@pytest.mark.parametrize(
    "who,error",
    [
        ("teacher", AccessDenied),  # teaches maths in 5А, not its class teacher
        ("other_teacher", AccessDenied),  # class teacher of 6Б
        ("coordinator", AccessDenied),  # reads, does not confirm
        ("director", AccessDenied),
        ("secretary", AccessDenied),
        ("parent", AccessDenied),
        ("foreign_operator", NotFound),
    ],
)
def test_only_the_class_teacher_of_that_class_confirms(week, world, actor_of, who, error):
    with pytest.raises(error):
        confirm_week(actor_of(who), world.c5a.id, [Confirmation(week.a_maths_mon.id, week.illness.id)], now=NOW)
    assert week.a_maths_mon.confirmed_at is None


def test_the_operator_may_confirm_and_the_administration_reads(week, world, actor_of):
    assert confirm_reason(actor_of("operator"), week.a_maths_mon.id, week.illness.id, now=NOW).confirmed_at == NOW
    review = week_review(actor_of("coordinator"), world.c5a.id, MONDAY)
    assert not review.can_confirm and len(review.lines) == 4
    with pytest.raises(AccessDenied):
        week_review(actor_of("teacher"), world.c5a.id, MONDAY)


def test_an_absence_of_another_class_is_not_confirmed_through_this_one(week, world, actor_of):
    result = confirm_week(
        actor_of("classteacher"), world.c5a.id, [Confirmation(week.boris.id, week.illness.id)], now=NOW
    )
    assert result.saved == 0 and week.boris.id in result.errors
    with pytest.raises(AccessDenied):
        confirm_reason(actor_of("classteacher"), week.boris.id, week.illness.id, now=NOW)


def test_a_stale_version_is_a_conflict(week, world, actor_of):
    stale = week.a_russian.version
    week.a_russian.reason_id = week.illness.id  # the subject teacher changes it meanwhile
    db.session.flush()
    with pytest.raises(Conflict, match="по болезни"):
        confirm_reason(actor_of("classteacher"), week.a_russian.id, week.unexcused.id, version=stale, now=NOW)


def test_bad_reasons_and_closed_periods_are_refused(week, world, actor_of, fin):
    from models import AttendanceReason

    foreign = fin.add(AttendanceReason(school_id=world.other_school.id, code="x", name="чужая"))
    ct = actor_of("classteacher")
    with pytest.raises(InvalidInput):
        confirm_reason(ct, week.a_maths_mon.id, foreign.id, now=NOW)
    fin.q1.closed_at = NOW
    db.session.flush()
    with pytest.raises(PeriodClosed):
        confirm_reason(ct, week.a_maths_mon.id, week.illness.id, now=NOW)
    assert all(line.locked for line in week_review(ct, world.c5a.id, MONDAY).lines)


def test_classes_to_review(week, world, actor_of):
    assert [c.name for c in reviewable_classes(actor_of("classteacher"))] == ["5А"]
    assert [c.name for c in reviewable_classes(actor_of("coordinator"))] == ["5А", "6Б"]
    assert reviewable_classes(actor_of("teacher")) == []


def test_the_week_reads_a_fixed_number_of_queries(week, world, actor_of, count_queries, fin):
    ct = actor_of("classteacher")
    class_id = world.c5a.id
    week_review(ct, class_id, MONDAY)
    with count_queries() as small:
        week_review(ct, class_id, MONDAY)
    for day in (10, 11):
        lesson = fin.lesson(dt.date(2026, 9, day))
        for student in (world.anna, world.vera):
            fin.add(Attendance(lesson_id=lesson.id, student_id=student.id, status="absent"))
    db.session.flush()
    with count_queries() as big:
        assert len(week_review(ct, class_id, MONDAY).lines) == 8
    assert big.count == small.count
