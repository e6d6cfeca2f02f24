"""The family's marks by subject (R20): a period's marks per subject with the weighted average and the
period mark once set, the year's summary with exam and final columns only when given, any year of the
student's, access as for the diary, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from models import PeriodMark, db
from models.access import Actor
from models.base import forget_transaction_memo
from models.errors import AccessDenied, NotFound
from models.reports.report_card import report_card

TODAY = dt.date(2026, 10, 20)  # inside the 1st quarter
SEP = dt.date(2026, 9, 1)


def _card(world, who="parent", student=None, **kw):
    return report_card(Actor.of(world.users[who]), (student or world.anna).id, today=TODAY, **kw)


def _line(card, subject):
    return next(line for line in card.subjects if line.subject.id == subject.id)


def test_the_period_shows_marks_averages_and_the_period_mark(fin, world):
    fin.mark(fin.lesson(SEP + dt.timedelta(days=14), kind=fin.test), world.anna, 3)  # weight 2
    card = _card(world)
    assert card.period.id == fin.q1.id and card.school_class.name == "5А"
    maths = _line(card, world.maths)
    assert [m.shown for m in maths.marks] == ["5", "3"] and [m.is_control for m in maths.marks] == [False, True]
    assert maths.average == D("3.67") and maths.period_mark == ""
    assert _line(card, world.russian).marks == []  # a subject of the class without marks is listed
    fin.add(
        PeriodMark(student_id=world.anna.id, subject_id=world.maths.id, period_id=fin.q1.id, kind="period", value=4)
    )
    card = _card(world)
    assert _line(card, world.maths).period_mark == "4"
    assert card.summary[world.maths.id][(fin.q1.id, "period")] == "4"
    assert [c.kind for c in card.columns] == ["period"] * 4 + ["year"]


def test_another_period_and_the_year(fin, world):
    fin.mark(fin.lesson(dt.date(2026, 11, 10)), world.anna, 4)
    q2 = _card(world, period_id=fin.q2.id)
    assert [m.shown for m in _line(q2, world.maths).marks] == ["4"]
    year = _card(world, period_id=fin.year_period.id)
    assert [m.shown for m in _line(year, world.maths).marks] == ["5", "4"] and _line(year, world.maths).average == D(
        "4.5"
    )


def test_exam_and_final_columns_appear_once_given(fin, world):
    for kind, value in (("year", 5), ("exam", 4), ("final", 5)):
        fin.add(
            PeriodMark(
                student_id=world.anna.id,
                subject_id=world.maths.id,
                period_id=fin.year_period.id,
                kind=kind,
                value=value,
            )
        )
    card = _card(world, student=world.anna)
    assert [(c.kind, str(c.label)) for c in card.columns][-3:] == [
        ("year", "Учебный год"),
        ("exam", "Экзамен"),
        ("final", "Итоговая"),
    ]
    assert card.summary[world.maths.id][(fin.year_period.id, "final")] == "5"


@pytest.mark.parametrize(
    "who,student,error",
    [("parent", "boris", AccessDenied), ("student", "vera", AccessDenied), ("parent_b", "anna", AccessDenied)],
)
def test_only_who_reads_the_diary_reads_the_marks(fin, world, who, student, error):
    with pytest.raises(error):
        _card(world, who, getattr(world, student))


def test_a_period_or_year_not_of_the_student_is_not_found(fin, world):
    from models import Period

    other = fin.add(
        Period(
            year_id=world.year.id,
            scheme="trimester",
            number=1,
            name="1 триместр",
            starts_on=SEP,
            ends_on=dt.date(2026, 11, 30),
        )
    )
    with pytest.raises(NotFound):
        _card(world, period_id=other.id)
    with pytest.raises(NotFound):
        _card(world, year_id=world.year.id + 1000)


def test_a_mark_on_a_page_of_another_class_keeps_its_subject(fin, world):
    """A mark on a journal page of a class the student is not enrolled in (a record moved by hand, an old import):
    its subject, which none of the student's classes has, is listed with it (read apart, one statement more)."""
    music, page = fin.subject_page("Музыка", "Муз", cls=world.c6b, teacher=world.s_other_teacher)
    fin.mark(fin.lesson(SEP + dt.timedelta(days=15), assignment=page), world.anna, 4)
    line = _line(_card(world), music)
    assert [m.shown for m in line.marks] == ["4"] and line.subject.name == "Музыка"


def test_a_fixed_number_of_queries(fin, world, count_queries):
    _card(world)  # warm up
    db.session.expire_all()
    forget_transaction_memo()  # as after the marks added below: the access check runs in both
    with count_queries() as small:
        _card(world)
    for i in range(5):
        fin.mark(fin.lesson(SEP + dt.timedelta(days=20 + i), kind=fin.test), world.anna, 4)
        fin.mark(fin.lesson(SEP + dt.timedelta(days=20 + i), assignment=world.a_russian_5a), world.anna, 5)
    fin.add(
        PeriodMark(student_id=world.anna.id, subject_id=world.russian.id, period_id=fin.q1.id, kind="period", value=5)
    )
    db.session.expire_all()
    with count_queries() as big:
        card = _card(world)
    assert len(_line(card, world.russian).marks) == 5
    assert big.count == small.count, "\n".join(st[:150].replace("\n", " ") for st in big.statements)


def test_the_page(client, login_as, world, fin):
    login_as("parent")
    diary = client.get(f"/diary/{world.anna.id}?week=2026-09-07").get_data(as_text=True)
    assert f'href="/diary/{world.anna.id}/marks"' in diary
    response = client.get(f"/diary/{world.anna.id}/marks?period={fin.q1.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Отметки за «1 четверть»" in html and "Математика" in html and 'id="year-summary"' in html
    assert client.get(f"/diary/{world.boris.id}/marks").status_code == 403
    assert client.get(f"/diary/{world.anna.id}/marks?period=abc").status_code == 200  # ignored: the current one
    assert client.get(f"/diary/{world.anna.id}/marks?period=999999").status_code == 404
