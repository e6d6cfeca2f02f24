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
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload

from models.access import Actor, assignment_ids, can_set_period_marks
from models.base import db
from models.deadlines import school_zone
from models.errors import InvalidInput, NotFound
from models.finals.proposals import (
    EXAM_CHOICES,
    EXEMPT_NOTE,
    FINAL_KINDS,
    GENERAL_CHOICES,
    PASS_FAIL_CHOICES,
    THEORY_NOTE,
    MarkChip,
    _year_label,
    deadline_for,
    is_late_mark,
    lesson_marks,
    locked_by_closing,
    mark_kind,
    propose_final,
    propose_period,
    propose_year,
    reference_day,
    rules_for,
)
from models.grading import GradingRules, Proposal, ResultStats, result_stats
from models.i18n import Text, _
from models.marks import EXEMPT, FAIL, NOT_ATTESTED, PASS, mark_text, marks_given
from models.parsing import is_digits
from models.roster import roster_ids
from models.school.settings import all_settings
from models.tables.classes import SchoolClass
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.journal import WorkKind
from models.tables.people import Student
from models.tables.school import AcademicYear, Period, School


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
    def doubtful(self) -> bool:
        """The proposal lacks grounds (too few marks, no control work...): the teacher decides, nothing is filled."""
        return not self.free and bool(self.proposal.problems)

    @property
    def fillable(self) -> bool:
        """ "Подставить предлагаемые" fills this row: a proposal with its grounds, among the marks allowed."""
        return not self.doubtful and not self.free and self.proposed in self.choices

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
    def left_to_decide(self) -> int:
        """Rows still without a mark whose proposal lacks grounds: "Подставить предлагаемые" leaves them empty."""
        return sum(1 for r in self.rows if r.doubtful and r.current is None)

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
        .options(
            joinedload(TeachingAssignment.school_class),
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.teacher),
        )
        .where(TeachingAssignment.id == assignment_id, TeachingAssignment.id.in_(assignment_ids(actor)))
    )
    if assignment is None:
        raise NotFound(_("Страница журнала не найдена или недоступна."))
    return assignment


_SHEET_PERIODS = (  # built once: every marks page and finals sheet asks it
    select(Period)
    .where(Period.year_id == bindparam("year"), or_(Period.scheme == bindparam("scheme"), Period.scheme == "year"))
    .order_by(Period.scheme == "year", Period.starts_on)
)


def sheet_periods(cls: SchoolClass) -> list[Period]:
    """The periods the class is graded for (its scheme: quarters, trimesters or half-years), then the year."""
    return list(db.session.scalars(_SHEET_PERIODS, {"year": cls.year_id, "scheme": cls.period_scheme}).all())


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


def _context(
    actor: Actor, assignment_id: int, period_id: int | None, today: dt.date, kind: str | None = None
) -> _Context:
    """``kind`` "exam" or "final" asks for those marks of the year (the year period whatever ``period_id``
    says); anything else follows the period."""
    assignment = visible_assignment(actor, assignment_id)
    cls = assignment.school_class
    school, year = db.session.execute(
        select(School, AcademicYear)
        .join(AcademicYear, AcademicYear.school_id == School.id)
        .where(AcademicYear.id == cls.year_id)
    ).one()
    periods = sheet_periods(cls)
    settings = all_settings(school.id)
    if kind in FINAL_KINDS:
        if not is_final_grade(cls, settings):
            raise InvalidInput(
                _("Экзаменационные и итоговые отметки выставляются только в выпускных классах (%(grades)s)."),
                grades=", ".join(map(str, settings["final_grades"])) or "—",
            )
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
    return _Context(
        actor,
        assignment,
        cls,
        assignment.subject,
        school,
        year,
        period,
        periods,
        kind,
        settings,
        rules_for(settings, cls.grade),
        school_zone(school.timezone),
        today,
    )


def _build_rows(ctx: _Context, only_student: int | None = None) -> list[FinalRow]:
    a, period, subject = ctx.assignment, ctx.period, ctx.subject
    on = reference_day(period, ctx.today)
    roster_q = select(Student).where(Student.id.in_(roster_ids(a, on)))
    existing_q = select(PeriodMark).where(
        PeriodMark.subject_id == subject.id, PeriodMark.period_id == period.id, PeriodMark.kind == ctx.kind
    )
    if only_student is not None:
        roster_q = roster_q.where(Student.id == only_student)
        existing_q = existing_q.where(PeriodMark.student_id == only_student)
    students = list(db.session.scalars(roster_q))
    in_class = {s.id for s in students}
    existing = list(
        db.session.scalars(
            existing_q.where(or_(PeriodMark.student_id.in_(roster_ids(a, on)), PeriodMark.assignment_id == a.id))
        )
    )
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
            proposals[sid] = propose_period(
                ctx.school.grading_scheme, [i for _c, i in pairs], ctx.rules, pass_fail=pass_fail
            )
    else:
        terms = [p for p in ctx.periods if p.scheme != "year"]
        by_student: dict[int, dict[int, PeriodMark]] = defaultdict(dict)
        year_marks: dict[int, dict[str, PeriodMark]] = defaultdict(dict)  # student → kind → mark of the year
        if ids:
            earlier = PeriodMark.kind == "period"
            if ctx.kind in FINAL_KINDS:  # the year and exam marks too, in the same query
                earlier = or_(earlier, PeriodMark.period_id == period.id)
            for pm in db.session.scalars(
                select(PeriodMark).where(
                    PeriodMark.student_id.in_(ids),
                    PeriodMark.subject_id == subject.id,
                    earlier,
                    PeriodMark.period_id.in_([p.id for p in terms] + [period.id]),
                )
            ):
                if pm.kind == "period":
                    by_student[pm.student_id][pm.period_id] = pm
                else:
                    year_marks[pm.student_id][pm.kind] = pm
        for sid in ids:
            got = by_student.get(sid, {})
            chips[sid] = [MarkChip(date=p.ends_on, shown=str(got[p.id]), kind=p.name) for p in terms if p.id in got]
            mine = year_marks.get(sid, {})
            chips[sid] += [
                MarkChip(date=period.ends_on, shown=str(mine[k]), kind=_year_label(k))
                for k in (("year", "exam") if ctx.kind == "final" else ("year",))
                if k in mine
            ]
            if ctx.kind == "exam":
                proposals[sid] = Proposal(None)
            elif ctx.kind == "final":
                proposals[sid] = propose_final(
                    ctx.settings["final_mark_rule"],
                    [(p, got.get(p.id)) for p in terms],
                    mine.get("year"),
                    mine.get("exam"),
                    ctx.rules,
                    pass_fail=pass_fail,
                )
            else:
                proposals[sid] = propose_year([(p, got.get(p.id)) for p in terms], ctx.rules, pass_fail=pass_fail)

    rows = []
    for number, student in enumerate(students, start=1):
        pm = current.get(student.id)
        row = FinalRow(
            number=number,
            student=student,
            marks=chips[student.id],
            proposal=proposals[student.id],
            current=pm,
            choices=choices,
            in_class=student.id in in_class,
            free=ctx.kind == "exam",
        )
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
    known = [(mark_text(special=k) if isinstance(k, str) else str(k), counts[k]) for k in order if k in counts]
    return known + sorted((str(k), n) for k, n in counts.items() if k not in order)


def _stat_value(shown: str) -> int | str:
    return int(shown) if is_digits(shown) else shown


def finals_sheet(
    actor: Actor, assignment_id: int, period_id: int | None = None, *, today: dt.date, kind: str | None = None
) -> FinalsSheet:
    """The period (or year, exam, final) marks page of one assignment: per student the marks, the proposal
    and why, the mark set; the class forecast. A fixed number of queries, whatever the size of the class."""
    ctx = _context(actor, assignment_id, period_id, today, kind)
    sheet = FinalsSheet(
        assignment=ctx.assignment,
        school_class=ctx.cls,
        subject=ctx.subject,
        school=ctx.school,
        period=ctx.period,
        periods=ctx.periods,
        kind=ctx.kind,
        rules=ctx.rules,
        scheme_code=ctx.school.grading_scheme,
        deadline=deadline_for(ctx.period, ctx.settings, ctx.kind),
        today=today,
        closed=locked_by_closing(ctx.period, ctx.kind),
        archived=ctx.year.is_archived,
        can_edit=can_set_period_marks(actor, ctx.assignment),
        unmarked_grade=not marks_given(ctx.cls.grade),
        final_grade=is_final_grade(ctx.cls, ctx.settings),
        final_rule=ctx.settings["final_mark_rule"],
    )
    if sheet.unmarked_grade:
        return sheet
    sheet.rows = _build_rows(ctx)
    counted = [r for r in sheet.rows if r.in_class]
    if ctx.kind != "exam":  # an exam has no proposals to forecast from
        sheet.forecast = result_stats(_stat_value(r.proposed) for r in counted if r.proposed)
    set_marks = [_stat_value(r.shown) for r in counted if r.current is not None]
    sheet.results = result_stats(set_marks) if set_marks else None
    return sheet


# --- the actor's pages ------------------------------------------------------------------------------
@dataclass
class AssignmentLink:
    assignment: TeachingAssignment
    own: bool  # the actor teaches it (writes); otherwise reads


def page_year(
    actor: Actor, today: dt.date, year_id: int | None = None
) -> tuple[AcademicYear | None, list[AcademicYear]]:
    """The year asked for, else the one containing today, else the latest started, else the first to come."""
    years = db.session.scalars(
        select(AcademicYear).where(AcademicYear.school_id == actor.school_id).order_by(AcademicYear.starts_on.desc())
    ).all()
    if year_id is not None:
        return next((y for y in years if y.id == year_id), None), years
    year = (
        next((y for y in years if y.starts_on <= today <= y.ends_on), None)
        or next((y for y in years if y.starts_on <= today), None)
        or (years[-1] if years else None)
    )
    return year, years


def actor_assignments(actor: Actor, year_id: int) -> list[AssignmentLink]:
    """The journal pages of a year the actor may open (models.access.assignment_ids), own load first."""
    rows = db.session.scalars(
        select(TeachingAssignment)
        .options(
            joinedload(TeachingAssignment.school_class),
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.teacher),
        )
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(TeachingAssignment.id.in_(assignment_ids(actor)), TeachingAssignment.year_id == year_id)
        .order_by(SchoolClass.grade, SchoolClass.letter, Subject.name, TeachingAssignment.id)
    ).all()
    links = [AssignmentLink(a, a.teacher_id == actor.staff_id) for a in rows]
    return sorted(links, key=lambda link: not link.own)
