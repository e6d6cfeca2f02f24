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
from decimal import Decimal, InvalidOperation

from sqlalchemy import exists, func, select

from models.access import Actor, can_manage_organisation, require
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound, PeriodClosed
from models.i18n import N_, Joined, Text, _
from models.tables.classes import SchoolClass
from models.tables.curriculum import Subject
from models.tables.journal import AttendanceReason, WorkKind
from models.tables.school import PERIOD_SCHEMES, AcademicYear, Bell, Period, period_title

from .seal import break_seal, clean_reason, current_seal, recorded_state, seal_year

# How many periods each scheme has; the "year" period is the row year marks hang on.
PERIOD_COUNTS = {"quarter": 4, "trimester": 3, "half_year": 2, "year": 1}
SCHEME_LABELS = {
    "quarter": N_("Четверти"),
    "trimester": N_("Триместры"),
    "half_year": N_("Полугодия"),
    "year": N_("Год"),
}
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
    require(
        can_manage_organisation(actor),
        _("Изменять организацию учебного процесса может только администратор (оператор)."),
    )


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
    year = (
        db.session.scalar(
            select(AcademicYear).where(AcademicYear.id == year_id, AcademicYear.school_id == actor.school_id)
        )
        if year_id
        else None
    )
    if year is None:
        raise NotFound(_("Учебный год не найден."))
    return year


def school_years(actor: Actor) -> list[AcademicYear]:
    return db.session.scalars(
        select(AcademicYear).where(AcademicYear.school_id == actor.school_id).order_by(AcademicYear.starts_on.desc())
    ).all()


def current_year(actor: Actor, today: dt.date) -> AcademicYear | None:
    """The year containing today, else the next one to start, else the latest."""
    years = school_years(actor)
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    upcoming = [y for y in years if y.starts_on > today]
    return upcoming[-1] if upcoming else (years[0] if years else None)


def validate_year(
    school_id: int, name, starts_on: dt.date | None, ends_on: dt.date | None, *, exclude_id: int | None = None
) -> None:
    """A year has a name, starts before it ends, lasts at most a year and overlaps no other of the school."""
    _text(name, _("название учебного года"), 20)
    if starts_on is None or ends_on is None:
        raise InvalidInput(_("Укажите даты начала и окончания учебного года."))
    if ends_on <= starts_on:
        raise InvalidInput(_("Учебный год должен заканчиваться позже, чем начинается."))
    if (ends_on - starts_on).days > 366:
        raise InvalidInput(_("Учебный год не может быть длиннее календарного года."))
    q = select(AcademicYear).where(
        AcademicYear.school_id == school_id, AcademicYear.starts_on <= ends_on, AcademicYear.ends_on >= starts_on
    )
    if exclude_id is not None:
        q = q.where(AcademicYear.id != exclude_id)
    other = db.session.scalars(q).first()
    if other is not None:
        raise Conflict(
            _("Даты пересекаются с учебным годом %(name)s (%(start)s–%(end)s)."),
            name=other.name,
            start=_d(other.starts_on),
            end=_d(other.ends_on),
        )


def ensure_year_period(year: AcademicYear) -> Period:
    """The "year" period (year, exam and final marks hang on it) follows the year's dates."""
    period = db.session.scalar(select(Period).where(Period.year_id == year.id, Period.scheme == "year"))
    if period is None:
        period = Period(
            year_id=year.id,
            scheme="year",
            number=1,
            starts_on=year.starts_on,
            ends_on=year.ends_on,
        )
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
            outside = db.session.scalar(
                select(Period).where(
                    Period.year_id == year.id,
                    Period.scheme != "year",
                    (Period.starts_on < year.starts_on) | (Period.ends_on > year.ends_on),
                )
            )
            if outside is not None:
                raise InvalidInput(
                    _("Период «%(name)s» (%(start)s–%(end)s) выйдет за границы года: сначала измените его даты."),
                    name=outside.name,
                    start=_d(outside.starts_on),
                    end=_d(outside.ends_on),
                )
    year.name = year.name.strip()
    db.session.flush()
    ensure_year_period(year)
    AuditEvent.record(
        actor.user_id,
        "year.create" if is_new else "year.update",
        "academic_year",
        year.id,
        new={"name": year.name, "starts_on": year.starts_on, "ends_on": year.ends_on},
    )
    return year


def archivable_year(actor: Actor, year_id: int, *, today: dt.date) -> AcademicYear:
    """The year the operator may send to the archive: finished (its last period ended), not archived yet."""
    require_operator(actor)
    year = school_year(actor, year_id)
    if year.is_archived:
        raise InvalidInput(_("Учебный год %(name)s уже в архиве."), name=year.name)
    last = (
        db.session.scalar(select(func.max(Period.ends_on)).where(Period.year_id == year.id, Period.scheme != "year"))
        or year.ends_on
    )
    if today <= last:
        raise InvalidInput(
            _("Учебный год %(name)s ещё не закончился: последний учебный день — %(date)s."),
            name=year.name,
            date=_d(last),
        )
    return year


def archive_year(
    actor: Actor, year_id: int, *, today: dt.date, now: dt.datetime, printouts: list[dict] | None = None
) -> AcademicYear:
    """A finished year goes to the archive (R33): its journal, marks and reports stay readable and printable,
    nothing in it can change. Archived and sealed in one transaction: a year is never archived without its seal.
    The checksum of a big year takes seconds, so the pages ask for it as a background job (``seal_job``)."""
    year = archivable_year(actor, year_id, today=today)
    year.archived_at = now
    db.session.flush()
    AuditEvent.record(actor.user_id, "year.archive", "academic_year", year.id, new={"archived_at": now})
    seal_year(actor, year, now=now, printouts=printouts)
    return year


def seal_archived_year(
    actor: Actor, year_id: int, *, now: dt.datetime, printouts: list[dict] | None = None
) -> AcademicYear:
    """Seal a year archived before seals existed (what it holds now is what the seal will guard)."""
    require_operator(actor)
    year = school_year(actor, year_id)
    if recorded_state(year, current_seal(year.id)) != "missing":
        raise InvalidInput(_("Учебный год %(name)s не в архиве или уже запечатан."), name=year.name)
    seal_year(actor, year, now=now, printouts=printouts)
    return year


SEAL_ACTIONS = ("archive", "seal", "verify")


def seal_job(actor: Actor, action: str, year_id: int, *, today: dt.date) -> dict:
    """The parameters of a background job of kind "year_seal" (tasks.py runs ``run_seal_job``), checked now so
    that a refusal is shown at once: archiving a finished year, sealing one archived before seals, verifying."""
    from .seal import check_school_year

    if action == "archive":
        year = archivable_year(actor, year_id, today=today)
    elif action == "seal":
        require_operator(actor)
        year = school_year(actor, year_id)
        if recorded_state(year, current_seal(year.id)) != "missing":
            raise InvalidInput(_("Учебный год %(name)s не в архиве или уже запечатан."), name=year.name)
    elif action == "verify":
        year = check_school_year(actor, year_id, verify=False).year
    else:
        raise InvalidInput(N_("Неверные данные формы."))
    return {"action": action, "year_id": year.id, "year": year.name, "today": today.isoformat()}


def run_seal_job(
    actor: Actor, params: dict, *, now: dt.datetime, printouts: list[dict] | None = None, file_digest=None
) -> dict | None:
    """The work of a "year_seal" job, in the job's one transaction: the year archived and sealed together, or
    sealed, or verified (read only; the result, as the page shows it, is returned). ``printouts``: the files
    made for the year before (sealed with it); ``file_digest``: how a verification reads them again."""
    from .seal import check_data, check_school_year

    action, year_id = params["action"], params["year_id"]
    if action == "archive":
        archive_year(actor, year_id, today=dt.date.fromisoformat(params["today"]), now=now, printouts=printouts)
    elif action == "seal":
        seal_archived_year(actor, year_id, now=now, printouts=printouts)
    else:
        return check_data(check_school_year(actor, year_id, file_digest=file_digest))
    return None


def restore_year(actor: Actor, year_id: int, reason, *, now: dt.datetime) -> AcademicYear:
    """Back from the archive (a year archived by mistake, a correction ordered): only with a reason; its seal is
    broken, visibly, until the year is archived (and sealed) again. Audited like the archiving."""
    require_operator(actor)
    year = school_year(actor, year_id)
    if not year.is_archived:
        raise InvalidInput(_("Учебный год %(name)s не в архиве."), name=year.name)
    reason = clean_reason(reason)
    old = year.archived_at
    year.archived_at = None
    db.session.flush()
    seal = break_seal(actor, year, reason, now=now)
    AuditEvent.record(
        actor.user_id,
        "year.restore",
        "academic_year",
        year.id,
        old={"archived_at": old, "seal_id": seal.id if seal else None},
        new={"reason": reason},
    )
    return year


# --- periods --------------------------------------------------------------------------------------------
def validate_period(
    year: AcademicYear,
    scheme: str | None,
    number: int | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    *,
    exclude_id: int | None = None,
) -> None:
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
        raise InvalidInput(
            _("Период должен лежать внутри учебного года %(name)s (%(start)s–%(end)s)."),
            name=year.name,
            start=_d(year.starts_on),
            end=_d(year.ends_on),
        )
    others = select(Period).where(Period.year_id == year.id, Period.scheme == scheme)
    if exclude_id is not None:
        others = others.where(Period.id != exclude_id)
    for other in db.session.scalars(others):
        if other.number == number:
            raise Conflict(_("Период «%(name)s» уже есть в этом году."), name=other.name)
        if other.starts_on <= ends_on and starts_on <= other.ends_on:
            raise Conflict(
                _("Даты пересекаются с периодом «%(name)s» (%(start)s–%(end)s)."),
                name=other.name,
                start=_d(other.starts_on),
                end=_d(other.ends_on),
            )
        # Numbering follows the calendar: the 2nd quarter comes after the 1st.
        if (other.number < number) != (other.starts_on < starts_on):
            raise InvalidInput(
                _("Номера периодов должны идти по порядку дат: «%(name)s» — %(start)s–%(end)s."),
                name=other.name,
                start=_d(other.starts_on),
                end=_d(other.ends_on),
            )


# Closing and reopening a period (its marks become read-only) is the finals area's: models/finals/sheet.py.
REOPEN_FIRST = _("Период «%(name)s» закрыт: изменять его нельзя. Сначала откройте его.")


def default_period_name(scheme: str, number: int) -> str:
    return period_title(scheme, number)


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
        validate_period(
            year,
            period.scheme,
            period.number,
            period.starts_on,
            period.ends_on,
            exclude_id=None if is_new else period.id,
        )
        typed = (period.custom_name or "").strip()
        # The system's own name (typed or left empty) stays a key, shown in each reader's language.
        period.custom_name = None if typed in ("", default_period_name(period.scheme, period.number)) else typed
        if len(period.custom_name or "") > 40:
            raise InvalidInput(_("Название периода: не длиннее 40 символов."))
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "period.create" if is_new else "period.update",
        "period",
        period.id,
        new={
            "scheme": period.scheme,
            "number": period.number,
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
        },
    )
    return period


def class_periods(cls: SchoolClass) -> list[Period]:
    """The periods a class follows: those of its scheme (quarters, trimesters or half-years)."""
    return db.session.scalars(
        select(Period)
        .where(Period.year_id == cls.year_id, Period.scheme == cls.period_scheme)
        .order_by(Period.starts_on)
    ).all()


# --- bells ----------------------------------------------------------------------------------------------
def validate_bell(
    school_id: int,
    shift: int | None,
    number: int | None,
    starts_at: dt.time | None,
    ends_at: dt.time | None,
    *,
    exclude_id: int | None = None,
) -> None:
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
            raise Conflict(
                _("В %(shift)s смене уже есть %(n)s урок (%(bell)s)."), shift=shift, n=number, bell=str(other)
            )
        if other.starts_at < ends_at and starts_at < other.ends_at:
            raise Conflict(
                _("Время пересекается с %(n)s уроком %(shift)s смены (%(bell)s)."),
                n=other.number,
                shift=shift,
                bell=str(other),
            )
        if (other.number < number) != (other.starts_at < starts_at):
            raise InvalidInput(_("Номера уроков должны идти по порядку времени: %(bell)s."), bell=str(other))


def save_bell(actor: Actor, bell: Bell, *, is_new: bool) -> Bell:
    require_operator(actor)
    if is_new:
        bell.school_id = actor.school_id
    elif bell.school_id != actor.school_id:
        raise NotFound(_("Звонок не найден."))
    with db.session.no_autoflush:
        validate_bell(
            actor.school_id,
            bell.shift,
            bell.number,
            bell.starts_at,
            bell.ends_at,
            exclude_id=None if is_new else bell.id,
        )
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "bell.create" if is_new else "bell.update",
        "bell",
        bell.id,
        new={"shift": bell.shift, "number": bell.number, "starts_at": bell.starts_at, "ends_at": bell.ends_at},
    )
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
        _unique_in_school(
            Subject,
            "name",
            subject.name,
            actor.school_id,
            None if is_new else subject.id,
            _("Предмет «%(name)s» уже есть."),
            name=subject.name,
        )
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "subject.create" if is_new else "subject.update",
        "subject",
        subject.id,
        new={"name": subject.name, "short_name": subject.short_name},
    )
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
        _unique_in_school(
            WorkKind,
            "code",
            kind.code,
            actor.school_id,
            None if is_new else kind.id,
            _("Код «%(code)s» уже занят другим видом работы."),
            code=kind.code,
        )
        _unique_in_school(
            WorkKind,
            "name",
            kind.name,
            actor.school_id,
            None if is_new else kind.id,
            _("Вид работы «%(name)s» уже есть."),
            name=kind.name,
        )
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "work_kind.create" if is_new else "work_kind.update",
        "work_kind",
        kind.id,
        new={
            "code": kind.code,
            "name": kind.name,
            "weight": kind.weight,
            "is_control": kind.is_control,
            "criteria_kind": kind.criteria_kind,
        },
    )
    return kind


def save_attendance_reason(actor: Actor, reason: AttendanceReason, *, is_new: bool) -> AttendanceReason:
    _own_row(actor, reason, is_new, _("Причина не найдена."))
    with db.session.no_autoflush:
        reason.code = (_text(reason.code, _("код"), 20) or "").lower()
        if not CODE_RE.match(reason.code):
            raise InvalidInput(_("Код — латинские буквы, цифры, дефис или подчёркивание (например, illness)."))
        reason.name = _text(reason.name, _("название причины"), 80)
        _unique_in_school(
            AttendanceReason,
            "code",
            reason.code,
            actor.school_id,
            None if is_new else reason.id,
            _("Код «%(code)s» уже занят другой причиной."),
            code=reason.code,
        )
        _unique_in_school(
            AttendanceReason,
            "name",
            reason.name,
            actor.school_id,
            None if is_new else reason.id,
            _("Причина «%(name)s» уже есть."),
            name=reason.name,
        )
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "attendance_reason.create" if is_new else "attendance_reason.update",
        "attendance_reason",
        reason.id,
        new={"code": reason.code, "name": reason.name, "is_excused": reason.is_excused},
    )
    return reason


# --- deleting dictionary rows ----------------------------------------------------------------------------
REFERENCE_LABELS = {
    "periods": N_("периоды"),
    "period_marks": N_("итоговые отметки"),
    "timetable_entries": N_("расписание"),
    "lessons": N_("уроки журнала"),
    "marks": N_("отметки"),
    "teaching_assignments": N_("учебная нагрузка"),
    "curriculum_items": N_("учебный план"),
    "subgroups": N_("подгруппы"),
    "plan_items": N_("тематическое планирование"),
    "attendance": N_("посещаемость"),
    "substitutions": N_("замены"),
    "achievements": N_("достижения"),
    "remarks": N_("замечания"),
    "school_classes": N_("классы"),
    "student_results": N_("результаты обучающихся"),
    "users": N_("учётные записи"),
    "invite_codes": N_("коды приглашения"),
    "consents": N_("согласия на обработку данных"),
    "conversations": N_("переписка"),
    "messages": N_("сообщения"),
    "announcements": N_("объявления"),
    "surveys": N_("опросы"),
    "survey_responses": N_("ответы на опросы"),
    "enrollments": N_("движение обучающихся"),
    "subgroup_members": N_("составы подгрупп"),
    "attachments": N_("файлы"),
    "student_guardians": N_("связи с родителями"),
    "diary_acknowledgements": N_("подписи родителей в дневнике"),
    "cancelled_days": N_("отменённые дни"),
    "students": N_("обучающиеся"),
    "notice_seen": N_("просмотр уведомлений"),
    "mail_subscriptions": N_("подписки на письма"),
    "notifications": N_("уведомления"),
    "staff": N_("сотрудники"),
    "guardians": N_("родители"),
    "subjects": N_("предметы"),
    "bells": N_("звонки"),
    "work_kinds": N_("виды работ"),
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


def references_text(tables) -> Joined:
    """Tables named in the reader's language, "отметки, посещаемость"; with counts (a dict) "отметки: 3"."""
    if isinstance(tables, dict):
        return Joined(
            ", ",
            (Text(_("%(what)s: %(n)s"), what=Text(REFERENCE_LABELS.get(t, t)), n=n) for t, n in sorted(tables.items())),
        )
    return Joined(", ", (Text(REFERENCE_LABELS.get(t, t)) for t in tables))


def ensure_deletable(actor: Actor, obj) -> None:
    """Dictionary rows in use are never deleted (history stays intact): a Russian message says where."""
    require_operator(actor)
    if isinstance(obj, Period):
        obj.require_open(REOPEN_FIRST)
        if obj.scheme == "year":
            raise InvalidInput(_("Период «Учебный год» удаляется только вместе с годом."))
    used = references(obj)
    if used:
        raise Conflict(
            _("Удалить нельзя: запись используется (%(where)s)."),
            where=references_text(used),
        )
    AuditEvent.record(actor.user_id, f"{obj.__tablename__}.delete", obj.__tablename__, obj.id, old={"text": str(obj)})


# --- the grading scheme ---------------------------------------------------------------------------------------
GRADING_SCHEME_LABELS = {
    "five_point": N_("Пятибалльная: средневзвешенная отметка (Россия)"),
    "criteria": N_("Критериальное оценивание: ФО, СОР, СОЧ в баллах (Казахстан)"),
}


def set_grading_scheme(actor: Actor, scheme: str | None) -> bool:
    """Switch the school between the 5-point scale and criteria-based points (R3). Only while no lesson of
    an open (not archived) year has a mark: marks of one year are all of one kind, so that period marks
    compare like with like. Audited. Returns whether anything changed."""
    from models.school.settings import require_no_marks
    from models.tables.school import School

    require_operator(actor)
    if scheme not in GRADING_SCHEME_LABELS:
        raise InvalidInput(_("Выберите систему оценивания из списка."))
    school = db.session.get(School, actor.school_id)
    if school.grading_scheme == scheme:
        return False
    require_no_marks(school.id)
    old = school.grading_scheme
    school.grading_scheme = scheme
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "school.grading_scheme",
        "school",
        school.id,
        old={"grading_scheme": old},
        new={"grading_scheme": scheme},
    )
    return True
