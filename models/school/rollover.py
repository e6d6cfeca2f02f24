"""The new school year (issue 18 item 1): a preview the operator reads before anything changes, then the rollover
in one transaction (the caller commits; a failure rolls everything back).

What it does, from the current year to the next (same dates a year later):
- the next year and its periods (the current year's pattern, dates a year on); bells and subjects belong to the
  school and stay as they are;
- the curriculum copied; every class up a grade with the same letter, class teacher, shift and period scheme
  (5А → 6А), its teaching load copied as a draft (same subjects, teachers, hours) and its subgroups carried with
  their members;
- every student enrolled at the end of the year takes a step recorded in the movement history: promoted into the
  new class, graduated from the top grade (their year and final marks stay in the old year), or — for those with a
  year mark of 2 or н/а, listed in the preview — what the secretary decides: promoted, repeating the grade, or
  leaving;
- the old year's classes, marks and journal are untouched (only the stays in its classes end on its last day).

A second run finds the next year there and changes nothing.

Missing so far: the staff page with the preview and the decisions (only the operations exist), timetable entries
(the new timetable is made anew), the rollover of students who are in no class at the year's end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput
from models.i18n import N_, Text, _
from models.roster import stay_on
from models.school.settings import get_setting
from models.tables.classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from models.tables.curriculum import CurriculumItem, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.people import Student
from models.tables.school import AcademicYear, Period

from .organisation import ensure_year_period, require_operator, school_year

ACTIONS = {
    "promote": N_("переводится в %(class_name)s"),
    "graduate": N_("выпускается"),
    "repeat": N_("остаётся на повторное обучение в %(class_name)s"),
    "leave": N_("выбывает"),
    "decide": N_("решение секретаря: есть годовая «2» или «н/а»"),
}
DECISIONS = {
    "promote": N_("перевести в следующий класс"),
    "repeat": N_("оставить на повторное обучение"),
    "leave": N_("выбывает"),
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

    @property
    def new_class_name(self) -> str | None:
        return f"{self.new_grade}{self.old_class.letter}" if self.new_grade is not None else None


@dataclass
class RolloverPlan:
    year: AcademicYear
    name: str
    starts_on: dt.date
    ends_on: dt.date
    periods: list[tuple[str, int, str, dt.date, dt.date]]
    classes: list[tuple[SchoolClass, str | None]]  # old class, new name (None: graduates)
    students: list[StudentStep] = field(default_factory=list)
    curriculum: int = 0
    assignments: int = 0
    subgroups: int = 0
    existing: AcademicYear | None = None  # the next year is there already: nothing to do

    @property
    def undecided(self) -> list[StudentStep]:
        return [s for s in self.students if s.action == "decide"]

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
        return (
            Text(ACTIONS[step.action], class_name=step.new_class_name or "")
            if "%(class_name)s" in ACTIONS[step.action]
            else Text(ACTIONS[step.action])
        )


def _open_at_the_end(last_day: dt.date):
    """A stay running on the year's last day that nobody closed on it (a stay closed then was a movement)."""
    return stay_on(Enrollment, last_day) & or_(Enrollment.ends_on.is_(None), Enrollment.ends_on > last_day)


def top_grade(school_id: int) -> int:
    final = get_setting(school_id, "final_grades")
    return max(final) if final else TOP_GRADE


def preview(actor, year_id: int) -> RolloverPlan:
    """What the rollover of ``year_id`` would do, read only."""
    require_operator(actor)
    year = school_year(actor, year_id)
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
    failing = set(
        db.session.scalars(
            select(PeriodMark.student_id)
            .join(Period, Period.id == PeriodMark.period_id)
            .where(
                Period.year_id == year.id,
                PeriodMark.kind == "year",
                or_(PeriodMark.value == 2, PeriodMark.special == "н/а"),
            )
        )
    )
    stays = db.session.execute(
        select(Student, SchoolClass)
        .join(Enrollment, Enrollment.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(SchoolClass.year_id == year.id, _open_at_the_end(year.ends_on))
        .order_by(SchoolClass.grade, SchoolClass.letter, Student.last_name, Student.first_name, Student.id)
    ).all()
    for student, cls in stays:
        if student.id in failing:
            plan.students.append(StudentStep(student, cls, "decide"))
        elif cls.grade >= top:
            plan.students.append(StudentStep(student, cls, "graduate"))
        else:
            plan.students.append(StudentStep(student, cls, "promote", cls.grade + 1))
    carried = [c.id for c, new in plan.classes if new is not None]
    plan.curriculum = len(db.session.scalars(select(CurriculumItem.id).where(CurriculumItem.year_id == year.id)).all())
    plan.assignments = len(
        db.session.scalars(select(TeachingAssignment.id).where(TeachingAssignment.class_id.in_(carried))).all()
    )
    plan.subgroups = len(db.session.scalars(select(Subgroup.id).where(Subgroup.class_id.in_(carried))).all())
    return plan


def roll_over(actor, year_id: int, decisions: dict[int, str] | None = None, *, now: dt.datetime) -> RolloverPlan:
    """Make the next year as ``preview`` shows it. ``decisions``: student id → promote / repeat / leave for every
    student the preview lists for the secretary. Flushes; the caller commits (all or nothing)."""
    plan = preview(actor, year_id)
    if plan.existing is not None:
        return plan  # done before: a second run changes nothing
    decisions = decisions or {}
    for step in plan.students:
        if step.action == "decide":
            chosen = decisions.get(step.student.id)
            if chosen not in DECISIONS:
                raise InvalidInput(
                    _("Решите, что будет с %(name)s (%(class_name)s): перевод, повторное обучение или выбытие."),
                    name=step.student.short_name,
                    class_name=step.old_class.name,
                )
            step.action = chosen
            step.new_grade = {"promote": step.old_class.grade + 1, "repeat": step.old_class.grade}.get(chosen)
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
            new_classes[key] = cls
        return new_classes[key]

    carried = {old.id: new_class(old.grade + 1, old) for old, new_name in plan.classes if new_name is not None}
    db.session.flush()
    subgroups = _carry_load(year, new_year, carried)
    last_day = year.ends_on
    for step in plan.students:
        stay = db.session.scalar(
            select(Enrollment).where(
                Enrollment.student_id == step.student.id,
                Enrollment.class_id == step.old_class.id,
                _open_at_the_end(last_day),
            )
        )
        stay.ends_on = last_day
        stay.reason_out = {"graduate": "graduation", "leave": "withdrawal"}.get(step.action, "promotion")
        if step.new_grade is None:
            continue
        target = new_class(step.new_grade, step.old_class)
        db.session.flush()
        db.session.add(
            Enrollment(student_id=step.student.id, class_id=target.id, starts_on=plan.starts_on, reason_in="promotion")
        )
        if step.action == "promote":
            _carry_memberships(step.student.id, subgroups, last_day, plan.starts_on)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "year.rollover",
        "academic_year",
        new_year.id,
        new={
            "from_year_id": year.id,
            "classes": len(new_classes),
            "students": {
                a: sum(s.action == a for s in plan.students) for a in ("promote", "graduate", "repeat", "leave")
            },
        },
    )
    plan.existing = new_year
    return plan


def _carry_load(year: AcademicYear, new_year: AcademicYear, carried: dict[int, SchoolClass]) -> dict[int, Subgroup]:
    """The teaching load of the carried classes as a draft, their subgroups with it; old subgroup id → new one."""
    subgroups: dict[int, Subgroup] = {}
    for old in db.session.scalars(select(Subgroup).where(Subgroup.class_id.in_(list(carried)))):
        subgroups[old.id] = Subgroup(class_id=carried[old.class_id].id, subject_id=old.subject_id, name=old.name)
        db.session.add(subgroups[old.id])
    db.session.flush()
    for a in db.session.scalars(
        select(TeachingAssignment).where(
            TeachingAssignment.year_id == year.id, TeachingAssignment.class_id.in_(list(carried))
        )
    ):
        db.session.add(
            TeachingAssignment(
                year_id=new_year.id,
                class_id=carried[a.class_id].id,
                subgroup_id=subgroups[a.subgroup_id].id if a.subgroup_id else None,
                subject_id=a.subject_id,
                teacher_id=a.teacher_id,
                hours_per_week=a.hours_per_week,
            )
        )
    return subgroups


def _carry_memberships(student_id: int, subgroups: dict[int, Subgroup], last_day: dt.date, first_day: dt.date):
    for member in db.session.scalars(
        select(SubgroupMember).where(
            SubgroupMember.student_id == student_id,
            SubgroupMember.subgroup_id.in_(list(subgroups)),
            stay_on(SubgroupMember, last_day),
        )
    ):
        db.session.add(
            SubgroupMember(subgroup_id=subgroups[member.subgroup_id].id, student_id=student_id, starts_on=first_day)
        )
