"""Students with their guardians, admitted to the classes of a year (R9, R13).

Key: the personal file number (номер личного дела) within the school. A new student is admitted
to the class named in the row (an Enrollment with reason "admission" from the admission date, by
default the first day of the year); a student already in that class stays as is; a student in
another class is refused (a transfer is an action in the movement screen, with its order number).
Guardians come from the same row (Мать…, Отец…, Родитель 1…, Родитель 2…): matched by full name
among the student's own guardians, else by full name and phone among the school's guardians (so
siblings share their parents), else created; the link student–guardian is created or its relation
updated. Empty optional cells keep what the database has: an import adds and corrects, never erases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import insert, select

from models.base import db
from models.errors import InvalidInput
from models.i18n import N_, _
from models.identifiers import parse_iin
from models.school.imports.common import (
    ERROR,
    NEW,
    SAME,
    CellError,
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
    parse_choice,
    parse_class_name,
    parse_date,
    parse_email,
    parse_identifier,
    parse_phone,
    parse_text,
    parsed_rows,
    phone_digits,
    show,
    split_full_name,
)
from models.school.imports.tracking import FIELD_NORMS
from models.school.people_records import IIN_TAKEN
from models.tables.classes import Enrollment, SchoolClass
from models.tables.people import Guardian, Student, StudentGuardian, check_birth_date

KEY = "students"
STUDENT, ENROLLMENT, GUARDIAN, LINK = "student", "enrollment", "guardian", "student_guardian"
TITLE = N_("Обучающиеся и родители")
ROLES = frozenset({"operator", "secretary"})

SEX = {
    "м": "m",
    "муж": "m",
    "мужской": "m",
    "m": "m",
    "male": "m",
    "ер": "m",
    "ж": "f",
    "жен": "f",
    "женский": "f",
    "f": "f",
    "female": "f",
    "әйел": "f",
}
MEDICAL = {
    "основная": "main",
    "осн": "main",
    "подготовительная": "preparatory",
    "подг": "preparatory",
    "специальная": "special",
    "спец": "special",
    "освобожден": "exempt",
    "освобождён": "exempt",  # as the catalogues name it: "босатылған", "exempt"
    "освобождена": "exempt",
    "освобождение": "exempt",
    "main": "main",
    "preparatory": "preparatory",
    "special": "special",
    "exempt": "exempt",
}
RELATION = {
    "мать": "mother",
    "мама": "mother",
    "отец": "father",
    "папа": "father",
    "опекун": "guardian",
    "попечитель": "guardian",
    "опекун попечитель": "guardian",
    "бабушка": "grandparent",
    "дедушка": "grandparent",
    "другое": "other",
    "другой": "other",
    "представитель": "other",
    "законный представитель": "other",
    "mother": "mother",
    "father": "father",
    "guardian": "guardian",
    "grandparent": "grandparent",
    "other": "other",
}

COLUMNS = [
    Column("last_name", N_("Фамилия"), required=True, example=N_("Иванов")),
    Column("first_name", N_("Имя"), required=True, example=N_("Иван")),
    Column("middle_name", N_("Отчество"), example=N_("Петрович")),
    Column(
        "birth_date", N_("Дата рождения"), required=True, aliases=("Дата рожд", "Д р"), example=dt.date(2015, 3, 14)
    ),
    Column("sex", N_("Пол"), required=True, example=N_("М")),
    Column(
        "file_no",
        N_("Номер личного дела"),
        required=True,
        aliases=("№ личного дела", "Личное дело", "Номер ЛД", "№ ЛД"),
        example=N_("ЛД-2026-001"),
    ),
    Column("iin", N_("ИИН"), aliases=("ЖСН", "IIN"), example="", in_template=False),  # Kazakhstan
    Column("class", N_("Класс"), required=True, example="5А"),
    Column("admitted_on", N_("Дата зачисления"), example=dt.date(2026, 9, 1)),
    Column("order_in", N_("Номер приказа"), aliases=("Приказ", "№ приказа", "Приказ о зачислении"), example=N_("12-у")),
    Column(
        "medical_group",
        N_("Медицинская группа"),
        aliases=("Мед группа", "Группа здоровья", "Физкультурная группа"),
        example=N_("основная"),
    ),
    Column("address", N_("Адрес"), aliases=("Адрес проживания",), example=""),
]


@dataclass(frozen=True)
class Slot:
    prefix: str  # "Мать"
    relation: str | None  # fixed relation, or None: taken from the "кем приходится" column


SLOTS = [Slot("Мать", "mother"), Slot("Отец", "father"), Slot("Родитель 1", None), Slot("Родитель 2", None)]
# Each slot's columns as the template names them (marked one by one so that every language names them too).
_TITLES = {
    "Мать": (N_("Мать ФИО"), None, N_("Мать телефон"), N_("Мать email")),
    "Отец": (N_("Отец ФИО"), None, N_("Отец телефон"), N_("Отец email")),
    "Родитель 1": (
        N_("Родитель 1 ФИО"),
        N_("Родитель 1 кем приходится"),
        N_("Родитель 1 телефон"),
        N_("Родитель 1 email"),
    ),
    "Родитель 2": (
        N_("Родитель 2 ФИО"),
        N_("Родитель 2 кем приходится"),
        N_("Родитель 2 телефон"),
        N_("Родитель 2 email"),
    ),
}
_EXAMPLES = {
    "Мать": (N_("Иванова Мария Сергеевна"), "8 (900) 123-45-67", "ivanova@example.ru"),
    "Отец": (N_("Иванов Пётр Николаевич"), "8 (900) 765-43-21", ""),
    "Родитель 1": (N_("Петрова Анна Ивановна"), "8 (900) 222-33-44", ""),
}
for _slot in SLOTS:
    _p = _slot.prefix
    _name, _relation, _phone, _email = _TITLES[_p]
    _ex = _EXAMPLES.get(_p, ("", "", ""))
    _shown = _p in _EXAMPLES
    COLUMNS.append(Column(f"{_p}:name", _name, aliases=(f"{_p}",), example=_ex[0], in_template=_shown))
    if _relation is not None:
        COLUMNS.append(
            Column(
                f"{_p}:relation",
                _relation,
                aliases=(f"{_p} степень родства", f"{_p} родство"),
                example=N_("бабушка") if _shown else "",
                in_template=_shown,
            )
        )
    COLUMNS.append(Column(f"{_p}:phone", _phone, aliases=(f"{_p} тел",), example=_ex[1], in_template=_shown))
    COLUMNS.append(
        Column(
            f"{_p}:email",
            _email,
            aliases=(f"{_p} e mail", f"{_p} эл почта", f"{_p} электронная почта"),
            example=_ex[2],
            in_template=_shown,
        )
    )
    COLUMNS.append(Column(f"{_p}:iin", f"{_p} ИИН", aliases=(f"{_p} ЖСН", f"{_p} IIN"), example="", in_template=False))
COL = {c.key: c for c in COLUMNS}
STUDENT_LABELS = {
    "last_name": N_("Фамилия"),
    "first_name": N_("Имя"),
    "middle_name": N_("Отчество"),
    "birth_date": N_("Дата рождения"),
    "sex": N_("Пол"),
    "medical_group": N_("Медицинская группа"),
    "address": N_("Адрес"),
    "iin": N_("ИИН"),
}
ENROLLMENT_LABELS = {"starts_on": N_("Дата зачисления"), "order_in": N_("Номер приказа")}
GUARDIAN_LABELS = {"phone": N_("Телефон родителя"), "email": N_("Email родителя"), "iin": N_("ИИН родителя")}
FIELD_NORMS[(GUARDIAN, "phone")] = lambda value: phone_digits(value) or None
FIELD_NORMS[(GUARDIAN, "email")] = lambda value: value.lower() if value else None
RELATION_LABELS = {
    "mother": N_("мать"),
    "father": N_("отец"),
    "guardian": N_("опекун"),
    "grandparent": N_("бабушка/дедушка"),
    "other": N_("представитель"),
}


@dataclass
class Plan:
    new_students: dict[str, dict] = field(default_factory=dict)  # file key → Student columns
    student_updates: list[tuple[Student, dict]] = field(default_factory=list)
    new_enrollments: list[tuple[object, dict]] = field(default_factory=list)  # (student ref, columns)
    enrollment_updates: list[tuple[Enrollment, dict]] = field(default_factory=list)
    new_guardians: dict[str, dict] = field(default_factory=dict)  # guardian ref → Guardian columns
    guardian_updates: dict[int, tuple[Guardian, dict]] = field(default_factory=dict)
    new_links: list[tuple[object, object, str]] = field(default_factory=list)  # (student ref, guardian ref, relation)
    link_updates: list[tuple[StudentGuardian, dict]] = field(default_factory=list)


def _parsers(row: SourceRow) -> dict:
    """How each column of a row is read."""
    return {
        "last_name": lambda: parse_text(row, COL["last_name"], 80),
        "first_name": lambda: parse_text(row, COL["first_name"], 80),
        "middle_name": lambda: parse_text(row, COL["middle_name"], 80),
        "birth_date": lambda: parse_date(row, COL["birth_date"]),
        "sex": lambda: parse_choice(row, COL["sex"], SEX, _("М, Ж")),
        "file_no": lambda: parse_text(row, COL["file_no"], 40),
        "iin": lambda: parse_identifier(row, COL["iin"], parse_iin),
        "class": lambda: parse_text(row, COL["class"], 10),
        "admitted_on": lambda: parse_date(row, COL["admitted_on"]),
        "order_in": lambda: parse_text(row, COL["order_in"], 40),
        "medical_group": lambda: parse_choice(
            row, COL["medical_group"], MEDICAL, _("основная, подготовительная, специальная, освобождён")
        ),
        "address": lambda: parse_text(row, COL["address"], 255),
    }


def analyse(ctx: Context, table: Table) -> tuple[list[RowReport], Plan]:
    year = ctx.year
    classes = {
        class_key(c.grade, c.letter): c
        for c in db.session.scalars(select(SchoolClass).where(SchoolClass.year_id == year.id))
    }
    students = {
        norm_key(s.personal_file_no): s
        for s in db.session.scalars(select(Student).where(Student.school_id == ctx.school_id))
    }
    enrollments: dict[int, list[Enrollment]] = {}
    for enrollment in db.session.scalars(
        select(Enrollment).join(Student, Student.id == Enrollment.student_id).where(Student.school_id == ctx.school_id)
    ):
        enrollments.setdefault(enrollment.student_id, []).append(enrollment)
    class_names_all = {
        cid: f"{grade}{letter}"
        for cid, grade, letter in db.session.execute(
            select(SchoolClass.id, SchoolClass.grade, SchoolClass.letter).where(SchoolClass.school_id == ctx.school_id)
        )
    }
    guardians = {g.id: g for g in db.session.scalars(select(Guardian).where(Guardian.school_id == ctx.school_id))}
    links: dict[int, list[StudentGuardian]] = {}
    for link in db.session.scalars(
        select(StudentGuardian)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(Student.school_id == ctx.school_id)
    ):
        links.setdefault(link.student_id, []).append(link)
    # ИИН → (guardian ref, full name): the number names its person, in the school and in the file.
    guardian_iin = {g.iin: (g.id, norm_text(g.full_name)) for g in guardians.values() if g.iin}
    by_name_phone: dict[tuple[str, str], object] = {}
    for g in sorted(guardians.values(), key=lambda g: g.id, reverse=True):  # the oldest record wins
        if phone_digits(g.phone):
            by_name_phone[(norm_text(g.full_name), phone_digits(g.phone))] = g.id

    plan = Plan()
    reports: list[RowReport] = []
    by_file_no: dict[str, list[RowReport]] = {}
    by_iin: dict[str, list[RowReport]] = {}
    iin_of = {s.iin: key for key, s in students.items() if s.iin}  # ИИН → the file number of its student
    guardian_seen: dict[object, tuple[int, str | None, str | None]] = {}  # ref → (line, phone, email) set

    for row, report, v in parsed_rows(table, reports, _parsers):
        name = " ".join(p for p in (v["last_name"], v["first_name"], v["middle_name"]) if p)
        report.label = name
        if v["birth_date"]:
            try:
                check_birth_date(v["birth_date"], ctx.today)
            except InvalidInput as exc:
                report.error(Msg(_("«Дата рождения»: %(problem)s"), problem=Msg(exc.template, **exc.params)))
        school_class = None
        if v["class"]:
            parsed = parse_class_name(v["class"])
            school_class = classes.get(class_key(*parsed)) if parsed else None
            if school_class is None:
                report.error(
                    Msg(
                        _("Класс «%(name)s» не найден в %(year)s учебном году. Сначала загрузите классы."),
                        name=v["class"],
                        year=year.name,
                    )
                )
            else:
                report.label = f"{name}, {school_class.name}"
        admitted_on = v["admitted_on"] or year.starts_on
        if v["admitted_on"] and not (year.starts_on <= admitted_on <= year.ends_on):
            report.error(
                Msg(
                    _(
                        "«Дата зачисления» %(date)s вне учебного года %(year)s (%(start)s–%(end)s). Оставьте "
                        "ячейку пустой, чтобы зачислить с начала года."
                    ),
                    date=show(admitted_on),
                    year=year.name,
                    start=show(year.starts_on),
                    end=show(year.ends_on),
                )
            )
        if v["file_no"]:
            by_file_no.setdefault(norm_key(v["file_no"]), []).append(report)
        if v["iin"]:
            by_iin.setdefault(v["iin"], []).append(report)
            if iin_of.get(v["iin"], norm_key(v["file_no"])) != norm_key(v["file_no"]):
                report.error(Msg(_("Обучающийся с ИИН %(iin)s уже есть в школе."), iin=v["iin"]))

        slots = _parse_slots(row, report)
        if report.status == ERROR:
            continue

        key = norm_key(v["file_no"])
        student = students.get(key)
        columns = {
            "last_name": v["last_name"],
            "first_name": v["first_name"],
            "middle_name": v["middle_name"],
            "birth_date": v["birth_date"],
            "sex": v["sex"],
            "medical_group": v["medical_group"],
            "address": v["address"],
            "iin": v["iin"],
        }
        student_ref: object
        if student is None:
            report.status = NEW
            student_ref = ("new", key)
            plan.new_students[key] = {
                **columns,
                "medical_group": columns["medical_group"] or "main",
                "personal_file_no": v["file_no"],
                "school_id": ctx.school_id,
            }
            plan.new_enrollments.append(
                (
                    student_ref,
                    {
                        "class_id": school_class.id,
                        "starts_on": admitted_on,
                        "reason_in": "admission",
                        "order_in": v["order_in"],
                    },
                )
            )
        else:
            report.status = SAME
            student_ref = student.id
            changed = ctx.tracker.diff(report, STUDENT, student, columns, STUDENT_LABELS)
            if changed:
                plan.student_updates.append((student, changed))
            _plan_enrollment(
                ctx,
                plan,
                report,
                student,
                enrollments.get(student.id, []),
                school_class,
                v,
                admitted_on,
                class_names_all,
            )
        own_links = links.get(student.id, []) if student is not None else []
        _plan_guardians(
            ctx, plan, report, student_ref, own_links, guardians, (by_name_phone, guardian_iin), guardian_seen, slots
        )

    mark_duplicates(by_file_no, lambda k: Msg("«%(column)s» %(value)s", column=COL["file_no"].label, value=k))
    mark_duplicates(by_iin, lambda k: Msg("«%(column)s» %(value)s", column=COL["iin"].label, value=k))
    for report in reports:
        report.settle()
    return reports, plan


def _plan_enrollment(ctx, plan, report, student, stays, school_class, v, admitted_on, class_names) -> None:
    current = [e for e in stays if e.ends_on is None]
    here = [e for e in current if e.class_id == school_class.id]
    if here:
        enrollment = here[0]
        changed = ctx.tracker.diff(
            report,
            ENROLLMENT,
            enrollment,
            {"starts_on": v["admitted_on"], "order_in": v["order_in"]},
            ENROLLMENT_LABELS,
        )
        if changed:
            plan.enrollment_updates.append((enrollment, changed))
        return
    if current:
        report.error(
            Msg(
                _(
                    "Обучающийся уже числится в классе %(name)s. Перевод в другой класс оформляется в разделе "
                    "движения обучающихся."
                ),
                name=class_names.get(current[0].class_id, "?"),
            )
        )
        return
    last_end = max((e.ends_on for e in stays), default=None)
    if last_end is not None and admitted_on <= last_end:
        report.error(
            Msg(
                _("Дата зачисления %(date)s не позже даты выбытия %(end)s."), date=show(admitted_on), end=show(last_end)
            )
        )
        return
    plan.new_enrollments.append(
        (
            student.id,
            {
                "class_id": school_class.id,
                "starts_on": admitted_on,
                "reason_in": "admission",
                "order_in": v["order_in"],
            },
        )
    )
    report.change(Msg(_("Зачисление в %(name)s с %(date)s"), name=school_class.name, date=show(admitted_on)))


@dataclass
class _SlotValue:
    slot: Slot
    name: tuple[str, str, str | None]
    relation: str | None  # None: not given (a new link then says "other", an existing one is kept)
    phone: str | None
    email: str | None
    iin: str | None = None


def _parse_slots(row: SourceRow, report: RowReport) -> list[_SlotValue]:
    values = []
    for slot in SLOTS:
        p = slot.prefix
        keys = [f"{p}:name", f"{p}:phone", f"{p}:email", f"{p}:relation", f"{p}:iin"]
        if not any(row.has(k) for k in keys if k in COL):
            continue
        try:
            name = split_full_name(row, COL[f"{p}:name"])
            phone = parse_phone(row, COL[f"{p}:phone"])
            email = parse_email(row, COL[f"{p}:email"])
            iin = parse_identifier(row, COL[f"{p}:iin"], parse_iin)
            relation = slot.relation or parse_choice(
                row, COL[f"{p}:relation"], RELATION, _("мать, отец, опекун, бабушка, дедушка, другое")
            )
        except CellError as exc:
            report.error(exc.msg)
            continue
        if name is None:
            report.error(
                Msg(_("«%(column)s»: не заполнено, а телефон или email указаны."), column=COL[f"{p}:name"].label)
            )
            continue
        values.append(_SlotValue(slot, name, relation, phone, email, iin))
    return values


def _plan_guardians(
    ctx, plan, report, student_ref, own_links, guardians, lookups, guardian_seen, slots: list[_SlotValue]
) -> None:
    by_name_phone, guardian_iin = lookups
    linked = {link.guardian_id: link for link in own_links}
    own_by_name = {}
    for link in own_links:
        guardian = guardians.get(link.guardian_id)
        if guardian is not None:
            own_by_name.setdefault(norm_text(guardian.full_name), guardian)
    used_in_row: set[object] = set()
    for value in slots:
        full = " ".join(p for p in value.name if p)
        digits = phone_digits(value.phone)
        guardian = own_by_name.get(norm_text(full))
        ref: object
        named = guardian_iin.get(value.iin) if value.iin else None
        if named is not None and named[1] != norm_text(full):
            report.error(Msg(IIN_TAKEN[Guardian], iin=value.iin))
            continue
        if named is not None:  # the number names the person, whatever the phone
            ref = named[0]
            guardian = guardians.get(ref) if isinstance(ref, int) else None
        elif guardian is not None:
            ref = guardian.id
        elif digits and (norm_text(full), digits) in by_name_phone:
            ref = by_name_phone[(norm_text(full), digits)]
            guardian = guardians.get(ref) if isinstance(ref, int) else None
        else:
            ref = ("new", report.line, value.slot.prefix) if not digits else ("new", norm_text(full), digits)
            if digits:
                by_name_phone[(norm_text(full), digits)] = ref
            if ref not in plan.new_guardians:
                plan.new_guardians[ref] = {
                    "school_id": ctx.school_id,
                    "last_name": value.name[0],
                    "first_name": value.name[1],
                    "middle_name": value.name[2],
                    "phone": value.phone,
                    "email": value.email,
                    "iin": value.iin,
                }
                if report.status != NEW:
                    report.change(Msg(_("Новый родитель: %(name)s"), name=full))
        if value.iin and named is None:  # a new number: the next row naming it means this person
            guardian_iin[value.iin] = (ref, norm_text(full))
        if ref in used_in_row:
            report.error(Msg(_("%(name)s указан(а) в строке дважды."), name=full))
            continue
        used_in_row.add(ref)

        # One person, one set of contacts in one file: otherwise a second run would flip them back.
        seen = guardian_seen.get(ref)
        if seen is not None:
            line, phone, email = seen
            if (value.phone and phone and phone_digits(value.phone) != phone_digits(phone)) or (
                value.email and email and value.email.lower() != email.lower()
            ):
                report.error(
                    Msg(
                        _("%(name)s уже указан(а) в строке %(line)s с другим телефоном или email."),
                        name=full,
                        line=line,
                    )
                )
                continue
        guardian_seen[ref] = (
            report.line,
            value.phone or (seen[1] if seen else None),
            value.email or (seen[2] if seen else None),
        )

        if guardian is not None:
            updates = ctx.tracker.diff(
                report,
                GUARDIAN,
                guardian,
                {"phone": value.phone, "email": value.email, "iin": value.iin},
                GUARDIAN_LABELS,
            )
            if updates:
                plan.guardian_updates.setdefault(guardian.id, (guardian, {}))[1].update(updates)

        link = linked.get(ref) if isinstance(ref, int) else None
        if link is None:
            relation = value.relation or "other"
            plan.new_links.append((student_ref, ref, relation))
            if report.status != NEW:
                report.change(
                    Msg(
                        _("Связь с родителем: %(name)s (%(relation)s)"),
                        name=full,
                        relation=Msg(RELATION_LABELS[relation]),
                    )
                )
        elif value.relation and ctx.tracker.propose(
            report,
            LINK,
            link,
            "relation",
            value.relation,
            N_("Кем приходится"),
            key=_link_key(link),
            shown=(Msg(RELATION_LABELS.get(link.relation, link.relation)), Msg(RELATION_LABELS[value.relation])),
        ):
            plan.link_updates.append((link, {"relation": value.relation}))


def _link_key(link) -> str:
    return f"{link.student_id}-{link.guardian_id}"


def apply(ctx: Context, plan: Plan) -> None:
    tracker, user_id = ctx.tracker, ctx.actor.user_id
    tracker.apply_updates(user_id, KEY, STUDENT, plan.student_updates)
    tracker.apply_updates(user_id, KEY, ENROLLMENT, plan.enrollment_updates)
    tracker.apply_updates(user_id, KEY, GUARDIAN, plan.guardian_updates.values())
    tracker.apply_updates(user_id, KEY, LINK, plan.link_updates, key=_link_key, entity_id=lambda link: link.student_id)

    # Bulk INSERTs (with RETURNING for the new ids): thousands of rows in a few statements.
    student_keys = list(plan.new_students)
    student_ids = dict(zip(student_keys, _insert(Student, [plan.new_students[k] for k in student_keys])))
    guardian_refs = list(plan.new_guardians)
    guardian_ids = dict(zip(guardian_refs, _insert(Guardian, [plan.new_guardians[r] for r in guardian_refs])))

    def student_id(ref) -> int:
        return student_ids[ref[1]] if isinstance(ref, tuple) else ref

    def guardian_id(ref) -> int:
        return guardian_ids[ref] if isinstance(ref, tuple) else ref

    enrollments = [{"student_id": student_id(ref), **values} for ref, values in plan.new_enrollments]
    links = [
        {
            "student_id": student_id(s),
            "guardian_id": guardian_id(g),
            "relation": relation,
            "is_legal_representative": True,
        }
        for s, g, relation in plan.new_links
    ]
    _insert(StudentGuardian, links, returning=False)
    # The file's values of the new rows: the reference that tells the next import what was corrected by hand.
    for key, new_id in student_ids.items():
        tracker.note(STUDENT, new_id, {k: plan.new_students[key][k] for k in STUDENT_LABELS})
    for ref, new_id in guardian_ids.items():
        tracker.note(GUARDIAN, new_id, {k: plan.new_guardians[ref][k] for k in GUARDIAN_LABELS})
    for values, new_id in zip(enrollments, _insert(Enrollment, enrollments)):
        tracker.note(ENROLLMENT, new_id, {k: values[k] for k in ENROLLMENT_LABELS})
    for values in links:
        tracker.note(LINK, _link_key(SimpleNamespace(**values)), {"relation": values["relation"]})
    db.session.flush()


def _insert(model, rows: list[dict], *, returning: bool = True) -> list[int]:
    if not rows:
        return []
    statement = insert(model)
    if not returning:
        db.session.execute(statement, rows)
        return []
    result = db.session.execute(statement.returning(model.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]
