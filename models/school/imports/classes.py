"""Classes of an academic year (R8, R13). Key: the year, the grade and the letter ("5А")."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    parse_choice,
    parse_class_name,
    parse_text,
    parsed_rows,
)
from models.tables.classes import SchoolClass
from models.tables.people import Staff

KEY = "classes"
ENTITY = "school_class"
TITLE = N_("Классы")
ROLES = frozenset({"operator"})

SHIFTS = {"1": 1, "2": 2, "первая": 1, "вторая": 2, "1 смена": 1, "2 смена": 2, "i": 1, "ii": 2}
SCHEMES = {
    "четверти": "quarter",
    "четверть": "quarter",
    "по четвертям": "quarter",
    "quarter": "quarter",
    "триместры": "trimester",
    "триместр": "trimester",
    "по триместрам": "trimester",
    "trimester": "trimester",
    "полугодия": "half_year",
    "полугодие": "half_year",
    "по полугодиям": "half_year",
    "half year": "half_year",
    "half_year": "half_year",
    "тоқсан": "quarter",
    "жарты жылдық": "half_year",
}
SCHEME_LABELS = {"quarter": N_("четверти"), "trimester": N_("триместры"), "half_year": N_("полугодия")}

COLUMNS = [
    Column("class", N_("Класс"), required=True, example="5А"),
    Column(
        "teacher",
        N_("Классный руководитель"),
        aliases=("Классный руководитель табельный номер", "Кл руководитель", "Табельный номер классного руководителя"),
        example="0042",
    ),
    Column("shift", N_("Смена"), example=1),
    Column("room", N_("Кабинет"), aliases=("Каб",), example="21"),
    Column(
        "scheme",
        N_("Схема периодов"),
        aliases=("Периоды", "Аттестация", "Схема аттестации", "Четверти полугодия"),
        example=N_("четверти"),
    ),
]
COL = {c.key: c for c in COLUMNS}
LABELS = {
    "class_teacher_id": N_("Классный руководитель"),
    "shift": N_("Смена"),
    "room": N_("Кабинет"),
    "period_scheme": N_("Схема периодов"),
}


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)
    updates: list[tuple[SchoolClass, dict]] = field(default_factory=list)


def _parsers(row: SourceRow) -> dict:
    """How each column of a row is read."""
    return {
        "class": lambda: parse_text(row, COL["class"], 10),
        "teacher": lambda: parse_text(row, COL["teacher"], 40),
        "shift": lambda: parse_choice(row, COL["shift"], {k: str(x) for k, x in SHIFTS.items()}, "1, 2"),
        "room": lambda: parse_text(row, COL["room"], 20),
        "scheme": lambda: parse_choice(row, COL["scheme"], SCHEMES, _("четверти, триместры, полугодия")),
    }


def analyse(ctx: Context, table: Table) -> tuple[list[RowReport], Plan]:
    year = ctx.year
    existing = {
        class_key(c.grade, c.letter): c
        for c in db.session.scalars(select(SchoolClass).where(SchoolClass.year_id == year.id))
    }
    by_id = {s.id: s for s in db.session.scalars(select(Staff).where(Staff.school_id == ctx.school_id))}
    staff = {norm_key(s.personnel_no): s for s in by_id.values() if s.personnel_no}

    plan = Plan()
    reports = []
    by_key: dict[tuple, list[RowReport]] = {}
    for _row, report, v in parsed_rows(table, reports, _parsers):
        report.label = v["class"] or ""
        parsed = parse_class_name(v["class"]) if v["class"] else None
        if v["class"] and parsed is None:
            report.error(Msg(_("«Класс»: «%(value)s» — пишите номер и букву, например 5А."), value=v["class"]))
        elif parsed and not 0 <= parsed[0] <= 12:
            report.error(Msg(_("«Класс»: номер класса от 0 до 12, а не %(grade)s."), grade=parsed[0]))
        teacher = None
        if v["teacher"]:
            teacher = staff.get(norm_key(v["teacher"]))
            if teacher is None:
                report.error(
                    Msg(_("Нет сотрудника с табельным номером %(no)s. Сначала загрузите сотрудников."), no=v["teacher"])
                )
            else:
                report.label = f"{report.label}: {teacher.short_name}"
        if parsed:
            by_key.setdefault(class_key(*parsed), []).append(report)
        if report.status == ERROR:
            continue
        values = {
            "class_teacher_id": teacher.id if teacher else None,
            "shift": int(v["shift"]) if v["shift"] else None,
            "room": v["room"],
            "period_scheme": v["scheme"],
        }
        school_class = existing.get(class_key(*parsed))
        if school_class is None:
            report.status = NEW
            plan.new.append(
                {
                    "school_id": ctx.school_id,
                    "year_id": year.id,
                    "grade": parsed[0],
                    "letter": parsed[1],
                    **{k: x for k, x in values.items() if x is not None},
                }
            )
            continue
        report.status = SAME
        changed = {}
        for attr, new in values.items():
            old = getattr(school_class, attr)
            shown = None
            if attr == "class_teacher_id" and new is not None:
                shown = _name(by_id.get(old)), teacher.short_name
            elif attr == "period_scheme" and new is not None:
                shown = Msg(SCHEME_LABELS.get(old, old)), Msg(SCHEME_LABELS[new])
            if ctx.tracker.propose(report, ENTITY, school_class, attr, new, LABELS[attr], shown=shown):
                changed[attr] = new
        if changed:
            plan.updates.append((school_class, changed))
    mark_duplicates(by_key, lambda k: f"«{k[0]}{k[1]}»")
    for report in reports:
        report.settle()
    return reports, plan


def _name(staff_member: Staff | None) -> str | None:
    return staff_member.short_name if staff_member else None


def apply(ctx: Context, plan: Plan) -> None:
    ctx.tracker.apply_updates(ctx.actor.user_id, KEY, ENTITY, plan.updates)
    created = [SchoolClass(**values) for values in plan.new]
    db.session.add_all(created)
    db.session.flush()
    for school_class, values in zip(created, plan.new):
        ctx.tracker.note(ENTITY, school_class.id, {k: values.get(k) for k in LABELS})
