"""Teaching load of a year (R10, R13): who teaches which subject to which class or subgroup, hours a week.

Key: class, subject, subgroup and teacher. Subjects come from the school's dictionary (an unknown
name is an error, so a typo never makes a new subject); a subgroup named in the row is created for
the class and subject when missing (its students are assigned later by the class teacher).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from models.base import db
from models.i18n import N_, _
from models.school.imports.common import (
    ERROR,
    NEW,
    SAME,
    Column,
    Context,
    Msg,
    RowReport,
    SourceRow,
    Table,
    class_key,
    mark_duplicates,
    norm_key,
    norm_text,
    parse_class_name,
    parse_decimal,
    parse_text,
    parsed_rows,
)
from models.school.teaching_load import class_hours, curriculum_hours, over_curriculum
from models.tables.classes import SchoolClass, Subgroup
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.people import Staff

KEY = "load"
ENTITY = "teaching_assignment"
TITLE = N_("Учебная нагрузка")
ROLES = frozenset({"operator"})

COLUMNS = [
    Column("class", N_("Класс"), required=True, example="5А"),
    Column("subject", N_("Предмет"), required=True, example=N_("Математика")),
    Column("subgroup", N_("Подгруппа"), aliases=("Группа",), example=""),
    Column(
        "teacher",
        N_("Учитель"),
        required=True,
        aliases=("Учитель табельный номер", "Табельный номер учителя", "Табельный номер"),
        example="0042",
    ),
    Column(
        "hours",
        N_("Часов в неделю"),
        required=True,
        aliases=("Часы", "Часов", "Кол во часов", "Часы в неделю"),
        example=Decimal("5"),
    ),
]
COL = {c.key: c for c in COLUMNS}


@dataclass
class Plan:
    new_subgroups: dict[tuple, dict] = field(default_factory=dict)
    new: list[tuple[object, dict]] = field(default_factory=list)  # (subgroup ref or None, columns)
    updates: list[tuple[TeachingAssignment, dict]] = field(default_factory=list)


def lookups(ctx: Context):
    """Classes of the year, subjects, staff by personnel number and subgroups of the year's classes."""
    classes = {
        class_key(c.grade, c.letter): c
        for c in db.session.scalars(select(SchoolClass).where(SchoolClass.year_id == ctx.year.id))
    }
    subjects: dict[str, Subject] = {}
    for subject in db.session.scalars(select(Subject).where(Subject.school_id == ctx.school_id)):
        subjects.setdefault(norm_text(subject.short_name), subject)
    for subject in db.session.scalars(select(Subject).where(Subject.school_id == ctx.school_id)):
        subjects[norm_text(subject.name)] = subject  # full names win over short ones
    staff = {
        norm_key(s.personnel_no): s
        for s in db.session.scalars(
            select(Staff).where(Staff.school_id == ctx.school_id, Staff.personnel_no.is_not(None))
        )
    }
    subgroups = {
        (g.class_id, g.subject_id, norm_text(g.name)): g
        for g in db.session.scalars(
            select(Subgroup)
            .join(SchoolClass, SchoolClass.id == Subgroup.class_id)
            .where(SchoolClass.year_id == ctx.year.id)
        )
    }
    return classes, subjects, staff, subgroups


def resolve(report: RowReport, ctx: Context, v: dict, classes, subjects, staff):
    school_class = subject = teacher = None
    if v["class"]:
        parsed = parse_class_name(v["class"])
        school_class = classes.get(class_key(*parsed)) if parsed else None
        if school_class is None:
            report.error(
                Msg(
                    _("Класс «%(name)s» не найден в %(year)s учебном году. Сначала загрузите классы."),
                    name=v["class"],
                    year=ctx.year.name,
                )
            )
    if v["subject"]:
        subject = subjects.get(norm_text(v["subject"]))
        if subject is None:
            report.error(Msg(_("Предмет «%(name)s» не найден в справочнике предметов школы."), name=v["subject"]))
    if v.get("teacher"):
        teacher = staff.get(norm_key(v["teacher"]))
        if teacher is None:
            report.error(
                Msg(_("Нет сотрудника с табельным номером %(no)s. Сначала загрузите сотрудников."), no=v["teacher"])
            )
    return school_class, subject, teacher


def _parsers(row: SourceRow) -> dict:
    """How each column of a row is read."""
    return {
        "class": lambda: parse_text(row, COL["class"], 10),
        "subject": lambda: parse_text(row, COL["subject"], 120),
        "subgroup": lambda: parse_text(row, COL["subgroup"], 40),
        "teacher": lambda: parse_text(row, COL["teacher"], 40),
        "hours": lambda: parse_decimal(row, COL["hours"], low_exclusive=Decimal(0), high=Decimal(20), places=1),
    }


def _adds_hours(pages: dict, adding: dict, report: RowReport, school_class, subject, page: tuple, hours) -> None:
    """A row that adds a page or changes its hours: counted for its class and subject, warned if they go over."""
    cs = (school_class.id, subject.id)
    pages.setdefault(cs, {})[page] = (page[0], hours)
    adding.setdefault(cs, (school_class, subject, []))[2].append(report)


def analyse(ctx: Context, table: Table) -> tuple[list[RowReport], Plan]:
    classes, subjects, staff, subgroups = lookups(ctx)
    existing = {
        (a.class_id, a.subject_id, a.subgroup_id, a.teacher_id): a
        for a in db.session.scalars(select(TeachingAssignment).where(TeachingAssignment.year_id == ctx.year.id))
    }

    plan = Plan()
    reports = []
    by_key: dict[tuple, list[RowReport]] = {}
    # the soft rule: a class's hours of a subject past the curriculum's are warned on the rows that add them
    pages: dict[tuple[int, int], dict[tuple, tuple[object, Decimal]]] = {}
    for (class_id, subject_id, subgroup_id, teacher_id), a in existing.items():
        pages.setdefault((class_id, subject_id), {})[(subgroup_id, teacher_id)] = (subgroup_id, a.hours_per_week)
    before = {cs: class_hours(list(p.values())) for cs, p in pages.items()}
    adding: dict[tuple[int, int], tuple[SchoolClass, Subject, list[RowReport]]] = {}
    for _row, report, v in parsed_rows(table, reports, _parsers):
        school_class, subject, teacher = resolve(report, ctx, v, classes, subjects, staff)
        report.label = " · ".join(
            x
            for x in (
                school_class.name if school_class else v["class"],
                subject.name if subject else v["subject"],
                v["subgroup"],
                teacher.short_name if teacher else v["teacher"],
            )
            if x
        )
        if report.status == ERROR:
            continue
        subgroup_ref: object = None
        if v["subgroup"]:
            group_key = (school_class.id, subject.id, norm_text(v["subgroup"]))
            subgroup = subgroups.get(group_key)
            if subgroup is not None:
                subgroup_ref = subgroup.id
            else:
                subgroup_ref = ("new",) + group_key
                if subgroup_ref not in plan.new_subgroups:
                    plan.new_subgroups[subgroup_ref] = {
                        "class_id": school_class.id,
                        "subject_id": subject.id,
                        "name": v["subgroup"],
                    }
                    report.change(
                        Msg(
                            _("Новая подгруппа «%(name)s» (%(class)s, %(subject)s)"),
                            name=v["subgroup"],
                            **{"class": school_class.name, "subject": subject.name},
                        )
                    )
        key = (school_class.id, subject.id, subgroup_ref, teacher.id)
        by_key.setdefault(key, []).append(report)
        assignment = existing.get(key)
        adds = (pages, adding, report, school_class, subject, (subgroup_ref, teacher.id), v["hours"])
        if assignment is None:
            _adds_hours(*adds)
            report.status = NEW
            plan.new.append(
                (
                    subgroup_ref,
                    {
                        "year_id": ctx.year.id,
                        "class_id": school_class.id,
                        "subject_id": subject.id,
                        "teacher_id": teacher.id,
                        "hours_per_week": v["hours"],
                    },
                )
            )
            continue
        report.status = SAME
        if ctx.tracker.propose(report, ENTITY, assignment, "hours_per_week", v["hours"], N_("Часов в неделю")):
            plan.updates.append((assignment, {"hours_per_week": v["hours"]}))
            _adds_hours(*adds)
    mark_duplicates(by_key, lambda k: _("Эта нагрузка (класс, предмет, подгруппа, учитель)"))
    plan_hours = curriculum_hours(ctx.year.id)
    for cs, (school_class, subject, rows) in adding.items():
        hours = plan_hours.get((school_class.grade, subject.id))
        after = class_hours(list(pages[cs].values()))
        if hours is not None and after > hours and after > before.get(cs, Decimal(0)):
            warning = over_curriculum(subject.name, school_class.name, hours, after)
            for report in rows:
                report.warn(Msg(warning.template, **warning.params))
    for report in reports:
        report.settle()
    return reports, plan


def apply(ctx: Context, plan: Plan) -> None:
    ctx.tracker.apply_updates(ctx.actor.user_id, KEY, ENTITY, plan.updates)
    new_groups = {ref: Subgroup(**values) for ref, values in plan.new_subgroups.items()}
    db.session.add_all(new_groups.values())
    db.session.flush()
    created = [
        TeachingAssignment(subgroup_id=(new_groups[ref].id if isinstance(ref, tuple) else ref), **values)
        for ref, values in plan.new
    ]
    db.session.add_all(created)
    db.session.flush()
    for assignment in created:
        ctx.tracker.note(ENTITY, assignment.id, {"hours_per_week": assignment.hours_per_week})
