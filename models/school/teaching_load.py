"""The curriculum and the teaching load of a year (R10): hours per subject and grade, who teaches which
subject to which class or subgroup, and the load report (planned against given hours per teacher)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_manage_organisation
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NeedsConfirmation, NotFound
from models.i18n import N_, Text, _
from models.school.organisation import (
    HOURS_MESSAGE,
    _d,
    _sync_ids,
    parse_hours,
    require_operator,
    school_year,
)
from models.tables.classes import SchoolClass, Subgroup
from models.tables.curriculum import CurriculumItem, Subject, TeachingAssignment
from models.tables.people import Staff
from models.tables.school import AcademicYear


def hours_text(hours) -> str:
    """Hours a week as the school writes them: "5", "1,5"."""
    return f"{Decimal(hours).normalize():f}".replace(".", ",")


# --- the curriculum (учебный план) -----------------------------------------------------------------------
@dataclass
class CurriculumGrid:
    year: AcademicYear
    grades: list[int]
    subjects: list[Subject]
    hours: dict[tuple[int, int], Decimal]  # (grade, subject_id) → hours a week
    totals: dict[int, Decimal]  # grade → hours a week
    editable: bool

    def value(self, grade: int, subject_id: int) -> str:
        hours = self.hours.get((grade, subject_id))
        return "" if hours is None else hours_text(hours)


DEFAULT_GRADES = list(range(1, 12))


def curriculum_grid(actor: Actor, year_id: int) -> CurriculumGrid:
    """Grades (those with classes this year, or with curriculum rows; 1–11 when there are none) × the
    school's subjects, with weekly hours."""
    year = school_year(actor, year_id)
    items = db.session.scalars(select(CurriculumItem).where(CurriculumItem.year_id == year.id)).all()
    grades = set(db.session.scalars(select(SchoolClass.grade).where(SchoolClass.year_id == year.id).distinct()))
    grades |= {i.grade for i in items}
    subjects = db.session.scalars(
        select(Subject).where(Subject.school_id == actor.school_id).order_by(Subject.name)
    ).all()
    hours = {(i.grade, i.subject_id): i.hours_per_week for i in items}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (grade, _subject), h in hours.items():
        totals[grade] += h
    return CurriculumGrid(
        year=year,
        grades=sorted(grades) or DEFAULT_GRADES,
        subjects=list(subjects),
        hours=hours,
        totals=dict(totals),
        editable=can_manage_organisation(actor) and not year.is_archived,
    )


@dataclass
class CurriculumSaved:
    created: int = 0
    updated: int = 0
    deleted: int = 0


def save_curriculum(actor: Actor, year_id: int, values: dict[tuple[int, int], str]) -> CurriculumSaved:
    """Write the hours of the grid: empty or 0 removes a row. Every cell is checked first; one bad cell
    writes nothing (the message names the grade and the subject)."""
    require_operator(actor)
    year = school_year(actor, year_id)
    year.require_open()
    subjects = {s.id: s for s in db.session.scalars(select(Subject).where(Subject.school_id == actor.school_id))}
    parsed: dict[tuple[int, int], Decimal | None] = {}
    for (grade, subject_id), raw in values.items():
        if subject_id not in subjects or not 0 <= grade <= 12:
            raise InvalidInput(_("Неверные данные формы."))
        try:
            parsed[(grade, subject_id)] = parse_hours(raw)
        except InvalidInput:
            raise InvalidInput(
                _("%(grade)s класс, «%(subject)s»: часы в неделю — число от 0,5 до 20 с шагом 0,5."),
                grade=grade,
                subject=subjects[subject_id].name,
            ) from None
    existing = {
        (i.grade, i.subject_id): i
        for i in db.session.scalars(select(CurriculumItem).where(CurriculumItem.year_id == year.id))
    }
    result = CurriculumSaved()
    for key, hours in parsed.items():
        item = existing.get(key)
        if item is None and hours is not None:
            item = CurriculumItem(
                year_id=year.id, grade=key[0], subject_id=key[1], hours_per_week=hours, weeks=33 if key[0] == 1 else 34
            )
            db.session.add(item)
            db.session.flush()
            AuditEvent.record(
                actor.user_id,
                "curriculum.create",
                "curriculum_item",
                item.id,
                new={"grade": key[0], "subject_id": key[1], "hours": hours},
            )
            result.created += 1
        elif item is not None and hours is None:
            AuditEvent.record(
                actor.user_id,
                "curriculum.delete",
                "curriculum_item",
                item.id,
                old={"grade": key[0], "subject_id": key[1], "hours": item.hours_per_week},
            )
            db.session.delete(item)
            result.deleted += 1
        elif item is not None and Decimal(item.hours_per_week) != hours:
            AuditEvent.record(
                actor.user_id,
                "curriculum.update",
                "curriculum_item",
                item.id,
                old={"hours": item.hours_per_week},
                new={"hours": hours},
            )
            item.hours_per_week = hours
            result.updated += 1
    db.session.flush()
    return result


# --- teaching load ---------------------------------------------------------------------------------------
def validate_assignment(actor: Actor, assignment: TeachingAssignment, *, exclude_id: int | None = None) -> None:
    """A page of the journal: a class (and maybe a subgroup of it for the same subject), a subject and a
    teacher of the school, hours a week. The same teacher is not given the same page twice."""
    cls = (
        db.session.scalar(
            select(SchoolClass).where(SchoolClass.id == assignment.class_id, SchoolClass.school_id == actor.school_id)
        )
        if assignment.class_id
        else None
    )
    if cls is None:
        raise InvalidInput(_("Выберите класс."))
    year = db.session.get(AcademicYear, cls.year_id)
    year.require_open()
    assignment.year_id = cls.year_id
    subject = (
        db.session.scalar(
            select(Subject).where(Subject.id == assignment.subject_id, Subject.school_id == actor.school_id)
        )
        if assignment.subject_id
        else None
    )
    if subject is None:
        raise InvalidInput(_("Выберите предмет."))
    teacher = (
        db.session.scalar(select(Staff).where(Staff.id == assignment.teacher_id, Staff.school_id == actor.school_id))
        if assignment.teacher_id
        else None
    )
    if teacher is None:
        raise InvalidInput(_("Выберите учителя."))
    if teacher.left_on is not None and teacher.left_on < year.starts_on:
        raise InvalidInput(_("%(name)s уволен(а) %(date)s."), name=teacher.short_name, date=_d(teacher.left_on))
    if assignment.subgroup_id is not None:
        group = db.session.get(Subgroup, assignment.subgroup_id)
        if group is None or group.class_id != cls.id:
            raise InvalidInput(_("Подгруппа должна быть из класса %(cls)s."), cls=cls.name)
        if group.subject_id != subject.id:
            raise InvalidInput(_("Подгруппа «%(group)s» создана для другого предмета."), group=group.name)
    hours = assignment.hours_per_week
    if hours is None:
        raise InvalidInput(_("Укажите часы в неделю."))
    if parse_hours(str(hours)) is None:
        raise InvalidInput(HOURS_MESSAGE)
    same = select(TeachingAssignment.id).where(
        TeachingAssignment.class_id == cls.id,
        TeachingAssignment.subject_id == subject.id,
        TeachingAssignment.teacher_id == teacher.id,
        TeachingAssignment.subgroup_id.is_(None)
        if assignment.subgroup_id is None
        else TeachingAssignment.subgroup_id == assignment.subgroup_id,
    )
    if exclude_id is not None:
        same = same.where(TeachingAssignment.id != exclude_id)
    if db.session.scalar(same) is not None:
        raise Conflict(
            _("У %(teacher)s уже есть эта нагрузка: %(cls)s, %(subject)s."),
            teacher=teacher.short_name,
            cls=cls.name,
            subject=subject.name,
        )


def class_hours(pages: list[tuple[int | None, Decimal]]) -> Decimal:
    """Hours a week a class has in a subject from its pages (subgroup id or None, hours): the whole-class
    hours plus one subgroup's (subgroups work in parallel), as the load report counts them."""
    whole = sum((h for group, h in pages if group is None), Decimal(0))
    groups: dict[int, Decimal] = defaultdict(Decimal)
    for group, h in pages:
        if group is not None:
            groups[group] += h
    return whole + max(groups.values(), default=Decimal(0))


def curriculum_hours(year_id: int) -> dict[tuple[int, int], Decimal]:
    """(grade, subject id) → the curriculum's hours a week in a year."""
    rows = db.session.execute(
        select(CurriculumItem.grade, CurriculumItem.subject_id, CurriculumItem.hours_per_week).where(
            CurriculumItem.year_id == year_id
        )
    )
    return {(grade, subject_id): Decimal(hours) for grade, subject_id, hours in rows}


def curriculum_warnings(assignment: TeachingAssignment, *, is_new: bool) -> list[Text]:
    """The soft rule of the load (issue 17): a page that takes the class's hours of the subject past the
    curriculum's (and further than they were) needs confirming. Reads the stored pages, so it runs before the
    change is flushed."""
    cls = db.session.get(SchoolClass, assignment.class_id)
    plan = db.session.scalar(
        select(CurriculumItem.hours_per_week).where(
            CurriculumItem.year_id == cls.year_id,
            CurriculumItem.grade == cls.grade,
            CurriculumItem.subject_id == assignment.subject_id,
        )
    )
    if plan is None:
        return []
    stored = db.session.execute(
        select(TeachingAssignment.id, TeachingAssignment.subgroup_id, TeachingAssignment.hours_per_week).where(
            TeachingAssignment.class_id == cls.id, TeachingAssignment.subject_id == assignment.subject_id
        )
    ).all()
    before = [(group, Decimal(h)) for _id, group, h in stored]
    others = [(group, Decimal(h)) for id_, group, h in stored if is_new or id_ != assignment.id]
    after = class_hours([*others, (assignment.subgroup_id, Decimal(str(assignment.hours_per_week)))])
    if after <= Decimal(plan) or after <= class_hours(before):
        return []
    subject = db.session.get(Subject, assignment.subject_id)
    return [over_curriculum(subject.name, cls.name, plan, after)]


def over_curriculum(subject: str, class_name: str, plan: Decimal, after: Decimal) -> Text:
    """The warning of a load past the curriculum's hours (the load form and the load import)."""
    return Text(
        _("%(subject)s в %(school_class)s: по учебному плану %(hours)s ч в неделю, с этой нагрузкой будет %(n)s ч."),
        subject=subject,
        school_class=class_name,
        hours=hours_text(plan),
        n=hours_text(after),
    )


def save_assignment(
    actor: Actor, assignment: TeachingAssignment, *, is_new: bool, confirmed: bool = False
) -> TeachingAssignment:
    """Create or change a page of the load (validated); past the curriculum's hours only when ``confirmed``
    (``NeedsConfirmation`` otherwise, nothing written)."""
    require_operator(actor)
    _sync_ids(assignment, school_class="class_id", subgroup="subgroup_id", subject="subject_id", teacher="teacher_id")
    with db.session.no_autoflush:
        if not is_new:
            stored = db.session.execute(
                select(TeachingAssignment.class_id, TeachingAssignment.year_id).where(
                    TeachingAssignment.id == assignment.id
                )
            ).one_or_none()
            if (
                stored is None
                or db.session.scalar(select(SchoolClass.school_id).where(SchoolClass.id == stored.class_id))
                != actor.school_id
            ):
                raise NotFound(_("Нагрузка не найдена."))
            db.session.get(AcademicYear, stored.year_id).require_open()
        validate_assignment(actor, assignment, exclude_id=None if is_new else assignment.id)
        over = NeedsConfirmation.unless(confirmed, curriculum_warnings(assignment, is_new=is_new))
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "assignment.create" if is_new else "assignment.update",
        "teaching_assignment",
        assignment.id,
        new={
            "class_id": assignment.class_id,
            "subgroup_id": assignment.subgroup_id,
            "subject_id": assignment.subject_id,
            "teacher_id": assignment.teacher_id,
            "hours": assignment.hours_per_week,
        }
        | over,
    )
    return assignment


def assignment_label(a: TeachingAssignment, *, with_class: bool = False) -> Text:
    """ "Математика — Иванова И. И., 5 ч" (+ subgroup, + class): built from eager-loaded relations."""
    parts = [a.subject.name]
    if a.subgroup is not None:
        parts[0] += f" ({a.subgroup.name})"
    if with_class:
        parts.insert(0, a.school_class.name)
    return Text(
        _("%(what)s — %(teacher)s, %(hours)s ч"),
        what=", ".join(parts),
        teacher=a.teacher.short_name,
        hours=hours_text(a.hours_per_week),
    )


# --- teaching load against the curriculum ------------------------------------------------------------------
LOAD_STATUS_LABELS = {
    "ok": N_("совпадает"),
    "missing": N_("нет нагрузки"),
    "under": N_("меньше плана"),
    "over": N_("больше плана"),
    "extra": N_("нет в учебном плане"),
    "uneven": N_("подгруппы с разными часами"),
}


@dataclass
class LoadGroup:
    name: str
    hours: Decimal
    teachers: list[str]


@dataclass
class LoadLine:
    """One class and subject: curriculum hours vs hours given (whole class + each subgroup's share)."""

    school_class: SchoolClass
    subject: Subject
    curriculum_hours: Decimal | None
    whole_class_hours: Decimal
    groups: list[LoadGroup]
    teachers: list[str]
    status: str

    @property
    def assigned_hours(self) -> Decimal:
        """Hours the class has a week: the whole-class lessons plus one subgroup's (groups run in parallel)."""
        return class_hours([(None, self.whole_class_hours), *((i, g.hours) for i, g in enumerate(self.groups))])

    @property
    def mismatch(self) -> bool:
        return self.status != "ok"


@dataclass
class TeacherLoad:
    teacher: Staff
    hours: Decimal
    pages: int  # journal pages (assignments)
    classes: list[str]


@dataclass
class LoadReport:
    year: AcademicYear
    lines: list[LoadLine] = field(default_factory=list)
    teachers: list[TeacherLoad] = field(default_factory=list)

    @property
    def mismatches(self) -> int:
        return sum(1 for line in self.lines if line.mismatch)


def _status(curriculum: Decimal | None, whole: Decimal, groups: list[LoadGroup]) -> str:
    if len({g.hours for g in groups}) > 1:
        return "uneven"
    assigned = class_hours([(None, whole), *((i, g.hours) for i, g in enumerate(groups))])
    if curriculum is None:
        return "extra"
    if assigned == 0:
        return "missing"
    if assigned < curriculum:
        return "under"
    if assigned > curriculum:
        return "over"
    return "ok"


def load_report(actor: Actor, year_id: int) -> LoadReport:
    """Per class and subject: the curriculum's hours for the class's grade against the teaching load;
    per teacher: the total weekly load. A fixed number of queries, whatever the size of the school."""
    year = school_year(actor, year_id)
    classes = db.session.scalars(
        select(SchoolClass).where(SchoolClass.year_id == year.id).order_by(SchoolClass.grade, SchoolClass.letter)
    ).all()
    items = db.session.scalars(
        select(CurriculumItem).options(joinedload(CurriculumItem.subject)).where(CurriculumItem.year_id == year.id)
    ).all()
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .options(
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.teacher),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.school_class),
        )
        .where(TeachingAssignment.year_id == year.id)
    ).all()
    plan: dict[int, dict[int, Decimal]] = defaultdict(dict)
    subjects: dict[int, Subject] = {}
    for item in items:
        plan[item.grade][item.subject_id] = Decimal(item.hours_per_week)
        subjects[item.subject_id] = item.subject
    given: dict[tuple[int, int], list[TeachingAssignment]] = defaultdict(list)
    for a in assignments:
        given[(a.class_id, a.subject_id)].append(a)
        subjects[a.subject_id] = a.subject
    report = LoadReport(year=year)
    for cls in classes:
        subject_ids = set(plan.get(cls.grade, {})) | {s for (c, s) in given if c == cls.id}
        for subject_id in sorted(subject_ids, key=lambda s: subjects[s].name):
            pages = given.get((cls.id, subject_id), [])
            whole = sum((Decimal(a.hours_per_week) for a in pages if a.subgroup_id is None), Decimal(0))
            by_group: dict[int, LoadGroup] = {}
            for a in sorted((a for a in pages if a.subgroup_id is not None), key=lambda a: a.subgroup.name):
                group = by_group.setdefault(a.subgroup_id, LoadGroup(a.subgroup.name, Decimal(0), []))
                group.hours += Decimal(a.hours_per_week)
                group.teachers.append(a.teacher.short_name)
            groups = list(by_group.values())
            curriculum = plan.get(cls.grade, {}).get(subject_id)
            teachers = sorted({a.teacher.short_name for a in pages})
            report.lines.append(
                LoadLine(
                    cls, subjects[subject_id], curriculum, whole, groups, teachers, _status(curriculum, whole, groups)
                )
            )
    per_teacher: dict[int, TeacherLoad] = {}
    for a in sorted(assignments, key=lambda a: (a.school_class.grade, a.school_class.letter)):
        load = per_teacher.setdefault(a.teacher_id, TeacherLoad(a.teacher, Decimal(0), 0, []))
        load.hours += Decimal(a.hours_per_week)
        load.pages += 1
        if a.school_class.name not in load.classes:
            load.classes.append(a.school_class.name)
    report.teachers = sorted(per_teacher.values(), key=lambda t: (t.teacher.last_name, t.teacher.first_name))
    return report
