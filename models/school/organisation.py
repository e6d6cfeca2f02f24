"""Organisation of the school year (R8, R10, R14): academic years and their periods, bells, subjects, the
curriculum (hours per subject and grade), teaching load and its check against the curriculum, kinds of
work and attendance reasons.

The operator writes; everybody else reads (models/access.py). Validators raise InvalidInput (bad data),
PeriodClosed (a closed period or an archived year) or Conflict (a duplicate); operations validate,
change, audit and flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_manage_organisation, require
from models.audit import AuditEvent
from models.base import db
from models.tables.classes import SchoolClass, Subgroup
from models.tables.curriculum import CurriculumItem, Subject, TeachingAssignment
from models.errors import Conflict, InvalidInput, NotFound, PeriodClosed
from models.i18n import N_, Text, _
from models.tables.journal import AttendanceReason, WorkKind
from models.tables.people import Staff
from models.tables.school import PERIOD_SCHEMES, AcademicYear, Bell, Period

# How many periods each scheme has; the "year" period is the row year marks hang on.
PERIOD_COUNTS = {"quarter": 4, "trimester": 3, "half_year": 2, "year": 1}
SCHEME_LABELS = {"quarter": N_("Четверти"), "trimester": N_("Триместры"), "half_year": N_("Полугодия"),
                 "year": N_("Год")}
PERIOD_NAMES = {"quarter": N_("%(n)s четверть"), "trimester": N_("%(n)s триместр"),
                "half_year": N_("%(n)s полугодие"), "year": N_("Учебный год")}
MAX_HOURS = Decimal("20")
MAX_BELL_MINUTES = 120
CODE_RE = re.compile(r"^[a-z0-9_\-]{1,20}$")


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _sync_ids(obj, **relations: str) -> None:
    """A form sets relationships (``school_class``), the rules read ids (``class_id``): copy them over."""
    for rel, column in relations.items():
        if rel in obj.__dict__:
            target = obj.__dict__[rel]
            setattr(obj, column, target.id if target is not None else None)


def require_operator(actor: Actor) -> None:
    require(can_manage_organisation(actor),
            _("Изменять организацию учебного процесса может только администратор (оператор)."))


def _text(value, label: str, max_len: int, *, required: bool = True) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not text:
        if required:
            raise InvalidInput(_("Укажите: %(what)s."), what=label)
        return None
    if len(text) > max_len:
        raise InvalidInput(_("%(what)s: не длиннее %(n)s символов."), what=label, n=max_len)
    return text


def parse_hours(value) -> Decimal | None:
    """Weekly hours from a form: "3", "1,5", "0.5"; empty or 0 means none. Halves only, up to 20."""
    text = str(value).strip().replace(",", ".") if value is not None else ""
    if text == "":
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(HOURS_MESSAGE) from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS or (hours * 2) % 1 != 0:
        raise InvalidInput(HOURS_MESSAGE)
    return hours if hours > 0 else None


HOURS_MESSAGE = N_("Часы в неделю — число от 0,5 до 20 с шагом 0,5 (например, 2 или 1,5).")


# --- years ----------------------------------------------------------------------------------------------
def school_year(actor: Actor, year_id: int | None) -> AcademicYear:
    year = db.session.scalar(select(AcademicYear).where(AcademicYear.id == year_id,
                                                        AcademicYear.school_id == actor.school_id)) \
        if year_id else None
    if year is None:
        raise NotFound(_("Учебный год не найден."))
    return year


def school_years(actor: Actor) -> list[AcademicYear]:
    return db.session.scalars(select(AcademicYear).where(AcademicYear.school_id == actor.school_id)
                              .order_by(AcademicYear.starts_on.desc())).all()


def current_year(actor: Actor, today: dt.date) -> AcademicYear | None:
    """The year containing today, else the next one to start, else the latest."""
    years = school_years(actor)
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    upcoming = [y for y in years if y.starts_on > today]
    return upcoming[-1] if upcoming else (years[0] if years else None)


def validate_year(school_id: int, name, starts_on: dt.date | None, ends_on: dt.date | None, *,
                  exclude_id: int | None = None) -> None:
    """A year has a name, starts before it ends, lasts at most a year and overlaps no other of the school."""
    _text(name, _("название учебного года"), 20)
    if starts_on is None or ends_on is None:
        raise InvalidInput(_("Укажите даты начала и окончания учебного года."))
    if ends_on <= starts_on:
        raise InvalidInput(_("Учебный год должен заканчиваться позже, чем начинается."))
    if (ends_on - starts_on).days > 366:
        raise InvalidInput(_("Учебный год не может быть длиннее календарного года."))
    q = select(AcademicYear).where(AcademicYear.school_id == school_id, AcademicYear.starts_on <= ends_on,
                                   AcademicYear.ends_on >= starts_on)
    if exclude_id is not None:
        q = q.where(AcademicYear.id != exclude_id)
    other = db.session.scalars(q).first()
    if other is not None:
        raise Conflict(_("Даты пересекаются с учебным годом %(name)s (%(start)s–%(end)s)."), name=other.name,
                       start=_d(other.starts_on), end=_d(other.ends_on))


def ensure_year_period(year: AcademicYear) -> Period:
    """The "year" period (year, exam and final marks hang on it) follows the year's dates."""
    period = db.session.scalar(select(Period).where(Period.year_id == year.id, Period.scheme == "year"))
    if period is None:
        period = Period(year_id=year.id, scheme="year", number=1, name=PERIOD_NAMES["year"],
                        starts_on=year.starts_on, ends_on=year.ends_on)
        db.session.add(period)
    elif not period.is_closed:
        period.starts_on, period.ends_on = year.starts_on, year.ends_on
    db.session.flush()
    return period


def save_year(actor: Actor, year: AcademicYear, *, is_new: bool) -> AcademicYear:
    """Validate a year filled in by a form (new or edited), then keep its "year" period in step."""
    require_operator(actor)
    if is_new:
        year.school_id = actor.school_id
    else:
        if year.school_id != actor.school_id:
            raise NotFound(_("Учебный год не найден."))
        original = db.session.get(AcademicYear, year.id)
        original.require_open()
    with db.session.no_autoflush:
        validate_year(actor.school_id, year.name, year.starts_on, year.ends_on, exclude_id=year.id)
        if not is_new:
            outside = db.session.scalar(select(Period).where(
                Period.year_id == year.id, Period.scheme != "year",
                (Period.starts_on < year.starts_on) | (Period.ends_on > year.ends_on)))
            if outside is not None:
                raise InvalidInput(_("Период «%(name)s» (%(start)s–%(end)s) выйдет за границы года: сначала "
                                     "измените его даты."), name=outside.name, start=_d(outside.starts_on),
                                   end=_d(outside.ends_on))
    year.name = year.name.strip()
    db.session.flush()
    ensure_year_period(year)
    AuditEvent.record(actor.user_id, "year.create" if is_new else "year.update", "academic_year", year.id,
                      new={"name": year.name, "starts_on": year.starts_on, "ends_on": year.ends_on})
    return year


def archive_year(actor: Actor, year_id: int, *, today: dt.date, now: dt.datetime) -> AcademicYear:
    """A finished year goes to the archive (R33): its journal, marks and reports stay readable and printable,
    nothing in it can change. Only once its last period has ended."""
    require_operator(actor)
    year = school_year(actor, year_id)
    if year.is_archived:
        raise InvalidInput(_("Учебный год %(name)s уже в архиве."), name=year.name)
    last = db.session.scalar(select(func.max(Period.ends_on)).where(Period.year_id == year.id,
                                                                    Period.scheme != "year")) or year.ends_on
    if today <= last:
        raise InvalidInput(_("Учебный год %(name)s ещё не закончился: последний учебный день — %(date)s."),
                           name=year.name, date=_d(last))
    year.archived_at = now
    db.session.flush()
    AuditEvent.record(actor.user_id, "year.archive", "academic_year", year.id, new={"archived_at": now})
    return year


def restore_year(actor: Actor, year_id: int) -> AcademicYear:
    """Back from the archive (a year archived by mistake); audited like the archiving."""
    require_operator(actor)
    year = school_year(actor, year_id)
    if not year.is_archived:
        raise InvalidInput(_("Учебный год %(name)s не в архиве."), name=year.name)
    old = year.archived_at
    year.archived_at = None
    db.session.flush()
    AuditEvent.record(actor.user_id, "year.restore", "academic_year", year.id, old={"archived_at": old})
    return year


# --- periods --------------------------------------------------------------------------------------------
def validate_period(year: AcademicYear, scheme: str | None, number: int | None, starts_on: dt.date | None,
                    ends_on: dt.date | None, *, exclude_id: int | None = None) -> None:
    """Periods of one scheme do not overlap and lie inside their year; a scheme has 4 quarters,
    3 trimesters, 2 half-years or 1 year."""
    year.require_open()
    if scheme not in PERIOD_SCHEMES:
        raise InvalidInput(_("Выберите вид периода: четверть, триместр, полугодие или год."))
    count = PERIOD_COUNTS[scheme]
    if number is None or not 1 <= number <= count:
        raise InvalidInput(_("Номер периода для этого вида — от 1 до %(n)s."), n=count)
    if starts_on is None or ends_on is None:
        raise InvalidInput(_("Укажите даты начала и окончания периода."))
    if ends_on < starts_on:
        raise InvalidInput(_("Период заканчивается раньше, чем начинается."))
    if starts_on < year.starts_on or ends_on > year.ends_on:
        raise InvalidInput(_("Период должен лежать внутри учебного года %(name)s (%(start)s–%(end)s)."),
                           name=year.name, start=_d(year.starts_on), end=_d(year.ends_on))
    others = select(Period).where(Period.year_id == year.id, Period.scheme == scheme)
    if exclude_id is not None:
        others = others.where(Period.id != exclude_id)
    for other in db.session.scalars(others):
        if other.number == number:
            raise Conflict(_("Период «%(name)s» уже есть в этом году."), name=other.name)
        if other.starts_on <= ends_on and starts_on <= other.ends_on:
            raise Conflict(_("Даты пересекаются с периодом «%(name)s» (%(start)s–%(end)s)."), name=other.name,
                           start=_d(other.starts_on), end=_d(other.ends_on))
        # Numbering follows the calendar: the 2nd quarter comes after the 1st.
        if (other.number < number) != (other.starts_on < starts_on):
            raise InvalidInput(_("Номера периодов должны идти по порядку дат: «%(name)s» — %(start)s–%(end)s."),
                               name=other.name, start=_d(other.starts_on), end=_d(other.ends_on))


# Closing and reopening a period (its marks become read-only) is the finals area's: models/finals/sheet.py.
REOPEN_FIRST = _("Период «%(name)s» закрыт: изменять его нельзя. Сначала откройте его.")


def default_period_name(scheme: str, number: int) -> str:
    return PERIOD_NAMES[scheme] % {"n": number} if scheme in PERIOD_NAMES else str(number)


def save_period(actor: Actor, period: Period, *, is_new: bool) -> Period:
    """Validate a period filled in by a form. A closed period is not edited (its stored state decides)."""
    require_operator(actor)
    _sync_ids(period, year="year_id")
    with db.session.no_autoflush:
        if not is_new:
            db_closed = db.session.scalar(select(Period.closed_at).where(Period.id == period.id))
            if db_closed is not None:
                raise PeriodClosed(REOPEN_FIRST, name=period.name)
        year = db.session.get(AcademicYear, period.year_id) if period.year_id else None
        if year is None or year.school_id != actor.school_id:
            raise InvalidInput(_("Выберите учебный год."))
        validate_period(year, period.scheme, period.number, period.starts_on, period.ends_on,
                        exclude_id=None if is_new else period.id)
        period.name = (period.name or "").strip() or default_period_name(period.scheme, period.number)
        if len(period.name) > 40:
            raise InvalidInput(_("Название периода: не длиннее 40 символов."))
    db.session.flush()
    AuditEvent.record(actor.user_id, "period.create" if is_new else "period.update", "period", period.id,
                      new={"scheme": period.scheme, "number": period.number, "starts_on": period.starts_on,
                           "ends_on": period.ends_on})
    return period


def class_periods(cls: SchoolClass) -> list[Period]:
    """The periods a class follows: those of its scheme (quarters, trimesters or half-years)."""
    return db.session.scalars(select(Period).where(Period.year_id == cls.year_id, Period.scheme == cls.period_scheme)
                              .order_by(Period.starts_on)).all()


# --- bells ----------------------------------------------------------------------------------------------
def validate_bell(school_id: int, shift: int | None, number: int | None, starts_at: dt.time | None,
                  ends_at: dt.time | None, *, exclude_id: int | None = None) -> None:
    if shift not in (1, 2):
        raise InvalidInput(_("Смена — 1 или 2."))
    if number is None or not 0 <= number <= 12:
        raise InvalidInput(_("Номер урока — от 0 до 12."))
    if starts_at is None or ends_at is None:
        raise InvalidInput(_("Укажите время начала и окончания урока."))
    if ends_at <= starts_at:
        raise InvalidInput(_("Урок должен заканчиваться позже, чем начинается."))
    minutes = (dt.datetime.combine(dt.date.min, ends_at) - dt.datetime.combine(dt.date.min, starts_at)).seconds // 60
    if minutes > MAX_BELL_MINUTES:
        raise InvalidInput(_("Урок не может длиться дольше %(n)s минут."), n=MAX_BELL_MINUTES)
    others = select(Bell).where(Bell.school_id == school_id, Bell.shift == shift)
    if exclude_id is not None:
        others = others.where(Bell.id != exclude_id)
    for other in db.session.scalars(others.order_by(Bell.number)):
        if other.number == number:
            raise Conflict(_("В %(shift)s смене уже есть %(n)s урок (%(bell)s)."), shift=shift, n=number,
                           bell=str(other))
        if other.starts_at < ends_at and starts_at < other.ends_at:
            raise Conflict(_("Время пересекается с %(n)s уроком %(shift)s смены (%(bell)s)."), n=other.number,
                           shift=shift, bell=str(other))
        if (other.number < number) != (other.starts_at < starts_at):
            raise InvalidInput(_("Номера уроков должны идти по порядку времени: %(bell)s."), bell=str(other))


def save_bell(actor: Actor, bell: Bell, *, is_new: bool) -> Bell:
    require_operator(actor)
    if is_new:
        bell.school_id = actor.school_id
    elif bell.school_id != actor.school_id:
        raise NotFound(_("Звонок не найден."))
    with db.session.no_autoflush:
        validate_bell(actor.school_id, bell.shift, bell.number, bell.starts_at, bell.ends_at,
                      exclude_id=None if is_new else bell.id)
    db.session.flush()
    AuditEvent.record(actor.user_id, "bell.create" if is_new else "bell.update", "bell", bell.id,
                      new={"shift": bell.shift, "number": bell.number, "starts_at": bell.starts_at,
                           "ends_at": bell.ends_at})
    return bell


# --- subjects, kinds of work, attendance reasons ----------------------------------------------------------
def _unique_in_school(model, column: str, value, school_id: int, exclude_id: int | None, message: str, **params):
    q = select(model.id).where(func.lower(getattr(model, column)) == value.lower(), model.school_id == school_id)
    if exclude_id is not None:
        q = q.where(model.id != exclude_id)
    if db.session.scalar(q) is not None:
        raise Conflict(message, **params)


def _own_row(actor: Actor, obj, is_new: bool, message: str) -> None:
    require_operator(actor)
    if is_new:
        obj.school_id = actor.school_id
    elif obj.school_id != actor.school_id:
        raise NotFound(message)


def save_subject(actor: Actor, subject: Subject, *, is_new: bool) -> Subject:
    _own_row(actor, subject, is_new, _("Предмет не найден."))
    with db.session.no_autoflush:
        subject.name = _text(subject.name, _("название предмета"), 120)
        subject.short_name = _text(subject.short_name, _("краткое название"), 40, required=False) or subject.name[:40]
        _unique_in_school(Subject, "name", subject.name, actor.school_id, None if is_new else subject.id,
                          _("Предмет «%(name)s» уже есть."), name=subject.name)
    db.session.flush()
    AuditEvent.record(actor.user_id, "subject.create" if is_new else "subject.update", "subject", subject.id,
                      new={"name": subject.name, "short_name": subject.short_name})
    return subject


def save_work_kind(actor: Actor, kind: WorkKind, *, is_new: bool) -> WorkKind:
    _own_row(actor, kind, is_new, _("Вид работы не найден."))
    with db.session.no_autoflush:
        kind.code = (_text(kind.code, _("код"), 20) or "").lower()
        if not CODE_RE.match(kind.code):
            raise InvalidInput(_("Код — латинские буквы, цифры, дефис или подчёркивание (например, test)."))
        kind.name = _text(kind.name, _("название вида работы"), 80)
        weight = kind.weight
        if weight is None or not Decimal("0") < Decimal(weight) <= Decimal("10"):
            raise InvalidInput(_("Вес — число больше 0 и не больше 10."))
        if Decimal(weight).as_tuple().exponent < -2:
            raise InvalidInput(_("Вес: не больше двух знаков после запятой."))
        _unique_in_school(WorkKind, "code", kind.code, actor.school_id, None if is_new else kind.id,
                          _("Код «%(code)s» уже занят другим видом работы."), code=kind.code)
        _unique_in_school(WorkKind, "name", kind.name, actor.school_id, None if is_new else kind.id,
                          _("Вид работы «%(name)s» уже есть."), name=kind.name)
    db.session.flush()
    AuditEvent.record(actor.user_id, "work_kind.create" if is_new else "work_kind.update", "work_kind", kind.id,
                      new={"code": kind.code, "name": kind.name, "weight": kind.weight, "is_control": kind.is_control,
                           "criteria_kind": kind.criteria_kind})
    return kind


def save_attendance_reason(actor: Actor, reason: AttendanceReason, *, is_new: bool) -> AttendanceReason:
    _own_row(actor, reason, is_new, _("Причина не найдена."))
    with db.session.no_autoflush:
        reason.code = (_text(reason.code, _("код"), 20) or "").lower()
        if not CODE_RE.match(reason.code):
            raise InvalidInput(_("Код — латинские буквы, цифры, дефис или подчёркивание (например, illness)."))
        reason.name = _text(reason.name, _("название причины"), 80)
        _unique_in_school(AttendanceReason, "code", reason.code, actor.school_id, None if is_new else reason.id,
                          _("Код «%(code)s» уже занят другой причиной."), code=reason.code)
        _unique_in_school(AttendanceReason, "name", reason.name, actor.school_id, None if is_new else reason.id,
                          _("Причина «%(name)s» уже есть."), name=reason.name)
    db.session.flush()
    AuditEvent.record(actor.user_id, "attendance_reason.create" if is_new else "attendance_reason.update",
                      "attendance_reason", reason.id,
                      new={"code": reason.code, "name": reason.name, "is_excused": reason.is_excused})
    return reason


# --- deleting dictionary rows ----------------------------------------------------------------------------
REFERENCE_LABELS = {
    "periods": N_("периоды"), "period_marks": N_("итоговые отметки"), "timetable_entries": N_("расписание"),
    "lessons": N_("уроки журнала"), "marks": N_("отметки"), "teaching_assignments": N_("учебная нагрузка"),
    "curriculum_items": N_("учебный план"), "subgroups": N_("подгруппы"), "plan_items": N_("тематическое планирование"),
    "attendance": N_("посещаемость"), "substitutions": N_("замены"), "achievements": N_("достижения"),
    "remarks": N_("замечания"), "school_classes": N_("классы"), "student_results": N_("результаты обучающихся"),
}


def references(obj) -> list[str]:
    """Tables with rows that point at ``obj`` (through any foreign key), by table name."""
    table = obj.__table__
    found = []
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.column.name == "id":
                if db.session.scalar(select(exists().where(fk.parent == obj.id))):
                    found.append(other.name)
                    break
    return found


def ensure_deletable(actor: Actor, obj) -> None:
    """Dictionary rows in use are never deleted (history stays intact): a Russian message says where."""
    require_operator(actor)
    if isinstance(obj, Period):
        obj.require_open(REOPEN_FIRST)
        if obj.scheme == "year":
            raise InvalidInput(_("Период «Учебный год» удаляется только вместе с годом."))
    used = references(obj)
    if used:
        raise Conflict(_("Удалить нельзя: запись используется (%(where)s)."),
                       where=", ".join(REFERENCE_LABELS.get(t, t) for t in used))
    AuditEvent.record(actor.user_id, f"{obj.__tablename__}.delete", obj.__tablename__, obj.id,
                      old={"text": str(obj)})


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
        return "" if hours is None else f"{hours.normalize():f}".replace(".", ",")


DEFAULT_GRADES = list(range(1, 12))


def curriculum_grid(actor: Actor, year_id: int) -> CurriculumGrid:
    """Grades (those with classes this year, or with curriculum rows; 1–11 when there are none) × the
    school's subjects, with weekly hours."""
    year = school_year(actor, year_id)
    items = db.session.scalars(select(CurriculumItem).where(CurriculumItem.year_id == year.id)).all()
    grades = set(db.session.scalars(select(SchoolClass.grade).where(SchoolClass.year_id == year.id).distinct()))
    grades |= {i.grade for i in items}
    subjects = db.session.scalars(select(Subject).where(Subject.school_id == actor.school_id).order_by(Subject.name)).all()
    hours = {(i.grade, i.subject_id): i.hours_per_week for i in items}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (grade, _subject), h in hours.items():
        totals[grade] += h
    return CurriculumGrid(year=year, grades=sorted(grades) or DEFAULT_GRADES, subjects=list(subjects), hours=hours,
                          totals=dict(totals), editable=can_manage_organisation(actor) and not year.is_archived)


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
            raise InvalidInput(_("%(grade)s класс, «%(subject)s»: часы в неделю — число от 0,5 до 20 с шагом 0,5."),
                               grade=grade, subject=subjects[subject_id].name) from None
    existing = {(i.grade, i.subject_id): i for i in db.session.scalars(
        select(CurriculumItem).where(CurriculumItem.year_id == year.id))}
    result = CurriculumSaved()
    for key, hours in parsed.items():
        item = existing.get(key)
        if item is None and hours is not None:
            item = CurriculumItem(year_id=year.id, grade=key[0], subject_id=key[1], hours_per_week=hours,
                                  weeks=33 if key[0] == 1 else 34)
            db.session.add(item)
            db.session.flush()
            AuditEvent.record(actor.user_id, "curriculum.create", "curriculum_item", item.id,
                              new={"grade": key[0], "subject_id": key[1], "hours": hours})
            result.created += 1
        elif item is not None and hours is None:
            AuditEvent.record(actor.user_id, "curriculum.delete", "curriculum_item", item.id,
                              old={"grade": key[0], "subject_id": key[1], "hours": item.hours_per_week})
            db.session.delete(item)
            result.deleted += 1
        elif item is not None and Decimal(item.hours_per_week) != hours:
            AuditEvent.record(actor.user_id, "curriculum.update", "curriculum_item", item.id,
                              old={"hours": item.hours_per_week}, new={"hours": hours})
            item.hours_per_week = hours
            result.updated += 1
    db.session.flush()
    return result


# --- teaching load ---------------------------------------------------------------------------------------
def validate_assignment(actor: Actor, assignment: TeachingAssignment, *, exclude_id: int | None = None) -> None:
    """A page of the journal: a class (and maybe a subgroup of it for the same subject), a subject and a
    teacher of the school, hours a week. The same teacher is not given the same page twice."""
    cls = db.session.scalar(select(SchoolClass).where(SchoolClass.id == assignment.class_id,
                                                      SchoolClass.school_id == actor.school_id)) \
        if assignment.class_id else None
    if cls is None:
        raise InvalidInput(_("Выберите класс."))
    year = db.session.get(AcademicYear, cls.year_id)
    year.require_open()
    assignment.year_id = cls.year_id
    subject = db.session.scalar(select(Subject).where(Subject.id == assignment.subject_id,
                                                      Subject.school_id == actor.school_id)) \
        if assignment.subject_id else None
    if subject is None:
        raise InvalidInput(_("Выберите предмет."))
    teacher = db.session.scalar(select(Staff).where(Staff.id == assignment.teacher_id,
                                                    Staff.school_id == actor.school_id)) \
        if assignment.teacher_id else None
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
        TeachingAssignment.class_id == cls.id, TeachingAssignment.subject_id == subject.id,
        TeachingAssignment.teacher_id == teacher.id,
        TeachingAssignment.subgroup_id.is_(None) if assignment.subgroup_id is None
        else TeachingAssignment.subgroup_id == assignment.subgroup_id)
    if exclude_id is not None:
        same = same.where(TeachingAssignment.id != exclude_id)
    if db.session.scalar(same) is not None:
        raise Conflict(_("У %(teacher)s уже есть эта нагрузка: %(cls)s, %(subject)s."), teacher=teacher.short_name,
                       cls=cls.name, subject=subject.name)


def save_assignment(actor: Actor, assignment: TeachingAssignment, *, is_new: bool) -> TeachingAssignment:
    require_operator(actor)
    _sync_ids(assignment, school_class="class_id", subgroup="subgroup_id", subject="subject_id", teacher="teacher_id")
    with db.session.no_autoflush:
        if not is_new:
            stored = db.session.execute(select(TeachingAssignment.class_id, TeachingAssignment.year_id)
                                        .where(TeachingAssignment.id == assignment.id)).one_or_none()
            if stored is None or db.session.scalar(select(SchoolClass.school_id).where(
                    SchoolClass.id == stored.class_id)) != actor.school_id:
                raise NotFound(_("Нагрузка не найдена."))
            db.session.get(AcademicYear, stored.year_id).require_open()
        validate_assignment(actor, assignment, exclude_id=None if is_new else assignment.id)
    db.session.flush()
    AuditEvent.record(actor.user_id, "assignment.create" if is_new else "assignment.update", "teaching_assignment",
                      assignment.id, new={"class_id": assignment.class_id, "subgroup_id": assignment.subgroup_id,
                                          "subject_id": assignment.subject_id, "teacher_id": assignment.teacher_id,
                                          "hours": assignment.hours_per_week})
    return assignment


def assignment_label(a: TeachingAssignment, *, with_class: bool = False) -> Text:
    """"Математика — Иванова И. И., 5 ч" (+ subgroup, + class): built from eager-loaded relations."""
    parts = [a.subject.name]
    if a.subgroup is not None:
        parts[0] += f" ({a.subgroup.name})"
    if with_class:
        parts.insert(0, a.school_class.name)
    hours = f"{Decimal(a.hours_per_week).normalize():f}".replace(".", ",")
    return Text(_("%(what)s — %(teacher)s, %(hours)s ч"), what=", ".join(parts), teacher=a.teacher.short_name,
                hours=hours)


# --- teaching load against the curriculum ------------------------------------------------------------------
LOAD_STATUS_LABELS = {
    "ok": N_("совпадает"), "missing": N_("нет нагрузки"), "under": N_("меньше плана"), "over": N_("больше плана"),
    "extra": N_("нет в учебном плане"), "uneven": N_("подгруппы с разными часами"),
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
        return self.whole_class_hours + max((g.hours for g in self.groups), default=Decimal(0))

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
    assigned = whole + max((g.hours for g in groups), default=Decimal(0))
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
    classes = db.session.scalars(select(SchoolClass).where(SchoolClass.year_id == year.id)
                                 .order_by(SchoolClass.grade, SchoolClass.letter)).all()
    items = db.session.scalars(select(CurriculumItem).options(joinedload(CurriculumItem.subject))
                               .where(CurriculumItem.year_id == year.id)).all()
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.school_class))
        .where(TeachingAssignment.year_id == year.id)).all()
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
            report.lines.append(LoadLine(cls, subjects[subject_id], curriculum, whole, groups, teachers,
                                         _status(curriculum, whole, groups)))
    per_teacher: dict[int, TeacherLoad] = {}
    for a in sorted(assignments, key=lambda a: (a.school_class.grade, a.school_class.letter)):
        load = per_teacher.setdefault(a.teacher_id, TeacherLoad(a.teacher, Decimal(0), 0, []))
        load.hours += Decimal(a.hours_per_week)
        load.pages += 1
        if a.school_class.name not in load.classes:
            load.classes.append(a.school_class.name)
    report.teachers = sorted(per_teacher.values(), key=lambda t: (t.teacher.last_name, t.teacher.first_name))
    return report


# --- the grading scheme ---------------------------------------------------------------------------------------
GRADING_SCHEME_LABELS = {"five_point": N_("Пятибалльная: средневзвешенная отметка (Россия)"),
                 "criteria": N_("Критериальное оценивание: ФО, СОР, СОЧ в баллах (Казахстан)")}


def set_grading_scheme(actor: Actor, scheme: str | None) -> bool:
    """Switch the school between the 5-point scale and criteria-based points (R3). Only while no lesson of
    an open (not archived) year has a mark: marks of one year are all of one kind, so that period marks
    compare like with like. Audited. Returns whether anything changed."""
    from models.tables.journal import Lesson, Mark
    from models.tables.school import School

    require_operator(actor)
    if scheme not in GRADING_SCHEME_LABELS:
        raise InvalidInput(_("Выберите систему оценивания из списка."))
    school = db.session.get(School, actor.school_id)
    if school.grading_scheme == scheme:
        return False
    marked = db.session.scalar(
        select(AcademicYear.name).join(TeachingAssignment, TeachingAssignment.year_id == AcademicYear.id)
        .join(Lesson, Lesson.assignment_id == TeachingAssignment.id)
        .where(AcademicYear.school_id == school.id, AcademicYear.archived_at.is_(None),
               exists().where(Mark.lesson_id == Lesson.id)).limit(1))
    if marked is not None:
        raise Conflict(_("В учебном году %(year)s уже есть отметки: систему оценивания меняют до начала года "
                         "(или после переноса года в архив)."), year=marked)
    old = school.grading_scheme
    school.grading_scheme = scheme
    db.session.flush()
    AuditEvent.record(actor.user_id, "school.grading_scheme", "school", school.id, old={"grading_scheme": old},
                      new={"grading_scheme": scheme})
    return True
