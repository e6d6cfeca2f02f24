"""The database itself refuses bad data, whichever door it comes through (R3, R9, R25; DESIGN: constraints
in the database as well as in forms). Each case flushes inside a savepoint so the test's outer
transaction survives the refusal, and the error names the constraint that refused it."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from models import (
    Attendance,
    AuditEvent,
    Bell,
    Enrollment,
    InviteCode,
    Lesson,
    Mark,
    Period,
    PeriodMark,
    SchoolClass,
    User,
    UserRole,
    db,
)
from tests.models.factories import make_graph, make_student, make_user


@pytest.fixture()
def g(db_session):
    return make_graph(db_session)


def dialect() -> str:
    return db.session.get_bind().dialect.name


# --- what the error must say ---------------------------------------------------------------------------
# CHECK constraints are named in the message on both databases ("CHECK constraint failed: ck_…" on
# SQLite, 'violates check constraint "ck_…"' on PostgreSQL). SQLite names neither UNIQUE, NOT NULL nor
# FOREIGN KEY constraints: it gives the columns (or nothing, for foreign keys) instead.
def check(name):
    return {"sqlite": f"CHECK constraint failed: {name}", "postgresql": f'violates check constraint "{name}"'}


def unique(name, columns):
    return {"sqlite": f"UNIQUE constraint failed: {columns}", "postgresql": f'violates unique constraint "{name}"'}


def not_null(table, column):
    return {
        "sqlite": f"NOT NULL constraint failed: {table}.{column}",
        "postgresql": f'null value in column "{column}" of relation "{table}" violates not-null constraint',
    }


def foreign_key(name):
    return {"sqlite": "FOREIGN KEY constraint failed", "postgresql": f'violates foreign key constraint "{name}"'}


def assert_refused(build, expected):
    """Flush what ``build()`` returns inside a savepoint: it must fail with ``expected`` in the message,
    and the outer transaction must still be usable afterwards."""
    with pytest.raises(IntegrityError) as excinfo:
        with db.session.begin_nested():
            objs = build()
            db.session.add_all(objs if isinstance(objs, list) else [objs])
            db.session.flush()
    message = str(excinfo.value.orig)
    assert expected[dialect()] in message, message
    assert db.session.scalar(select(func.count()).select_from(Lesson)) >= 1  # outer transaction alive


def assert_accepted(build):
    objs = build()
    db.session.add_all(objs if isinstance(objs, list) else [objs])
    db.session.flush()


# --- marks ---------------------------------------------------------------------------------------------
def mark(g, **kw):
    return Mark(**{"lesson_id": g.lesson.id, "student_id": g.student.id, "slot": 1, **kw})


MARK_REFUSED = [
    ("value_7", dict(value=7), check("ck_marks_value_range")),
    ("value_0", dict(value=0), check("ck_marks_value_range")),
    ("value_negative", dict(value=-1), check("ck_marks_value_range")),
    ("value_and_special", dict(value=5, special="зач"), check("ck_marks_one_value")),
    ("value_and_points", dict(value=5, points=Decimal(3), max_points=Decimal(10)), check("ck_marks_one_value")),
    ("neither", dict(), check("ck_marks_one_value")),
    ("special_unknown", dict(special="xx"), check("ck_marks_special")),
    ("points_without_max", dict(points=Decimal(3)), check("ck_marks_points_with_max")),
    ("max_without_points", dict(value=4, max_points=Decimal(10)), check("ck_marks_points_with_max")),
    ("points_over_max", dict(points=Decimal(11), max_points=Decimal(10)), check("ck_marks_points")),
    ("points_negative", dict(points=Decimal(-1), max_points=Decimal(10)), check("ck_marks_points")),
    ("slot_4", dict(value=5, slot=4), check("ck_marks_slot")),
    ("slot_0", dict(value=5, slot=0), check("ck_marks_slot")),
    ("weight_0", dict(value=5, weight=Decimal(0)), check("ck_marks_weight")),
]


@pytest.mark.parametrize("values, expected", [c[1:] for c in MARK_REFUSED], ids=[c[0] for c in MARK_REFUSED])
def test_mark_refused(g, values, expected):
    assert_refused(lambda: mark(g, **values), expected)


@pytest.mark.parametrize(
    "values",
    [
        dict(value=1),
        dict(value=5),
        dict(special="н/а"),
        dict(special="зач"),
        dict(special="незач"),
        dict(special="осв"),
        dict(points=Decimal(0), max_points=Decimal(10)),
        dict(points=Decimal(10), max_points=Decimal(10)),
        dict(value=3, slot=3, weight=Decimal("2.5")),
    ],
    ids=lambda v: "-".join(f"{k}={v[k]}" for k in v),
)
def test_mark_accepted(g, values):
    assert_accepted(lambda: mark(g, **values))
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 1


def test_mark_duplicate_slot_refused(g):
    assert_accepted(lambda: mark(g, value=5))
    assert_refused(
        lambda: mark(g, value=4),
        unique("uq_marks_lesson_id_student_id_slot", "marks.lesson_id, marks.student_id, marks.slot"),
    )
    assert_accepted(lambda: mark(g, value=4, slot=2))  # a second mark in the same cell takes slot 2


def test_foreign_keys_are_enforced(g):
    if dialect() == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert_refused(lambda: mark(g, student_id=999_999, value=5), foreign_key("fk_marks_student_id_students"))
    assert_refused(lambda: mark(g, lesson_id=999_999, value=5), foreign_key("fk_marks_lesson_id_lessons"))


# --- period marks --------------------------------------------------------------------------------------
def period_mark(g, **kw):
    return PeriodMark(
        **{"student_id": g.student.id, "subject_id": g.subject.id, "period_id": g.period.id, "kind": "period", **kw}
    )


PERIOD_MARK_REFUSED = [
    ("value_6", dict(value=6), check("ck_period_marks_value_range")),
    ("value_0", dict(value=0), check("ck_period_marks_value_range")),
    ("value_and_special", dict(value=4, special="н/а"), check("ck_period_marks_one_value")),
    ("neither", dict(), check("ck_period_marks_one_value")),
    ("special_unknown", dict(special="xx"), check("ck_period_marks_special")),
    ("kind_unknown", dict(value=4, kind="month"), check("ck_period_marks_kind")),
    ("percent_over_100", dict(value=4, percent=Decimal(101)), check("ck_period_marks_percent")),
]


@pytest.mark.parametrize(
    "values, expected", [c[1:] for c in PERIOD_MARK_REFUSED], ids=[c[0] for c in PERIOD_MARK_REFUSED]
)
def test_period_mark_refused(g, values, expected):
    assert_refused(lambda: period_mark(g, **values), expected)


def test_one_period_mark_per_student_subject_period_kind(g):
    assert_accepted(lambda: period_mark(g, value=4))
    assert_refused(
        lambda: period_mark(g, special="н/а"),
        unique(
            "uq_period_marks_student_id_subject_id_period_id_kind",
            "period_marks.student_id, period_marks.subject_id, period_marks.period_id, period_marks.kind",
        ),
    )
    # The same period with another kind, or another period, is a different mark.
    assert_accepted(
        lambda: [
            period_mark(g, value=4, kind="year", period_id=g.year_period.id),
            period_mark(g, value=5, period_id=g.periods[1].id),
        ]
    )


# --- enrollments ---------------------------------------------------------------------------------------
def enrollment(g, **kw):
    return Enrollment(
        **{
            "student_id": g.student.id,
            "class_id": g.school_class.id,
            "starts_on": dt.date(2026, 9, 1),
            "reason_in": "admission",
            **kw,
        }
    )


ENROLLMENT_REFUSED = [
    ("class_missing", dict(class_id=None), not_null("enrollments", "class_id")),
    ("student_missing", dict(student_id=None), not_null("enrollments", "student_id")),
    ("ends_before_start", dict(ends_on=dt.date(2026, 8, 31), reason_out="transfer"), check("ck_enrollments_dates")),
    ("ends_without_reason", dict(ends_on=dt.date(2026, 12, 1)), check("ck_enrollments_closed_with_reason")),
    ("reason_without_end", dict(reason_out="transfer"), check("ck_enrollments_closed_with_reason")),
    ("bad_reason_in", dict(reason_in="moved"), check("ck_enrollments_reason_in")),
    ("bad_reason_out", dict(ends_on=dt.date(2026, 12, 1), reason_out="expelled"), check("ck_enrollments_reason_out")),
]


@pytest.mark.parametrize(
    "values, expected", [c[1:] for c in ENROLLMENT_REFUSED], ids=[c[0] for c in ENROLLMENT_REFUSED]
)
def test_enrollment_refused(g, values, expected):
    assert_refused(lambda: enrollment(g, **values), expected)


def test_closed_enrollment_accepted(g):
    assert_accepted(lambda: enrollment(g, ends_on=dt.date(2026, 12, 1), reason_out="transfer", order_out="12-у"))


# --- lessons -------------------------------------------------------------------------------------------
def lesson(g, **kw):
    return Lesson(
        **{
            "assignment_id": g.assignment.id,
            "date": dt.date(2026, 9, 3),
            "topic": "Дроби",
            "work_kind_id": g.work_kind.id,
            "taught_by_id": g.teacher.id,
            **kw,
        }
    )


@pytest.mark.parametrize(
    "topic, expected",
    [
        ("", check("ck_lessons_topic_not_blank")),
        ("   ", check("ck_lessons_topic_not_blank")),
        (None, not_null("lessons", "topic")),
    ],
    ids=["empty", "spaces", "none"],
)
def test_lesson_without_topic_refused(g, topic, expected):
    assert_refused(lambda: lesson(g, topic=topic), expected)


def test_lesson_duplicate_slot_refused(g):
    # Two lessons of the same page at the same date and bell are one lesson entered twice.
    bell = Bell(school_id=g.school.id, number=1, starts_at=dt.time(8, 30), ends_at=dt.time(9, 15))
    assert_accepted(lambda: bell)
    assert_accepted(lambda: lesson(g, bell_id=bell.id))
    assert_refused(
        lambda: lesson(g, bell_id=bell.id, topic="Повтор"),
        unique("uq_lessons_assignment_id_date_bell_id", "lessons.assignment_id, lessons.date, lessons.bell_id"),
    )


# --- periods and classes -------------------------------------------------------------------------------
def period(g, **kw):
    return Period(
        **{
            "year_id": g.year.id,
            "scheme": "trimester",
            "number": 1,
            "name": "1 триместр",
            "starts_on": dt.date(2026, 9, 1),
            "ends_on": dt.date(2026, 11, 30),
            **kw,
        }
    )


def school_class(g, **kw):
    return SchoolClass(**{"school_id": g.school.id, "year_id": g.year.id, "grade": 7, "letter": "Б", **kw})


TIME_AND_CLASS_REFUSED = [
    ("period_ends_before_start", lambda g: period(g, ends_on=dt.date(2026, 8, 1)), check("ck_periods_dates")),
    ("period_bad_scheme", lambda g: period(g, scheme="semester"), check("ck_periods_scheme")),
    ("period_number_5", lambda g: period(g, number=5), check("ck_periods_number")),
    (
        "period_duplicate_number",
        lambda g: [period(g), period(g, name="ещё один")],
        unique("uq_periods_year_id_scheme_number", "periods.year_id, periods.scheme, periods.number"),
    ),
    (
        "class_duplicate",
        lambda g: [school_class(g), school_class(g)],
        unique(
            "uq_school_classes_year_id_grade_letter",
            "school_classes.year_id, school_classes.grade, school_classes.letter",
        ),
    ),
    ("class_grade_13", lambda g: school_class(g, grade=13), check("ck_school_classes_grade")),
    ("class_grade_negative", lambda g: school_class(g, grade=-1), check("ck_school_classes_grade")),
    ("class_bad_scheme", lambda g: school_class(g, period_scheme="year"), check("ck_school_classes_period_scheme")),
    ("class_shift_3", lambda g: school_class(g, shift=3), check("ck_school_classes_shift")),
]


@pytest.mark.parametrize(
    "build, expected", [c[1:] for c in TIME_AND_CLASS_REFUSED], ids=[c[0] for c in TIME_AND_CLASS_REFUSED]
)
def test_period_and_class_refused(g, build, expected):
    assert_refused(lambda: build(g), expected)


def test_duplicate_of_existing_quarter_refused(g):
    # The graph already has quarter 1 of the year: another "quarter 1" clashes with it.
    assert_refused(
        lambda: period(g, scheme="quarter"),
        unique("uq_periods_year_id_scheme_number", "periods.year_id, periods.scheme, periods.number"),
    )


# --- attendance ----------------------------------------------------------------------------------------
def attendance(g, **kw):
    return Attendance(**{"lesson_id": g.lesson.id, "student_id": g.student.id, "status": "absent", **kw})


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda g: attendance(g, status="present"), check("ck_attendance_status")),
        (lambda g: attendance(g, status="late", minutes_late=0), check("ck_attendance_minutes_late")),
        (
            lambda g: [attendance(g), attendance(g, status="late", minutes_late=5)],
            unique("uq_attendance_lesson_id_student_id", "attendance.lesson_id, attendance.student_id"),
        ),
    ],
    ids=["bad_status", "late_zero_minutes", "duplicate"],
)
def test_attendance_refused(g, build, expected):
    assert_refused(lambda: build(g), expected)


# --- users, roles, invitations -------------------------------------------------------------------------
def user(**kw):
    return User(**{"login": "ivanova", "password_hash": "x", "session_token": "t", **kw})


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda g: [user(), user(session_token="t2")], unique("uq_users_login", "users.login")),
        (lambda g: user(staff_id=g.teacher.id, student_id=g.student.id), check("ck_users_one_person")),
        (lambda g: user(locale="de"), check("ck_users_locale")),
        (lambda g: UserRole(user_id=make_user(db.session).id, role="superuser"), check("ck_user_roles_role")),
        (
            lambda g: [user(staff_id=g.teacher.id), user(login="other", staff_id=g.teacher.id)],
            unique("uq_users_staff_id", "users.staff_id"),
        ),
    ],
    ids=["duplicate_login", "staff_and_student", "bad_locale", "bad_role", "two_logins_one_person"],
)
def test_user_refused(g, build, expected):
    assert_refused(lambda: build(g), expected)


def invite(g, **kw):
    now = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    return InviteCode(
        **{
            "school_id": g.school.id,
            "code_hash": "h" * 64,
            "role": "parent",
            "issued_by_id": g.operator.id,
            "issued_at": now,
            "expires_at": now + dt.timedelta(days=14),
            **kw,
        }
    )


@pytest.mark.parametrize(
    "values, expected",
    [
        (lambda g: {}, check("ck_invite_codes_one_person")),
        (lambda g: {"student_id": g.student.id, "staff_id": g.teacher.id}, check("ck_invite_codes_one_person")),
        (lambda g: {"student_id": g.student.id, "role": "admin"}, check("ck_invite_codes_role")),
        (
            lambda g: {"student_id": g.student.id, "expires_at": dt.datetime(2026, 8, 1, tzinfo=dt.UTC)},
            check("ck_invite_codes_expiry"),
        ),
    ],
    ids=["no_person", "two_people", "bad_role", "expires_before_issued"],
)
def test_invite_code_refused(g, values, expected):
    g.operator = make_user(db.session, roles=("operator",))
    assert_refused(lambda: invite(g, **values(g)), expected)


def test_invite_code_for_one_person_accepted(g):
    g.operator = make_user(db.session, roles=("operator",))
    assert_accepted(lambda: invite(g, student_id=g.student.id, role="student"))


# --- the audit log is append-only ----------------------------------------------------------------------
def test_audit_triggers_exist(db_session):
    """conftest builds the schema with db.create_all(): the after_create DDL must have run there too."""
    if dialect() == "sqlite":
        names = set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        assert {"audit_events_no_update", "audit_events_no_delete"} <= names
    else:
        names = set(
            db.session.scalars(
                text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal")
            )
        )
        assert names == {"audit_events_append_only", "audit_events_no_truncate"}


@pytest.fixture()
def audit_row(db_session):
    event = AuditEvent.record(None, "mark.create", "mark", 1, new={"value": 5})
    db_session.flush()
    return event


def test_audit_insert_works(audit_row):
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.id == audit_row.id)) == "mark.create"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET action = 'mark.delete' WHERE id = :id",
        "UPDATE audit_events SET new = NULL",
        "DELETE FROM audit_events WHERE id = :id",
        "DELETE FROM audit_events",
    ],
    ids=["update_one", "update_all", "delete_one", "delete_all"],
)
def test_audit_rows_cannot_be_changed(audit_row, sql):
    # SQLite's RAISE(ABORT) is an IntegrityError; PostgreSQL's RAISE EXCEPTION (P0001) an InternalError.
    with pytest.raises(DBAPIError, match="audit_events is append-only"):
        with db.session.begin_nested():
            db.session.execute(text(sql), {"id": audit_row.id})
    row = db.session.execute(text("SELECT action, new FROM audit_events WHERE id = :id"), {"id": audit_row.id}).one()
    assert row == ("mark.create", '{"value": 5}')


ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def test_audit_refusal_is_an_integrity_error_on_every_database(audit_row):
    # Callers turn IntegrityError into a user-facing error; the same refusal must not be a 500 on PostgreSQL.
    with pytest.raises(IntegrityError, match="audit_events is append-only"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": audit_row.id})


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite has no TRUNCATE; its DELETE runs the row triggers")
def test_audit_log_cannot_be_truncated(audit_row):
    with pytest.raises(DBAPIError, match="audit_events is append-only"):
        with db.session.begin_nested():
            db.session.execute(text("TRUNCATE audit_events"))


# --- nothing partial is written ------------------------------------------------------------------------
def test_failed_flush_writes_nothing(g):
    lessons_before = db.session.scalar(select(func.count()).select_from(Lesson))
    with pytest.raises(IntegrityError, match="ck_marks_value_range"):
        with db.session.begin_nested():
            new_lesson = lesson(g, topic="Контрольная работа")
            db.session.add(new_lesson)
            db.session.flush()
            other = make_student(db.session, g.school)
            db.session.add_all(
                [
                    Mark(lesson_id=new_lesson.id, student_id=g.student.id, slot=1, value=5),
                    Mark(lesson_id=new_lesson.id, student_id=other.id, slot=1, value=7),
                ]
            )
            db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == lessons_before
    assert db.session.scalar(select(func.count()).where(Lesson.topic == "Контрольная работа")) == 0
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 0
