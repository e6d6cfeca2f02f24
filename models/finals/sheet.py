"""Period, year and final marks (R25–R27): proposals that explain themselves, the teacher's decision,
closing a period, the forecast.

For one teaching assignment and one period every student gets a proposal from the school's grading
scheme (``School.grading_scheme`` → ``models.grading.scheme_for``; rounding and the minimum number of
marks are school settings) built from the marks of the period — every mark's contribution and what is
missing. The teacher then sets the mark; a mark that differs from the proposal needs a reason. Year
marks hang on the year's Period row (scheme ``year``) and are proposed from the period marks.

Rules kept here:
- first-grade classes get no period marks (R5);
- a closed period (``Period.closed_at``) or an archived year is read-only;
- period marks are due by the end of the period + ``period_mark_deadline_days``; later ones are
  flagged (from ``PeriodMark.set_at``);
- PE: students of the special medical group are graded on theory (a note; a mark other than the
  proposal is allowed, the note is its reason);
- pass/fail subjects get зач/незач;
- graduating classes (setting ``final_grades``, 9 and 11 by default) also get an exam mark (set freely:
  there is nothing to propose it from) and the final (attestat) mark, proposed by the setting
  ``final_mark_rule`` (``propose_final``); both hang on the year period and are due by the end of the
  year + ``final_marks_deadline_days`` and, coming after the year marks, stay open when the year period is
  closed (archiving the year locks them);
- a period mark is never lost or silently changed: one row per student/subject/period/kind, updated
  with optimistic versioning, every change audited with the old and new value.

Everything reads a fixed number of queries for the whole class. Operations validate, change, audit and
flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor, assignment_ids, can_close_periods, can_set_period_marks, require
from models.audit import AuditEvent
from models.base import db
from models.tables.classes import Enrollment, SchoolClass, SubgroupMember
from models.tables.curriculum import Subject, TeachingAssignment
from models.errors import AccessDenied, Conflict, InvalidInput, JournalError, NotFound, PeriodClosed
from models.deadlines import local_day, school_zone
from models.tables.finals import PeriodMark
from models.grading import (
    Contribution,
    FivePointScheme,
    GradingRules,
    MarkInput,
    Proposal,
    ResultStats,
    result_stats,
    scheme_for,
)
from models.i18n import N_, Text, _
from models.tables.journal import Lesson, Mark, WorkKind
from models.marks import EXEMPT, FAIL, NOT_ATTESTED, PASS, mark_text, mark_weight, special_mark, work_kind_of
from models.marks import marks_given, require_marks_given
from models.parsing import is_digits, parse_int
from models.tables.people import Student
from models.roster import roster_ids, stay_on
from models.tables.school import AcademicYear, Period, School
from models.school.settings import all_settings
from models.school_time import school_today

NUMERIC_CHOICES = ("5", "4", "3", "2")
GENERAL_CHOICES = (*NUMERIC_CHOICES, NOT_ATTESTED, PASS, EXEMPT)
PASS_FAIL_CHOICES = (PASS, FAIL, NOT_ATTESTED, EXEMPT)
LOWEST_PERIOD_MARK = 2  # a period mark is 2..5: a weighted average below 1.5 still proposes 2
MAX_REASON = 500
THEORY_NOTE = N_("Специальная медицинская группа: отметка по физической культуре выставляется за теоретическую "
                 "подготовку.")
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


@dataclass
class FinalRow:
    number: int
    student: Student
    marks: list[MarkChip]
    proposal: Proposal
    current: PeriodMark | None
    choices: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    theory_only: bool = False  # PE, special medical group
    in_class: bool = True  # False: left before the end of the period (an old mark is still shown)
    free: bool = False  # an exam mark: nothing to propose, any mark is set without a reason
    late: bool = False  # set after the deadline
    overdue: bool = False  # not set and the deadline has passed

    @property
    def proposed(self) -> str:
        return self.proposal.shown

    @property
    def shown(self) -> str:
        return str(self.current) if self.current is not None else ""

    @property
    def differs(self) -> bool:
        return self.current is not None and not self.free and self.shown != self.proposed


@dataclass(frozen=True)
class SheetTab:
    """One pill above the sheet: a period, the year, or (graduating classes) the exam or final marks."""

    period: Period
    kind: str
    label: str | Text

    @property
    def closed(self) -> bool:
        return locked_by_closing(self.period, self.kind)


@dataclass
class FinalsSheet:
    assignment: TeachingAssignment
    school_class: SchoolClass
    subject: Subject
    school: School
    period: Period
    periods: list[Period]  # the class's periods and the year
    kind: str  # "period", "year", "exam" or "final"
    rules: GradingRules
    scheme_code: str
    deadline: dt.date
    today: dt.date
    rows: list[FinalRow] = field(default_factory=list)
    closed: bool = False
    archived: bool = False
    can_edit: bool = False
    unmarked_grade: bool = False
    forecast: ResultStats | None = None  # over the proposals
    results: ResultStats | None = None  # over the marks set
    final_grade: bool = False  # a graduating class: exam and final marks exist
    final_rule: str = ""  # settings "final_mark_rule" (models.school.settings.FINAL_MARK_RULES)

    @property
    def tabs(self) -> list[SheetTab]:
        tabs = [SheetTab(p, mark_kind(p), p.name) for p in self.periods]
        year = next((p for p in self.periods if p.scheme == "year"), None)
        if self.final_grade and year is not None:
            tabs += [SheetTab(year, kind, Text(label)) for kind, label in FINAL_KINDS.items()]
        return tabs

    @property
    def read_only(self) -> bool:
        return not self.can_edit or self.closed or self.archived or self.unmarked_grade

    @property
    def missing(self) -> int:
        if self.kind == "exam":  # not every subject is examined: an empty exam mark is not missing
            return 0
        return sum(1 for r in self.rows if r.current is None and r.in_class)

    @property
    def deadline_passed(self) -> bool:
        return self.today > self.deadline

    def row_for(self, student_id: int) -> FinalRow | None:
        return next((r for r in self.rows if r.student.id == student_id), None)


# --- loading -------------------------------------------------------------------------------------
def visible_assignment(actor: Actor, assignment_id: int) -> TeachingAssignment:
    """The assignment with its class, subject and subgroup, if the actor may open its pages."""
    assignment = db.session.scalar(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.school_class), joinedload(TeachingAssignment.subject),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.teacher))
        .where(TeachingAssignment.id == assignment_id, TeachingAssignment.id.in_(assignment_ids(actor))))
    if assignment is None:
        raise NotFound(_("Страница журнала не найдена или недоступна."))
    return assignment


def sheet_periods(cls: SchoolClass) -> list[Period]:
    """The periods the class is graded for (its scheme: quarters, trimesters or half-years), then the year."""
    rows = db.session.scalars(select(Period).where(Period.year_id == cls.year_id,
                                                   or_(Period.scheme == cls.period_scheme, Period.scheme == "year"))
                              .order_by(Period.scheme == "year", Period.starts_on)).all()
    return list(rows)


def default_period(periods: list[Period], today: dt.date) -> Period | None:
    """The period containing today; between periods, the one that ended last; before the first, the first."""
    terms = [p for p in periods if p.scheme != "year"] or periods
    if not terms:
        return None
    for p in terms:
        if p.starts_on <= today <= p.ends_on:
            return p
    ended = [p for p in terms if p.ends_on < today]
    return ended[-1] if ended else terms[0]


def rules_for(settings: dict) -> GradingRules:
    return GradingRules(rounding_threshold=Decimal(settings["rounding_threshold"]),
                        min_marks=int(settings["min_marks_for_period"]), require_control=True)


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
def lesson_marks(student_ids: list[int], subject_id: int, year_id: int, start: dt.date, end: dt.date,
                 kinds: dict[int, WorkKind]) -> dict[int, list[tuple[MarkChip, MarkInput]]]:
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
        .where(Mark.student_id.in_(student_ids), TeachingAssignment.subject_id == subject_id,
               TeachingAssignment.year_id == year_id, Lesson.date >= start, Lesson.date <= end)
        .order_by(Lesson.date, Lesson.bell_id, Lesson.id, Mark.slot)).all()
    for mark, date, lesson_kind_id in rows:
        result[mark.student_id].append(mark_pair(mark, date, lesson_kind_id, kinds))
    return result


def mark_pair(mark: Mark, date: dt.date, lesson_kind_id: int | None,
              kinds: dict[int, WorkKind]) -> tuple[MarkChip, MarkInput]:
    """One lesson mark as the page shows it and as the grading scheme sees it."""
    kind = work_kind_of(kinds.get(mark.work_kind_id), kinds.get(lesson_kind_id))
    weight = mark_weight(mark.weight, kind)
    name = kind.name if kind is not None else ""
    label = f"{date:%d.%m} {name}".strip()
    inp = MarkInput(value=mark.value, special=mark.special,
                    points=_num(mark.points), max_points=_num(mark.max_points),
                    weight=weight, is_control=bool(kind and kind.is_control),
                    criteria_kind=kind.criteria_kind if kind is not None else None, label=label)
    shown = mark_text(mark.value, mark.special, mark.points, mark.max_points)
    return MarkChip(date=date, shown=shown, kind=name, weight=weight, is_control=inp.is_control), inp


def propose_pass_fail(marks: list[MarkInput], rules: GradingRules) -> Proposal:
    """A pass/fail subject: passed when at least half of the marks are passes (зач, or 3 and above)."""
    counted = [m for m in marks if m.special in (PASS, FAIL) or m.value is not None]
    if not counted:
        return Proposal(None, special=NOT_ATTESTED, problems=[Text(_("Нет ни одной отметки за период."))])
    passes = sum(1 for m in counted if m.special == PASS or (m.value is not None and m.value >= 3))
    share = (Decimal(100) / len(counted)).quantize(Decimal("0.1"))
    proposal = Proposal(None, special=PASS if passes * 2 >= len(counted) else FAIL,
                        contributions=[Contribution(m.label, m.special or str(m.value), Decimal(1), share)
                                       for m in counted])
    if len(counted) < rules.min_marks:
        proposal.problems.append(Text(_("Мало отметок: %(n)s из необходимых %(need)s."), n=len(counted),
                                      need=rules.min_marks))
    return proposal


def propose_period(scheme_code: str, marks: list[MarkInput], rules: GradingRules, *, pass_fail: bool) -> Proposal:
    if pass_fail:
        return propose_pass_fail(marks, rules)
    proposal = scheme_for(scheme_code).propose(marks, rules)
    if proposal.value is not None and proposal.value < LOWEST_PERIOD_MARK:
        proposal.value = LOWEST_PERIOD_MARK
    return proposal


def propose_year(period_marks: list[tuple[Period, PeriodMark | None]], rules: GradingRules, *,
                 pass_fail: bool) -> Proposal:
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
            PASS if m.value >= 3 else FAIL for m in inputs]
        if not set_:
            return Proposal(None, special=NOT_ATTESTED, problems=problems or [Text(_("Нет отметок за периоды."))])
        share = (Decimal(100) / len(set_)).quantize(Decimal("0.1"))
        return Proposal(None, special=PASS if all(s == PASS for s in set_) else FAIL, problems=problems,
                        contributions=[Contribution(p.name, s, Decimal(1), share) for p, s in specials])
    if not inputs:
        if specials and all(s == EXEMPT for _p, s in specials):
            return Proposal(None, special=EXEMPT, problems=problems)
        return Proposal(None, special=NOT_ATTESTED, problems=problems or [Text(_("Нет отметок за периоды."))])
    proposal = _mean_of_marks(inputs, rules)
    proposal.problems = problems + proposal.problems
    return proposal


def _mean_of_marks(inputs: list[MarkInput], rules: GradingRules) -> Proposal:
    """Year and final marks: the plain mean of whole marks, rounded by the school's rule, 2 at least."""
    proposal = FivePointScheme().propose(inputs, GradingRules(rules.rounding_threshold, min_marks=0,
                                                              require_control=False))
    if proposal.value is not None and proposal.value < LOWEST_PERIOD_MARK:
        proposal.value = LOWEST_PERIOD_MARK
    return proposal


def _year_label(kind: str) -> Text:
    return Text(_("Год")) if kind == "year" else Text(FINAL_KINDS[kind])


def propose_final(rule: str, period_marks: list[tuple[Period, PeriodMark | None]], year_mark: PeriodMark | None,
                  exam_mark: PeriodMark | None, rules: GradingRules, *, pass_fail: bool) -> Proposal:
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
        return Proposal(None, special=shown or NOT_ATTESTED,
                        contributions=[Contribution(year_label, shown, Decimal(1), Decimal(100))])
    year = MarkInput(value=year_mark.value, weight=Decimal(1), label=year_label)
    if rule == "year_and_exam":
        exam = [MarkInput(value=exam_mark.value, weight=Decimal(1), label=_year_label("exam"))] \
            if exam_mark is not None and exam_mark.value is not None else []
        return _mean_of_marks([year, *exam], rules)
    problems = [Text(_("Нет отметки за «%(period)s»."), period=period.name) if pm is None
                else Text(_("За «%(period)s» — %(mark)s."), period=period.name, mark=str(pm))
                for period, pm in period_marks if pm is None or pm.value is None]
    if problems:
        return Proposal(None, problems=problems)
    return _mean_of_marks([*(MarkInput(value=pm.value, weight=Decimal(1), label=period.name)
                             for period, pm in period_marks), year], rules)


# --- the sheet ---------------------------------------------------------------------------------------
@dataclass
class _Context:
    """What one sheet (or one save) needs, loaded once."""

    actor: Actor
    assignment: TeachingAssignment
    cls: SchoolClass
    subject: Subject
    school: School
    year: AcademicYear
    period: Period
    periods: list[Period]
    kind: str
    settings: dict
    rules: GradingRules
    tz: ZoneInfo
    today: dt.date


def is_final_grade(cls: SchoolClass, settings: dict) -> bool:
    return cls.grade in settings["final_grades"]


def _context(actor: Actor, assignment_id: int, period_id: int | None, today: dt.date,
             kind: str | None = None) -> _Context:
    """``kind`` "exam" or "final" asks for those marks of the year (the year period whatever ``period_id``
    says); anything else follows the period."""
    assignment = visible_assignment(actor, assignment_id)
    cls = assignment.school_class
    school, year = db.session.execute(
        select(School, AcademicYear).join(AcademicYear, AcademicYear.school_id == School.id)
        .where(AcademicYear.id == cls.year_id)).one()
    periods = sheet_periods(cls)
    settings = all_settings(school.id)
    if kind in FINAL_KINDS:
        if not is_final_grade(cls, settings):
            raise InvalidInput(_("Экзаменационные и итоговые отметки выставляются только в выпускных классах "
                                 "(%(grades)s)."), grades=", ".join(map(str, settings["final_grades"])) or "—")
        period_id = next((p.id for p in periods if p.scheme == "year"), None)
        if period_id is None:
            raise NotFound(_("Для учебного года не заданы периоды."))
    if period_id is None:
        period = default_period(periods, today)
        if period is None:
            raise NotFound(_("Для учебного года не заданы периоды."))
    else:
        period = next((p for p in periods if p.id == period_id), None)
        if period is None:
            raise NotFound(_("Этот период не относится к классу."))
    if kind not in FINAL_KINDS:
        kind = mark_kind(period)
    return _Context(actor, assignment, cls, assignment.subject, school, year, period, periods, kind, settings,
                    rules_for(settings), school_zone(school.timezone), today)


def _build_rows(ctx: _Context, only_student: int | None = None) -> list[FinalRow]:
    a, period, subject = ctx.assignment, ctx.period, ctx.subject
    on = reference_day(period, ctx.today)
    roster_q = select(Student).where(Student.id.in_(roster_ids(a, on)))
    existing_q = select(PeriodMark).where(PeriodMark.subject_id == subject.id, PeriodMark.period_id == period.id,
                                          PeriodMark.kind == ctx.kind)
    if only_student is not None:
        roster_q = roster_q.where(Student.id == only_student)
        existing_q = existing_q.where(PeriodMark.student_id == only_student)
    students = list(db.session.scalars(roster_q))
    in_class = {s.id for s in students}
    existing = list(db.session.scalars(existing_q.where(or_(
        PeriodMark.student_id.in_(roster_ids(a, on)), PeriodMark.assignment_id == a.id))))
    current = {pm.student_id: pm for pm in existing}
    gone = [sid for sid in current if sid not in in_class]
    if gone:  # left the class, but this page set their mark earlier: keep showing it
        students += list(db.session.scalars(select(Student).where(Student.id.in_(gone))))
    students.sort(key=lambda s: (s.last_name, s.first_name, s.middle_name or "", s.id))
    ids = [s.id for s in students]
    deadline = deadline_for(period, ctx.settings, ctx.kind)
    pass_fail = subject.is_pass_fail
    choices = PASS_FAIL_CHOICES if pass_fail else EXAM_CHOICES if ctx.kind == "exam" else GENERAL_CHOICES

    chips: dict[int, list[MarkChip]] = defaultdict(list)
    proposals: dict[int, Proposal] = {}
    if ctx.kind == "period":
        kinds = {k.id: k for k in db.session.scalars(select(WorkKind).where(WorkKind.school_id == ctx.school.id))}
        marks = lesson_marks(ids, subject.id, ctx.year.id, period.starts_on, period.ends_on, kinds)
        for sid in ids:
            pairs = marks.get(sid, [])
            chips[sid] = [c for c, _i in pairs]
            proposals[sid] = propose_period(ctx.school.grading_scheme, [i for _c, i in pairs], ctx.rules,
                                            pass_fail=pass_fail)
    else:
        terms = [p for p in ctx.periods if p.scheme != "year"]
        by_student: dict[int, dict[int, PeriodMark]] = defaultdict(dict)
        year_marks: dict[int, dict[str, PeriodMark]] = defaultdict(dict)  # student → kind → mark of the year
        if ids:
            earlier = PeriodMark.kind == "period"
            if ctx.kind in FINAL_KINDS:  # the year and exam marks too, in the same query
                earlier = or_(earlier, PeriodMark.period_id == period.id)
            for pm in db.session.scalars(select(PeriodMark).where(
                    PeriodMark.student_id.in_(ids), PeriodMark.subject_id == subject.id, earlier,
                    PeriodMark.period_id.in_([p.id for p in terms] + [period.id]))):
                if pm.kind == "period":
                    by_student[pm.student_id][pm.period_id] = pm
                else:
                    year_marks[pm.student_id][pm.kind] = pm
        for sid in ids:
            got = by_student.get(sid, {})
            chips[sid] = [MarkChip(date=p.ends_on, shown=str(got[p.id]), kind=p.name) for p in terms if p.id in got]
            mine = year_marks.get(sid, {})
            chips[sid] += [MarkChip(date=period.ends_on, shown=str(mine[k]), kind=_year_label(k))
                           for k in (("year", "exam") if ctx.kind == "final" else ("year",)) if k in mine]
            if ctx.kind == "exam":
                proposals[sid] = Proposal(None)
            elif ctx.kind == "final":
                proposals[sid] = propose_final(ctx.settings["final_mark_rule"], [(p, got.get(p.id)) for p in terms],
                                               mine.get("year"), mine.get("exam"), ctx.rules, pass_fail=pass_fail)
            else:
                proposals[sid] = propose_year([(p, got.get(p.id)) for p in terms], ctx.rules, pass_fail=pass_fail)

    rows = []
    for number, student in enumerate(students, start=1):
        pm = current.get(student.id)
        row = FinalRow(number=number, student=student, marks=chips[student.id], proposal=proposals[student.id],
                       current=pm, choices=choices, in_class=student.id in in_class, free=ctx.kind == "exam")
        if subject.is_physical_education and student.medical_group == "special":
            row.theory_only = True
            row.notes.append(THEORY_NOTE)
        elif subject.is_physical_education and student.medical_group == "exempt":
            row.notes.append(EXEMPT_NOTE)
        if not row.in_class:
            row.notes.append(_("Не в классе на конец периода."))
        if pm is not None:
            row.late = is_late_mark(pm, deadline, ctx.tz)
        else:
            row.overdue = row.in_class and not row.free and ctx.today > deadline
        rows.append(row)
    return rows


def ordered_counts(counts: dict) -> list[tuple[str, int]]:
    """A distribution of marks for display: 5, 4, 3, 2, 1, then н/а, зач, незач, осв."""
    order = [5, 4, 3, 2, 1, NOT_ATTESTED, PASS, FAIL, EXEMPT]
    known = [(str(k), counts[k]) for k in order if k in counts]
    return known + sorted((str(k), n) for k, n in counts.items() if k not in order)


def _stat_value(shown: str) -> int | str:
    return int(shown) if is_digits(shown) else shown


def finals_sheet(actor: Actor, assignment_id: int, period_id: int | None = None, *, today: dt.date,
                 kind: str | None = None) -> FinalsSheet:
    """The period (or year, exam, final) marks page of one assignment: per student the marks, the proposal
    and why, the mark set; the class forecast. A fixed number of queries, whatever the size of the class."""
    ctx = _context(actor, assignment_id, period_id, today, kind)
    sheet = FinalsSheet(assignment=ctx.assignment, school_class=ctx.cls, subject=ctx.subject, school=ctx.school,
                        period=ctx.period, periods=ctx.periods, kind=ctx.kind, rules=ctx.rules,
                        scheme_code=ctx.school.grading_scheme,
                        deadline=deadline_for(ctx.period, ctx.settings, ctx.kind),
                        today=today, closed=locked_by_closing(ctx.period, ctx.kind),
                        archived=ctx.year.is_archived,
                        can_edit=can_set_period_marks(actor, ctx.assignment),
                        unmarked_grade=not marks_given(ctx.cls.grade),
                        final_grade=is_final_grade(ctx.cls, ctx.settings),
                        final_rule=ctx.settings["final_mark_rule"])
    if sheet.unmarked_grade:
        return sheet
    sheet.rows = _build_rows(ctx)
    counted = [r for r in sheet.rows if r.in_class]
    if ctx.kind != "exam":  # an exam has no proposals to forecast from
        sheet.forecast = result_stats(_stat_value(r.proposed) for r in counted if r.proposed)
    set_marks = [_stat_value(r.shown) for r in counted if r.current is not None]
    sheet.results = result_stats(set_marks) if set_marks else None
    return sheet


# --- setting marks -----------------------------------------------------------------------------------
def parse_value(raw: str | None) -> str | None:
    """"5", " 4 ", "Н/А", "зачёт", "осв." → a canonical value; None for empty."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    return special_mark(text) or text


def _parse_version(raw) -> int | None:
    if raw is None or raw == "":
        return None
    version = parse_int(raw)
    if version is None:
        raise InvalidInput(_("Неверные данные формы."))
    return version


def _check_writable(ctx: _Context) -> None:
    require_marks_given(ctx.cls.grade)
    require(can_set_period_marks(ctx.actor, ctx.assignment),
            _("Итоговые отметки выставляет учитель, который ведёт этот предмет в классе."))
    ctx.year.require_open()
    if locked_by_closing(ctx.period, ctx.kind):
        ctx.period.require_open()


def _snapshot(pm: PeriodMark) -> dict:
    return {"value": str(pm), "override_reason": pm.override_reason, "proposed": pm.proposed_value,
            "version": pm.version}


def _apply(ctx: _Context, row: FinalRow, raw_value: str | None, reason: str | None, version, *,
           now: dt.datetime) -> PeriodMark | None:
    """Set one student's mark from a row of the sheet. None when nothing changes."""
    value = parse_value(raw_value)
    if value is None:
        raise InvalidInput(_("Выберите отметку."))
    if value not in row.choices:
        raise InvalidInput(_("Недопустимая отметка «%(value)s»: можно %(choices)s."), value=raw_value or "",
                           choices=", ".join(row.choices))
    if not row.in_class and row.current is None:
        raise InvalidInput(_("Обучающийся не в классе на конец периода."))
    seen = _parse_version(version)
    pm = row.current
    if pm is not None and seen is None:
        raise Conflict(_("Отметку уже выставили (сейчас: %(value)s). Обновите страницу и проверьте."),
                       value=str(pm))
    if pm is not None and seen != pm.version:
        raise Conflict(_("Отметку изменили, пока вы её редактировали (сейчас: %(value)s). Обновите страницу."),
                       value=str(pm))
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise InvalidInput(_("Причина: не длиннее %(n)s символов."), n=MAX_REASON)
    proposal = row.proposal
    if value == proposal.shown:
        reason = None  # agreeing with the proposal needs no reason (an old one no longer applies)
    elif reason is None and not row.free:
        if row.theory_only:
            reason = THEORY_NOTE
        else:
            raise InvalidInput(_("%(student)s: отметка %(value)s отличается от предложенной (%(proposed)s) — "
                                 "укажите причину."), student=row.student.short_name, value=value,
                               proposed=proposal.shown or "—")
    numeric = is_digits(value)
    if pm is not None and str(pm) == value and pm.override_reason == reason:
        return None
    old = _snapshot(pm) if pm is not None else None
    if pm is None:
        pm = PeriodMark(student_id=row.student.id, subject_id=ctx.subject.id, period_id=ctx.period.id, kind=ctx.kind)
    pm.assignment_id = ctx.assignment.id
    pm.value = int(value) if numeric else None
    pm.special = None if numeric else value
    pm.proposed_value = proposal.value
    pm.proposed_average = proposal.average
    pm.percent = proposal.percent
    pm.override_reason = reason
    pm.set_by_id = ctx.actor.user_id
    pm.set_at = now
    try:
        with db.session.begin_nested():
            db.session.add(pm)
            db.session.flush()
    except StaleDataError:
        raise Conflict(_("Отметку изменили, пока вы её редактировали. Обновите страницу.")) from None
    except IntegrityError:
        raise Conflict(_("Отметку этому обучающемуся только что выставили. Обновите страницу.")) from None
    new = _snapshot(pm)
    new.update(proposed_average=proposal.average, percent=proposal.percent, student_id=pm.student_id,
               subject_id=pm.subject_id, period_id=pm.period_id, kind=pm.kind)
    AuditEvent.record(ctx.actor.user_id, "period_mark.create" if old is None else "period_mark.update", "period_mark",
                      pm.id, old=old, new=new)
    row.current = pm
    row.late = is_late_mark(pm, deadline_for(ctx.period, ctx.settings, ctx.kind), ctx.tz)
    row.overdue = False
    return pm


def set_period_mark(actor: Actor, assignment_id: int, period_id: int | None, student_id: int, value: str | None, *,
                    reason: str | None = None, version=None, now: dt.datetime, today: dt.date | None = None,
                    kind: str | None = None) -> PeriodMark | None:
    """Set (or change) one student's period, year, exam or final mark. The proposal is computed here again
    (the browser's copy is never trusted); a value other than the proposal needs ``reason`` (not for an
    exam mark); ``version`` is the version the teacher saw (None for a new mark). Returns the row, or None
    when nothing changed."""
    today = today or school_today(actor, now)
    ctx = _context(actor, assignment_id, period_id, today, kind)
    _check_writable(ctx)
    rows = _build_rows(ctx, only_student=student_id)
    if not rows:
        raise NotFound(_("Обучающийся не найден в этом классе."))
    return _apply(ctx, rows[0], value, reason, version, now=now)


@dataclass
class Entry:
    student_id: int
    value: str | None
    reason: str | None = None
    version: str | int | None = None


@dataclass
class SaveResult:
    saved: int = 0
    unchanged: int = 0
    errors: dict[int, JournalError] = field(default_factory=dict)  # student id → why the row was refused


def save_period_marks(actor: Actor, assignment_id: int, period_id: int | None, entries: list[Entry], *,
                      now: dt.datetime, today: dt.date | None = None, kind: str | None = None) -> SaveResult:
    """"Save all": each filled row on its own (one row's mistake does not lose the others); empty rows are
    skipped. Errors come back per student. A fixed number of queries to build the sheet, then one write
    per changed row."""
    today = today or school_today(actor, now)
    ctx = _context(actor, assignment_id, period_id, today, kind)
    _check_writable(ctx)
    rows = {r.student.id: r for r in _build_rows(ctx)}
    result = SaveResult()
    for entry in entries:
        row = rows.get(entry.student_id)
        if row is None:
            result.errors[entry.student_id] = NotFound(_("Обучающийся не найден в этом классе."))
            continue
        if parse_value(entry.value) is None:
            continue
        try:
            changed = _apply(ctx, row, entry.value, entry.reason, entry.version, now=now)
        except (InvalidInput, Conflict, AccessDenied) as exc:
            result.errors[entry.student_id] = exc
            continue
        if changed is None:
            result.unchanged += 1
        else:
            result.saved += 1
    return result


# --- closing a period ------------------------------------------------------------------------------
@dataclass
class MissingLine:
    """An assignment whose students still lack the period's mark."""

    assignment: TeachingAssignment
    students: list[Student]

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass
class ClosingResult:
    closed: bool
    missing: list[MissingLine]

    @property
    def missing_total(self) -> int:
        return sum(line.count for line in self.missing)


def school_period(actor: Actor, period_id: int) -> Period:
    period = db.session.scalar(select(Period).options(joinedload(Period.year))
                               .join(AcademicYear, AcademicYear.id == Period.year_id)
                               .where(Period.id == period_id, AcademicYear.school_id == actor.school_id))
    if period is None:
        raise NotFound(_("Период не найден."))
    return period


def missing_students(period: Period) -> tuple[list[TeachingAssignment], dict[int, set[int]]]:
    """The period's assignments, and per assignment the ids of the students enrolled on its last day without
    its mark (first grade excluded). Four queries."""
    kind = mark_kind(period)
    on = period.ends_on
    classes = select(SchoolClass.id).where(SchoolClass.year_id == period.year_id,
                                           SchoolClass.gets_marks)
    if kind == "period":
        classes = classes.where(SchoolClass.period_scheme == period.scheme)
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.school_class), joinedload(TeachingAssignment.subject),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.teacher))
        .where(TeachingAssignment.class_id.in_(classes))).all()
    if not assignments:
        return [], {}
    enrolled: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in db.session.execute(
            select(Enrollment.class_id, Enrollment.student_id).where(
                Enrollment.class_id.in_(classes), stay_on(Enrollment, on))):
        enrolled[class_id].add(student_id)
    group_ids = {a.subgroup_id for a in assignments if a.subgroup_id}
    members: dict[int, set[int]] = defaultdict(set)
    if group_ids:
        for group_id, student_id in db.session.execute(
                select(SubgroupMember.subgroup_id, SubgroupMember.student_id).where(
                    SubgroupMember.subgroup_id.in_(group_ids), stay_on(SubgroupMember, on))):
            members[group_id].add(student_id)
    marked = set(db.session.execute(select(PeriodMark.student_id, PeriodMark.subject_id).where(
        PeriodMark.period_id == period.id, PeriodMark.kind == kind)).all())
    wanted: dict[int, set[int]] = {}
    for a in assignments:
        roster = enrolled.get(a.class_id, set())
        if a.subgroup_id:
            roster = roster & members.get(a.subgroup_id, set())
        lacking = {sid for sid in roster if (sid, a.subject_id) not in marked}
        if lacking:
            wanted[a.id] = lacking
    return assignments, wanted


def missing_count(period: Period) -> int:
    """How many of the period's marks are still missing (the home page). Four queries."""
    return sum(len(ids) for ids in missing_students(period)[1].values())


def missing_marks(period: Period) -> list[MissingLine]:
    """Per assignment of the period's classes (first grade excluded): students enrolled on the period's last
    day without its mark. Five queries for the whole school."""
    assignments, wanted = missing_students(period)
    if not wanted:
        return []
    students = {s.id: s for s in db.session.scalars(select(Student).where(
        Student.id.in_({sid for ids in wanted.values() for sid in ids})))}
    lines = []
    for a in sorted(assignments, key=lambda a: (a.school_class.grade, a.school_class.letter, a.subject.name,
                                                a.subgroup.name if a.subgroup else "")):
        if a.id in wanted:
            lines.append(MissingLine(a, sorted((students[sid] for sid in wanted[a.id]),
                                               key=lambda s: (s.last_name, s.first_name, s.id))))
    return lines


def close_period(actor: Actor, period_id: int, *, now: dt.datetime, confirmed: bool = False) -> ClosingResult:
    """The coordinator (or the operator) closes a period: its marks become read-only. When marks are
    missing nothing happens unless ``confirmed`` — the result lists what is missing either way."""
    require(can_close_periods(actor), _("Закрывать и открывать периоды может заместитель директора по УВР "
                                        "или администратор."))
    period = school_period(actor, period_id)
    period.year.require_open()
    if period.is_closed:
        raise PeriodClosed(_("Период «%(name)s» уже закрыт."), name=period.name)
    missing = missing_marks(period)
    if missing and not confirmed:
        return ClosingResult(False, missing)
    period.closed_at = now
    db.session.flush()
    AuditEvent.record(actor.user_id, "period.close", "period", period.id,
                      new={"closed_at": now, "missing_marks": sum(line.count for line in missing)})
    return ClosingResult(True, missing)


def reopen_period(actor: Actor, period_id: int) -> Period:
    require(can_close_periods(actor), _("Закрывать и открывать периоды может заместитель директора по УВР "
                                        "или администратор."))
    period = school_period(actor, period_id)
    period.year.require_open()
    if not period.is_closed:
        raise InvalidInput(_("Период «%(name)s» не закрыт."), name=period.name)
    old = period.closed_at
    period.closed_at = None
    db.session.flush()
    AuditEvent.record(actor.user_id, "period.reopen", "period", period.id, old={"closed_at": old})
    return period


SCHEME_ORDER = ("quarter", "trimester", "half_year", "year")


def period_to_close(periods: list[PeriodStatus]) -> PeriodStatus | None:
    """What the coordinator most likely wants to look at: the first ended period not closed yet, else the
    running one."""
    terms = [s for s in periods if s.period.scheme != "year"]
    return next((s for s in terms if s.state == "ended"), None) or next((s for s in terms if s.state == "running"),
                                                                         None)


@dataclass
class PeriodStatus:
    period: Period
    deadline: dt.date
    state: str  # "future", "running", "ended", "closed"


def year_periods(actor: Actor, today: dt.date) -> tuple[AcademicYear | None, list[PeriodStatus]]:
    """The periods of the current year (the one containing today, else the latest started) with their state."""
    year, _years = page_year(actor, today)
    if year is None:
        return None, []
    settings = all_settings(actor.school_id)
    rank = {scheme: i for i, scheme in enumerate(SCHEME_ORDER)}
    periods = sorted(db.session.scalars(select(Period).where(Period.year_id == year.id)),
                     key=lambda p: (rank.get(p.scheme, 9), p.starts_on))
    out = []
    for p in periods:
        state = "closed" if p.closed_at else "future" if today < p.starts_on else "running" if today <= p.ends_on \
            else "ended"
        out.append(PeriodStatus(p, deadline_for(p, settings), state))
    return year, out


# --- the actor's pages ------------------------------------------------------------------------------
@dataclass
class AssignmentLink:
    assignment: TeachingAssignment
    own: bool  # the actor teaches it (writes); otherwise reads


def page_year(actor: Actor, today: dt.date,
              year_id: int | None = None) -> tuple[AcademicYear | None, list[AcademicYear]]:
    """The year asked for, else the one containing today, else the latest started, else the first to come."""
    years = db.session.scalars(select(AcademicYear).where(AcademicYear.school_id == actor.school_id)
                               .order_by(AcademicYear.starts_on.desc())).all()
    if year_id is not None:
        return next((y for y in years if y.id == year_id), None), years
    year = next((y for y in years if y.starts_on <= today <= y.ends_on), None) or next(
        (y for y in years if y.starts_on <= today), None) or (years[-1] if years else None)
    return year, years


def actor_assignments(actor: Actor, year_id: int) -> list[AssignmentLink]:
    """The journal pages of a year the actor may open (models.access.assignment_ids), own load first."""
    rows = db.session.scalars(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.school_class), joinedload(TeachingAssignment.subject),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.teacher))
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(TeachingAssignment.id.in_(assignment_ids(actor)), TeachingAssignment.year_id == year_id)
        .order_by(SchoolClass.grade, SchoolClass.letter, Subject.name, TeachingAssignment.id)).all()
    links = [AssignmentLink(a, a.teacher_id == actor.staff_id) for a in rows]
    return sorted(links, key=lambda link: not link.own)
