"""The new school year (models/school/rollover.py, issue 18 item 1): checked student by student on the world —
promoted, graduated, repeating, leaving —, run twice (the second changes nothing), all or nothing.

World: 2026/2027 (1st quarter 01.09–25.10.2026); 5А (anna, vera; maths: teacher, Russian: classteacher),
6Б (boris; maths: other_teacher)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models import (
    AcademicYear,
    CurriculumItem,
    Enrollment,
    Period,
    PeriodMark,
    SchoolClass,
    Setting,
    TeachingAssignment,
    db,
)
from models.errors import AccessDenied, InvalidInput
from models.school.rollover import preview, roll_over

NOW = dt.datetime(2027, 6, 20, 9, 0, tzinfo=dt.UTC)


def _stays(student_id):
    return [
        (cls.name, cls.year_id, e.starts_on, e.ends_on, e.reason_in, e.reason_out)
        for e, cls in db.session.execute(
            select(Enrollment, SchoolClass)
            .join(SchoolClass)
            .where(Enrollment.student_id == student_id)
            .order_by(Enrollment.starts_on)
        )
    ]


def _year_mark(world, student, value=None, special=None):
    period = world.year_period if hasattr(world, "year_period") else None
    if period is None:
        from models.school.organisation import ensure_year_period

        period = ensure_year_period(world.year)
    db.session.add(
        PeriodMark(
            student_id=student.id,
            subject_id=world.a_maths_5a.subject_id,
            assignment_id=world.a_maths_5a.id,
            period_id=period.id,
            kind="year",
            value=value,
            special=special,
        )
    )
    db.session.flush()


def test_the_preview_changes_nothing_and_lists_every_step(world, operator):
    years = db.session.scalar(select(func.count(AcademicYear.id)))
    plan = preview(operator, world.year.id)
    assert (plan.name, plan.starts_on, plan.ends_on) == ("2027/2028", dt.date(2027, 9, 1), dt.date(2028, 5, 31))
    assert [p[:3] + p[3:] for p in plan.periods] == [
        ("quarter", 1, "1 четверть", dt.date(2027, 9, 1), dt.date(2027, 10, 25))
    ]
    assert [(old.name, new) for old, new in plan.classes] == [("5А", "6А"), ("6Б", "7Б")]
    assert {s.student.first_name: (s.action, s.new_class_name) for s in plan.students} == {
        "Анна": ("promote", "6А"),
        "Вера": ("promote", "6А"),
        "Борис": ("promote", "7Б"),
    }
    assert db.session.scalar(select(func.count(AcademicYear.id))) == years


def test_the_rollover_student_by_student_then_again_nothing(world, operator):
    db.session.add(Setting(school_id=world.school.id, key="final_grades", value="6"))  # 6Б graduates here
    _year_mark(world, world.vera, value=2)
    plan = preview(operator, world.year.id)
    assert [s.student.first_name for s in plan.undecided] == ["Вера"]
    with pytest.raises(InvalidInput):
        roll_over(operator, world.year.id, {}, now=NOW)
    db.session.rollback()  # all or nothing: the refusal left nothing behind
    assert db.session.scalar(select(AcademicYear).where(AcademicYear.name == "2027/2028")) is None

    db.session.add(Setting(school_id=world.school.id, key="final_grades", value="6"))
    _year_mark(world, world.vera, value=2)
    plan = roll_over(operator, world.year.id, {world.vera.id: "repeat"}, now=NOW)
    new_year = plan.existing
    new_classes = {c.name: c for c in db.session.scalars(select(SchoolClass).where(SchoolClass.year_id == new_year.id))}
    assert set(new_classes) == {"6А", "5А"}  # 6Б graduated; 5А anew for Vera
    assert new_classes["6А"].class_teacher_id == world.c5a.class_teacher_id
    end = dt.date(2027, 5, 31)
    start = dt.date(2027, 9, 1)
    assert _stays(world.anna.id)[-2:] == [
        ("5А", world.year.id, dt.date(2026, 9, 1), end, "admission", "promotion"),
        ("6А", new_year.id, start, None, "promotion", None),
    ]
    assert _stays(world.vera.id)[-1][:3] == ("5А", new_year.id, start)
    assert _stays(world.boris.id)[-1][3:] == (end, "admission", "graduation")
    assert len(_stays(world.boris.id)) == 1
    load = db.session.scalars(select(TeachingAssignment).where(TeachingAssignment.year_id == new_year.id)).all()
    assert sorted((a.school_class.name, a.teacher_id) for a in load) == sorted(
        ("6А", a.teacher_id)
        for a in db.session.scalars(select(TeachingAssignment).where(TeachingAssignment.class_id == world.c5a.id))
    )
    assert db.session.scalar(select(func.count(Period.id)).where(Period.year_id == new_year.id)) == 2  # + year
    old_curriculum = db.session.scalar(
        select(func.count(CurriculumItem.id)).where(CurriculumItem.year_id == world.year.id)
    )
    assert (
        db.session.scalar(select(func.count(CurriculumItem.id)).where(CurriculumItem.year_id == new_year.id))
        == old_curriculum
    )
    # the old year untouched: its classes and marks are where they were
    assert db.session.scalar(select(func.count(SchoolClass.id)).where(SchoolClass.year_id == world.year.id)) == 2
    # a second run changes nothing
    counts = db.session.scalar(select(func.count(Enrollment.id)))
    again = roll_over(operator, world.year.id, {world.vera.id: "repeat"}, now=NOW)
    assert again.existing.id == new_year.id and db.session.scalar(select(func.count(Enrollment.id))) == counts


def test_leaving_and_na(world, operator):
    _year_mark(world, world.anna, special="н/а")
    plan = roll_over(operator, world.year.id, {world.anna.id: "leave"}, now=NOW)
    assert _stays(world.anna.id)[-1][3:] == (dt.date(2027, 5, 31), "admission", "withdrawal")
    assert {s.student.first_name: s.action for s in plan.students}["Анна"] == "leave"


@pytest.mark.parametrize("who", ["director", "secretary", "classteacher"])
def test_only_the_operator(world, actor_of, who):
    with pytest.raises(AccessDenied):
        preview(actor_of(who), world.year.id)


def test_the_page_previews_then_runs(client, login_as, world):
    login_as("operator")
    html = client.get(f"/admin/rollover/?year={world.year.id}").get_data(as_text=True)
    assert "5А → <strong>6А</strong>" in html and "Аннова Анна" in html and "переводится в 6А" in html
    assert db.session.scalar(select(AcademicYear).where(AcademicYear.name == "2027/2028")) is None
    html = client.post("/admin/rollover/run", data={"year_id": world.year.id}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Новый учебный год 2027/2028 создан." in html and 'id="new-classes"' in html and "7Б" in html
    login_as("director")
    assert client.post("/admin/rollover/run", data={"year_id": world.year.id}).status_code == 403
