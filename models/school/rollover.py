"""The new school year (issue 18 item 1): a preview the operator reads before anything changes, the secretary's
decisions for the students the year's marks leave in doubt, then the rollover in one transaction (the caller commits;
a failure, or a process killed half-way, leaves the database as it was).

What it does, from the current year to the next (same dates a year later):
- the next year and its periods (the current year's pattern, dates a year on); bells and subjects belong to the
  school and stay as they are (the page says so);
- the curriculum copied; every class up a grade with the same letter, class teacher, shift and period scheme
  (5А → 6А), its teaching load copied as a draft (same subjects, teachers, hours), its subgroups carried with
  their members and its weekly timetable carried from the first day of the new year (the entries in force on the
  old year's last day: the same teacher teaches the same subject at the same bell, so the pattern stays free of
  clashes; the school changes it from there);
- every student enrolled at the end of the year takes a step recorded in the movement history (an enrollment that
  ends on the year's last day and one that starts on the next year's first): promoted into the new class,
  graduated from the top grade (their year and final marks stay in the old year), or — for those with a year
  mark of 2 or н/а, or no year mark at all in a class that gets marks — what the secretary decided
  (``decide``, kept in ``RolloverDecision``): promoted, repeating the grade, or leaving. The rollover refuses
  to run while a decision is missing;
- students of the school in no class at the year's end (admitted but not placed, or whose stay ended without
  leaving the school) are listed by the preview and left as they are: the secretary places them with the
  movement form in the new year;
- the old year's classes, marks and journal are untouched (only the stays in its classes end on its last day).

A second run finds the next year there and changes nothing. On the demo school (`flask demo`: 22 classes, 551
students; 2 300 rows written) the run takes 3–5 s, so the page starts it as a background job ("year_rollover",
tasks.py), its work and the job's "done" in one transaction: a worker killed half-way leaves the database as it
was and the job is retried.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select

from models.access import Actor, can_decide_rollover, can_read_rollover_decisions, require
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, Text, _
from models.parsing import parse_int
from models.roster import stay_on
from models.school.settings import get_setting
from models.tables.classes import (
    Enrollment,
    RolloverDecision,
    SchoolClass,
    Subgroup,
    SubgroupMember,
)
from models.tables.curriculum import CurriculumItem, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.people import Student
from models.tables.school import AcademicYear, Period
from models.tables.timetable import TimetableEntry

from .organisation import ensure_year_period, require_operator, school_year

ACTIONS = {
    "promote": N_("переводится в %(class_name)s"),
    "graduate": N_("выпускается"),
    "repeat": N_("остаётся на повторное обучение в %(class_name)s"),
    "leave": N_("выбывает"),
    "decide": N_("ждёт решения секретаря"),
}
DECISIONS = {
    "promote": N_("перевести в следующий класс"),
    "repeat": N_("оставить на повторное обучение"),
    "leave": N_("выбывает"),
}
DOUBTS = {
    "two": N_("годовая «2»"),
    "na": N_("годовая «н/а»"),
    "none": N_("нет годовых отметок"),
}
TOP_GRADE = 11


def _a_year_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass
class StudentStep:
    student: Student
    old_class: SchoolClass
    action: str  # promote / graduate / repeat / leave / decide
    new_grade: int | None = None
    doubt: str | None = None  # two / na / none: why the secretary decides
    decision: RolloverDecision | None = None  # the secretary's saved decision

    @property
    def new_class_name(self) -> str | None:
        return f"{self.new_grade}{self.old_class.letter}" if self.new_grade is not None else None

    @property
    def text(self) -> Text:
        template = ACTIONS[self.action]
        return Text(template, class_name=self.new_class_name or "") if "%(class_name)s" in template else Text(template)

    @property
    def doubt_text(self) -> Text | None:
        return Text(DOUBTS[self.doubt]) if self.doubt else None


@dataclass
class ClassStep:
    """What happens to one class: its new name (None: graduates) and how many students take each step."""

    old: SchoolClass
    new_name: str | None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class RolloverPlan:
    year: AcademicYear
    name: str
    starts_on: dt.date
    ends_on: dt.date
    periods: list[tuple[str, int, str, dt.date, dt.date]]
    classes: list[tuple[SchoolClass, str | None]]  # old class, new name (None: graduates)
    students: list[StudentStep] = field(default_factory=list)
    outside: list[Student] = field(default_factory=list)  # in no class at the year's end: left as they are
    curriculum: int = 0
    assignments: int = 0
    subgroups: int = 0
    timetable: int = 0
    existing: AcademicYear | None = None  # the next year is there already: nothing to do

    @property
    def undecided(self) -> list[StudentStep]:
        return [s for s in self.students if s.action == "decide"]

    @property
    def doubtful(self) -> list[StudentStep]:
        """The students the secretary decides about, decided or not."""
        return [s for s in self.students if s.doubt is not None]

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(s.action == a for s in self.students) for a in ACTIONS}

    @property
    def per_class(self) -> list[ClassStep]:
        steps = {old.id: ClassStep(old, new) for old, new in self.classes}
        for s in self.students:
            counts = steps[s.old_class.id].counts
            counts[s.action] = counts.get(s.action, 0) + 1
        return list(steps.values())

    @property
    def new_classes(self) -> list[SchoolClass]:
        """The next year's classes, once it is there."""
        if self.existing is None:
            return []
        return db.session.scalars(
            select(SchoolClass)
            .where(SchoolClass.year_id == self.existing.id)
            .order_by(SchoolClass.grade, SchoolClass.letter)
        ).all()

    def step_text(self, step: StudentStep) -> Text:
        return step.text


def _open_at_the_end(last_day: dt.date):
    """A stay running on the year's last day that nobody closed on it (a stay closed then was a movement)."""
    return stay_on(Enrollment, last_day) & or_(Enrollment.ends_on.is_(None), Enrollment.ends_on > last_day)


def top_grade(school_id: int) -> int:
    final = get_setting(school_id, "final_grades")
    return max(final) if final else TOP_GRADE


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _doubts(year: AcademicYear) -> dict[int, str]:
    """Student id → why the secretary decides: a year «2», «н/а», or no year mark at all in a class with marks."""
    doubts: dict[int, str] = {}
    year_marks = (
        select(PeriodMark.student_id, PeriodMark.value, PeriodMark.special)
        .join(Period, Period.id == PeriodMark.period_id)
        .where(Period.year_id == year.id, PeriodMark.kind == "year")
    )
    marked = set()
    for student_id, value, special in db.session.execute(year_marks):
        marked.add(student_id)
        if value == 2:
            doubts[student_id] = "two"
        elif special == "н/а":
            doubts.setdefault(student_id, "na")
    graded = db.session.scalars(
        select(Enrollment.student_id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(SchoolClass.year_id == year.id, SchoolClass.gets_marks, _open_at_the_end(year.ends_on))
    )
    for student_id in graded:
        if student_id not in marked:
            doubts[student_id] = "none"
    return doubts


def _plan(year: AcademicYear) -> RolloverPlan:
    starts, ends = _a_year_on(year.starts_on), _a_year_on(year.ends_on)
    existing = db.session.scalar(
        select(AcademicYear).where(
            AcademicYear.school_id == year.school_id,
            AcademicYear.starts_on <= ends,
            AcademicYear.ends_on >= starts,
        )
    )
    periods = [
        (p.scheme, p.number, p.name, _a_year_on(p.starts_on), _a_year_on(p.ends_on))
        for p in db.session.scalars(
            select(Period).where(Period.year_id == year.id, Period.scheme != "year").order_by(Period.starts_on)
        )
    ]
    top = top_grade(year.school_id)
    classes = db.session.scalars(
        select(SchoolClass).where(SchoolClass.year_id == year.id).order_by(SchoolClass.grade, SchoolClass.letter)
    ).all()
    plan = RolloverPlan(
        year,
        f"{starts.year}/{starts.year + 1}",
        starts,
        ends,
        periods,
        [(c, None if c.grade >= top else f"{c.grade + 1}{c.letter}") for c in classes],
        existing=existing,
    )
    doubts = _doubts(year)
    decided = {
        d.student_id: d for d in db.session.scalars(select(RolloverDecision).where(RolloverDecision.year_id == year.id))
    }
    stays = db.session.execute(
        select(Student, SchoolClass)
        .join(Enrollment, Enrollment.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(SchoolClass.year_id == year.id, _open_at_the_end(year.ends_on))
        .order_by(SchoolClass.grade, SchoolClass.letter, Student.last_name, Student.first_name, Student.id)
    ).all()
    for student, cls in stays:
        doubt = doubts.get(student.id)
        decision = decided.get(student.id) if doubt else None
        if doubt and decision is None:
            step = StudentStep(student, cls, "decide", doubt=doubt)
        elif decision is not None:
            grade = {"promote": cls.grade + 1, "repeat": cls.grade}.get(decision.decision)
            action = "graduate" if decision.decision == "promote" and cls.grade >= top else decision.decision
            step = StudentStep(student, cls, action, None if action == "graduate" else grade, doubt, decision)
        elif cls.grade >= top:
            step = StudentStep(student, cls, "graduate")
        else:
            step = StudentStep(student, cls, "promote", cls.grade + 1)
        plan.students.append(step)
    plan.outside = _outside(year)
    carried = [c.id for c, new in plan.classes if new is not None]
    plan.curriculum = _count(select(CurriculumItem.id).where(CurriculumItem.year_id == year.id))
    plan.assignments = _count(select(TeachingAssignment.id).where(TeachingAssignment.class_id.in_(carried)))
    plan.subgroups = _count(select(Subgroup.id).where(Subgroup.class_id.in_(carried)))
    plan.timetable = _count(_timetable_in_force(year, carried))
    return plan


def _outside(year: AcademicYear) -> list[Student]:
    """Students of the school in no class at the year's end who have not left it (graduated, withdrawn) and are
    not placed in a later class: the rollover leaves them as they are, the preview names them."""
    last = year.ends_on
    return db.session.scalars(
        select(Student)
        .where(
            Student.school_id == year.school_id,
            ~exists().where(Enrollment.student_id == Student.id, _open_at_the_end(last)),
            ~exists().where(
                Enrollment.student_id == Student.id,
                or_(Enrollment.reason_out.in_(("withdrawal", "graduation")), Enrollment.starts_on > last),
            ),
        )
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()


def _timetable_in_force(year: AcademicYear, class_ids: list[int]):
    """The weekly timetable of these classes in force on the year's last day (its latest pattern)."""
    last = year.ends_on
    return (
        select(TimetableEntry)
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .where(
            TeachingAssignment.year_id == year.id,
            TeachingAssignment.class_id.in_(class_ids),
            TimetableEntry.valid_from <= last,
            or_(TimetableEntry.valid_to.is_(None), TimetableEntry.valid_to >= last),
        )
    )


def preview(actor: Actor, year_id: int) -> RolloverPlan:
    """What the rollover of ``year_id`` would do, read only."""
    require_operator(actor)
    return _plan(school_year(actor, year_id))


def decisions_page(actor: Actor, year_id: int) -> RolloverPlan:
    """The secretary's list: the plan, read only, for those who read or make the decisions."""
    require(can_read_rollover_decisions(actor))
    return _plan(school_year(actor, year_id))


def decide(actor: Actor, year_id: int, choices: dict, *, now: dt.datetime) -> int:
    """Save the secretary's decisions, student id → promote / repeat / leave (empty: cleared), for students of the
    list; returns how many changed. Each change audited; all refused if one is wrong, and once the next year is made
    (the rollover has read the decisions by then). Flushes."""
    require(can_decide_rollover(actor), _("Решение о переводе принимает секретарь."))
    year = school_year(actor, year_id)
    plan = _plan(year)
    if plan.existing is not None:
        raise Conflict(_("Учебный год %(name)s уже создан: решения больше не меняются."), name=plan.existing.name)
    listed = {s.student.id: s for s in plan.doubtful}
    changed = 0
    for key, value in choices.items():
        step = listed.get(parse_int(key))
        if step is None:
            raise NotFound(_("Этого обучающегося нет в списке для решения секретаря."))
        decision = (value or "").strip()
        if decision and decision not in DECISIONS:
            raise InvalidInput(_("Выберите решение: перевод, повторное обучение или выбытие."))
        saved = step.decision
        if (saved.decision if saved else "") == decision:
            continue
        changed += 1
        old = {"student_id": step.student.id, "decision": saved.decision} if saved else None
        if not decision:
            db.session.delete(saved)
            AuditEvent.record(actor.user_id, "rollover.decision", "student", step.student.id, old=old)
            continue
        if saved is None:
            saved = RolloverDecision(year_id=year.id, student_id=step.student.id)
            db.session.add(saved)
        saved.decision, saved.decided_by_id, saved.decided_at = decision, actor.user_id, now
        new = {"student_id": step.student.id, "decision": decision, "year_id": year.id}
        AuditEvent.record(actor.user_id, "rollover.decision", "student", step.student.id, old=old, new=new)
    db.session.flush()
    return changed


def _require_decided(plan: RolloverPlan) -> None:
    if plan.undecided:
        raise InvalidInput(
            _("Секретарь ещё не решил, что будет с %(n)s обучающимися (например, %(name)s, %(class_name)s)."),
            n=len(plan.undecided),
            name=plan.undecided[0].student.short_name,
            class_name=plan.undecided[0].old_class.name,
        )


def rollover_job(actor: Actor, year_id: int) -> dict:
    """The parameters of a background job of kind "year_rollover" (tasks.py runs ``roll_over``), checked now so
    that a refusal is shown at once."""
    plan = preview(actor, year_id)
    if plan.existing is not None:
        raise Conflict(_("Учебный год %(name)s уже создан."), name=plan.existing.name)
    _require_decided(plan)
    return {"year_id": plan.year.id, "year": plan.name}


def roll_over(
    actor: Actor, year_id: int, *, now: dt.datetime, progress: Callable[[int, int], None] | None = None
) -> RolloverPlan:
    """Make the next year as ``preview`` shows it, class by class (``progress(done, total)`` after each). Refused
    while the secretary has a student to decide. Flushes; the caller commits (all or nothing)."""
    plan = preview(actor, year_id)
    if plan.existing is not None:
        return plan  # done before: a second run changes nothing
    _require_decided(plan)
    year = plan.year
    new_year = AcademicYear(school_id=year.school_id, name=plan.name, starts_on=plan.starts_on, ends_on=plan.ends_on)
    db.session.add(new_year)
    db.session.flush()
    for scheme, number, name, starts, ends in plan.periods:
        db.session.add(
            Period(year_id=new_year.id, scheme=scheme, number=number, name=name, starts_on=starts, ends_on=ends)
        )
    ensure_year_period(new_year)
    for item in db.session.scalars(select(CurriculumItem).where(CurriculumItem.year_id == year.id)):
        db.session.add(
            CurriculumItem(
                year_id=new_year.id,
                grade=item.grade,
                subject_id=item.subject_id,
                hours_per_week=item.hours_per_week,
                weeks=item.weeks,
            )
        )
    new_classes: dict[tuple[int, str], SchoolClass] = {}

    def new_class(grade: int, like: SchoolClass) -> SchoolClass:
        key = (grade, like.letter)
        if key not in new_classes:
            cls = SchoolClass(
                school_id=like.school_id,
                year_id=new_year.id,
                grade=grade,
                letter=like.letter,
                class_teacher_id=like.class_teacher_id if grade == like.grade + 1 else None,
                period_scheme=like.period_scheme,
                shift=like.shift,
                room=like.room,
            )
            db.session.add(cls)
            db.session.flush()
            new_classes[key] = cls
        return new_classes[key]

    by_class: dict[int, list[StudentStep]] = defaultdict(list)
    for step in plan.students:
        by_class[step.old_class.id].append(step)
    last_day = year.ends_on
    for done, (old, new_name) in enumerate(plan.classes, 1):
        subgroups = _carry_load(year, new_year, old, new_class(old.grade + 1, old)) if new_name else {}
        _move_class(old, by_class[old.id], last_day, plan.starts_on, new_class, subgroups)
        if progress is not None:
            progress(done, len(plan.classes))
    AuditEvent.record(
        actor.user_id,
        "year.rollover",
        "academic_year",
        new_year.id,
        new={
            "from_year_id": year.id,
            "classes": len(new_classes),
            "students": {a: n for a, n in plan.counts.items() if a != "decide"},
            "outside": [s.id for s in plan.outside],
        },
    )
    db.session.flush()
    plan.existing = new_year
    return plan


def _move_class(
    old: SchoolClass, steps: list[StudentStep], last_day: dt.date, first_day: dt.date, new_class, subgroups
):
    """The step of each student of ``old`` in the movement history: the stay ends on the last day, the next (if
    any) starts on the first; the promoted keep their subgroups. Flushed."""
    with db.session.no_autoflush:
        stays = {
            e.student_id: e
            for e in db.session.scalars(
                select(Enrollment).where(Enrollment.class_id == old.id, _open_at_the_end(last_day))
            )
        }
        members = defaultdict(list)
        for member in db.session.scalars(
            select(SubgroupMember).where(
                SubgroupMember.subgroup_id.in_(list(subgroups)), stay_on(SubgroupMember, last_day)
            )
        ):
            members[member.student_id].append(member)
        for step in steps:
            stay = stays[step.student.id]
            stay.ends_on = last_day
            stay.reason_out = {"graduate": "graduation", "leave": "withdrawal"}.get(step.action, "promotion")
            if step.new_grade is None:
                continue
            target = new_class(step.new_grade, step.old_class)
            db.session.add(
                Enrollment(student_id=step.student.id, class_id=target.id, starts_on=first_day, reason_in="promotion")
            )
            if step.action == "promote":
                for member in members[step.student.id]:
                    db.session.add(
                        SubgroupMember(
                            subgroup_id=subgroups[member.subgroup_id].id,
                            student_id=step.student.id,
                            starts_on=first_day,
                        )
                    )
    db.session.flush()


def _carry_load(year: AcademicYear, new_year: AcademicYear, old: SchoolClass, new: SchoolClass) -> dict[int, Subgroup]:
    """The teaching load of ``old`` as a draft of ``new``'s, its subgroups and its timetable in force with it;
    old subgroup id → new one."""
    subgroups: dict[int, Subgroup] = {}
    for group in db.session.scalars(select(Subgroup).where(Subgroup.class_id == old.id)):
        subgroups[group.id] = Subgroup(class_id=new.id, subject_id=group.subject_id, name=group.name)
        db.session.add(subgroups[group.id])
    db.session.flush()
    carried: dict[int, TeachingAssignment] = {}
    for a in db.session.scalars(
        select(TeachingAssignment).where(TeachingAssignment.year_id == year.id, TeachingAssignment.class_id == old.id)
    ):
        carried[a.id] = TeachingAssignment(
            year_id=new_year.id,
            class_id=new.id,
            subgroup_id=subgroups[a.subgroup_id].id if a.subgroup_id else None,
            subject_id=a.subject_id,
            teacher_id=a.teacher_id,
            hours_per_week=a.hours_per_week,
        )
        db.session.add(carried[a.id])
    db.session.flush()
    for entry in db.session.scalars(_timetable_in_force(year, [old.id])):
        db.session.add(
            TimetableEntry(
                assignment_id=carried[entry.assignment_id].id,
                weekday=entry.weekday,
                bell_id=entry.bell_id,
                room=entry.room,
                valid_from=new_year.starts_on,
            )
        )
    return subgroups
