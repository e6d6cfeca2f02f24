"""Fixtures of the journal tests, built on the world (tests/world.py).

World recap: year 2026/2027 from 01.09.2026 (Tuesday), 1 четверть 01.09–25.10.2026, bell 1; 5А (grade 5,
class teacher `classteacher`, maths by `teacher`) with anna and vera; 6Б (maths by `other_teacher`) with
boris; lesson of maths 5А on Monday 07.09 with anna's 5.

Added here (``jw``): maths 5А timetabled on Monday and Wednesday at bell 1; a second bell; kinds of work
"Контрольная работа" (control, ×2) and "Диктант"; 2 четверть 02.11–27.12; gleb joins 5А on 14.09 and dina
leaves it after 10.09; English for 5А in subgroup "1 группа" (anna only) taught by `teacher`; 1А (first
grade) with its Russian taught by `teacher`; a pass/fail course and PE in 5А taught by `teacher`;
`other_teacher` substitutes maths 5А on Wednesday 09.09.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import (
    Bell,
    Enrollment,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    Student,
    Subgroup,
    SubgroupMember,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableEntry,
    WorkKind,
)
from models.access import Actor

D = dt.date
START = D(2026, 9, 1)
MONDAY = D(2026, 9, 7)
WEDNESDAY = D(2026, 9, 9)
# Wednesday 16.09.2026, 12:00 in Moscow: "now" of most tests (the first quarter is running).
NOW = dt.datetime(2026, 9, 16, 9, 0, tzinfo=dt.UTC)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    """A moment on a Moscow calendar day (UTC+3)."""
    return dt.datetime(day.year, day.month, day.day, hour - 3, 0, tzinfo=dt.UTC)


@pytest.fixture()
def control_pdf(app, client, tmp_path, monkeypatch):
    """``control_pdf("2026-09")``: the справка of a month as the signed-in user orders it ("Справка (PDF)": a
    background job, run inside the POST by Huey's immediate mode) and downloads it from "Мои задания"."""
    from sqlalchemy import select

    from models import db
    from models.jobs import Job

    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))

    def ordered(month: str) -> bytes:
        response = client.post("/admin/control/report", data={"month": month})
        assert response.status_code == 303 and response.location.endswith("/admin/jobs/")
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert (job.kind, job.status, job.params["month"][:7]) == ("control_report", "done", month)
        pdf = client.get(f"/admin/jobs/{job.id}/download")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.headers["Content-Disposition"].endswith(f"journal-control-{month}.pdf")
        return pdf.data

    return ordered


@pytest.fixture()
def actor_of(world):
    return lambda name: Actor.of(world.users[name])


@pytest.fixture()
def jw(world, db_session):
    w = world

    def add(obj):
        db_session.add(obj)
        db_session.flush()
        return obj

    def assignment(cls, subject, group=None, teacher=None):
        return add(
            TeachingAssignment(
                year_id=w.year.id,
                class_id=cls.id,
                subject_id=subject.id,
                subgroup_id=group.id if group else None,
                teacher_id=(teacher or w.s_teacher).id,
                hours_per_week=Decimal("2"),
            )
        )

    def student(last, first, cls, starts_on=START, ends_on=None):
        s = add(
            Student(
                school_id=w.school.id,
                last_name=last,
                first_name=first,
                birth_date=D(2015, 1, 1),
                sex="m",
                personal_file_no=f"j-{last}",
            )
        )
        add(
            Enrollment(
                student_id=s.id,
                class_id=cls.id,
                starts_on=starts_on,
                ends_on=ends_on,
                reason_in="admission",
                reason_out="withdrawal" if ends_on else None,
            )
        )
        return s

    w.entry_5a_mon = add(TimetableEntry(assignment_id=w.a_maths_5a.id, weekday=1, bell_id=w.bell.id, valid_from=START))
    w.entry_5a_wed = add(TimetableEntry(assignment_id=w.a_maths_5a.id, weekday=3, bell_id=w.bell.id, valid_from=START))
    w.bell2 = add(Bell(school_id=w.school.id, shift=1, number=2, starts_at=dt.time(9, 25), ends_at=dt.time(10, 10)))
    w.test_kind = add(
        WorkKind(school_id=w.school.id, code="test", name="Контрольная работа", weight=Decimal("2"), is_control=True)
    )
    w.dictation = add(WorkKind(school_id=w.school.id, code="dictation", name="Диктант", weight=Decimal("1.5")))
    w.foreign_kind = add(WorkKind(school_id=w.other_school.id, code="regular", name="Чужой вид работы"))
    w.q2 = add(
        Period(
            year_id=w.year.id,
            scheme="quarter",
            number=2,
            name="2 четверть",
            starts_on=D(2026, 11, 2),
            ends_on=D(2026, 12, 27),
        )
    )
    w.gleb = student("Глебов", "Глеб", w.c5a, starts_on=D(2026, 9, 14))
    w.dina = student("Динова", "Дина", w.c5a, ends_on=D(2026, 9, 10))

    w.english = add(Subject(school_id=w.school.id, name="Английский язык", short_name="Англ"))
    w.g1 = add(Subgroup(class_id=w.c5a.id, subject_id=w.english.id, name="1 группа"))
    add(SubgroupMember(subgroup_id=w.g1.id, student_id=w.anna.id, starts_on=START))
    w.a_english_g1 = assignment(w.c5a, w.english, group=w.g1)

    w.c1a = add(SchoolClass(school_id=w.school.id, year_id=w.year.id, grade=1, letter="А"))
    w.first_grader = student("Первоклассников", "Пётр", w.c1a)
    w.a_russian_1a = assignment(w.c1a, w.russian)

    w.elective = add(Subject(school_id=w.school.id, name="Курс по выбору", short_name="Курс", is_pass_fail=True))
    w.a_elective_5a = assignment(w.c5a, w.elective)
    w.pe = add(
        Subject(school_id=w.school.id, name="Физическая культура", short_name="Физ-ра", is_physical_education=True)
    )
    w.a_pe_5a = assignment(w.c5a, w.pe)

    w.substitution = add(
        Substitution(
            entry_id=w.entry_5a_wed.id,
            date=WEDNESDAY,
            absent_teacher_id=w.s_teacher.id,
            substitute_id=w.s_other_teacher.id,
            reason="болезнь",
        )
    )
    db_session.commit()
    return w


@pytest.fixture()
def lesson_of(db_session, jw):
    """lesson_of(assignment, day) records a lesson directly (no audit), as an import would."""

    def make(assignment, day, topic="Тема урока", kind=None, bell=None, recorded_at=None, homework=None):
        lesson = Lesson(
            assignment_id=assignment.id,
            date=day,
            bell_id=bell.id if bell else None,
            topic=topic,
            work_kind_id=(kind or jw.regular).id,
            taught_by_id=assignment.teacher_id,
            recorded_at=recorded_at or at(day),
            homework=homework,
            homework_recorded_at=(recorded_at or at(day)) if homework else None,
        )
        db_session.add(lesson)
        db_session.commit()
        return lesson

    return make


def grow_class(session, world, letter: str, students: int, lessons: int) -> TeachingAssignment:
    """A class of ``students`` with maths over ``lessons`` school days of the first quarter, every cell marked
    and every fifth student absent: to show that the page's query count does not grow with the data."""
    cls = SchoolClass(school_id=world.school.id, year_id=world.year.id, grade=7, letter=letter)
    session.add(cls)
    session.flush()
    assignment = TeachingAssignment(
        year_id=world.year.id,
        class_id=cls.id,
        subject_id=world.maths.id,
        teacher_id=world.s_teacher.id,
        hours_per_week=Decimal("5"),
    )
    session.add(assignment)
    session.flush()
    session.add(TimetableEntry(assignment_id=assignment.id, weekday=2, bell_id=world.bell.id, valid_from=START))
    ids = []
    for i in range(students):
        s = Student(
            school_id=world.school.id,
            last_name=f"Ученик{letter}{i:02d}",
            first_name="Иван",
            birth_date=D(2013, 1, 1),
            sex="m",
            personal_file_no=f"g-{letter}-{i}",
        )
        session.add(s)
        session.flush()
        session.add(Enrollment(student_id=s.id, class_id=cls.id, starts_on=START, reason_in="admission"))
        ids.append(s.id)
    day = START
    made = 0
    from models import Attendance

    while made < lessons:
        if day.isoweekday() <= 5:
            lesson = Lesson(
                assignment_id=assignment.id,
                date=day,
                bell_id=world.bell.id,
                topic=f"Урок {made + 1}",
                work_kind_id=world.regular.id,
                taught_by_id=world.s_teacher.id,
                recorded_at=at(day),
            )
            session.add(lesson)
            session.flush()
            for n, sid in enumerate(ids):
                if n % 5 == 0:
                    session.add(Attendance(lesson_id=lesson.id, student_id=sid, status="absent"))
                else:
                    session.add(Mark(lesson_id=lesson.id, student_id=sid, value=4, created_at=at(day)))
            made += 1
        day += dt.timedelta(days=1)
    session.commit()
    return assignment


@pytest.fixture()
def grow(db_session, world):
    return lambda letter, students, lessons: grow_class(db_session, world, letter, students, lessons)
