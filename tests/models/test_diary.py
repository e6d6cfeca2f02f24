"""The diary's week (models/journal/diary.py): recorded lessons, and the lessons the timetable still expects shown by
their bell without a topic — not twice when recorded (at the bell, without one or at another), not in the
holidays, not before or after the student's time in the class, with the substitution; fixed queries.

World: 6Б maths is timetabled on Mondays at bell 1 from 01.09.2026, recorded on 07.09; the 1st quarter runs
01.09–25.10.2026 and no other period is defined."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models import Bell, Enrollment, Lesson, Substitution, TimetableEntry, db
from models.access import Actor
from models.base import forget_transaction_memo
from models.journal.diary import diary_week

MON_7, MON_14, MON_21 = dt.date(2026, 9, 7), dt.date(2026, 9, 14), dt.date(2026, 9, 21)


def _bell3(world):
    bell = Bell(school_id=world.school.id, shift=1, number=3, starts_at=dt.time(10, 30), ends_at=dt.time(11, 15))
    db.session.add(bell)
    db.session.flush()
    return bell


def _monday(world, day, who="parent_b"):
    return [
        (l.subject, l.topic, l.planned, l.substituted)
        for l in diary_week(Actor.of(world.users[who]), world.boris.id, day).days[0].lessons
    ]


def test_a_recorded_lesson_is_shown_once(db_session, world):
    assert _monday(world, MON_7) == [("Математика", "Делители и кратные", False, False)]


def test_a_timetabled_lesson_not_recorded_is_planned(db_session, world):
    assert _monday(world, MON_14) == [("Математика", "", True, False)]


def test_a_lesson_recorded_without_a_bell_or_at_another_fills_the_slot(db_session, world):
    for day, bell in ((MON_14, None), (MON_21, _bell3(world))):
        db.session.add(
            Lesson(
                assignment_id=world.a_maths_6b.id,
                date=day,
                bell_id=bell.id if bell else None,
                topic=f"Урок {day:%d.%m}",
                work_kind_id=world.regular.id,
                taught_by_id=world.s_other_teacher.id,
            )
        )
    db.session.flush()
    assert _monday(world, MON_14) == [("Математика", "Урок 14.09", False, False)]
    assert _monday(world, MON_21) == [("Математика", "Урок 21.09", False, False)]


def test_no_planned_lessons_outside_the_periods(db_session, world):
    assert _monday(world, dt.date(2026, 11, 2)) == []  # no 2nd quarter in this world: holidays


def test_only_while_in_the_class(db_session, world):
    enrolment = db.session.scalar(select(Enrollment).where(Enrollment.student_id == world.boris.id))
    enrolment.ends_on, enrolment.reason_out = dt.date(2026, 9, 18), "withdrawal"
    db.session.flush()
    assert _monday(world, MON_14, who="operator") == [("Математика", "", True, False)]
    assert _monday(world, MON_21, who="operator") == []


def test_a_planned_lesson_shows_its_substitution(db_session, world):
    db.session.add(
        Substitution(
            entry_id=world.entry_6b.id,
            date=MON_14,
            absent_teacher_id=world.s_other_teacher.id,
            substitute_id=world.s_teacher.id,
        )
    )
    db.session.flush()
    assert _monday(world, MON_14) == [("Математика", "", True, True)]


def test_lessons_of_a_day_follow_the_bells(db_session, world):
    db.session.add(
        TimetableEntry(
            assignment_id=world.a_maths_6b.id, weekday=1, bell_id=_bell3(world).id, valid_from=world.q1.starts_on
        )
    )
    db.session.flush()
    week = diary_week(Actor.of(world.users["parent_b"]), world.boris.id, MON_7)
    assert [(l.bell, l.planned) for l in week.days[0].lessons] == [("1", False), ("3", True)]


def test_queries_do_not_grow_with_the_timetable(db_session, world, count_queries):
    actor = Actor.of(world.users["parent_b"])
    diary_week(actor, world.boris.id, MON_14)
    db.session.expire_all()
    forget_transaction_memo()  # as after the flush below: the access check runs in both
    with count_queries() as one:
        diary_week(actor, world.boris.id, MON_14)
    for weekday in (2, 3, 4, 5, 6):
        db.session.add(
            TimetableEntry(
                assignment_id=world.a_maths_6b.id, weekday=weekday, bell_id=world.bell.id, valid_from=world.q1.starts_on
            )
        )
    db.session.flush()
    db.session.expire_all()
    with count_queries() as six:
        week = diary_week(actor, world.boris.id, MON_14)
    assert sum(len(d.lessons) for d in week.days) == 6
    assert six.count == one.count


def test_the_child_switcher_names_each_child_once_with_their_current_class(db_session, world, count_queries):
    """family_overview: a parent's children in name order, each once with the class of their open enrolment (a
    past enrolment, closed, names no class), in one query; another family's child is not there."""
    from models import StudentGuardian
    from models.journal.diary import family_overview

    db.session.add(StudentGuardian(student_id=world.vera.id, guardian_id=world.g_parent.id, relation="mother"))
    db.session.add(  # vera's earlier class, closed: not her class now
        Enrollment(
            student_id=world.vera.id,
            class_id=world.c6b.id,
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2025, 12, 31),
            reason_in="admission",
            reason_out="transfer",
        )
    )
    db.session.flush()
    with count_queries() as q:
        family = family_overview(Actor.of(world.users["parent"]))
    assert [(child.id, child.short_name, class_name) for child, class_name in family] == [
        (world.anna.id, "Аннова А.", "5А"),
        (world.vera.id, "Верова В.", "5А"),
    ]
    assert q.count == 1
