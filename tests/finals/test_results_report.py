"""Results of a period (R30, models/reports/results.py): a student's standing (a rule table), per class the
students by standing with успеваемость and качество by students, per class, subject and teacher the marks'
measures, missing marks, who reads which classes, the default period, fixed queries; the page and its XLSX."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from models import Enrollment, PeriodMark, Student, db
from models.access import Actor
from models.errors import AccessDenied
from models.reports.results import period_results, standing

TODAY = dt.date(2026, 11, 2)  # after the 1st quarter


@pytest.mark.parametrize(
    "marks,expected",
    [
        ([5, 5], "excellent"),
        ([5, 4], "good"),
        ([5, 4, 3], "one_three"),
        ([3], "one_three"),
        ([4, 3, 3], "satisfactory"),
        ([5, 2], "failing"),
        (["н/а", 5], "failing"),
        (["незач", 5], "failing"),
        ([], "not_graded"),
        (["зач", 5], "excellent"),
        (["осв"], "not_graded"),
        ([5, "зач", 3], "one_three"),
    ],
)
def test_standing(marks, expected):
    assert standing(marks) == expected


@pytest.fixture()
def q1_marks(fin, world):
    """anna: 5 and 5 (excellent); vera: 4 and 3 (one «3»); boris: 2 (failing)."""
    for student, subject, assignment, value in (
        (world.anna, world.maths, world.a_maths_5a, 5),
        (world.anna, world.russian, world.a_russian_5a, 5),
        (world.vera, world.maths, world.a_maths_5a, 4),
        (world.vera, world.russian, world.a_russian_5a, 3),
        (world.boris, world.maths, world.a_maths_6b, 2),
    ):
        fin.add(
            PeriodMark(
                student_id=student.id,
                subject_id=subject.id,
                period_id=fin.q1.id,
                kind="period",
                value=value,
                assignment_id=assignment.id,
            )
        )
    db.session.commit()
    return fin


def _results(world, who="coordinator", period=None, today=TODAY):
    return period_results(Actor.of(world.users[who]), period.id if period else None, today=today)


def test_classes_subjects_teachers_and_the_school(world, q1_marks):
    r = _results(world)
    assert r.period.id == q1_marks.q1.id  # the period that ended last
    c5a, c6b = r.classes
    assert (
        c5a.school_class.name,
        c5a.standings.students,
        c5a.standings.counts["excellent"],
        c5a.standings.counts["one_three"],
    ) == ("5А", 2, 1, 1)
    assert (c5a.standings.success, c5a.standings.quality) == (D(100), D(50))  # by students
    assert (c5a.marks.quality, c5a.marks.sou, c5a.marks.average) == (D(75), D(75), D("4.25"))  # by marks
    assert (c6b.standings.counts["failing"], c6b.standings.success, c6b.standings.quality) == (1, D(0), D(0))
    assert (r.school.students, r.school.success, r.school.quality) == (3, D("66.7"), D("33.3"))
    assert [(s.name, s.marks.total, s.marks.average) for s in r.subjects] == [
        ("Математика", 3, D("3.67")),
        ("Русский язык", 2, D(4)),
    ]
    assert [(t.name, t.classes, t.marks.total) for t in r.teachers] == [
        (world.s_teacher.short_name, ["5А"], 2),
        (world.s_classteacher.short_name, ["5А"], 2),
        (world.s_other_teacher.short_name, ["6Б"], 1),
    ]  # by name
    assert r.missing == 0


def test_missing_marks_and_students_without_marks(world, q1_marks):
    db.session.query(PeriodMark).filter_by(student_id=world.boris.id).delete()
    db.session.commit()
    r = _results(world)
    c6b = r.classes[1]
    assert (c6b.standings.counts["not_graded"], c6b.standings.success, c6b.missing) == (1, None, 1)
    assert r.missing == 1 and [s.missing for s in r.subjects] == [1, 0]


def test_the_class_teacher_reads_own_classes_only(world, q1_marks):
    assert [c.school_class.name for c in _results(world, "classteacher").classes] == ["5А"]
    assert [c.school_class.name for c in _results(world, "other_teacher").classes] == ["6Б"]


@pytest.mark.parametrize("who", ["teacher", "secretary", "parent", "student"])
def test_nobody_else_reads_the_results(world, q1_marks, who):
    with pytest.raises(AccessDenied):
        _results(world, who)


def test_the_running_period_before_any_ended(world, fin):
    assert _results(world, today=dt.date(2026, 10, 1)).period.id == fin.q1.id
    year = _results(world, period=fin.year_period)  # runs: provisional, from anna's 5 of 07.09
    assert year.provisional and dict(year.classes[0].standings.counts) == {"excellent": 1, "not_graded": 1}


def test_a_fixed_number_of_queries(world, q1_marks, count_queries):
    db.session.query(PeriodMark).filter_by(student_id=world.boris.id).delete()  # something missing either way
    db.session.commit()
    _results(world)
    db.session.expire_all()
    with count_queries() as small:
        _results(world)
    for i in range(5):
        s = q1_marks.add(
            Student(
                school_id=world.school.id,
                last_name=f"Новый{i}",
                first_name="Ян",
                birth_date=dt.date(2015, 1, 1),
                sex="m",
                personal_file_no=f"R-{i}",
            )
        )
        q1_marks.add(
            Enrollment(student_id=s.id, class_id=world.c5a.id, starts_on=world.q1.starts_on, reason_in="admission")
        )
        q1_marks.add(
            PeriodMark(
                student_id=s.id,
                subject_id=world.maths.id,
                period_id=q1_marks.q1.id,
                kind="period",
                value=4,
                assignment_id=world.a_maths_5a.id,
            )
        )
    db.session.commit()
    db.session.expire_all()
    with count_queries() as big:
        r = _results(world)
    assert r.classes[0].standings.students == 7 and r.missing == 6  # their Russian, boris's maths
    assert big.count == small.count


def test_the_page_and_its_xlsx(client, login_as, world, q1_marks):
    login_as("coordinator")
    html = client.get(f"/admin/results/?period={q1_marks.q1.id}").get_data(as_text=True)
    assert 'id="results-classes"' in html and "5А" in html and "6Б" in html and "66,7%" in html
    response = client.get(f"/admin/results/results.xlsx?period={q1_marks.q1.id}")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Класс", "Обучающихся", "отличники")
    assert rows[1][:3] == ("5А", 2, 1) and rows[-1][0] == "Итого" and rows[-1][1] == 3
    login_as("classteacher")
    html = client.get("/admin/results/").get_data(as_text=True)
    assert "5А" in html and "6Б" not in html
    login_as("teacher")
    assert client.get("/admin/results/").status_code == 403
