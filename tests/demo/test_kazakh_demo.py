"""The Kazakhstan demo school (`flask --app app demo --kind kz`, demo/kazakh.py) next to the Russian one: a KZ school
in Kazakh with criteria-based assessment; marks in points (ФО out of 10, СОР out of its maximum, one СОЧ out of 25
in a quarter's last weeks); quarters in every grade; an ИИН with its check digit for every student; its accounts
read the journal, the finals sheet with the proposals' percentages and the diary in Kazakh."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from demo import DEMO_ACCOUNTS, DEMO_PASSWORD, Scale, load_demo
from demo.kazakh import ACCOUNTS, CODE, iin
from models import (
    Lesson,
    Mark,
    PeriodMark,
    School,
    SchoolClass,
    Student,
    Subject,
    TeachingAssignment,
    User,
    WorkKind,
    db,
)
from models.identifiers import parse_iin

TODAY = dt.date(2026, 11, 22)  # the second quarter: the first one ended with its СОЧ and its marks
SCALE = Scale(schools=1, classes_per_grade=1, students_per_class=5, weeks=None)


@pytest.fixture()
def both(db_session):
    load_demo(scale=Scale.tiny(), today=TODAY)
    load_demo(scale=SCALE, today=TODAY, kind="kz")
    return db.session.scalar(select(School).where(School.code == CODE))


def test_the_school_is_a_kazakh_one_next_to_the_russian_demo(both):
    school = both
    assert (school.jurisdiction, school.language, school.grading_scheme, school.timezone) == (
        "KZ",
        "kk",
        "criteria",
        "Asia/Almaty",
    )
    assert db.session.scalar(select(School.language).where(School.code == "demo")) == "ru"
    schemes = db.session.scalars(select(SchoolClass.period_scheme).where(SchoolClass.school_id == school.id)).all()
    assert set(schemes) == {"quarter"}  # тоқсан in grades 10–11 too
    for login, roles, _about in DEMO_ACCOUNTS + ACCOUNTS:
        user = db.session.scalar(select(User).where(User.login == login))
        assert user is not None and user.role_names == set(roles), login
    assert db.session.scalar(select(User.locale).where(User.login == "kz-parent")) == "kk"
    names = db.session.scalars(select(Subject.name).where(Subject.school_id == school.id)).all()
    assert "Қазақ тілі" in names and "Русский язык" not in names


def test_every_student_has_a_valid_and_unique_iin(both):
    rows = db.session.execute(select(Student.iin, Student.birth_date, Student.sex).where(Student.school_id == both.id))
    rows = rows.all()
    assert rows
    for number, birth, sex in rows:
        assert parse_iin(number) == number
        assert number[:6] == f"{birth:%y%m%d}" and number[6] == ("6" if sex == "f" else "5")
    assert len({number for number, *_ in rows}) == len(rows)


@pytest.mark.parametrize(
    "birth,sex,serial,expected",
    [
        # Σ digit·position (1..11) mod 11: 1+10+0+12+0+24+35+0+0+0+11 = 93 → 5
        (dt.date(2015, 3, 4), "m", 1, "150304500015"),
        # 8+10+3+8+15+6+28+0+0+40+22 = 140 → 8
        (dt.date(1985, 12, 31), "f", 42, "851231400428"),
    ],
)
def test_iin_of_the_demo_carries_its_check_digit(birth, sex, serial, expected):
    assert iin(birth, sex, serial) == expected == parse_iin(expected)


def test_marks_are_points_with_one_soch_a_quarter(both):
    marks = db.session.execute(
        select(Mark.value, Mark.points, Mark.max_points, WorkKind.criteria_kind)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(WorkKind, WorkKind.id == Lesson.work_kind_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(SchoolClass.school_id == both.id)
    ).all()
    assert marks and all(value is None and 0 <= pts <= top for value, pts, top, _kind in marks)
    kinds = Counter(kind for *_rest, kind in marks)
    assert kinds["sor"] and kinds["soch"] and kinds[None], kinds
    assert {int(top) for _v, _p, top, kind in marks if kind == "soch"} == {25}
    soch = db.session.execute(
        select(Lesson.assignment_id, func.count())
        .join(WorkKind, WorkKind.id == Lesson.work_kind_id)
        .where(WorkKind.school_id == both.id, WorkKind.criteria_kind == "soch", Lesson.date <= dt.date(2026, 10, 31))
        .group_by(Lesson.assignment_id)
    ).all()
    assert soch and all(n == 1 for _a, n in soch)  # the first quarter's one СОЧ per class and subject
    percents = db.session.scalars(
        select(PeriodMark.percent)
        .join(Student, Student.id == PeriodMark.student_id)
        .where(Student.school_id == both.id, PeriodMark.percent.is_not(None))
    ).all()
    assert percents and all(0 <= p <= 100 for p in percents)


def _sign_in(client, login: str) -> None:
    client.post("/logout")
    response = client.post("/login", data={"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    client.post("/language", data={"lang": "kk", "next": "/"})


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_journal_finals_and_diary_read_in_kazakh_with_criteria_marks(both, client):
    teacher = db.session.scalar(select(User).where(User.login == "kz-teacher"))
    assignment = db.session.scalar(
        select(TeachingAssignment)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(TeachingAssignment.teacher_id == teacher.staff_id, Subject.name == "Математика")
        .order_by(TeachingAssignment.id)
        .limit(1)
    )
    q1 = db.session.scalar(select(PeriodMark.period_id).where(PeriodMark.assignment_id == assignment.id).limit(1))
    _sign_in(client, "kz-teacher")
    grid = _page(client, f"/admin/journal/{assignment.id}?period={q1}")
    assert "1-тоқсан" in grid and "четверть" not in grid
    # the columns of ФО (out of 10), СОР (its maximum) and the quarter's СОЧ (out of 25), named in Kazakh
    assert "ҚБ&nbsp;/10" in grid and "БЖБ&nbsp;/" in grid and grid.count("ТЖБ&nbsp;/25") == 1
    assert "Конт<" not in grid and "СОЧ" not in grid and "СОР" not in grid  # (topics are the school's)
    sheet = _page(client, f"/admin/finals/{assignment.id}?period={q1}")  # the proposals and why
    assert "1-тоқсан" in sheet and "Критериалды" in sheet and "Критериальное" not in sheet
    assert re.search(r">[2-5]</strong>\s*<span[^>]*>\(\d+(,\d+)?%\)</span>", sheet), (
        "a proposal: the mark and its weighted percent"
    )
    assert re.search(r"\b\d+/25\b", sheet), "a СОЧ's points among the proposal's contributions"

    child = db.session.scalar(select(User.student_id).where(User.login == "kz-student"))
    _sign_in(client, "kz-parent")
    diary = _page(client, f"/diary/{child}?week=2026-11-16")
    assert "Күнделік" in diary and "Дневник" not in diary
    assert "Қазақ тілі" in diary  # the subjects as the school typed them
    assert re.search(r"\b\d+/10\b", diary), "ФО points in the week"
    marks = _page(client, f"/diary/{child}/marks")
    assert "1-тоқсан" in marks and "четверть" not in marks
    assert re.search(r"\b\d+/(15|20)\b", marks), "a СОР's points"


def test_the_kazakh_school_writes_its_topics_and_homework_in_kazakh(both):
    """Topics of the plans and the lessons, and homework, are what a Kazakh school's teachers write: in Kazakh
    (each has a Kazakh letter), while the Russian demo school keeps its Russian topics."""
    kazakh = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
    kz_lessons = (
        select(Lesson.topic, Lesson.homework)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(SchoolClass.school_id == both.id)
    )
    rows = db.session.execute(kz_lessons).all()
    assert rows
    russian = [topic for topic, _hw in rows if not kazakh & set(topic)]
    assert russian == []
    homework = [hw for _topic, hw in rows if hw and not kazakh & set(hw) and "№" not in hw]
    assert homework == []
    ru_topics = db.session.scalars(
        select(Lesson.topic)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(SchoolClass.school_id != both.id)
        .limit(50)
    ).all()
    assert ru_topics and not any(kazakh & set(topic) for topic in ru_topics)
