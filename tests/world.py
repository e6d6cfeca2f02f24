"""A small school with one account per role, for access and account tests.

5А: class teacher `classteacher` (teaches Russian there), `teacher` teaches maths in 5А;
6Б: `other_teacher` teaches maths and is its class teacher. Students: anna (5А), boris (6Б), vera (5А).
`parent` is anna's mother only; `parent_b` is boris's father; `student` is anna.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from models import (
    AcademicYear,
    Bell,
    Enrollment,
    Guardian,
    Lesson,
    Mark,
    Period,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    TimetableEntry,
    User,
    UserRole,
    WorkKind,
)
from models.accounts.auth import hash_password, new_session_token

PASSWORD = "demo-pass-2026"
_HASH = hash_password(PASSWORD)
START = dt.date(2026, 9, 1)


def _add(session, obj):
    session.add(obj)
    session.flush()
    return obj


def build_world(session) -> SimpleNamespace:
    w = SimpleNamespace()
    w.school = _add(session, School(name="Школа № 1", short_name="Ш1", code="world"))
    w.other_school = _add(session, School(name="Школа № 2", short_name="Ш2", code="world-2"))
    w.year = _add(
        session, AcademicYear(school_id=w.school.id, name="2026/2027", starts_on=START, ends_on=dt.date(2027, 5, 31))
    )
    w.q1 = _add(
        session,
        Period(
            year_id=w.year.id,
            scheme="quarter",
            number=1,
            starts_on=START,
            ends_on=dt.date(2026, 10, 25),
        ),
    )
    w.bell = _add(
        session, Bell(school_id=w.school.id, shift=1, number=1, starts_at=dt.time(8, 30), ends_at=dt.time(9, 15))
    )

    def staff(last, first, position, school=w.school):
        return _add(
            session,
            Staff(school_id=school.id, last_name=last, first_name=first, middle_name="Ивановна", position=position),
        )

    w.s_operator = staff("Операторова", "Ольга", "ответственный за информатизацию")
    w.s_director = staff("Директорова", "Дина", "директор")
    w.s_coordinator = staff("Завучева", "Зоя", "заместитель директора по УВР")
    w.s_secretary = staff("Секретарёва", "Светлана", "секретарь")
    w.s_teacher = staff("Математикова", "Мария", "учитель математики")
    w.s_classteacher = staff("Русская", "Раиса", "учитель русского языка")
    w.s_other_teacher = staff("Физикова", "Фаина", "учитель математики")
    w.s_foreign = staff("Чужая", "Чара", "учитель", school=w.other_school)

    w.c5a = _add(
        session,
        SchoolClass(
            school_id=w.school.id, year_id=w.year.id, grade=5, letter="А", class_teacher_id=w.s_classteacher.id
        ),
    )
    w.c6b = _add(
        session,
        SchoolClass(
            school_id=w.school.id, year_id=w.year.id, grade=6, letter="Б", class_teacher_id=w.s_other_teacher.id
        ),
    )

    def student(last, first, cls, sex="f"):
        s = _add(
            session,
            Student(
                school_id=w.school.id,
                last_name=last,
                first_name=first,
                middle_name=None,
                birth_date=dt.date(2015, 3, 1),
                sex=sex,
                personal_file_no=f"{last}-{first}",
            ),
        )
        _add(session, Enrollment(student_id=s.id, class_id=cls.id, starts_on=START, reason_in="admission"))
        return s

    w.anna = student("Аннова", "Анна", w.c5a)
    w.vera = student("Верова", "Вера", w.c5a)
    w.boris = student("Борисов", "Борис", w.c6b, sex="m")

    w.g_parent = _add(session, Guardian(school_id=w.school.id, last_name="Аннова", first_name="Алла"))
    w.g_parent_b = _add(session, Guardian(school_id=w.school.id, last_name="Борисов", first_name="Богдан"))
    _add(session, StudentGuardian(student_id=w.anna.id, guardian_id=w.g_parent.id, relation="mother"))
    _add(session, StudentGuardian(student_id=w.boris.id, guardian_id=w.g_parent_b.id, relation="father"))

    w.maths = _add(session, Subject(school_id=w.school.id, name="Математика", short_name="Мат"))
    w.russian = _add(session, Subject(school_id=w.school.id, name="Русский язык", short_name="Рус"))
    w.regular = _add(
        session, WorkKind(school_id=w.school.id, code="regular", name="Работа на уроке", weight=Decimal("1"))
    )
    w.a_maths_5a = _add(
        session,
        TeachingAssignment(
            year_id=w.year.id,
            class_id=w.c5a.id,
            subject_id=w.maths.id,
            teacher_id=w.s_teacher.id,
            hours_per_week=Decimal("5"),
        ),
    )
    w.a_russian_5a = _add(
        session,
        TeachingAssignment(
            year_id=w.year.id,
            class_id=w.c5a.id,
            subject_id=w.russian.id,
            teacher_id=w.s_classteacher.id,
            hours_per_week=Decimal("5"),
        ),
    )
    w.a_maths_6b = _add(
        session,
        TeachingAssignment(
            year_id=w.year.id,
            class_id=w.c6b.id,
            subject_id=w.maths.id,
            teacher_id=w.s_other_teacher.id,
            hours_per_week=Decimal("5"),
        ),
    )
    w.entry_6b = _add(
        session, TimetableEntry(assignment_id=w.a_maths_6b.id, weekday=1, bell_id=w.bell.id, valid_from=START)
    )
    monday = dt.date(2026, 9, 7)
    w.lesson_5a = _add(
        session,
        Lesson(
            assignment_id=w.a_maths_5a.id,
            date=monday,
            bell_id=w.bell.id,
            topic="Натуральные числа",
            homework="№ 12, 13",
            work_kind_id=w.regular.id,
            taught_by_id=w.s_teacher.id,
        ),
    )
    w.lesson_6b = _add(
        session,
        Lesson(
            assignment_id=w.a_maths_6b.id,
            date=monday,
            bell_id=w.bell.id,
            topic="Делители и кратные",
            homework="№ 44 секретное-задание-бориса",
            work_kind_id=w.regular.id,
            taught_by_id=w.s_other_teacher.id,
        ),
    )
    _add(session, Mark(lesson_id=w.lesson_5a.id, student_id=w.anna.id, value=5))
    _add(session, Mark(lesson_id=w.lesson_6b.id, student_id=w.boris.id, value=3))

    def user(login, roles, school=w.school, **person):
        u = User(school_id=school.id, login=login, password_hash=_HASH, session_token=new_session_token(), **person)
        u.roles = [UserRole(role=r) for r in roles]
        return _add(session, u)

    w.users = {
        "operator": user("operator", ["operator"], staff_id=w.s_operator.id),
        "director": user("director", ["director"], staff_id=w.s_director.id),
        "coordinator": user("coordinator", ["coordinator"], staff_id=w.s_coordinator.id),
        "secretary": user("secretary", ["secretary"], staff_id=w.s_secretary.id),
        "teacher": user("teacher", ["teacher"], staff_id=w.s_teacher.id),
        "classteacher": user("classteacher", ["class_teacher", "teacher"], staff_id=w.s_classteacher.id),
        "other_teacher": user("other_teacher", ["class_teacher", "teacher"], staff_id=w.s_other_teacher.id),
        "parent": user("parent", ["parent"], guardian_id=w.g_parent.id),
        "parent_b": user("parent_b", ["parent"], guardian_id=w.g_parent_b.id),
        "student": user("student", ["student"], student_id=w.anna.id),
        "foreign_operator": user("foreign_operator", ["operator"], school=w.other_school, staff_id=w.s_foreign.id),
    }
    session.commit()
    return w
