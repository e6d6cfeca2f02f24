"""Several processes write to one database at once, as gunicorn workers do (issue 12 item 1, issue 11
item 3). On SQLite every write waits for the write lock instead of failing (with the old deferred BEGIN a
share of the saves and most sign-ins answered "database is locked"); on PostgreSQL rows are locked. Races
on the same cell or the same code keep one winner, and the losers get a clear answer, never a 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from models import (
    Enrollment,
    InviteCode,
    Lesson,
    LoginEvent,
    Mark,
    SchoolClass,
    Staff,
    Student,
    TeachingAssignment,
    User,
    UserRole,
    db,
)
from models.access import Actor
from models.accounts.auth import new_session_token
from models.accounts.invites import issue_invite
from models.base import utcnow
from world import PASSWORD, START, build_world

PROCESSES = 4
STUDENTS = 8
LESSONS = 6
SIGN_IN_EVERY = 5  # a sign-out and a sign-in (two more writes) between every five saves


def _school(app) -> list[tuple[str, list[list[int]]]]:
    """The world plus, per process, a teacher with an account and a class of STUDENTS with LESSONS recorded
    maths lessons and no marks yet: [(login, cells of the teacher's page)]."""
    with app.app_context():
        w = build_world(db.session)
        jobs = []
        for n in range(PROCESSES):
            teacher = Staff(school_id=w.school.id, last_name=f"Учитель{n}", first_name="Анна", position="учитель")
            cls = SchoolClass(school_id=w.school.id, year_id=w.year.id, grade=7, letter="КЛМН"[n])
            db.session.add_all([teacher, cls])
            db.session.flush()
            user = User(
                school_id=w.school.id,
                login=f"teacher{n}",
                password_hash=w.users["teacher"].password_hash,
                session_token=new_session_token(),
                staff_id=teacher.id,
                roles=[UserRole(role="teacher")],
            )
            page = TeachingAssignment(
                year_id=w.year.id,
                class_id=cls.id,
                subject_id=w.maths.id,
                teacher_id=teacher.id,
                hours_per_week=Decimal("5"),
            )
            students = [
                Student(
                    school_id=w.school.id,
                    last_name=f"Ученик{n}-{i:02d}",
                    first_name="Иван",
                    birth_date=dt.date(2013, 1, 1),
                    sex="m",
                    personal_file_no=f"k-{n}-{i}",
                )
                for i in range(STUDENTS)
            ]
            db.session.add_all([user, page, *students])
            db.session.flush()
            db.session.add_all(
                Enrollment(student_id=s.id, class_id=cls.id, starts_on=START, reason_in="admission") for s in students
            )
            lessons = [
                Lesson(
                    assignment_id=page.id,
                    date=START + dt.timedelta(days=7 + d),
                    topic=f"Урок {d}",
                    work_kind_id=w.regular.id,
                    taught_by_id=teacher.id,
                )
                for d in range(LESSONS)
            ]
            db.session.add_all(lessons)
            db.session.flush()
            jobs.append((user.login, [[page.id, lesson.id, s.id] for lesson in lessons for s in students]))
        db.session.commit()
        return jobs


def _journal_job(login: str, cells: list, value: str = "5", sign_in_every: int = SIGN_IN_EVERY) -> dict:
    return {
        "kind": "journal",
        "login": login,
        "password": PASSWORD,
        "cells": cells,
        "sign_in_every": sign_in_every,
        "value": value,
    }


def _marks(app, jobs) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Mark)
            .join(Lesson)
            .where(Lesson.assignment_id.in_({cells[0][0] for _login, cells in jobs}))
        )


def test_teachers_saving_marks_and_signing_in_at_once_all_succeed(shared_app, run_workers):
    jobs = _school(shared_app)
    answers = run_workers([_journal_job(login, cells) for login, cells in jobs])

    saves = STUDENTS * LESSONS * PROCESSES
    sign_ins = PROCESSES * -(-STUDENTS * LESSONS // SIGN_IN_EVERY)
    assert answers == {"save 200 ok": saves, "login 302": sign_ins, "logout 302": sign_ins - PROCESSES}
    assert _marks(shared_app, jobs) == saves
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginEvent).where(LoginEvent.success)) == sign_ins


def test_concurrent_saves_of_the_same_cells_keep_one_winner_and_show_the_losers_the_cell(shared_app, run_workers):
    """Two sessions of one teacher (two tabs, two devices) type into the same empty cells at once."""
    login, cells = _school(shared_app)[0]
    answers = run_workers([_journal_job(login, cells, "5", len(cells)), _journal_job(login, cells, "4", len(cells))])

    assert answers.pop("save 200 ok") == len(cells), answers
    assert answers == {"save 409 conflict shown": len(cells), "login 302": 2}
    assert _marks(shared_app, [(login, cells)]) == len(cells)


def test_concurrent_redemptions_of_one_code_keep_one_winner(shared_app, run_workers):
    with shared_app.app_context():
        w = build_world(db.session)
        operator = db.session.get(User, w.users["operator"].id)
        staff_id = w.s_teacher.id
        _invite, code = issue_invite(Actor.of(operator), "teacher", now=utcnow(), staff_id=staff_id)
        db.session.execute(User.__table__.delete().where(User.staff_id == staff_id))
        db.session.commit()
    answers = run_workers(
        [
            {"kind": "redeem", "code": code, "login": f"new{n}", "password": "Vesna-2027-dolgaya"}
            for n in range(PROCESSES)
        ]
    )

    assert answers.pop("redeemed") == 1
    assert sum(answers.values()) == PROCESSES - 1 and set(answers) <= {"refused Conflict", "refused NotFound"}
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.staff_id == staff_id)) == 1
        assert db.session.scalar(select(InviteCode.used_by_id)) is not None
