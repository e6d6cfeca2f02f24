"""Staff of the school (R9, R13). Key: the personnel number (табельный номер).

A person already entered by hand without a personnel number, whose full name matches exactly one
such record, is that record: the import gives them their number instead of a duplicate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from models.base import db
from models.i18n import N_, _
from models.identifiers import parse_iin
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
    field_change,
    mark_duplicates,
    norm_key,
    norm_text,
    parse_date,
    parse_email,
    parse_identifier,
    parse_phone,
    parse_text,
    parsed_rows,
)
from models.school.people_records import IIN_TAKEN
from models.tables.people import Staff

KEY = "staff"
ENTITY = "staff"
TITLE = N_("Сотрудники")
ROLES = frozenset({"operator"})

COLUMNS = [
    Column(
        "personnel_no",
        N_("Табельный номер"),
        required=True,
        aliases=("Таб номер", "Таб №", "Табельный №"),
        example="0042",
    ),
    Column("last_name", N_("Фамилия"), required=True, example=N_("Петрова")),
    Column("first_name", N_("Имя"), required=True, example=N_("Анна")),
    Column("middle_name", N_("Отчество"), example=N_("Сергеевна")),
    Column("position", N_("Должность"), required=True, example=N_("учитель математики")),
    Column("email", N_("Email"), aliases=("E mail", "Эл почта", "Электронная почта"), example="petrova@example.ru"),
    Column("phone", N_("Телефон"), aliases=("Тел",), example="8 (900) 111-22-33"),
    Column("hired_on", N_("Дата приёма"), aliases=("Дата приема на работу", "Принят"), example=dt.date(2020, 8, 25)),
    Column("iin", N_("ИИН"), aliases=("ЖСН", "IIN"), example="", in_template=False),  # Kazakhstan
]
COL = {c.key: c for c in COLUMNS}
LABELS = {
    "last_name": N_("Фамилия"),
    "first_name": N_("Имя"),
    "middle_name": N_("Отчество"),
    "position": N_("Должность"),
    "email": N_("Email"),
    "phone": N_("Телефон"),
    "hired_on": N_("Дата приёма"),
    "personnel_no": N_("Табельный номер"),
    "iin": N_("ИИН"),
}


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)
    updates: list[tuple[Staff, dict]] = field(default_factory=list)


def _parsers(row: SourceRow) -> dict:
    """How each column of a row is read."""
    return {
        "personnel_no": lambda: parse_text(row, COL["personnel_no"], 40),
        "last_name": lambda: parse_text(row, COL["last_name"], 80),
        "first_name": lambda: parse_text(row, COL["first_name"], 80),
        "middle_name": lambda: parse_text(row, COL["middle_name"], 80),
        "position": lambda: parse_text(row, COL["position"], 120),
        "email": lambda: parse_email(row, COL["email"]),
        "phone": lambda: parse_phone(row, COL["phone"]),
        "hired_on": lambda: parse_date(row, COL["hired_on"]),
        "iin": lambda: parse_identifier(row, COL["iin"], parse_iin),
    }


def analyse(ctx: Context, table: Table) -> tuple[list[RowReport], Plan]:
    everyone = list(db.session.scalars(select(Staff).where(Staff.school_id == ctx.school_id)))
    by_no = {norm_key(s.personnel_no): s for s in everyone if s.personnel_no}
    unnumbered: dict[str, list[Staff]] = {}
    for s in everyone:
        if not s.personnel_no:
            unnumbered.setdefault(norm_text(s.full_name), []).append(s)

    plan = Plan()
    reports = []
    by_key: dict[str, list[RowReport]] = {}
    by_iin: dict[str, list[RowReport]] = {}
    iin_of = {s.iin: s.id for s in everyone if s.iin}  # ИИН → the staff member who has it
    claimed: set[int] = set()
    for _row, report, v in parsed_rows(table, reports, _parsers):
        full_name = " ".join(p for p in (v["last_name"], v["first_name"], v["middle_name"]) if p)
        report.label = f"{v['personnel_no'] or '?'} — {full_name}"
        if v["personnel_no"]:
            by_key.setdefault(norm_key(v["personnel_no"]), []).append(report)
        if v["hired_on"] and not (dt.date(1950, 1, 1) <= v["hired_on"] <= ctx.today + dt.timedelta(days=366)):
            report.error(Msg(_("«Дата приёма»: %(date)s — такой даты быть не может."), date=v["hired_on"]))
        if v["iin"]:
            by_iin.setdefault(v["iin"], []).append(report)
            owner = iin_of.get(v["iin"])
            numbered = by_no.get(norm_key(v["personnel_no"]))
            same = {numbered.id} if numbered else {s.id for s in unnumbered.get(norm_text(full_name), [])}
            if owner is not None and owner not in same:
                report.error(Msg(IIN_TAKEN[Staff], iin=v["iin"]))
        if report.status == ERROR:
            continue
        values = {
            k: v[k] for k in ("last_name", "first_name", "middle_name", "position", "email", "phone", "hired_on", "iin")
        }
        person = by_no.get(norm_key(v["personnel_no"]))
        if person is None:
            namesakes = [s for s in unnumbered.get(norm_text(full_name), []) if s.id not in claimed]
            if len(namesakes) == 1:
                person = namesakes[0]
                claimed.add(person.id)
                report.status = SAME
                report.change(field_change(LABELS["personnel_no"], None, v["personnel_no"]))
                changed = ctx.tracker.diff(report, ENTITY, person, values, LABELS)
                ctx.tracker.note(ENTITY, person.id, {"personnel_no": v["personnel_no"]})
                plan.updates.append((person, {**changed, "personnel_no": v["personnel_no"]}))
                continue
            report.status = NEW
            plan.new.append(
                {
                    **{k: x for k, x in values.items() if x is not None},
                    "personnel_no": v["personnel_no"],
                    "school_id": ctx.school_id,
                }
            )
            continue
        report.status = SAME
        ctx.tracker.note(ENTITY, person.id, {"personnel_no": v["personnel_no"]})
        changed = ctx.tracker.diff(report, ENTITY, person, values, LABELS)
        if changed:
            plan.updates.append((person, changed))
    mark_duplicates(by_key, lambda k: Msg("«%(column)s» %(value)s", column=COL["personnel_no"].label, value=k))
    mark_duplicates(by_iin, lambda k: Msg("«%(column)s» %(value)s", column=COL["iin"].label, value=k))
    for report in reports:
        report.settle()
    return reports, plan


def apply(ctx: Context, plan: Plan) -> None:
    ctx.tracker.apply_updates(ctx.actor.user_id, KEY, ENTITY, plan.updates)
    created = [Staff(**values) for values in plan.new]
    db.session.add_all(created)
    db.session.flush()
    for person, values in zip(created, plan.new):
        ctx.tracker.note(ENTITY, person.id, {k: x for k, x in values.items() if k != "school_id"})
