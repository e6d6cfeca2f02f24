"""Benchmark of the teacher's journal: the grid page of a 30-student class over a quarter, and the save of one
mark (one keystroke: POST /admin/journal/cell), through the whole Flask stack in-process (app.test_client,
a signed-in teacher: this is server time, without the network).

    python bench/bench_journal.py --database-url URL [--runs 50]

The database is one made by ``bench/generate.py`` (the demo school or the whole district); the script
measures the page of the demo teacher's maths class (5А, the first quarter). The generated classes have
about 23–25 students: the script first tops that class up to 30 students with marks and absences over the
quarter (once; the added students' personal file numbers start with "bench-"). Without generated data
(``--build``) it builds a small school of its own with one such class.

Prints the median and 90th percentile of the page (and of the domain call alone), the queries per page,
and the median of a save. ``--gc-freeze`` moves the objects of the started app out of the garbage
collector's reach first (gc.freeze(), as a server's post-fork hook would): the slow tail of the page is
Python's full collections over the whole process (~110 ms for ~340,000 objects here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "demo-pass-2026"
TARGET_STUDENTS = 30


def _ms(seconds: float) -> float:
    return seconds * 1000


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def post_mark(client, cell: tuple[int, int, int], value: str, version: int | None) -> tuple[float, int | None]:
    """One keystroke of the grid: ``value`` ("" clears) into slot 3 of ``cell`` (assignment, lesson, student)
    through the grid's JSON endpoint; returns the wall time in ms and the mark's new version."""
    assignment_id, lesson_id, student_id = cell
    body = {
        "assignment_id": assignment_id,
        "lesson_id": lesson_id,
        "student_id": student_id,
        "op": "mark",
        "slot": 3,
        "value": value,
        "version": version,
    }
    started = time.perf_counter()
    response = client.post("/admin/journal/cell", json=body)
    elapsed = _ms(time.perf_counter() - started)
    data = response.get_json()
    assert response.status_code == 200 and data["ok"], data
    return elapsed, next((m[2] for m in data["cell"]["m"] if m[0] == 3), None)


def _build(db) -> None:
    """A school of its own when there is no generated data: maths 5 times a week over a quarter in 5А (its
    30 students, with their marks, come from _top_up)."""
    from models import (
        AcademicYear,
        Bell,
        Lesson,
        Period,
        School,
        SchoolClass,
        Staff,
        Subject,
        TeachingAssignment,
        TimetableEntry,
        User,
        UserRole,
        WorkKind,
    )
    from models.accounts.auth import hash_password, new_session_token

    if db.session.query(School).filter_by(code="demo").first():
        return
    start = dt.date(dt.date.today().year if dt.date.today().month >= 8 else dt.date.today().year - 1, 9, 1)
    school = School(name="Школа для замеров", short_name="Замеры", code="demo")
    db.session.add(school)
    db.session.flush()
    year = AcademicYear(
        school_id=school.id,
        name=f"{start.year}/{start.year + 1}",
        starts_on=start,
        ends_on=dt.date(start.year + 1, 8, 31),
    )
    db.session.add(year)
    db.session.flush()
    db.session.add(
        Period(
            year_id=year.id,
            scheme="quarter",
            number=1,
            starts_on=start,
            ends_on=dt.date(start.year, 10, 24),
        )
    )
    bells = [
        Bell(school_id=school.id, shift=1, number=n, starts_at=dt.time(8 + n, 0), ends_at=dt.time(8 + n, 45))
        for n in range(1, 6)
    ]
    db.session.add_all(bells)
    db.session.add_all(
        [
            WorkKind(school_id=school.id, code="regular", name="Работа на уроке", weight=Decimal(1)),
            WorkKind(school_id=school.id, code="test", name="Контрольная работа", weight=Decimal(2), is_control=True),
        ]
    )
    teacher = Staff(school_id=school.id, last_name="Иванова", first_name="Мария", position="учитель математики")
    maths = Subject(school_id=school.id, name="Математика", short_name="Мат")
    db.session.add_all([teacher, maths])
    db.session.flush()
    cls = SchoolClass(school_id=school.id, year_id=year.id, grade=5, letter="А")
    db.session.add(cls)
    db.session.flush()
    assignment = TeachingAssignment(
        year_id=year.id, class_id=cls.id, subject_id=maths.id, teacher_id=teacher.id, hours_per_week=Decimal(5)
    )
    db.session.add(assignment)
    db.session.flush()
    db.session.add_all(
        [
            TimetableEntry(assignment_id=assignment.id, weekday=wd, bell_id=bells[wd - 1].id, valid_from=start)
            for wd in range(1, 6)
        ]
    )
    user = User(
        school_id=school.id,
        login="teacher",
        password_hash=hash_password(PASSWORD),
        session_token=new_session_token(),
        staff_id=teacher.id,
    )
    user.roles = [UserRole(role="teacher")]
    db.session.add(user)
    db.session.flush()
    regular = db.session.query(WorkKind).filter_by(school_id=school.id, code="regular").one()
    for day in (start + dt.timedelta(days=i) for i in range(0, 54)):
        if day.isoweekday() <= 5:
            db.session.add(
                Lesson(
                    assignment_id=assignment.id,
                    date=day,
                    bell_id=bells[day.isoweekday() - 1].id,
                    topic=f"Тема {day:%d.%m}",
                    work_kind_id=regular.id,
                    taught_by_id=teacher.id,
                )
            )
    db.session.commit()


def _subject(assignment_id: int, db):
    from sqlalchemy import select

    from models import Period, SchoolClass, TeachingAssignment

    a = db.session.get(TeachingAssignment, assignment_id)
    cls = db.session.get(SchoolClass, a.class_id)
    period = db.session.scalar(
        select(Period)
        .where(Period.year_id == cls.year_id, Period.scheme == cls.period_scheme)
        .order_by(Period.starts_on)
    )
    return a, cls, period


def _top_up(assignment_id: int, db) -> int:
    """Bring the class to 30 students with marks and absences over the quarter; returns the roster size."""
    from sqlalchemy import func, or_, select

    from models import Attendance, Enrollment, Lesson, Mark, Student, User, WorkKind

    a, cls, period = _subject(assignment_id, db)
    on_roster = select(Enrollment.student_id).where(
        Enrollment.class_id == cls.id,
        Enrollment.starts_on <= period.ends_on,
        or_(Enrollment.ends_on.is_(None), Enrollment.ends_on >= period.starts_on),
    )
    have = db.session.scalar(select(func.count()).select_from(on_roster.distinct().subquery()))
    if have >= TARGET_STUDENTS:
        return have
    rng = random.Random(2026)
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.assignment_id == a.id, Lesson.date.between(period.starts_on, period.ends_on))
    ).all()
    control = {
        k.id
        for k in db.session.scalars(select(WorkKind).where(WorkKind.school_id == cls.school_id, WorkKind.is_control))
    }
    author = db.session.scalar(select(User.id).where(User.staff_id == a.teacher_id))
    for n in range(have, TARGET_STUDENTS):
        student = Student(
            school_id=cls.school_id,
            last_name=f"Добавленный{n:02d}",
            first_name="Ученик",
            birth_date=dt.date(period.starts_on.year - 11, 3, 1),
            sex="m",
            personal_file_no=f"bench-{n}",
        )
        db.session.add(student)
        db.session.flush()
        db.session.add(
            Enrollment(student_id=student.id, class_id=cls.id, starts_on=period.starts_on, reason_in="admission")
        )
        for lesson in lessons:
            if rng.random() < 0.05:
                db.session.add(
                    Attendance(
                        lesson_id=lesson.id, student_id=student.id, status="absent", recorded_at=lesson.recorded_at
                    )
                )
            elif lesson.work_kind_id in control or rng.random() < 0.14:
                db.session.add(
                    Mark(
                        lesson_id=lesson.id,
                        student_id=student.id,
                        value=rng.choice((3, 4, 4, 5, 5)),
                        author_id=author,
                        created_at=lesson.recorded_at,
                        updated_at=lesson.recorded_at,
                    )
                )
    db.session.commit()
    return TARGET_STUDENTS


def _target(db) -> int:
    """The demo teacher's maths page of 5А (the generator's "teacher" account)."""
    from sqlalchemy import select

    from models import School, SchoolClass, Subject, TeachingAssignment, User

    school_id = db.session.scalar(select(School.id).where(School.code == "demo"))
    staff_id = db.session.scalar(select(User.staff_id).where(User.login == "teacher", User.school_id == school_id))
    return db.session.scalar(
        select(TeachingAssignment.id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(TeachingAssignment.teacher_id == staff_id, TeachingAssignment.subgroup_id.is_(None))
        .order_by(SchoolClass.grade, SchoolClass.letter, (Subject.name != "Математика"), TeachingAssignment.id)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--build", action="store_true", help="no generated data: build a small school first")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after warming up, as a server would after start-up (see bench/README.md)",
    )
    args = parser.parse_args(argv)

    import flask_migrate
    from sqlalchemy import event, inspect, select

    from app import create_app
    from models import Lesson, db
    from models.access import Actor
    from models.base import utcnow
    from models.journal.page import journal_page

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "GC_FREEZE": False,
        }
    )
    with app.app_context():
        if not inspect(db.engine).has_table("schools"):
            flask_migrate.upgrade()
        if args.build:
            _build(db)
        assignment_id = _target(db)
        if assignment_id is None:
            print("no demo school with the 'teacher' account: run bench/generate.py first, or pass --build")
            return 1
        students = _top_up(assignment_id, db)
        a, cls, period = _subject(assignment_id, db)
        lessons = db.session.scalars(
            select(Lesson)
            .where(Lesson.assignment_id == a.id, Lesson.date.between(period.starts_on, period.ends_on))
            .order_by(Lesson.date)
        ).all()
        lesson_id = lessons[len(lessons) // 2].id
        from models import User

        teacher = db.session.scalar(select(User).where(User.staff_id == a.teacher_id))
        actor = Actor.of(teacher)
        page = journal_page(actor, assignment_id, period.id, now=utcnow())
        student_id = page.students[-1].id
        summary = (
            f"{cls.name}: {len(page.students)} students, {page.lessons_given} lessons + "
            f"{page.lessons_missing} missing dates, {len(page.cells)} filled cells, {period.name} "
            f"({period.starts_on:%d.%m}–{period.ends_on:%d.%m.%Y})"
        )
        login, period_id = teacher.login, period.id
        # the domain call alone
        domain = []
        for _ in range(args.runs):
            db.session.expire_all()
            started = time.perf_counter()
            journal_page(actor, assignment_id, period_id, now=utcnow())
            domain.append(_ms(time.perf_counter() - started))
        db.session.remove()
        dialect = db.engine.dialect.name
        engine = db.engine

    client = app.test_client()
    response = client.post("/login", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    url = f"/admin/journal/{assignment_id}?period={period_id}"
    for _ in range(3):
        assert client.get(url).status_code == 200
    if args.gc_freeze:
        import gc

        gc.collect()
        gc.freeze()
    queries = {"n": 0}

    def _count(*_args):
        queries["n"] += 1

    event.listen(engine, "before_cursor_execute", _count)
    size = len(client.get(url).data)
    per_page = queries["n"]
    event.remove(engine, "before_cursor_execute", _count)
    page_ms = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get(url)
        page_ms.append(_ms(time.perf_counter() - started))
        assert response.status_code == 200

    save_ms = []
    version = None
    cell = (assignment_id, lesson_id, student_id)
    for i in range(args.runs):
        elapsed, version = post_mark(client, cell, "45"[i % 2], version)
        save_ms.append(elapsed)
    post_mark(client, cell, "", version)

    page_median, page_p90 = _stats(page_ms)
    domain_median, _ = _stats(domain)
    save_median, save_p90 = _stats(save_ms)
    print(f"database: {dialect}; {summary}; {students} on the roster{'; gc frozen' if args.gc_freeze else ''}")
    print(
        f"page  GET {url}: median {page_median:.1f} ms, p90 {page_p90:.1f} ms "
        f"(domain journal_page() alone: median {domain_median:.1f} ms); {per_page} queries; {size / 1024:.0f} KiB"
    )
    print(
        f"save  POST /admin/journal/cell (one mark): median {save_median:.1f} ms, p90 {save_p90:.1f} ms; "
        f"{args.runs} runs each"
    )
    print(
        f"| {dialect} | {len(page.students)} × {page.lessons_given} | {page_median:.0f} ms | {page_p90:.0f} ms | "
        f"{domain_median:.0f} ms | {per_page} | {size / 1024:.0f} KiB | {save_median:.1f} ms | {save_p90:.1f} ms |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
