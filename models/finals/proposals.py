"""Period, year and final marks proposed from the journal (R25–R27): the kinds of final marks and
their choices, the marks of the lessons behind a proposal, the proposals themselves, and the deadline
for setting them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models.base import db
from models.deadlines import local_day
from models.grading import Contribution, FivePointScheme, GradingRules, MarkInput, Proposal, scheme_for
from models.i18n import N_, Joined, Text, _
from models.marks import EXEMPT, FAIL, NOT_ATTESTED, PASS, mark_text, mark_weight, work_kind_of
from models.tables.curriculum import TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.journal import Lesson, Mark, WorkKind
from models.tables.school import Period

NUMERIC_CHOICES = ("5", "4", "3", "2")
GENERAL_CHOICES = (*NUMERIC_CHOICES, NOT_ATTESTED, PASS, EXEMPT)
PASS_FAIL_CHOICES = (PASS, FAIL, NOT_ATTESTED, EXEMPT)
LOWEST_PERIOD_MARK = 2  # a period mark is 2..5: a weighted average below 1.5 still proposes 2
MAX_REASON = 500
THEORY_NOTE = N_(
    "Специальная медицинская группа: отметка по физической культуре выставляется за теоретическую подготовку."
)
EXEMPT_NOTE = N_("Освобождён от физической культуры: обычно ставится «осв».")
EXAM_CHOICES = (*NUMERIC_CHOICES, NOT_ATTESTED, EXEMPT)
# The tabs of a year sheet in a graduating class, after the periods and the year: kind → label.
FINAL_KINDS = {"exam": N_("Экзамен"), "final": N_("Итоговая")}


def mark_kind(period: Period) -> str:
    """The kind of the marks a period carries: "year" on the year's period, "period" on a term."""
    return "year" if period.scheme == "year" else "period"


def locked_by_closing(period: Period, kind: str) -> bool:
    """A closed period freezes its period or year marks; exam and final marks come after the year and are
    frozen only by archiving the year."""
    return period.is_closed and kind not in FINAL_KINDS


def _num(value) -> Decimal | None:
    """A stored Numeric without its trailing zeros: 18.00 → 18, 7.50 → 7.5."""
    if value is None:
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


# --- what the page shows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MarkChip:
    """One mark of the period, compact: a lesson mark (date, kind of work, weight) or, on the year
    sheet, a period mark (the period's name)."""

    date: dt.date
    shown: str
    kind: str
    weight: Decimal | None = None
    is_control: bool = False
    comment: str | None = None  # the teacher's comment on a lesson mark
    lesson_id: int | None = None  # a lesson mark's lesson (its history opens from it)


def rules_for(settings: dict, grade: int | None = None) -> GradingRules:
    """The grading rules of a school's settings (models.school.settings.all_settings) for a class of ``grade``
    (the first grade has bounds of its own under criteria-based assessment)."""
    return GradingRules(
        rounding_threshold=Decimal(settings["rounding_threshold"]),
        min_marks=int(settings["min_marks_for_period"]),
        require_control=True,
        criteria_weights=tuple(settings["criteria_weights"]),
        criteria_weights_no_soch=tuple(settings["criteria_weights_no_soch"]),
        criteria_bounds=tuple(settings["criteria_bounds_grade1" if grade == 1 else "criteria_bounds"]),
    )


def reference_day(period: Period, today: dt.date) -> dt.date:
    """Who belongs to the class for this period: those enrolled on its last day (or today while it runs)."""
    return min(period.ends_on, max(today, period.starts_on))


def deadline_for(period: Period, settings: dict, kind: str = "period") -> dt.date:
    days = settings["final_marks_deadline_days" if kind in FINAL_KINDS else "period_mark_deadline_days"]
    return period.ends_on + dt.timedelta(days=int(days))


def is_late_mark(mark: PeriodMark, deadline: dt.date, tz: ZoneInfo) -> bool:
    set_on = local_day(mark.set_at, tz)
    return set_on is not None and set_on > deadline


# --- lesson marks → MarkInput ------------------------------------------------------------------------
def lesson_marks(
    student_ids: list[int], subject_id: int, year_id: int, start: dt.date, end: dt.date, kinds: dict[int, WorkKind]
) -> dict[int, list[tuple[MarkChip, MarkInput]]]:
    """Every mark of these students in the subject between the dates (whichever class or subgroup they
    were in: a transferred student's earlier marks count), as what the page shows and what the rules see.
    Weight: the mark's own, else its kind of work's, else the lesson's kind's. One query."""
    result: dict[int, list[tuple[MarkChip, MarkInput]]] = defaultdict(list)
    if not student_ids:
        return result
    rows = db.session.execute(
        select(Mark, Lesson.date, Lesson.work_kind_id)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .where(
            Mark.student_id.in_(student_ids),
            TeachingAssignment.subject_id == subject_id,
            TeachingAssignment.year_id == year_id,
            Lesson.date >= start,
            Lesson.date <= end,
        )
        .order_by(Lesson.date, Lesson.bell_id, Lesson.id, Mark.slot)
    ).all()
    for mark, date, lesson_kind_id in rows:
        result[mark.student_id].append(mark_pair(mark, date, lesson_kind_id, kinds))
    return result


# What mark_input reads of a mark (with the lesson's kind of work), for the statements that read marks as plain
# rows (models/reports/results.py, models/reports/report_card.py): the value, the points and what weighs them.
MARK_INPUT_COLUMNS = (Mark.value, Mark.special, Mark.points, Mark.max_points, Mark.weight, Mark.work_kind_id)


def mark_input(mark: Mark, lesson_kind_id: int | None, kinds: dict[int, WorkKind], label: object = "") -> MarkInput:
    """One lesson mark as the grading scheme sees it (``label`` names it in a proposal's contributions; a report
    that only needs the proposed mark leaves it empty: building the names costs more than the proposal)."""
    kind = work_kind_of(kinds.get(mark.work_kind_id), kinds.get(lesson_kind_id))
    return MarkInput(
        value=mark.value,
        special=mark.special,
        points=_num(mark.points),
        max_points=_num(mark.max_points),
        weight=mark_weight(mark.weight, kind),
        is_control=bool(kind and kind.is_control),
        criteria_kind=kind.criteria_kind if kind is not None else None,
        label=label,
    )


def mark_pair(
    mark: Mark, date: dt.date, lesson_kind_id: int | None, kinds: dict[int, WorkKind]
) -> tuple[MarkChip, MarkInput]:
    """One lesson mark as the page shows it and as the grading scheme sees it (``mark``: a Mark, or a row with its
    lesson_id, value, special, points, max_points, weight, work_kind_id and comment, as the report card reads it)."""
    kind = work_kind_of(kinds.get(mark.work_kind_id), kinds.get(lesson_kind_id))
    name = kind.title if kind is not None else ""
    label = Joined(" ", (f"{date:%d.%m}", name)) if name else f"{date:%d.%m}"
    inp = mark_input(mark, lesson_kind_id, kinds, label)
    shown = mark_text(mark.value, mark.special, mark.points, mark.max_points)
    return MarkChip(date, shown, name, inp.weight, inp.is_control, mark.comment, mark.lesson_id), inp


def propose_pass_fail(marks: list[MarkInput], rules: GradingRules) -> Proposal:
    """A pass/fail subject: passed when at least half of the marks are passes (зач, or 3 and above)."""
    counted = [m for m in marks if m.special in (PASS, FAIL) or m.value is not None]
    if not counted:
        return Proposal(None, special=NOT_ATTESTED, problems=[Text(_("Нет ни одной отметки за период."))])
    passes = sum(1 for m in counted if m.special == PASS or (m.value is not None and m.value >= 3))
    share = (Decimal(100) / len(counted)).quantize(Decimal("0.1"))
    proposal = Proposal(
        None,
        special=PASS if passes * 2 >= len(counted) else FAIL,
        contributions=[Contribution(m.label, m.special or str(m.value), Decimal(1), share) for m in counted],
    )
    if len(counted) < rules.min_marks:
        proposal.problems.append(
            Text(_("Мало отметок: %(n)s из необходимых %(need)s."), n=len(counted), need=rules.min_marks)
        )
    return proposal


def propose_period(scheme_code: str, marks: list[MarkInput], rules: GradingRules, *, pass_fail: bool) -> Proposal:
    if pass_fail:
        return propose_pass_fail(marks, rules)
    proposal = scheme_for(scheme_code).propose(marks, rules)
    if proposal.value is not None and proposal.value < LOWEST_PERIOD_MARK:
        proposal.value = LOWEST_PERIOD_MARK
    return proposal


def propose_year(
    period_marks: list[tuple[Period, PeriodMark | None]], rules: GradingRules, *, pass_fail: bool
) -> Proposal:
    """The year mark from the period marks: their average, rounded by the school's rule; н/а and missing
    period marks are named; pass/fail subjects pass when no period was failed."""
    problems = []
    inputs = []
    specials = []
    for period, pm in period_marks:
        if pm is None:
            problems.append(Text(_("Нет отметки за «%(period)s»."), period=period.name))
        elif pm.value is not None:
            inputs.append(MarkInput(value=pm.value, weight=Decimal(1), label=period.name))
        else:
            specials.append((period, pm.special))
            if pm.special == NOT_ATTESTED:
                problems.append(Text(_("За «%(period)s» — н/а."), period=period.name))
    if pass_fail:
        set_ = [s for _p, s in specials if s in (PASS, FAIL, NOT_ATTESTED)] + [
            PASS if m.value >= 3 else FAIL for m in inputs
        ]
        if not set_:
            return Proposal(None, special=NOT_ATTESTED, problems=problems or [Text(_("Нет отметок за периоды."))])
        share = (Decimal(100) / len(set_)).quantize(Decimal("0.1"))
        return Proposal(
            None,
            special=PASS if all(s == PASS for s in set_) else FAIL,
            problems=problems,
            contributions=[Contribution(p.name, s, Decimal(1), share) for p, s in specials],
        )
    if not inputs:
        if specials and all(s == EXEMPT for _p, s in specials):
            return Proposal(None, special=EXEMPT, problems=problems)
        return Proposal(None, special=NOT_ATTESTED, problems=problems or [Text(_("Нет отметок за периоды."))])
    proposal = _mean_of_marks(inputs, rules)
    proposal.problems = problems + proposal.problems
    return proposal


def _mean_of_marks(inputs: list[MarkInput], rules: GradingRules) -> Proposal:
    """Year and final marks: the plain mean of whole marks, rounded by the school's rule, 2 at least."""
    proposal = FivePointScheme().propose(
        inputs, GradingRules(rules.rounding_threshold, min_marks=0, require_control=False)
    )
    if proposal.value is not None and proposal.value < LOWEST_PERIOD_MARK:
        proposal.value = LOWEST_PERIOD_MARK
    return proposal


def _year_label(kind: str) -> Text:
    return Text(_("Год")) if kind == "year" else Text(FINAL_KINDS[kind])


def propose_final(
    rule: str,
    period_marks: list[tuple[Period, PeriodMark | None]],
    year_mark: PeriodMark | None,
    exam_mark: PeriodMark | None,
    rules: GradingRules,
    *,
    pass_fail: bool,
) -> Proposal:
    """The final (attestat) mark of a graduating class by the school's ``final_mark_rule``:
    - "periods_and_year": the mean of the period marks and the year mark, every period counted (a missing
      or н/а period mark leaves nothing to propose, and is named);
    - "year_and_exam": the mean of the year mark and the exam mark; without a numeric exam mark, the year mark.
    Rounded by the school's rule, 2 at least. No year mark → nothing to propose; a year mark н/а, осв, зач or
    незач carries over."""
    year_label = _year_label("year")
    if year_mark is None:
        return Proposal(None, problems=[Text(_("Нет годовой отметки: сначала выставьте её."))])
    if pass_fail or year_mark.value is None:
        shown = str(year_mark)
        return Proposal(
            None,
            special=shown or NOT_ATTESTED,
            contributions=[Contribution(year_label, shown, Decimal(1), Decimal(100))],
        )
    year = MarkInput(value=year_mark.value, weight=Decimal(1), label=year_label)
    if rule == "year_and_exam":
        exam = (
            [MarkInput(value=exam_mark.value, weight=Decimal(1), label=_year_label("exam"))]
            if exam_mark is not None and exam_mark.value is not None
            else []
        )
        return _mean_of_marks([year, *exam], rules)
    problems = [
        Text(_("Нет отметки за «%(period)s»."), period=period.name)
        if pm is None
        else Text(_("За «%(period)s» — %(mark)s."), period=period.name, mark=str(pm))
        for period, pm in period_marks
        if pm is None or pm.value is None
    ]
    if problems:
        return Proposal(None, problems=problems)
    return _mean_of_marks(
        [*(MarkInput(value=pm.value, weight=Decimal(1), label=period.name) for period, pm in period_marks), year], rules
    )
