"""Period and year marks (R25–R27): proposals from the school's scheme and settings with their reasons,
the teacher's decision (override needs a reason), first grade, closed periods, late marks, PE for the
special medical group, the criteria scheme, year marks from period marks, versioning, audit, access,
closing a period and the forecast."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from models import AuditEvent, PeriodMark, db
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound, PeriodClosed
from models.finals.closing import close_period, missing_marks, reopen_period
from models.finals.proposals import THEORY_NOTE
from models.finals.saving import Entry, save_period_marks, set_period_mark
from models.finals.sheet import finals_sheet

NOW = dt.datetime(2026, 10, 20, 10, 0, tzinfo=dt.UTC)  # inside the 1st quarter
TODAY = NOW.date()
SEP = dt.date(2026, 9, 1)


def _day(n: int) -> dt.date:
    return SEP + dt.timedelta(days=n)


def _marks(fin, student, spec):
    """spec: list of (value, kind code or None, weight override or None)."""
    kinds = {"regular": fin.regular, "test": fin.test, "homework": fin.homework}
    for i, (value, kind, weight) in enumerate(spec):
        lesson = fin.lesson(_day(10 + i), kind=kinds[kind or "regular"])
        fin.mark(lesson, student, value, weight=weight)


def _sheet(actor_of, world, who="teacher", period=None, today=TODAY, assignment=None):
    return finals_sheet(actor_of(who), (assignment or world.a_maths_5a).id, period.id if period else None, today=today)


# --- proposals: weights and the school's rounding and minimum ------------------------------------------
@pytest.mark.parametrize(
    "spec,settings,average,proposed,problems",
    [
        # vera: 5, 4 and a test 4 (weight 2) → (5 + 4 + 8) / 4 = 4.25
        ([(5, None, None), (4, None, None), (4, "test", None)], {}, "4.25", 4, []),
        # a mark's own weight wins over its kind's: the test counts 3 times → (5 + 3·3) / 4 = 3.5
        ([(5, None, None), (3, "test", "3")], {"min_marks_for_period": 2}, "3.50", 4, []),
        # the same marks, stricter rounding: 3.5 stays 3
        ([(5, None, None), (3, "test", "3")], {"rounding_threshold": "0.6", "min_marks_for_period": 2}, "3.50", 3, []),
        (
            [(4, None, None), (5, None, None), (4, "test", "1"), (5, "homework", None)],
            {"rounding_threshold": "0.6"},
            "4.50",
            4,
            [],
        ),
        ([(4, None, None), (5, None, None), (4, "test", "1"), (5, "homework", None)], {}, "4.50", 5, []),
        # thin basis: two marks where the school wants three, no control work
        ([(5, None, None), (5, None, None)], {}, "5.00", 5, ["Мало отметок: 2 из необходимых 3", "контрольные"]),
        ([(5, None, None), (5, None, None)], {"min_marks_for_period": 2}, "5.00", 5, ["контрольные"]),
        # very low average: a period mark is 2..5
        ([(1, None, None), (1, None, None), (2, "test", None)], {}, "1.50", 2, []),
    ],
)
def test_proposal_uses_weights_and_school_settings(fin, world, actor_of, spec, settings, average, proposed, problems):
    for key, value in settings.items():
        fin.setting(key, value)
    _marks(fin, world.vera, spec)
    row = _sheet(actor_of, world).row_for(world.vera.id)
    assert row.proposal.average == D(average)
    assert row.proposal.value == proposed
    assert len(row.proposal.problems) == len(problems)
    for text in problems:
        assert any(text in p for p in row.proposal.problems), row.proposal.problems


def test_why_lists_every_mark_with_date_kind_weight_and_share(fin, world, actor_of):
    _marks(fin, world.vera, [(5, None, None), (4, "test", None)])
    row = _sheet(actor_of, world).row_for(world.vera.id)
    assert [(c.label, c.shown, c.weight, c.share) for c in row.proposal.contributions] == [
        ("11.09 Работа на уроке", "5", D(1), D("33.3")),
        ("12.09 Контрольная работа", "4", D(2), D("66.7")),
    ]
    assert [(m.date, m.shown, m.kind, m.is_control) for m in row.marks] == [
        (_day(10), "5", "Работа на уроке", False),
        (_day(11), "4", "Контрольная работа", True),
    ]


def test_marks_outside_the_period_or_of_another_subject_do_not_count(fin, world, actor_of):
    fin.mark(fin.lesson(dt.date(2026, 11, 10)), world.vera, 2)  # 2nd quarter
    fin.mark(fin.lesson(_day(3), assignment=world.a_russian_5a), world.vera, 2)  # Russian
    fin.mark(fin.lesson(_day(4), kind=fin.test), world.vera, 5)
    row = _sheet(actor_of, world).row_for(world.vera.id)
    assert [c.shown for c in row.proposal.contributions] == ["5"]


def test_lesson_kind_gives_the_weight_unless_the_mark_names_its_own_kind(fin, world, actor_of):
    test_lesson = fin.lesson(_day(5), kind=fin.test)
    fin.mark(test_lesson, world.vera, 5)  # weight 2 from the lesson's kind
    fin.mark(test_lesson, world.vera, 3, slot=2, kind=fin.homework)  # weight 1, not control
    row = _sheet(actor_of, world).row_for(world.vera.id)
    assert [(c.shown, c.weight) for c in row.proposal.contributions] == [("5", D(2)), ("3", D(1))]
    assert row.proposal.average == D("4.33")


def test_no_marks_proposes_not_attested_with_a_reason(fin, world, actor_of):
    row = _sheet(actor_of, world).row_for(world.vera.id)
    assert row.proposed == "н/а" and row.proposal.problems


# --- setting marks -------------------------------------------------------------------------------------
def test_override_of_the_proposal_needs_a_reason(fin, world, actor_of):
    _marks(fin, world.vera, [(5, None, None), (4, None, None), (4, "test", None)])  # proposes 4
    teacher = actor_of("teacher")
    args = (teacher, world.a_maths_5a.id, fin.q1.id, world.vera.id)
    with pytest.raises(InvalidInput, match="укажите причину"):
        set_period_mark(*args, "5", now=NOW)
    with pytest.raises(InvalidInput, match="укажите причину"):
        set_period_mark(*args, "5", reason="   ", now=NOW)
    pm = set_period_mark(*args, "5", reason="Победитель олимпиады, устные ответы", now=NOW)
    assert (pm.value, pm.proposed_value, pm.proposed_average) == (5, 4, D("4.25"))
    assert pm.override_reason == "Победитель олимпиады, устные ответы"
    # back to the proposal: no reason needed, the old one is dropped
    pm = set_period_mark(*args, "4", version=pm.version, now=NOW)
    assert pm.value == 4 and pm.override_reason is None


@pytest.mark.parametrize(
    "raw,stored",
    [("5", (5, None)), (" 3 ", (3, None)), ("Н/А", (None, "н/а")), ("осв.", (None, "осв")), ("зачёт", (None, "зач"))],
)
def test_values_the_teacher_may_set(fin, world, actor_of, raw, stored):
    pm = set_period_mark(
        actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, raw, reason="Решение педсовета", now=NOW
    )
    assert (pm.value, pm.special) == stored


@pytest.mark.parametrize("raw", ["1", "6", "незач", "отл", "4+"])
def test_values_outside_the_scale_are_refused(fin, world, actor_of, raw):
    with pytest.raises(InvalidInput, match="Недопустимая отметка"):
        set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, raw, reason="x", now=NOW)


def test_pass_fail_subject_gets_pass_or_fail(fin, world, actor_of):
    elective, a = fin.subject_page("Проектная деятельность", "Проект", is_pass_fail=True)
    for i, special in enumerate(["зач", "зач", "незач"]):
        fin.mark(fin.lesson(_day(10 + i), assignment=a), world.vera, special=special)
    row = _sheet(actor_of, world, assignment=a).row_for(world.vera.id)
    assert row.proposed == "зач" and row.choices == ("зач", "незач", "н/а", "осв")
    pm = set_period_mark(actor_of("teacher"), a.id, fin.q1.id, world.vera.id, "зач", now=NOW)
    assert (pm.value, pm.special, pm.override_reason) == (None, "зач", None)
    with pytest.raises(InvalidInput, match="Недопустимая"):
        set_period_mark(actor_of("teacher"), a.id, fin.q1.id, world.anna.id, "4", reason="x", now=NOW)


def test_setting_again_updates_the_same_row_with_versioning_and_audit(fin, world, actor_of):
    teacher = actor_of("teacher")
    args = (teacher, world.a_maths_5a.id, fin.q1.id, world.vera.id)
    first = set_period_mark(*args, "н/а", now=NOW)
    assert first.version == 1
    with pytest.raises(Conflict, match="уже выставили"):  # a second tab that saw no mark
        set_period_mark(*args, "3", reason="x", now=NOW)
    second = set_period_mark(*args, "3", reason="Пересдача темы", version=1, now=NOW)
    assert second.id == first.id and second.version == 2
    with pytest.raises(Conflict, match="изменили"):  # the first tab again, stale
        set_period_mark(*args, "4", reason="x", version=1, now=NOW)
    assert set_period_mark(*args, "3", reason="Пересдача темы", version=2, now=NOW) is None  # nothing changed
    rows = db.session.scalars(select(PeriodMark).where(PeriodMark.student_id == world.vera.id)).all()
    assert len(rows) == 1
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "period_mark").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["period_mark.create", "period_mark.update"]
    assert json.loads(events[1].old)["value"] == "н/а" and json.loads(events[1].new)["value"] == "3"
    assert events[1].actor_id == world.users["teacher"].id


def test_the_database_keeps_one_mark_per_student_subject_period_and_kind(fin, world, actor_of):
    set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, "н/а", now=NOW)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(
                PeriodMark(
                    student_id=world.vera.id, subject_id=world.maths.id, period_id=fin.q1.id, kind="period", value=5
                )
            )
            db.session.flush()


@pytest.mark.parametrize(
    "who,error",
    [
        ("classteacher", AccessDenied),  # class teacher of 5А reads the maths page, does not set its marks
        ("coordinator", AccessDenied),
        ("operator", AccessDenied),
        ("director", AccessDenied),
        ("other_teacher", NotFound),  # not their page at all
    ],
)
def test_only_the_assignments_teacher_sets_marks(fin, world, actor_of, who, error):
    with pytest.raises(error):
        set_period_mark(actor_of(who), world.a_maths_5a.id, fin.q1.id, world.vera.id, "н/а", now=NOW)


def test_a_student_of_another_class_is_refused(fin, world, actor_of):
    with pytest.raises(NotFound):
        set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.boris.id, "н/а", now=NOW)


def test_a_period_of_another_scheme_or_school_is_refused(fin, world, actor_of):
    from models import Period

    half = fin.add(
        Period(
            year_id=world.year.id,
            scheme="half_year",
            number=1,
            name="1 полугодие",
            starts_on=SEP,
            ends_on=dt.date(2026, 12, 28),
        )
    )
    with pytest.raises(NotFound):
        set_period_mark(actor_of("teacher"), world.a_maths_5a.id, half.id, world.vera.id, "н/а", now=NOW)


# --- first grade, closed periods, archived years -----------------------------------------------------
def test_first_grade_gets_no_period_marks(fin, world, actor_of):
    world.c5a.grade = 1
    db.session.flush()
    sheet = _sheet(actor_of, world)
    assert sheet.unmarked_grade and sheet.read_only and sheet.rows == []
    with pytest.raises(InvalidInput, match="первом классе"):
        set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, "5", reason="x", now=NOW)
    assert all(line.assignment.class_id != world.c5a.id for line in missing_marks(fin.q1))


@pytest.mark.parametrize("closed_what", ["period", "year"])
def test_a_closed_period_or_archived_year_is_read_only(fin, world, actor_of, closed_what):
    if closed_what == "period":
        fin.q1.closed_at = NOW
    else:
        world.year.archived_at = NOW
    db.session.flush()
    assert _sheet(actor_of, world, period=fin.q1).read_only
    with pytest.raises(PeriodClosed):
        set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, "н/а", now=NOW)
    with pytest.raises(PeriodClosed):
        save_period_marks(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, [Entry(world.vera.id, "н/а")], now=NOW)


# --- deadlines --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "days,set_at,late",
    [
        (1, dt.datetime(2026, 10, 26, 12, 0, tzinfo=dt.UTC), False),  # the day after the end
        (1, dt.datetime(2026, 10, 26, 20, 59, tzinfo=dt.UTC), False),  # 23:59 in Moscow
        (1, dt.datetime(2026, 10, 26, 21, 0, tzinfo=dt.UTC), True),  # 00:00 on the 27th in Moscow
        (0, dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC), True),
        (3, dt.datetime(2026, 10, 28, 8, 0, tzinfo=dt.UTC), False),
        (1, dt.datetime(2026, 10, 10, 8, 0, tzinfo=dt.UTC), False),  # before the end
    ],
)
def test_late_period_marks_are_flagged(fin, world, actor_of, days, set_at, late):
    if days != 1:
        fin.setting("period_mark_deadline_days", days)
    set_period_mark(
        actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, "н/а", now=set_at, today=set_at.date()
    )
    db.session.expire_all()
    sheet = _sheet(actor_of, world, period=fin.q1, today=dt.date(2026, 11, 2))
    assert sheet.deadline == dt.date(2026, 10, 25) + dt.timedelta(days=days)
    assert sheet.row_for(world.vera.id).late is late
    anna = sheet.row_for(world.anna.id)
    assert anna.current is None and anna.overdue  # nothing set and the deadline has passed


def test_not_overdue_before_the_deadline(fin, world, actor_of):
    sheet = _sheet(actor_of, world, period=fin.q1, today=dt.date(2026, 10, 26))
    assert not sheet.row_for(world.anna.id).overdue and not sheet.deadline_passed


# --- PE and the special medical group ------------------------------------------------------------------
def test_pe_special_group_is_graded_on_theory(fin, world, actor_of):
    pe, a = fin.subject_page("Физическая культура", "Физ-ра", hours=2, is_physical_education=True)
    world.vera.medical_group = "special"
    world.anna.medical_group = "exempt"
    db.session.flush()
    sheet = _sheet(actor_of, world, assignment=a)
    vera = sheet.row_for(world.vera.id)
    assert vera.theory_only and THEORY_NOTE in vera.notes and vera.proposed == "н/а"
    assert any("осв" in note for note in sheet.row_for(world.anna.id).notes)
    # a mark for theory is allowed without the usual proposal; the note is recorded as the reason
    pm = set_period_mark(actor_of("teacher"), a.id, fin.q1.id, world.vera.id, "4", now=NOW)
    assert pm.value == 4 and pm.override_reason == THEORY_NOTE
    # the main group is not: a mark without marks needs a reason
    world.vera.medical_group = "main"
    db.session.flush()
    with pytest.raises(InvalidInput, match="причину"):
        set_period_mark(actor_of("teacher"), a.id, fin.q1.id, world.anna.id, "4", now=NOW)


# --- the criteria scheme (Kazakhstan) -----------------------------------------------------------------
def _criteria_kinds(fin, world, *codes):
    from models import WorkKind

    world.school.grading_scheme = "criteria"
    names = {"fo": "ФО", "sor": "СОР", "soch": "СОЧ"}
    kinds = [
        fin.add(
            WorkKind(
                school_id=world.school.id,
                code=code,
                name=names[code],
                weight=D(1),
                criteria_kind=code,
                is_control=code != "fo",
            )
        )
        for code in codes
    ]
    db.session.flush()
    return kinds


def test_criteria_scheme_school_gets_percents(fin, world, actor_of):
    fo, sor = _criteria_kinds(fin, world, "fo", "sor")
    fin.mark(fin.lesson(_day(10), kind=fo), world.vera, points=8, max_points=10)
    fin.mark(fin.lesson(_day(11), kind=fo), world.vera, points=6, max_points=10)
    fin.mark(fin.lesson(_day(12), kind=sor), world.vera, points=15, max_points=20)
    row = _sheet(actor_of, world).row_for(world.vera.id)
    # no СОЧ: ФО 14/20 = 70% · 50 + СОР 75% · 50 = 72.5% → 4 (order No. 125: 65–84% → 4)
    assert row.proposal.percent == D("72.50") and row.proposal.value == 4 and row.proposal.average is None
    assert [m.shown for m in row.marks] == ["8/10", "6/10", "15/20"]
    assert [c.shown for c in row.proposal.contributions] == ["8/10", "6/10", "15/20"]
    pm = set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, "4", now=NOW)
    assert pm.percent == D("72.50") and pm.proposed_value == 4 and pm.override_reason is None
    anna = _sheet(actor_of, world).row_for(world.anna.id)  # her 5 on 07.09 is not criteria points
    assert anna.proposed == "н/а"


def test_criteria_quarter_summative_work_counts_half(fin, world, actor_of, request):
    fo, sor, soch = _criteria_kinds(fin, world, "fo", "sor", "soch")
    fin.mark(fin.lesson(_day(10), kind=fo), world.vera, points=8, max_points=10)
    fin.mark(fin.lesson(_day(11), kind=fo), world.vera, points=6, max_points=10)
    fin.mark(fin.lesson(_day(12), kind=sor), world.vera, points=15, max_points=20)
    fin.mark(fin.lesson(_day(13), kind=soch), world.vera, points=20, max_points=25)
    row = _sheet(actor_of, world).row_for(world.vera.id)
    # ФО 70% · 25 + СОР 75% · 25 + СОЧ 80% · 50 = 17.5 + 18.75 + 40 = 76.25% → 4
    assert row.proposal.percent == D("76.25") and row.proposal.value == 4


# --- year marks ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "quarters,threshold,proposed,problems",
    [
        ((4, 5, 4, 5), "0.5", "5", []),
        ((4, 5, 4, 5), "0.6", "4", []),
        ((3, 3, 4, 3), "0.5", "3", []),
        ((4, 5, None, 5), "0.5", "5", ["Нет отметки за «3 четверть»"]),
        (("н/а", 3, 3, 4), "0.5", "3", ["За «1 четверть» — н/а"]),
        ((None, None, None, None), "0.5", "н/а", ["Нет отметки за «1 четверть»"]),
    ],
)
def test_year_mark_is_proposed_from_the_period_marks(fin, world, actor_of, quarters, threshold, proposed, problems):
    if threshold != "0.5":
        fin.setting("rounding_threshold", threshold)
    for period, value in zip((fin.q1, fin.q2, fin.q3, fin.q4), quarters):
        if value is not None:
            numeric = isinstance(value, int)
            fin.add(
                PeriodMark(
                    student_id=world.vera.id,
                    subject_id=world.maths.id,
                    period_id=period.id,
                    kind="period",
                    value=value if numeric else None,
                    special=None if numeric else value,
                )
            )
    sheet = _sheet(actor_of, world, period=fin.year_period, today=dt.date(2027, 5, 27))
    assert sheet.kind == "year"
    row = sheet.row_for(world.vera.id)
    assert row.proposed == proposed
    assert [m.kind for m in row.marks] == [
        p.name for p, v in zip((fin.q1, fin.q2, fin.q3, fin.q4), quarters) if v is not None
    ]
    for text in problems:
        assert any(text in p for p in row.proposal.problems), row.proposal.problems
    pm = set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.year_period.id, world.vera.id, proposed, now=NOW)
    assert (pm.kind, pm.period_id) == ("year", fin.year_period.id)


# --- save all ------------------------------------------------------------------------------------------
def test_save_all_saves_good_rows_and_reports_the_others(fin, world, actor_of):
    _marks(fin, world.vera, [(5, None, None), (4, None, None), (4, "test", None)])  # proposes 4
    result = save_period_marks(
        actor_of("teacher"),
        world.a_maths_5a.id,
        fin.q1.id,
        [
            Entry(world.anna.id, "3"),  # anna's proposal is 5 (one mark): no reason → error
            Entry(world.vera.id, "4"),
            Entry(world.boris.id, "4"),  # not in 5А
        ],
        now=NOW,
    )
    assert result.saved == 1 and set(result.errors) == {world.anna.id, world.boris.id}
    assert "причину" in result.errors[world.anna.id].message
    again = save_period_marks(
        actor_of("teacher"),
        world.a_maths_5a.id,
        fin.q1.id,
        [Entry(world.vera.id, "4", version=1), Entry(world.anna.id, "")],
        now=NOW,
    )
    assert (again.saved, again.unchanged, again.errors) == (0, 1, {})


# --- forecast --------------------------------------------------------------------------------------------
def test_forecast_of_the_class_from_the_proposals(fin, world, actor_of):
    _marks(fin, world.vera, [(3, None, None), (3, None, None), (2, "test", None)])  # 2.5 → 3
    sheet = _sheet(actor_of, world)
    assert [r.proposed for r in sheet.rows] == ["5", "3"]  # anna: her single 5
    f = sheet.forecast
    assert (f.total, f.success, f.quality, f.average) == (2, D(100), D(50), D(4))
    assert f.sou == D("68.0")  # (100 + 36) / 2
    assert sheet.results is None
    set_period_mark(
        actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, "2", reason="Не сдал зачёт", now=NOW
    )
    results = _sheet(actor_of, world).results
    assert (results.total, results.success) == (1, D(0))


# --- queries ---------------------------------------------------------------------------------------------
def test_the_sheet_reads_a_fixed_number_of_queries(fin, world, actor_of, count_queries, db_session):
    from models import Enrollment, Student

    actor = actor_of("teacher")
    assignment_id, period_id = world.a_maths_5a.id, fin.q1.id
    finals_sheet(actor, assignment_id, period_id, today=TODAY)  # warm up
    with count_queries() as small:
        finals_sheet(actor, assignment_id, period_id, today=TODAY)
    for i in range(6):
        s = fin.add(
            Student(
                school_id=world.school.id,
                last_name=f"Новиков{i}",
                first_name="Ян",
                birth_date=SEP,
                sex="m",
                personal_file_no=f"N-{i}",
            )
        )
        fin.add(Enrollment(student_id=s.id, class_id=world.c5a.id, starts_on=SEP, reason_in="admission"))
        for k in range(3):
            fin.mark(fin.lesson(_day(20 + 3 * i + k), kind=fin.test if k == 0 else None), s, 4)
        set_period_mark(actor, world.a_maths_5a.id, fin.q1.id, s.id, "4", now=NOW)
    db_session.flush()
    db_session.expire_all()
    with count_queries() as big:
        sheet = finals_sheet(actor, assignment_id, period_id, today=TODAY)
    assert len(sheet.rows) == 8
    assert big.count == small.count, "\n".join(st[:160].replace("\n", " ") for st in big.statements)


# --- closing a period ------------------------------------------------------------------------------------
def test_closing_lists_missing_marks_and_needs_confirmation(fin, world, actor_of):
    coordinator = actor_of("coordinator")
    result = close_period(coordinator, fin.q1.id, now=NOW)
    assert not result.closed and fin.q1.closed_at is None
    lines = {
        (line.assignment.school_class.name, line.assignment.subject.name): [s.last_name for s in line.students]
        for line in result.missing
    }
    assert lines == {
        ("5А", "Математика"): ["Аннова", "Верова"],
        ("5А", "Русский язык"): ["Аннова", "Верова"],
        ("6Б", "Математика"): ["Борисов"],
    }
    set_period_mark(actor_of("teacher"), world.a_maths_5a.id, fin.q1.id, world.vera.id, "н/а", now=NOW)
    assert close_period(coordinator, fin.q1.id, now=NOW).missing_total == 4
    result = close_period(coordinator, fin.q1.id, now=NOW, confirmed=True)
    assert result.closed and fin.q1.closed_at is not None
    with pytest.raises(PeriodClosed):
        close_period(coordinator, fin.q1.id, now=NOW, confirmed=True)
    assert _sheet(actor_of, world, period=fin.q1).read_only
    reopen_period(actor_of("operator"), fin.q1.id)
    assert fin.q1.closed_at is None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "period")).all()
    assert actions == ["period.close", "period.reopen"]


def test_closing_without_missing_marks_needs_no_confirmation(fin, world, actor_of):
    for student, a in (
        (world.anna, world.a_maths_5a),
        (world.vera, world.a_maths_5a),
        (world.anna, world.a_russian_5a),
        (world.vera, world.a_russian_5a),
        (world.boris, world.a_maths_6b),
    ):
        db.session.add(
            PeriodMark(
                student_id=student.id,
                subject_id=a.subject_id,
                period_id=fin.q1.id,
                kind="period",
                special="н/а",
                assignment_id=a.id,
            )
        )
    db.session.flush()
    assert close_period(actor_of("operator"), fin.q1.id, now=NOW).closed


@pytest.mark.parametrize("who", ["teacher", "classteacher", "director", "secretary"])
def test_only_the_coordinator_and_the_operator_close_periods(fin, world, actor_of, who):
    with pytest.raises(AccessDenied):
        close_period(actor_of(who), fin.q1.id, now=NOW, confirmed=True)
    fin.q1.closed_at = NOW
    with pytest.raises(AccessDenied):
        reopen_period(actor_of(who), fin.q1.id)


def test_a_period_of_another_school_is_not_found(fin, world, actor_of):
    with pytest.raises(NotFound):
        close_period(actor_of("foreign_operator"), fin.q1.id, now=NOW, confirmed=True)
