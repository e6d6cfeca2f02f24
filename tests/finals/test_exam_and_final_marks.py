"""Exam and final (attestat) marks of graduating classes (R25): the rule table of the final mark's
proposal, the tabs only graduating classes get, an exam mark set freely, the final mark proposed by the
school's rule with an override that needs a reason, versioning, the deadline after the year, the year
period's closure not locking them, and the same number of queries as the year sheet.

The test world's 5А is made a graduating class with the setting ``final_grades``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from models import AuditEvent, PeriodMark, db
from models.errors import Conflict, InvalidInput, PeriodClosed
from models.finals.proposals import propose_final
from models.finals.saving import set_period_mark
from models.finals.sheet import GradingRules, finals_sheet

YEAR_END = dt.date(2027, 5, 25)
AFTER = dt.date(2027, 6, 20)  # exams are over, within the 30 days after the year
NOW = dt.datetime(2027, 6, 20, 9, 0, tzinfo=dt.UTC)
QUARTERS = [SimpleNamespace(name=f"{n} четверть") for n in (1, 2, 3, 4)]


def _pm(value):
    if value is None:
        return None
    numeric = isinstance(value, int)
    return PeriodMark(value=value if numeric else None, special=None if numeric else value)


# --- the rule table ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "rule,quarters,year,exam,threshold,pass_fail,proposed,problem",
    [
        ("periods_and_year", (4, 5, 4, 5), 5, None, "0.5", False, "5", None),  # 4.6
        ("periods_and_year", (4, 4, 4, 3), 4, 5, "0.5", False, "4", None),  # 3.8; the exam is not counted
        ("periods_and_year", (3, 3, 4, 3), 3, None, "0.5", False, "3", None),  # 3.2
        ("periods_and_year", (4, 4, 5, 5), 4, None, "0.5", False, "4", None),  # 4.4
        ("periods_and_year", (3, 4, 3, 4), 4, None, "0.6", False, "4", None),  # 3.6
        ("periods_and_year", (3, 4, 3, 4), 4, None, "0.7", False, "3", None),  # 3.6 rounds up only from .7
        ("periods_and_year", (4, 5, None, 5), 5, None, "0.5", False, "", "Нет отметки за «3 четверть»."),
        ("periods_and_year", ("н/а", 3, 3, 4), 3, None, "0.5", False, "", "За «1 четверть» — н/а."),
        ("year_and_exam", (5, 5, 5, 5), 4, 5, "0.5", False, "5", None),  # 4.5
        ("year_and_exam", (), 4, 3, "0.5", False, "4", None),  # 3.5
        ("year_and_exam", (), 4, 3, "0.6", False, "3", None),
        ("year_and_exam", (), 5, None, "0.5", False, "5", None),  # no exam: the year mark
        ("year_and_exam", (), 5, "н/а", "0.5", False, "5", None),
        ("year_and_exam", (), 2, 2, "0.5", False, "2", None),
        ("year_and_exam", (), None, 5, "0.5", False, "", "Нет годовой отметки: сначала выставьте её."),
        ("periods_and_year", (4, 4, 4, 4), None, None, "0.5", False, "", "Нет годовой отметки: сначала выставьте её."),
        ("periods_and_year", (), "н/а", None, "0.5", False, "н/а", None),  # carries over
        ("year_and_exam", (), "осв", None, "0.5", False, "осв", None),
        ("periods_and_year", ("зач", "зач"), "зач", None, "0.5", True, "зач", None),
        ("year_and_exam", (), "незач", None, "0.5", True, "незач", None),
    ],
)
def test_final_mark_proposal(rule, quarters, year, exam, threshold, pass_fail, proposed, problem):
    periods = [(QUARTERS[i], _pm(v)) for i, v in enumerate(quarters)]
    proposal = propose_final(
        rule, periods, _pm(year), _pm(exam), GradingRules(D(threshold), min_marks=3), pass_fail=pass_fail
    )
    assert proposal.shown == proposed
    assert [str(p) for p in proposal.problems] == ([problem] if problem else [])


def test_the_proposal_explains_itself():
    proposal = propose_final(
        "periods_and_year",
        [(QUARTERS[0], _pm(4)), (QUARTERS[1], _pm(5))],
        _pm(5),
        None,
        GradingRules(D("0.5"), min_marks=3),
        pass_fail=False,
    )
    assert [(str(c.label), c.shown) for c in proposal.contributions] == [
        ("1 четверть", "4"),
        ("2 четверть", "5"),
        ("Год", "5"),
    ]
    assert proposal.average == D("4.67")


# --- the sheet -----------------------------------------------------------------------------------------
@pytest.fixture()
def grad(fin, world):
    """5А as a graduating class; vera: quarters 4, 5, 4, 5 and the year 5 in maths (final proposal 5)."""
    fin.setting("final_grades", "5, 9, 11")
    for period, value in zip((fin.q1, fin.q2, fin.q3, fin.q4), (4, 5, 4, 5)):
        fin.add(
            PeriodMark(
                student_id=world.vera.id, subject_id=world.maths.id, period_id=period.id, kind="period", value=value
            )
        )
    fin.add(
        PeriodMark(
            student_id=world.vera.id, subject_id=world.maths.id, period_id=fin.year_period.id, kind="year", value=5
        )
    )
    db.session.commit()
    return fin


def _sheet(actor_of, world, fin, kind, who="teacher", today=AFTER):
    return finals_sheet(actor_of(who), world.a_maths_5a.id, fin.year_period.id, today=today, kind=kind)


def _set(actor_of, world, kind, student, value, **kw):
    return set_period_mark(
        actor_of("teacher"), world.a_maths_5a.id, None, student.id, value, now=NOW, today=AFTER, kind=kind, **kw
    )


def test_only_graduating_classes_get_exam_and_final_tabs(fin, world, actor_of):
    sheet = _sheet(actor_of, world, fin, None)
    assert [t.kind for t in sheet.tabs] == ["period"] * 4 + ["year"]
    with pytest.raises(InvalidInput) as refused:  # a forged request for a class that is not graduating
        _set(actor_of, world, "exam", world.vera, "5")
    assert "только в выпускных классах (9, 11)" in refused.value.message
    assert db.session.scalars(select(PeriodMark)).all() == []
    fin.setting("final_grades", "5")
    db.session.commit()
    sheet = _sheet(actor_of, world, fin, None)
    assert [(t.kind, str(t.label)) for t in sheet.tabs][-3:] == [
        ("year", "Учебный год"),
        ("exam", "Экзамен"),
        ("final", "Итоговая"),
    ]
    assert {t.period.id for t in sheet.tabs[-3:]} == {fin.year_period.id}


def test_exam_marks_are_set_freely_and_never_overdue(grad, world, actor_of):
    sheet = _sheet(actor_of, world, grad, "exam", today=YEAR_END + dt.timedelta(days=60))
    assert sheet.kind == "exam" and sheet.missing == 0 and sheet.forecast is None
    vera = sheet.row_for(world.vera.id)
    assert vera.free and not vera.overdue and vera.proposed == ""
    assert [(str(m.kind), m.shown) for m in vera.marks][-1] == ("Год", "5")
    assert "зач" not in vera.choices and "н/а" in vera.choices
    pm = _set(actor_of, world, "exam", world.vera, "3")  # differs from the year mark: no reason needed
    assert (pm.kind, pm.period_id, pm.value, pm.override_reason) == ("exam", grad.year_period.id, 3, None)
    with pytest.raises(InvalidInput):
        _set(actor_of, world, "exam", world.anna, "зач")
    with pytest.raises(Conflict):  # a second tab that saw no mark
        _set(actor_of, world, "exam", world.vera, "4")
    assert _set(actor_of, world, "exam", world.vera, "4", version=1, reason="Апелляция").value == 4


def test_final_mark_is_proposed_and_an_override_needs_a_reason(grad, world, actor_of):
    sheet = _sheet(actor_of, world, grad, "final")
    vera = sheet.row_for(world.vera.id)
    assert vera.proposed == "5" and vera.proposal.average == D("4.6") and not vera.free
    assert [m.shown for m in vera.marks] == ["4", "5", "4", "5", "5"]
    anna = sheet.row_for(world.anna.id)
    assert anna.proposed == "" and [str(p) for p in anna.proposal.problems] == [
        "Нет годовой отметки: сначала выставьте её."
    ]
    assert sheet.forecast.total == 1 and sheet.missing == 2
    with pytest.raises(InvalidInput) as refused:
        _set(actor_of, world, "final", world.vera, "4")
    assert "отличается от предложенной (5)" in refused.value.message
    pm = _set(actor_of, world, "final", world.vera, "4", reason="Решение педсовета")
    assert (pm.kind, pm.value, pm.proposed_value, pm.override_reason) == ("final", 4, 5, "Решение педсовета")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "period_mark.create", AuditEvent.entity_id == pm.id)
    )
    assert '"kind": "final"' in event.new
    # the year mark is untouched: one row per kind
    kinds = sorted(
        db.session.scalars(
            select(PeriodMark.kind).where(
                PeriodMark.student_id == world.vera.id, PeriodMark.period_id == grad.year_period.id
            )
        )
    )
    assert kinds == ["final", "year"]


def test_the_year_and_exam_rule_uses_the_exam(grad, world, actor_of):
    grad.setting("final_mark_rule", "year_and_exam")
    db.session.commit()
    assert _sheet(actor_of, world, grad, "final").row_for(world.vera.id).proposed == "5"  # no exam: the year
    _set(actor_of, world, "exam", world.vera, "3")
    vera = _sheet(actor_of, world, grad, "final").row_for(world.vera.id)
    assert vera.proposed == "4" and [str(c.label) for c in vera.proposal.contributions] == ["Год", "Экзамен"]
    assert [m.shown for m in vera.marks][-2:] == ["5", "3"]  # the year and the exam shown with the quarters


@pytest.mark.parametrize("days_after,late", [(30, False), (31, True)])
def test_final_marks_are_due_after_the_year_by_the_setting(grad, world, actor_of, days_after, late):
    day = YEAR_END + dt.timedelta(days=days_after)
    set_period_mark(
        actor_of("teacher"),
        world.a_maths_5a.id,
        None,
        world.vera.id,
        "5",
        kind="final",
        now=dt.datetime.combine(day, dt.time(9), dt.UTC),
        today=day,
    )
    sheet = _sheet(actor_of, world, grad, "final", today=day)
    assert sheet.deadline == YEAR_END + dt.timedelta(days=30)
    assert sheet.row_for(world.vera.id).late is late
    assert sheet.row_for(world.anna.id).overdue is late


def test_closing_the_year_period_leaves_exam_and_final_marks_open_archive_locks_them(grad, world, actor_of):
    grad.year_period.closed_at = NOW
    db.session.commit()
    with pytest.raises(PeriodClosed):
        set_period_mark(
            actor_of("teacher"),
            world.a_maths_5a.id,
            grad.year_period.id,
            world.anna.id,
            "4",
            reason="x",
            now=NOW,
            today=AFTER,
        )  # the year mark itself: closed
    assert not _sheet(actor_of, world, grad, "final").read_only
    assert _set(actor_of, world, "final", world.vera, "5").kind == "final"
    world.year.archived_at = NOW
    db.session.commit()
    assert _sheet(actor_of, world, grad, "exam").read_only
    with pytest.raises(PeriodClosed):
        _set(actor_of, world, "exam", world.vera, "5")


def test_the_final_sheet_reads_as_many_queries_as_the_year_sheet(grad, world, actor_of, count_queries):
    _sheet(actor_of, world, grad, "final")  # warm up
    with count_queries() as year:
        _sheet(actor_of, world, grad, None)
    with count_queries() as final:
        _sheet(actor_of, world, grad, "final")
    assert final.count == year.count
