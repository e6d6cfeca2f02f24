"""Results of a period (R30): from the period (or year) marks set in the journal, per class the students by
standing — отличники, хорошисты, с одной «3», троечники, неуспевающие, not graded yet — with успеваемость and
качество знаний counted by students, and the lists of those students by name; per class, subject and teacher the
marks' успеваемость, качество, СОУ and average (``models.grading.result_stats``); the marks still missing
(``models.finals.closing.missing_students``, as closing the period counts them); lessons missed with and without a
good reason per student, class and school; the school's totals.

While the period runs the same is computed from the current lesson marks — each student's proposed mark per
subject (``models.finals.proposals.propose_period``, the school's rounding) — and marked as provisional.

The class of a student is the one they are enrolled in on the period's last day (today while it runs).
A fixed number of queries for the whole school."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_view_results, require, results_class_ids
from models.base import db
from models.finals.closing import missing_students, school_period, year_periods
from models.finals.proposals import (
    MARK_INPUT_COLUMNS,
    mark_input,
    mark_kind,
    propose_period,
    reference_day,
    rules_for,
)
from models.grading import ResultStats, percent, result_stats, student_standing
from models.i18n import N_, _
from models.marks import FAILED_SPECIALS, NOT_ATTESTED, PASS_MARKS
from models.roster import stay_on
from models.school.settings import all_settings
from models.tables.classes import Enrollment, SchoolClass
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.journal import Attendance, AttendanceReason, Lesson, Mark, WorkKind
from models.tables.people import Student
from models.tables.school import AcademicYear, Period, School

# A student's standing over the period's marks (mutually exclusive, in this order of display).
STANDINGS = {
    "excellent": N_("отличники"),
    "good": N_("хорошисты"),
    "one_three": N_("с одной «3»"),
    "satisfactory": N_("троечники"),
    "failing": N_("неуспевающие"),
    "not_graded": N_("без отметок"),
}
# The lists of students by name: the standings worth naming, and those not attested in some subject (н/а; they are
# among the failing too).
LISTS = {
    "excellent": STANDINGS["excellent"],
    "good": STANDINGS["good"],
    "one_three": STANDINGS["one_three"],
    "failing": STANDINGS["failing"],
    "not_attested": N_("не аттестованы (н/а)"),
}


def standing(marks: list[int | str]) -> str:
    """``student_standing`` with the reserve split off the satisfactory: exactly one 3, the rest 4 and 5."""
    result = student_standing(marks)
    if (
        result == "satisfactory"
        and sum(1 for m in marks if m == 3) == 1
        and all(m >= 3 for m in marks if isinstance(m, int))
    ):
        return "one_three"
    return result


@dataclass
class Standings:
    counts: Counter = field(default_factory=Counter)

    @property
    def students(self) -> int:
        return sum(self.counts.values())

    @property
    def graded(self) -> int:
        return self.students - self.counts["not_graded"]

    @property
    def success(self) -> Decimal | None:
        """успеваемость by students: % of the graded students with no 2 and no н/а."""
        return percent(self.graded - self.counts["failing"], self.graded)

    @property
    def quality(self) -> Decimal | None:
        """качество знаний by students: % of the graded students with only 4s and 5s."""
        return percent(self.counts["excellent"] + self.counts["good"], self.graded)


@dataclass
class Absences:
    """Lessons missed: with a good reason (the school's dictionary says so) and without (another reason or none
    given yet)."""

    excused: int = 0
    unexcused: int = 0

    @property
    def missed(self) -> int:
        return self.excused + self.unexcused

    def add(self, other: Absences) -> None:
        self.excused += other.excused
        self.unexcused += other.unexcused


@dataclass
class StudentLine:
    """A student in a list: their class and the subjects that put them there (the «3», the failed ones)."""

    student: Student
    class_name: str
    subjects: list[str] = field(default_factory=list)
    absences: Absences = field(default_factory=Absences)


@dataclass
class ClassLine:
    school_class: SchoolClass
    standings: Standings
    marks: ResultStats
    missing: int
    absences: Absences = field(default_factory=Absences)


@dataclass
class GroupLine:
    """A subject or a teacher over all the classes of the report."""

    name: str
    marks: ResultStats
    classes: list[str] = field(default_factory=list)
    missing: int = 0


@dataclass
class PeriodResults:
    year: AcademicYear
    periods: list[Period]  # of the year, for the selector
    period: Period
    on: dt.date
    classes: list[ClassLine]
    subjects: list[GroupLine]
    teachers: list[GroupLine]
    school: Standings
    school_marks: ResultStats
    missing: int
    provisional: bool = False  # from the current marks of a running period
    lists: dict[str, list[StudentLine]] = field(default_factory=dict)  # LISTS key → students by class and name
    absent: list[StudentLine] = field(default_factory=list)  # students who missed lessons, by class and name
    school_absences: Absences = field(default_factory=Absences)

    @property
    def standing_keys(self) -> list[str]:
        return list(STANDINGS)


def _value(pm: PeriodMark) -> int | str:
    return pm.value if pm.value is not None else pm.special


def _named_subjects(key: str, marks: list[tuple[str, int | str]]) -> list[str]:
    """The subjects that put a student on list ``key``."""
    if key == "one_three":
        return [name for name, m in marks if m == 3]
    if key == "failing":
        return [name for name, m in marks if (isinstance(m, int) and m <= 2) or m in FAILED_SPECIALS]
    if key == "not_attested":
        return [name for name, m in marks if m == NOT_ATTESTED]
    return []


def _period_marks(period: Period, kind: str, student_ids: list[int]) -> list[tuple[int, int, int | None, int | str]]:
    """(student, subject, assignment, mark) of the period marks set. One query."""
    marks = db.session.scalars(
        select(PeriodMark).where(
            PeriodMark.period_id == period.id, PeriodMark.kind == kind, PeriodMark.student_id.in_(student_ids or [0])
        )
    )
    return [(pm.student_id, pm.subject_id, pm.assignment_id, _value(pm)) for pm in marks]


def _current_marks(
    period: Period, on: dt.date, class_of: dict[int, int], grades: dict[int, int]
) -> list[tuple[int, int, int | None, int | str]]:
    """(student, subject, assignment, proposed mark) from the lesson marks of the period up to ``on``: what the
    period mark would be today by the school's rules (its rounding, its scheme). A subject without a mark yet is
    left out (not н/а: the period runs); one with only «осв»/«зач» keeps it. Four queries."""
    # plain columns, not Mark rows: a running period of a big school is ~10^5 marks (mark_input reads the same
    # names). The marks of the year's lessons in the period (the year is the school's), students kept in Python:
    # with their ids in the statement SQLite probes the marks' index once per lesson and student (4.6 s for a
    # 1,000-student school on the district data, 0.1 s without)
    rows = db.session.execute(
        select(
            Mark.student_id,
            *MARK_INPUT_COLUMNS,
            Lesson.date,
            Lesson.work_kind_id.label("lesson_kind_id"),
            TeachingAssignment.id.label("assignment_id"),
            TeachingAssignment.subject_id,
        )
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .where(
            TeachingAssignment.year_id == period.year_id,
            Lesson.date >= period.starts_on,
            Lesson.date <= on,
        )
        .order_by(Lesson.date, Lesson.bell_id, Lesson.id, Mark.slot)
    ).all()
    school = db.session.get(School, period.year.school_id)
    kinds = {k.id: k for k in db.session.scalars(select(WorkKind).where(WorkKind.school_id == school.id))}
    settings = all_settings(school.id)
    inputs: dict[tuple[int, int], list] = defaultdict(list)
    last_assignment: dict[tuple[int, int], int] = {}
    for mark in rows:
        if mark.student_id not in class_of:
            continue
        key = (mark.student_id, mark.subject_id)
        inputs[key].append(mark_input(mark, mark.lesson_kind_id, kinds))
        last_assignment[key] = mark.assignment_id
    pass_fail = dict(
        db.session.execute(
            select(Subject.id, Subject.is_pass_fail).where(Subject.id.in_({s for _st, s in inputs} or {0}))
        ).all()
    )
    out = []
    for (student_id, subject_id), marks in inputs.items():
        specials = {m.special for m in marks if m.value is None and m.points is None}
        if len(specials) == len(marks) and specials <= PASS_MARKS and not pass_fail[subject_id]:
            value: int | str = sorted(specials)[0]  # осв (or зач) only: as the teacher would set it
        else:
            rules = rules_for(settings, grades[class_of[student_id]])
            proposal = propose_period(school.grading_scheme, marks, rules, pass_fail=pass_fail[subject_id])
            value = proposal.value if proposal.value is not None else proposal.special
        out.append((student_id, subject_id, last_assignment[(student_id, subject_id)], value))
    return out


def absences_between(student_ids: list[int], starts: dt.date, ends: dt.date) -> dict[int, Absences]:
    """Lessons each student missed between the dates (late arrivals are not missed lessons); also the report
    cards' and the parents' letter's. One query."""
    rows = db.session.execute(
        select(Attendance.student_id, AttendanceReason.is_excused, func.count())
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .outerjoin(AttendanceReason, AttendanceReason.id == Attendance.reason_id)
        .where(
            Attendance.student_id.in_(student_ids or [0]),
            Attendance.status == "absent",
            Lesson.date >= starts,
            Lesson.date <= ends,
        )
        .group_by(Attendance.student_id, AttendanceReason.is_excused)
    ).all()
    out: dict[int, Absences] = defaultdict(Absences)
    for student_id, excused, count in rows:
        if excused:
            out[student_id].excused += count
        else:
            out[student_id].unexcused += count
    return out


def period_results(actor: Actor, period_id: int | None, *, today: dt.date) -> PeriodResults | None:
    """None when the school has no year with periods yet."""
    require(can_view_results(actor), _("Итоги периода видят администрация школы и классные руководители."))
    year, statuses = year_periods(actor, today)
    if year is None or not statuses:
        return None
    if period_id is None:
        # the period that ended last (its results are complete), else the one running, else the first
        terms = [s.period for s in statuses if s.period.scheme != "year"] or [s.period for s in statuses]
        ended = [p for p in terms if p.ends_on < today]
        running = [p for p in terms if p.starts_on <= today <= p.ends_on]
        period = (
            max(ended, key=lambda p: p.ends_on)
            if ended
            else min(running, key=lambda p: p.ends_on)
            if running
            else terms[0]
        )
    else:
        period = school_period(actor, period_id)
        if period.year_id != year.id:  # an earlier year: its own periods in the selector
            year = period.year
            statuses = [s for s in year_periods(actor, period.ends_on)[1]]
    kind = mark_kind(period)
    on = reference_day(period, today)
    provisional = today <= period.ends_on
    classes_q = select(SchoolClass).where(
        SchoolClass.year_id == period.year_id, SchoolClass.gets_marks, SchoolClass.id.in_(results_class_ids(actor))
    )
    if kind == "period":
        classes_q = classes_q.where(SchoolClass.period_scheme == period.scheme)
    classes = db.session.scalars(classes_q.order_by(SchoolClass.grade, SchoolClass.letter)).all()
    class_of = dict(
        db.session.execute(
            select(Enrollment.student_id, Enrollment.class_id).where(
                Enrollment.class_id.in_([c.id for c in classes] or [0]), stay_on(Enrollment, on)
            )
        ).all()
    )
    if provisional:
        marks = _current_marks(period, on, class_of, {c.id: c.grade for c in classes})
    else:
        marks = _period_marks(period, kind, list(class_of))
    subjects = {
        s.id: s for s in db.session.scalars(select(Subject).where(Subject.id.in_({m[1] for m in marks} or {0})))
    }
    assignments = {
        a.id: a
        for a in db.session.scalars(
            select(TeachingAssignment)
            .options(joinedload(TeachingAssignment.teacher))
            .where(TeachingAssignment.id.in_({m[2] for m in marks if m[2]} or {0}))
        )
    }
    students = {
        s.id: s
        for s in db.session.scalars(
            select(Student).where(Student.id.in_(list(class_of) or [0])).order_by(Student.last_name, Student.first_name)
        )
    }
    absences = absences_between(list(class_of), period.starts_on, on)
    shown = {c.id for c in classes}
    # the marks still to set: none yet while the period runs
    period_assignments, lacking = missing_students(period) if not provisional else ([], {})

    by_student: dict[int, list] = defaultdict(list)
    by_class: dict[int, list] = defaultdict(list)
    by_subject: dict[int, list] = defaultdict(list)
    by_teacher: dict[int, list] = defaultdict(list)
    teacher_classes: dict[int, set] = defaultdict(set)
    for student_id, subject_id, assignment_id, value in marks:
        class_id = class_of[student_id]
        by_student[student_id].append((subjects[subject_id].name, value))
        by_class[class_id].append(value)
        by_subject[subject_id].append(value)
        a = assignments.get(assignment_id)
        if a is not None:
            by_teacher[a.teacher_id].append(value)
            teacher_classes[a.teacher_id].add(class_id)
    missing_by_class = Counter()
    missing_by_subject = Counter()
    for a in period_assignments:
        if a.id in lacking and a.class_id in shown:
            missing_by_class[a.class_id] += len(lacking[a.id])
            missing_by_subject[a.subject_id] += len(lacking[a.id])
            subjects.setdefault(a.subject_id, a.subject)
    students_of: dict[int, list[int]] = defaultdict(list)
    for sid in students:  # by name
        students_of[class_of[sid]].append(sid)

    place = {c.id: i for i, c in enumerate(classes)}
    school = Standings()
    school_absences = Absences()
    lines = []
    lists: dict[str, list[StudentLine]] = {key: [] for key in LISTS}
    absent = []
    for cls in classes:
        counts = Counter()
        class_absences = Absences()
        for sid in students_of[cls.id]:
            own = by_student.get(sid, [])
            key = standing([m for _name, m in own])
            counts[key] += 1
            on_lists = [key] if key in LISTS else []
            if any(m == NOT_ATTESTED for _name, m in own):
                on_lists.append("not_attested")
            for k in on_lists:
                lists[k].append(StudentLine(students[sid], cls.name, _named_subjects(k, own)))
            if sid in absences:
                class_absences.add(absences[sid])
                absent.append(StudentLine(students[sid], cls.name, absences=absences[sid]))
        standings = Standings(counts)
        school.counts.update(counts)
        school_absences.add(class_absences)
        lines.append(
            ClassLine(cls, standings, result_stats(by_class.get(cls.id, [])), missing_by_class[cls.id], class_absences)
        )
    subject_lines = [
        GroupLine(s.name, result_stats(by_subject.get(s.id, [])), missing=missing_by_subject[s.id])
        for s in sorted(subjects.values(), key=lambda s: s.name)
    ]
    staff = {a.teacher_id: a.teacher for a in assignments.values()}
    teacher_lines = [
        GroupLine(
            staff[tid].short_name,
            result_stats(values),
            [classes[place[c]].name for c in sorted(teacher_classes[tid], key=place.get)],
        )
        for tid, values in sorted(by_teacher.items(), key=lambda kv: staff[kv[0]].short_name)
    ]
    return PeriodResults(
        year=year,
        periods=[s.period for s in statuses],
        period=period,
        on=on,
        classes=lines,
        subjects=subject_lines,
        teachers=teacher_lines,
        school=school,
        school_marks=result_stats(m[3] for m in marks),
        missing=sum(missing_by_class.values()),
        provisional=provisional,
        lists=lists,
        absent=absent,
        school_absences=school_absences,
    )
