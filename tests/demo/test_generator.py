"""The demo school generator: accounts, the rules the journal must keep (R5, enrollment, subgroups),
a clash-free timetable, idempotency and determinism (on the tiny scale, or one week of lessons)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from sqlalchemy import select, text
from werkzeug.security import check_password_hash

from demo.generator import DEMO_ACCOUNTS, DEMO_PASSWORD, Scale, load_demo, row_counts
from models import Guardian, SchoolClass, Staff, Student, StudentGuardian, User

TODAY = dt.date(2026, 11, 22)


@pytest.fixture()
def tiny(db_session):
    started = time.perf_counter()
    counts = load_demo(scale=Scale.tiny(), today=TODAY)
    elapsed = time.perf_counter() - started
    return db_session, counts, elapsed


def scalar(session, sql: str, **params):
    return session.execute(text(sql), params).scalar()


def test_tiny_is_not_empty(tiny):
    _session, counts, _elapsed = tiny
    assert counts["schools"] == 1
    assert counts["school_classes"] == 11
    assert counts["lessons"] > 0 and counts["marks"] > 0 and counts["attendance"] > 0
    assert counts["users"] == len(DEMO_ACCOUNTS)


def test_demo_accounts_have_their_roles_and_password(tiny):
    session, _counts, _elapsed = tiny
    users = {u.login: u for u in session.scalars(select(User))}
    for login, roles, about in DEMO_ACCOUNTS:
        user = users[login]
        assert user.role_names == set(roles), login
        assert check_password_hash(user.password_hash, DEMO_PASSWORD), login
        assert user.locale == "ru" and len(user.session_token) == 64 and user.school_id is not None
        assert about
    staff = {
        login: session.get(Staff, users[login].staff_id)
        for login in ("operator", "director", "coordinator", "secretary", "teacher", "classteacher")
    }
    assert staff["operator"].position == "ответственный за информатизацию"
    assert staff["director"].position == "директор"
    assert staff["coordinator"].position == "заместитель директора по УВР"
    assert staff["secretary"].position == "секретарь"

    class_5a = session.scalars(select(SchoolClass).where(SchoolClass.grade == 5, SchoolClass.letter == "А")).one()
    assert class_5a.class_teacher_id == staff["classteacher"].id
    teaches_5a = set(
        session.execute(
            text("SELECT teacher_id FROM teaching_assignments WHERE class_id = :c"), {"c": class_5a.id}
        ).scalars()
    )
    assert staff["classteacher"].id in teaches_5a
    # the subject teacher teaches maths in 5А (and 6А…) and has no class of their own
    assert staff["teacher"].id in teaches_5a
    assert (
        scalar(session, "SELECT count(*) FROM school_classes WHERE class_teacher_id = :t", t=staff["teacher"].id) == 0
    )
    assert (
        scalar(
            session,
            "SELECT count(*) FROM teaching_assignments ta JOIN subjects s ON s.id = ta.subject_id "
            "WHERE ta.teacher_id = :t AND s.name = 'Математика'",
            t=staff["teacher"].id,
        )
        >= 1
    )

    parent = session.get(Guardian, users["parent"].guardian_id)
    children = [
        link.student_id
        for link in session.scalars(select(StudentGuardian).where(StudentGuardian.guardian_id == parent.id))
    ]
    assert len(children) == 2
    classes = dict(
        session.execute(
            text("SELECT student_id, class_id FROM enrollments WHERE ends_on IS NULL AND student_id IN (:a, :b)"),
            {"a": children[0], "b": children[1]},
        ).all()
    )
    assert len(set(classes.values())) == 2 and class_5a.id in classes.values()
    student = session.get(Student, users["student"].student_id)
    assert student.id in children and classes[student.id] == class_5a.id
    consents = session.execute(text("SELECT user_id, student_id FROM consents")).all()
    assert {(users["parent"].id, c) for c in children} | {(users["student"].id, student.id)} <= set(consents)


def test_first_grade_has_no_marks(tiny):
    session, _counts, _elapsed = tiny
    assert (
        scalar(
            session,
            "SELECT count(*) FROM lessons l JOIN teaching_assignments ta ON ta.id = l.assignment_id "
            "JOIN school_classes c ON c.id = ta.class_id WHERE c.grade = 1",
        )
        > 0
    )
    assert (
        scalar(
            session,
            "SELECT count(*) FROM marks m JOIN lessons l ON l.id = m.lesson_id "
            "JOIN teaching_assignments ta ON ta.id = l.assignment_id "
            "JOIN school_classes c ON c.id = ta.class_id WHERE c.grade = 1",
        )
        == 0
    )


ENROLLED = (
    "EXISTS (SELECT 1 FROM enrollments e WHERE e.student_id = x.student_id AND e.class_id = ta.class_id "
    "AND e.starts_on <= l.date AND (e.ends_on IS NULL OR l.date <= e.ends_on))"
)
IN_SUBGROUP = (
    "(ta.subgroup_id IS NULL OR EXISTS (SELECT 1 FROM subgroup_members sm WHERE sm.subgroup_id = ta.subgroup_id "
    "AND sm.student_id = x.student_id AND sm.starts_on <= l.date "
    "AND (sm.ends_on IS NULL OR l.date <= sm.ends_on)))"
)


def _journal_rows_outside_class(session, table: str) -> int:
    return scalar(
        session,
        f"SELECT count(*) FROM {table} x JOIN lessons l ON l.id = x.lesson_id "
        f"JOIN teaching_assignments ta ON ta.id = l.assignment_id "
        f"WHERE NOT ({ENROLLED} AND {IN_SUBGROUP})",
    )


def test_marks_and_attendance_only_for_enrolled_students_of_the_group(tiny):
    session, _counts, _elapsed = tiny
    assert _journal_rows_outside_class(session, "marks") == 0
    assert _journal_rows_outside_class(session, "attendance") == 0
    # absent students get no mark for that lesson
    assert (
        scalar(
            session,
            "SELECT count(*) FROM marks m JOIN attendance a ON a.lesson_id = m.lesson_id "
            "AND a.student_id = m.student_id WHERE a.status = 'absent'",
        )
        == 0
    )
    assert scalar(session, "SELECT count(*) FROM marks WHERE value NOT BETWEEN 2 AND 5") == 0


TEACHER_CLASH = """SELECT count(*) FROM timetable_entries a JOIN timetable_entries b
    ON a.id < b.id AND a.weekday = b.weekday AND a.bell_id = b.bell_id
    JOIN teaching_assignments ta ON ta.id = a.assignment_id JOIN teaching_assignments tb ON tb.id = b.assignment_id
    WHERE ta.teacher_id = tb.teacher_id"""
CLASS_CLASH = """SELECT count(*) FROM timetable_entries a JOIN timetable_entries b
    ON a.id < b.id AND a.weekday = b.weekday AND a.bell_id = b.bell_id
    JOIN teaching_assignments ta ON ta.id = a.assignment_id JOIN teaching_assignments tb ON tb.id = b.assignment_id
    WHERE ta.class_id = tb.class_id AND NOT (ta.subject_id = tb.subject_id AND ta.subgroup_id IS NOT NULL
    AND tb.subgroup_id IS NOT NULL AND ta.subgroup_id <> tb.subgroup_id)"""
ROOM_CLASH = """SELECT count(*) FROM timetable_entries a JOIN timetable_entries b
    ON a.id < b.id AND a.weekday = b.weekday AND a.bell_id = b.bell_id AND a.room = b.room
    JOIN bells ba ON ba.id = a.bell_id JOIN bells bb ON bb.id = b.bell_id WHERE ba.school_id = bb.school_id"""


def test_timetable_has_no_clashes_and_matches_the_curriculum(tiny):
    session, _counts, _elapsed = tiny
    assert scalar(session, "SELECT count(*) FROM timetable_entries") > 200
    assert scalar(session, TEACHER_CLASH) == 0
    assert scalar(session, CLASS_CLASH) == 0
    assert scalar(session, ROOM_CLASH) == 0
    # lessons a week = the assignment's hours = the curriculum's hours
    assert (
        scalar(
            session,
            """SELECT count(*) FROM teaching_assignments ta
        JOIN school_classes c ON c.id = ta.class_id
        JOIN curriculum_items ci ON ci.year_id = ta.year_id AND ci.grade = c.grade AND ci.subject_id = ta.subject_id
        WHERE ta.hours_per_week <> ci.hours_per_week
           OR (SELECT count(*) FROM timetable_entries te WHERE te.assignment_id = ta.id) <> ta.hours_per_week""",
        )
        == 0
    )
    # thematic plans add up to the curriculum hours for the year
    assert (
        scalar(
            session,
            """SELECT count(*) FROM teaching_assignments ta
        JOIN school_classes c ON c.id = ta.class_id
        JOIN curriculum_items ci ON ci.year_id = ta.year_id AND ci.grade = c.grade AND ci.subject_id = ta.subject_id
        WHERE (SELECT sum(hours) FROM plan_items p WHERE p.assignment_id = ta.id) <> ci.hours_per_week * ci.weeks""",
        )
        == 0
    )
    # every lesson is linked to its plan line and was given by the assignment's teacher (or a substitute)
    assert (
        scalar(
            session,
            """SELECT count(*) FROM lessons l JOIN teaching_assignments ta ON ta.id = l.assignment_id
        LEFT JOIN plan_items p ON p.id = l.plan_item_id
        WHERE p.assignment_id IS NULL OR p.assignment_id <> ta.id
           OR (l.taught_by_id <> ta.teacher_id AND l.substitution_id IS NULL)""",
        )
        == 0
    )


def test_split_subjects_have_two_subgroups_covering_the_class(tiny):
    session, _counts, _elapsed = tiny
    rows = session.execute(
        text("""SELECT c.grade, s.name, count(DISTINCT sg.id), count(DISTINCT ta.teacher_id)
        FROM subgroups sg JOIN school_classes c ON c.id = sg.class_id JOIN subjects s ON s.id = sg.subject_id
        JOIN teaching_assignments ta ON ta.subgroup_id = sg.id GROUP BY c.id, c.grade, s.name""")
    ).all()
    english = [r for r in rows if r[1] == "Иностранный язык (английский)"]
    informatics = [r for r in rows if r[1] == "Информатика"]
    assert sorted(r[0] for r in english) == list(range(2, 12))
    assert sorted(r[0] for r in informatics) == list(range(7, 12))
    assert all(r[2] == 2 and r[3] == 2 for r in rows)
    # on Sep 1 each subgroup pair covers exactly the class roster
    assert (
        scalar(
            session,
            """SELECT count(*) FROM subgroups sg
        WHERE (SELECT count(*) FROM subgroup_members sm JOIN subgroups g ON g.id = sm.subgroup_id
               WHERE g.class_id = sg.class_id AND g.subject_id = sg.subject_id AND sm.starts_on <= '2026-09-01'
               AND (sm.ends_on IS NULL OR sm.ends_on >= '2026-09-01'))
           <> (SELECT count(*) FROM enrollments e WHERE e.class_id = sg.class_id AND e.starts_on <= '2026-09-01'
               AND (e.ends_on IS NULL OR e.ends_on >= '2026-09-01'))""",
        )
        == 0
    )


def test_second_load_writes_nothing(tiny):
    session, counts, _elapsed = tiny
    again = load_demo(scale=Scale.tiny(), today=TODAY)
    assert again == counts == row_counts()


def _digest(session) -> str:
    h = hashlib.sha256()
    for sql in (
        "SELECT last_name, first_name, middle_name, birth_date, personal_file_no FROM students "
        "ORDER BY personal_file_no",
        "SELECT last_name, first_name, middle_name, position FROM staff ORDER BY last_name, first_name, position",
        "SELECT date, topic, coalesce(homework, '') FROM lessons ORDER BY date, topic, homework",
        "SELECT value, count(*) FROM marks GROUP BY value ORDER BY value",
    ):
        for row in session.execute(text(sql)):
            h.update(repr(tuple(str(v) for v in row)).encode())
    return h.hexdigest()


def test_same_today_gives_the_same_data_and_reset_reloads(tiny):
    session, counts, _elapsed = tiny
    first = _digest(session)
    again = load_demo(reset=True, scale=Scale.tiny(), today=TODAY)
    assert again == counts
    assert _digest(session) == first
    # the academic year follows `today`
    assert scalar(session, "SELECT name FROM academic_years") == "2026/2027"


def test_the_default_school_structure(db_session):
    """The default scale with one week of lessons: the minimums of the demo school."""
    counts = load_demo(scale=Scale(weeks=1), today=dt.date(2027, 3, 1))
    session = db_session
    assert counts["school_classes"] >= 20
    assert counts["students"] >= 500
    assert counts["staff"] >= 40
    assert scalar(session, "SELECT name FROM academic_years") == "2026/2027"
    periods = session.execute(
        text("SELECT scheme, number, starts_on, ends_on FROM periods ORDER BY scheme, number")
    ).all()
    assert [(p[0], p[1]) for p in periods] == [
        ("half_year", 1),
        ("half_year", 2),
        ("quarter", 1),
        ("quarter", 2),
        ("quarter", 3),
        ("quarter", 4),
        ("year", 1),
    ]
    assert (
        scalar(session, "SELECT count(*) FROM school_classes WHERE grade >= 10 AND period_scheme <> 'half_year'") == 0
    )
    assert scalar(session, "SELECT count(*) FROM school_classes WHERE grade < 10 AND period_scheme <> 'quarter'") == 0
    assert scalar(session, "SELECT count(*) FROM school_classes WHERE class_teacher_id IS NULL") == 0
    # movement: a transfer between parallel classes and a withdrawal, with order numbers
    transfer = session.execute(
        text("""SELECT o.ends_on, n.starts_on, o.order_out, n.order_in FROM enrollments o
        JOIN enrollments n ON n.student_id = o.student_id AND n.reason_in = 'transfer'
        WHERE o.reason_out = 'transfer'""")
    ).one()
    ends, starts = (dt.date.fromisoformat(str(v)) for v in transfer[:2])
    assert ends + dt.timedelta(days=1) == starts and transfer[2] == transfer[3]
    assert (
        scalar(session, "SELECT count(*) FROM enrollments WHERE reason_out = 'withdrawal' AND order_out IS NOT NULL")
        == 1
    )
    assert _journal_rows_outside_class(session, "marks") == 0
    # one substitution: the lesson is taught by the substitute
    assert (
        scalar(
            session,
            """SELECT count(*) FROM lessons l JOIN substitutions s ON s.id = l.substitution_id
        WHERE l.taught_by_id = s.substitute_id AND l.date = s.date""",
        )
        == 1
    )
    assert scalar(session, "SELECT count(*) FROM students WHERE medical_group IN ('special', 'preparatory')") > 0
    assert (
        scalar(
            session,
            "SELECT count(*) FROM guardians g WHERE (SELECT count(*) FROM student_guardians sg "
            "WHERE sg.guardian_id = g.id) >= 2",
        )
        > 5
    )  # siblings share parents
    # gendered names: daughters' patronymics end in -на/-чна, sons' in -ич
    assert scalar(session, "SELECT count(*) FROM students WHERE sex = 'f' AND middle_name NOT LIKE '%на'") == 0
    assert scalar(session, "SELECT count(*) FROM students WHERE sex = 'm' AND middle_name NOT LIKE '%ич'") == 0
    assert scalar(session, TEACHER_CLASH) == 0


def test_the_ended_terms_have_their_marks_as_the_journal_proposes(db_session):
    """Filled up to today (no number of weeks): the 1st quarter's marks are set — the proposal of the school's
    scheme from the generated marks, or, without any mark, one with a reason — and nothing for the 2nd quarter
    or the first grade."""
    from models import PeriodMark, TeachingAssignment, User
    from models.access import Actor
    from models.finals.sheet import finals_sheet

    today = dt.date(2026, 11, 20)
    load_demo(scale=Scale(classes_per_grade=1, students_per_class=6), today=today)
    session = db_session
    assert scalar(session, "SELECT count(*) FROM period_marks") > 0
    assert (
        scalar(
            session,
            """SELECT count(*) FROM period_marks pm JOIN periods p ON p.id = pm.period_id
        WHERE p.ends_on >= :today""",
            today=today,
        )
        == 0
    )
    assert (
        scalar(
            session,
            """SELECT count(*) FROM period_marks pm JOIN teaching_assignments ta
        ON ta.id = pm.assignment_id JOIN school_classes c ON c.id = ta.class_id WHERE c.grade = 1""",
        )
        == 0
    )
    teacher = session.scalar(select(User).where(User.login == "teacher"))
    for a in session.scalars(select(TeachingAssignment).where(TeachingAssignment.teacher_id == teacher.staff_id)):
        q1 = session.scalar(select(PeriodMark.period_id).where(PeriodMark.assignment_id == a.id).limit(1))
        if q1 is None:  # grades 10-11: the first half-year has not ended
            assert a.school_class.period_scheme == "half_year"
            continue
        sheet = finals_sheet(Actor.of(teacher), a.id, q1, today=today)
        assert sheet.missing == 0 and not any(r.late for r in sheet.rows)
        for row in sheet.rows:
            assert row.shown == row.proposed or row.current.override_reason, (a.id, row.student.id)


def test_attendance_is_taken_at_the_demo_lessons(tiny):
    """Every lesson with an absence or a late arrival is stamped by its author at its recording moment; the
    unstamped ones are a careless teacher's of the last five school days, nobody absent, a small share."""
    session, counts, _elapsed = tiny
    assert (
        scalar(
            session,
            "SELECT count(*) FROM lessons l WHERE l.attendance_taken_at IS NULL"
            " AND EXISTS (SELECT 1 FROM attendance a WHERE a.lesson_id = l.id)",
        )
        == 0
    )
    assert scalar(session, "SELECT count(*) FROM lessons WHERE attendance_taken_at <> recorded_at") == 0
    untaken = session.execute(text("SELECT date FROM lessons WHERE attendance_taken_at IS NULL")).scalars().all()
    days = sorted(session.execute(text("SELECT DISTINCT date FROM lessons")).scalars().all())
    last_week = set(days[-5:])
    assert untaken and set(untaken) <= last_week
    in_last_week = scalar(session, f"SELECT count(*) FROM lessons WHERE date >= '{min(last_week)}'")
    assert len(untaken) < in_last_week / 2  # half a careless teacher's lessons at most, and few are careless
