"""The weekly timetable of a year (R12, R13). Key: teaching assignment, weekday, bell and the date the
lesson is valid from.

Each row names the class (and subgroup), the subject and, when several teachers share that
class and subject, the teacher's personnel number: that finds the teaching assignment, which
the load import must have created. The bell is the class's shift's bell with that number. Rows
that would put a class (or one of its subgroups and the whole class), a teacher or a room in two
places at the same time, against each other or against the lessons already in the timetable,
are refused. A new lesson past the hours a week of the curriculum or of the load is a warning on its row
(models/school/timetable_load.py): confirming the preview writes it, as the timetable screen's confirmation
does. Changing the timetable from a date onward is done in the timetable screen.
"""

from __future__ import annotations

import datetime as dt
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
    mark_duplicates,
    norm_text,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
    parsed_rows,
    show,
)
from models.school.imports.load import lookups, resolve
from models.school.teaching_load import curriculum_hours
from models.school.timetable_load import Span, warnings_over
from models.tables.curriculum import TeachingAssignment
from models.tables.school import Bell
from models.tables.timetable import TimetableEntry

KEY = "timetable"
ENTITY = "timetable_entry"
TITLE = N_("Расписание")
ROLES = frozenset({"operator"})

WEEKDAYS = {
    "пн": 1,
    "понедельник": 1,
    "вт": 2,
    "вторник": 2,
    "ср": 3,
    "среда": 3,
    "чт": 4,
    "четверг": 4,
    "пт": 5,
    "пятница": 5,
    "сб": 6,
    "суббота": 6,
    "вс": 7,
    "воскресенье": 7,
    "дс": 1,
    "дүйсенбі": 1,
    "сс": 2,
    "сейсенбі": 2,
    "сәрсенбі": 3,
    "бс": 4,
    "бейсенбі": 4,
    "жм": 5,
    "жұма": 5,
    "сенбі": 6,
    "жс": 7,
    "жексенбі": 7,
    "mon": 1,
    "monday": 1,
    "tue": 2,
    "tuesday": 2,
    "wed": 3,
    "wednesday": 3,
    "thu": 4,
    "thursday": 4,
    "fri": 5,
    "friday": 5,
    "sat": 6,
    "saturday": 6,
    "sun": 7,
    "sunday": 7,
    **{str(n): n for n in range(1, 8)},
}
DAY_SHORT = {1: "Пн", 2: "Вт", 3: "Ср", 4: "Чт", 5: "Пт", 6: "Сб", 7: "Вс"}

COLUMNS = [
    Column("class", N_("Класс"), required=True, example="5А"),
    Column("subgroup", N_("Подгруппа"), aliases=("Группа",), example=""),
    Column("subject", N_("Предмет"), required=True, example=N_("Математика")),
    Column(
        "teacher",
        N_("Учитель"),
        aliases=("Учитель табельный номер", "Табельный номер учителя", "Табельный номер"),
        example="0042",
    ),
    Column("weekday", N_("День недели"), required=True, aliases=("День",), example=N_("Пн")),
    Column("bell", N_("Урок №"), required=True, aliases=("Урок", "№ урока", "Номер урока", "Урок номер"), example=2),
    Column("room", N_("Кабинет"), aliases=("Каб",), example="21"),
    Column(
        "valid_from",
        N_("Действует с"),
        aliases=("Действует с даты", "С даты", "Дата начала"),
        example=dt.date(2026, 9, 1),
    ),
]
COL = {c.key: c for c in COLUMNS}


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)
    updates: list[tuple[TimetableEntry, dict]] = field(default_factory=list)


@dataclass
class _Lesson:
    """A lesson occupying a weekday and bell from a date: a row of the file or an entry in the database."""

    weekday: int
    bell_id: int
    class_id: int
    subgroup_id: int | None
    teacher_id: int
    room: str
    valid_from: dt.date
    valid_to: dt.date | None
    what: str  # "5А, Математика"
    where: Msg  # "строка 7" / "в расписании"
    entry_id: int | None = None

    def overlaps(self, other: _Lesson) -> bool:
        return (self.valid_to is None or self.valid_to >= other.valid_from) and (
            other.valid_to is None or other.valid_to >= self.valid_from
        )


def _parsers(row: SourceRow) -> dict:
    """How each column of a row is read."""
    return {
        "class": lambda: parse_text(row, COL["class"], 10),
        "subgroup": lambda: parse_text(row, COL["subgroup"], 40),
        "subject": lambda: parse_text(row, COL["subject"], 120),
        "teacher": lambda: parse_text(row, COL["teacher"], 40),
        "weekday": lambda: parse_choice(
            row, COL["weekday"], {k: str(x) for k, x in WEEKDAYS.items()}, _("Пн, Вт, Ср, Чт, Пт, Сб")
        ),
        "bell": lambda: parse_int(row, COL["bell"], 0, 12),
        "room": lambda: parse_text(row, COL["room"], 20),
        "valid_from": lambda: parse_date(row, COL["valid_from"]),
    }


def analyse(ctx: Context, table: Table) -> tuple[list[RowReport], Plan]:
    classes, subjects, staff, subgroups = lookups(ctx)
    class_names = {c.id: c.name for c in classes.values()}
    assignments = list(db.session.scalars(select(TeachingAssignment).where(TeachingAssignment.year_id == ctx.year.id)))
    by_class_subject: dict[tuple, list[TeachingAssignment]] = {}
    for a in assignments:
        by_class_subject.setdefault((a.class_id, a.subject_id, a.subgroup_id), []).append(a)
    assignment_by_id = {a.id: a for a in assignments}
    subject_names = {s.id: s.name for s in subjects.values()}
    bells = {(b.shift, b.number): b for b in db.session.scalars(select(Bell).where(Bell.school_id == ctx.school_id))}
    entries = (
        list(
            db.session.scalars(
                select(TimetableEntry).where(TimetableEntry.assignment_id.in_([a.id for a in assignments]))
            )
        )
        if assignments
        else []
    )
    existing = {(e.assignment_id, e.weekday, e.bell_id, e.valid_from): e for e in entries}
    # the soft rules (hours a week past the curriculum or the load): a warning on the row, written when confirmed
    plan_hours = curriculum_hours(ctx.year.id)
    spans: dict[tuple[int, int], list[Span]] = {}
    for e in entries:
        a = assignment_by_id[e.assignment_id]
        spans.setdefault((a.class_id, a.subject_id), []).append(
            Span(a.id, a.subgroup_id, e.valid_from, e.valid_to or ctx.year.ends_on)
        )

    occupied: dict[tuple[int, int], list[_Lesson]] = {}
    for e in entries:
        a = assignment_by_id[e.assignment_id]
        occupied.setdefault((e.weekday, e.bell_id), []).append(
            _Lesson(
                e.weekday,
                e.bell_id,
                a.class_id,
                a.subgroup_id,
                a.teacher_id,
                norm_text(e.room or ""),
                e.valid_from,
                e.valid_to,
                f"{class_names.get(a.class_id, '?')}, {subject_names.get(a.subject_id, '?')}",
                Msg(_("в расписании")),
                e.id,
            )
        )

    plan = Plan()
    reports = []
    by_key: dict[tuple, list[RowReport]] = {}
    for row, report, v in parsed_rows(table, reports, _parsers):
        weekday = int(v["weekday"]) if v["weekday"] else None
        school_class, subject, teacher = resolve(report, ctx, v, classes, subjects, staff)
        when = f"{DAY_SHORT.get(weekday, '?')}, {v['bell'] if v['bell'] is not None else '?'}"
        report.label = " · ".join(
            str(x)
            for x in (
                school_class.name if school_class else v["class"],
                subject.name if subject else v["subject"],
                v["subgroup"],
                when,
            )
            if x
        )
        valid_from = v["valid_from"] or ctx.year.starts_on
        if v["valid_from"] and not (ctx.year.starts_on <= valid_from <= ctx.year.ends_on):
            report.error(
                Msg(_("«Действует с» %(date)s вне учебного года %(year)s."), date=show(valid_from), year=ctx.year.name)
            )
        if report.status == ERROR:
            continue

        subgroup_id = None
        if v["subgroup"]:
            group = subgroups.get((school_class.id, subject.id, norm_text(v["subgroup"])))
            if group is None:
                report.error(
                    Msg(
                        _("Подгруппа «%(name)s» (%(class)s, %(subject)s) не найдена: сначала загрузите нагрузку."),
                        name=v["subgroup"],
                        **{"class": school_class.name, "subject": subject.name},
                    )
                )
                continue
            subgroup_id = group.id
        candidates = by_class_subject.get((school_class.id, subject.id, subgroup_id), [])
        if teacher is not None:
            candidates = [a for a in candidates if a.teacher_id == teacher.id]
        if not candidates:
            report.error(
                Msg(
                    _(
                        "В нагрузке нет предмета «%(subject)s» в %(class)s%(group)s%(teacher)s: сначала "
                        "загрузите нагрузку."
                    ),
                    subject=subject.name,
                    **{"class": school_class.name},
                    group=f" ({v['subgroup']})" if v["subgroup"] else "",
                    teacher=f" у учителя {teacher.short_name}" if teacher else "",
                )
            )
            continue
        if len(candidates) > 1:
            report.error(
                Msg(
                    _("«%(subject)s» в %(class)s ведут несколько учителей: укажите табельный номер учителя."),
                    subject=subject.name,
                    **{"class": school_class.name},
                )
            )
            continue
        assignment = candidates[0]
        bell = bells.get((school_class.shift, v["bell"]))
        if bell is None:
            report.error(
                Msg(
                    _("Нет звонка на урок № %(number)s во %(shift)s смене: сначала заполните расписание звонков."),
                    number=v["bell"],
                    shift=school_class.shift,
                )
            )
            continue

        key = (assignment.id, weekday, bell.id, valid_from)
        by_key.setdefault(key, []).append(report)
        entry = existing.get(key)
        room = v["room"] or (entry.room if entry is not None else None)
        lesson = _Lesson(
            weekday,
            bell.id,
            school_class.id,
            subgroup_id,
            assignment.teacher_id,
            norm_text(room or ""),
            valid_from,
            None,
            f"{school_class.name}, {subject.name}",
            Msg(_("строка %(line)s"), line=row.line),
            entry.id if entry is not None else None,
        )
        if entry is not None:
            lesson.valid_to = entry.valid_to
        _check_clashes(report, lesson, occupied.setdefault((weekday, bell.id), []))
        if report.status == ERROR:
            continue
        occupied[(weekday, bell.id)].append(lesson)
        if entry is None:
            report.status = NEW
            same_subject = spans.setdefault((school_class.id, subject.id), [])
            for warning in warnings_over(
                same_subject,
                assignment,
                valid_from,
                ctx.year.ends_on,
                plan_hours.get((school_class.grade, subject.id)),
                class_name=school_class.name,
                subject_name=subject.name,
            ):
                report.warn(Msg(warning.template, **warning.params))
            same_subject.append(Span(assignment.id, subgroup_id, valid_from, ctx.year.ends_on))
            plan.new.append(
                {
                    "assignment_id": assignment.id,
                    "weekday": weekday,
                    "bell_id": bell.id,
                    "room": v["room"],
                    "valid_from": valid_from,
                }
            )
            continue
        report.status = SAME
        if ctx.tracker.propose(report, ENTITY, entry, "room", v["room"], N_("Кабинет")):
            plan.updates.append((entry, {"room": v["room"]}))
    mark_duplicates(by_key, lambda k: _("Этот урок (нагрузка, день, урок №, дата начала)"))
    for report in reports:
        report.settle()
    return reports, plan


def _check_clashes(report: RowReport, lesson: _Lesson, others: list[_Lesson]) -> None:
    for other in others:
        if other.entry_id is not None and other.entry_id == lesson.entry_id:
            continue  # the same lesson, already in the timetable
        if not lesson.overlaps(other):
            continue
        if other.class_id == lesson.class_id and (
            other.subgroup_id is None or lesson.subgroup_id is None or other.subgroup_id == lesson.subgroup_id
        ):
            report.error(
                Msg(_("В это время у класса уже урок: %(what)s (%(where)s)."), what=other.what, where=other.where)
            )
        elif other.teacher_id == lesson.teacher_id:
            report.error(
                Msg(_("В это время учитель уже ведёт урок: %(what)s (%(where)s)."), what=other.what, where=other.where)
            )
        elif lesson.room and other.room == lesson.room:
            report.error(Msg(_("В это время кабинет занят: %(what)s (%(where)s)."), what=other.what, where=other.where))


def apply(ctx: Context, plan: Plan) -> None:
    ctx.tracker.apply_updates(ctx.actor.user_id, KEY, ENTITY, plan.updates)
    created = [TimetableEntry(**values) for values in plan.new]
    db.session.add_all(created)
    db.session.flush()
    for entry in created:
        ctx.tracker.note(ENTITY, entry.id, {"room": entry.room})
