"""School settings: typed defaults and the one way to read them (rules never hard-code these)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from models.base import db
from models.deadlines import DEFAULT_ZONE
from models.grading import CRITERIA_BOUNDS, CRITERIA_BOUNDS_GRADE1, CRITERIA_WEIGHTS, CRITERIA_WEIGHTS_NO_SOCH
from models.i18n import N_
from models.parsing import INT_MAX, parse_int
from models.tables.accounts import User
from models.tables.school import School, Setting


def _grade_parts(text) -> list[str]:
    """ "9, 11", "9;11" or "9 11" → ["9", "11"]."""
    return [part for part in str(text).replace(";", ",").replace(" ", ",").split(",") if part]


def grade_list(text) -> tuple[int, ...]:
    """Stored "9, 11" → (9, 11); what the form sends is validated by parse_setting first."""
    if isinstance(text, tuple):
        return text
    return tuple(sorted({int(part) for part in _grade_parts(text)}))


@dataclass(frozen=True)
class PercentList:
    """A setting made of whole percents: the weights of a mark's components (``total`` 100) or the bounds
    from which each mark is given (ascending, inside 1..100). Stored "25, 25, 50"; read back as a tuple."""

    count: int
    total: int | None = None  # weights: the sum they must make; bounds: None (ascending instead)

    def __call__(self, text) -> tuple[Decimal, ...]:
        if isinstance(text, tuple):
            return text
        return tuple(Decimal(part) for part in _grade_parts(str(text).replace("/", ",")))

    def parse(self, text: str, label: str) -> tuple[Decimal, ...]:
        """Validated values, or InvalidInput saying what is expected."""
        from models.errors import InvalidInput
        from models.i18n import _

        parts = _grade_parts(text.replace("/", ",").replace("%", " "))
        numbers = [parse_int(p, low=1, high=100) for p in parts]
        if len(parts) != self.count or None in numbers:
            if self.total is not None and self.count >= 5:
                raise InvalidInput(
                    _("«%(label)s»: %(n)s целых чисел от 1 до 100 через запятую — веса в процентах."),
                    label=label,
                    n=self.count,
                )
            if self.total is not None:
                raise InvalidInput(
                    _("«%(label)s»: %(n)s целых числа от 1 до 100 через запятую — веса в процентах."),
                    label=label,
                    n=self.count,
                )
            raise InvalidInput(
                _("«%(label)s»: %(n)s целых числа от 1 до 100 через запятую — с какого процента ставится 3, 4 и 5."),
                label=label,
                n=self.count,
            )
        if self.total is not None and sum(numbers) != self.total:
            raise InvalidInput(
                _("«%(label)s»: сумма весов — %(sum)s %%, а должна быть %(total)s %%."),
                label=label,
                sum=sum(numbers),
                total=self.total,
            )
        if self.total is None and any(a >= b for a, b in zip(numbers, numbers[1:], strict=False)):
            raise InvalidInput(
                _("«%(label)s»: границы должны возрастать (например, 40, 65, 85)."),
                label=label,
            )
        return tuple(Decimal(n) for n in numbers)


WEIGHTS_3 = PercentList(3, total=100)
WEIGHTS_2 = PercentList(2, total=100)
WEIGHTS_5 = PercentList(5, total=100)
# Journal-keeping effectiveness (models/reports/effectiveness.py): topics in time, marks in time, homework
# given, students with marks, remarks fixed in time.
EFFECTIVENESS_WEIGHTS = (Decimal(30), Decimal(20), Decimal(20), Decimal(20), Decimal(10))
BOUNDS = PercentList(3)


def stored_text(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, tuple):
        return ", ".join(stored_text(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: object
    kind: object  # int, Decimal, str (one of ``choices``) or grade_list
    label: str  # shown in the staff panel (Russian)
    choices: dict[str, str] | None = None  # value → label, for a choice
    on_school: bool = False  # kept in the school's own row (a column named ``key``), not in ``settings``
    help: str | None = None  # a line under the field


# How the final (attestat) mark of grades 9 and 11 is proposed (models.finals.proposals.propose_final).
FINAL_MARK_RULES = {
    "periods_and_year": N_("среднее отметок за периоды и годовой (математическое округление)"),
    "year_and_exam": N_("среднее годовой и экзаменационной отметок (без экзамена — годовая)"),
}


# What a class teacher may correct in the timetable of their own class (models.access.class_timetable_right).
CLASS_TEACHER_TIMETABLE = {
    "off": N_("ничего: расписание исправляет только администратор (оператор)"),
    "moves": N_("переносить уроки своего класса на свободное время внутри недели"),
    "load": N_("переносить, ставить, заменять и убирать уроки своего класса в пределах учебной нагрузки"),
}


# The time zones of Russia and Kazakhstan (tz database), "UTC+05:00 — Asia/Almaty", in the order of their
# offsets. Only names zoneinfo knows on this machine are offered; neither country shifts clocks in summer.
ZONE_NAMES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Simferopol",
    "Europe/Kirov",
    "Europe/Volgograd",
    "Europe/Astrakhan",
    "Europe/Samara",
    "Europe/Saratov",
    "Europe/Ulyanovsk",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Barnaul",
    "Asia/Tomsk",
    "Asia/Novokuznetsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Chita",
    "Asia/Yakutsk",
    "Asia/Khandyga",
    "Asia/Vladivostok",
    "Asia/Ust-Nera",
    "Asia/Magadan",
    "Asia/Sakhalin",
    "Asia/Srednekolymsk",
    "Asia/Kamchatka",
    "Asia/Anadyr",
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Qyzylorda",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Atyrau",
    "Asia/Oral",
)


def _offset(name: str) -> dt.timedelta:
    return dt.datetime.now(ZoneInfo(name)).utcoffset()


def _zone_label(name: str) -> str:
    minutes = int(_offset(name).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d} — {name}"


_KNOWN = available_timezones()
ZONES = {
    name: _zone_label(name) for name in sorted((n for n in ZONE_NAMES if n in _KNOWN), key=lambda n: (_offset(n), n))
}
if DEFAULT_ZONE not in ZONES and DEFAULT_ZONE in _KNOWN:  # SCHOOL_TIMEZONE outside the two countries
    ZONES[DEFAULT_ZONE] = _zone_label(DEFAULT_ZONE)


JURISDICTIONS = {"RU": N_("Россия"), "KZ": N_("Казахстан")}
LANGUAGES = {"ru": N_("русский"), "kk": N_("казахский")}
# Settings a school changes only while no open year has marks (like the grading scheme itself).
LOCKED_BY_MARKS = ("criteria_weights", "criteria_weights_no_soch", "criteria_bounds", "criteria_bounds_grade1")

SETTINGS = [
    SettingDef(
        "jurisdiction",
        "RU",
        str,
        N_("Страна (законодательство)"),
        choices=JURISDICTIONS,
        on_school=True,
        help=N_("По ней выбираются текст согласия на обработку персональных данных и идентификатор обучающихся."),
    ),
    SettingDef("language", "ru", str, N_("Язык обучения"), choices=LANGUAGES, on_school=True),
    SettingDef(
        "timezone",
        DEFAULT_ZONE,
        str,
        N_("Часовой пояс школы"),
        choices=ZONES,
        on_school=True,
        help=N_("По нему считаются «сегодня» (журнал, дневник, итоги, сроки) и время во всех записях."),
    ),
    SettingDef("marks_deadline_days", 0, int, N_("Срок выставления отметок за урок, дней")),
    SettingDef("test_marks_deadline_days_1_5", 1, int, N_("Срок отметок за контрольные, 1–5 классы, дней")),
    SettingDef("test_marks_deadline_days_6_11", 3, int, N_("Срок отметок за контрольные, 6–11 классы, дней")),
    SettingDef("lesson_deadline_days", 0, int, N_("Срок записи темы урока, дней")),
    SettingDef("period_mark_deadline_days", 1, int, N_("Срок выставления итоговых отметок после периода, дней")),
    SettingDef("rounding_threshold", Decimal("0.5"), Decimal, N_("Дробная часть среднего, с которой округлять вверх")),
    SettingDef("min_marks_for_period", 3, int, N_("Минимум отметок для аттестации за период")),
    SettingDef("final_grades", (9, 11), grade_list, N_("Выпускные классы: экзаменационные и итоговые отметки")),
    SettingDef(
        "final_mark_rule",
        "periods_and_year",
        str,
        N_("Итоговая отметка (аттестат) предлагается как"),
        choices=FINAL_MARK_RULES,
    ),
    SettingDef(
        "final_marks_deadline_days",
        30,
        int,
        N_("Срок экзаменационных и итоговых отметок после конца учебного года, дней"),
    ),
    SettingDef(
        "criteria_weights",
        CRITERIA_WEIGHTS,
        WEIGHTS_3,
        N_("Критериальное оценивание: веса ФО, СОР, СОЧ в процентах"),
        help=N_("Три числа через запятую, в сумме 100 (по умолчанию 25, 25, 50)."),
    ),
    SettingDef(
        "criteria_weights_no_soch",
        CRITERIA_WEIGHTS_NO_SOCH,
        WEIGHTS_2,
        N_("Критериальное оценивание: веса ФО и СОР в четверти без СОЧ, в процентах"),
        help=N_("Два числа через запятую, в сумме 100 (по умолчанию 50, 50)."),
    ),
    SettingDef(
        "criteria_bounds",
        CRITERIA_BOUNDS,
        BOUNDS,
        N_("Критериальное оценивание, 2–11 классы: с какого процента ставится 3, 4, 5"),
        help=N_(
            "Три числа по возрастанию; по умолчанию 40, 65, 85: 0–39 — «2», 40–64 — «3», 65–84 — «4», 85–100 — «5»."
        ),
    ),
    SettingDef(
        "criteria_bounds_grade1",
        CRITERIA_BOUNDS_GRADE1,
        BOUNDS,
        N_("Критериальное оценивание, 1 класс: с какого процента ставится 3, 4, 5"),
        help=N_(
            "Три числа по возрастанию; по умолчанию 21, 51, 81: 0–20 — «2», 21–50 — «3», 51–80 — «4», 81–100 — «5»."
        ),
    ),
    SettingDef(
        "control_marks_per_lesson",
        4,
        int,
        N_("Контроль журнала: ожидаемое число отметок за урок в классе из 25 обучающихся"),
        help=N_("В классе или группе другой численности ожидается пропорционально (округляя вверх); 0 — не проверять."),
    ),
    SettingDef(
        "effectiveness_weights",
        EFFECTIVENESS_WEIGHTS,
        WEIGHTS_5,
        N_("Эффективность ведения журнала: веса показателей в процентах"),
        help=N_(
            "Пять чисел через запятую, в сумме 100: темы в срок, отметки в срок, домашние задания, обучающиеся "
            "с отметками, замечания исправлены в срок (по умолчанию 30, 20, 20, 20, 10)."
        ),
    ),
    SettingDef(
        "class_teacher_timetable",
        "off",
        str,
        N_("Классный руководитель может исправлять расписание своего класса"),
        choices=CLASS_TEACHER_TIMETABLE,
        help=N_(
            "Только своего класса и по тем же правилам, что у администратора: учитель, класс и кабинет не "
            "оказываются на двух уроках сразу. Каждое исправление записывается с именем того, кто его сделал, и "
            "видно на странице расписания класса."
        ),
    ),
    SettingDef("invite_code_days", 14, int, N_("Срок действия кода приглашения, дней")),
    SettingDef("session_idle_minutes", 60, int, N_("Завершать сеанс после бездействия, минут")),
    SettingDef("session_absolute_hours", 12, int, N_("Максимальная длительность сеанса, часов")),
]
# The backups the system keeps (models/backups.py): edited on the backups page, not on the settings page.
BACKUP_SCHEDULES = {
    "nightly": N_("каждую ночь"),
    "weekly": N_("раз в неделю (в ночь на воскресенье)"),
    "off": N_("не делать (копии делаются вручную или по cron)"),
}
BACKUP_SETTINGS = [
    SettingDef("backup_schedule", "nightly", str, N_("Резервные копии по расписанию"), choices=BACKUP_SCHEDULES),
    SettingDef("backup_keep", 7, int, N_("Хранить последних копий")),
]
BY_KEY = {s.key: s for s in SETTINGS + BACKUP_SETTINGS}


def _school_values(school_id: int) -> dict[str, str]:
    """The settings kept in the school's own row (the session's identity map spares the query when loaded)."""
    school = db.session.get(School, school_id)
    return {s.key: getattr(school, s.key) for s in SETTINGS if s.on_school} if school is not None else {}


def get_setting(school_id: int, key: str):
    """The school's value of a setting, or its default."""
    definition = BY_KEY[key]
    if definition.on_school:
        raw = _school_values(school_id).get(key)
    else:
        raw = db.session.scalar(select(Setting.value).where(Setting.school_id == school_id, Setting.key == key))
    return definition.default if raw is None else definition.kind(raw)


def uses_iin(school_id: int | None) -> bool:
    """A Kazakhstan school records the ИИН of its students, staff and guardians: its forms, lists and imports show
    and ask it; elsewhere it is neither shown nor asked."""
    return school_id is not None and get_setting(school_id, "jurisdiction") == "KZ"


def get_settings(school_id: int, *keys: str) -> tuple:
    """Several settings of a school in one query."""
    return school_and_settings(school_id, *keys)[1]


# What every signed-in request reads of its school: how long its sessions may stay idle and last (security.py).
SESSION_LIMITS = ("session_idle_minutes", "session_absolute_hours")


def _typed(school: School | None, stored: list[str], values, keys: tuple[str, ...]) -> tuple:
    """Each key's value as its kind: the stored one, the school row's, else the default (no school: defaults)."""
    raw = {}
    if school is not None:
        raw = dict(zip(stored, values, strict=True)) | {
            key: getattr(school, key) for key in keys if BY_KEY[key].on_school
        }
    return tuple(BY_KEY[key].kind(raw[key]) if raw.get(key) is not None else BY_KEY[key].default for key in keys)


def school_and_settings(school_id: int, *keys: str) -> tuple[School | None, tuple]:
    """The school's row and several of its settings (their defaults where unset), in one query."""
    stored, statement = _statement(keys, account=False)
    row = db.session.execute(statement, {"id": school_id}).first()
    school = row[0] if row is not None else None
    return school, _typed(school, stored, row[1:] if row is not None else (), keys)


def account_school_and_settings(user_id: int, *keys: str) -> tuple[User | None, School | None, tuple]:
    """A signed-in request's fixed cost in one query: the account with its roles, its school's row and several
    of the school's settings (the session check reads the session's limits, the pages the school's zone)."""
    stored, statement = _statement(keys, account=True)
    row = db.session.execute(statement, {"id": user_id}).unique().first()
    if row is None:
        return None, None, _typed(None, stored, (), keys)
    user, school, *found = row
    return user, school, _typed(school, stored, found, keys)


@functools.cache
def _statement(keys: tuple[str, ...], *, account: bool) -> tuple[list[str], Select]:
    """The school's row (with the account of the bound ``id`` when ``account``, else of the school ``id``) and a
    scalar subquery of each key kept in ``settings``. Built once per set of keys: every signed-in request runs one."""
    stored = [BY_KEY[key].key for key in keys if not BY_KEY[key].on_school]
    values = [
        select(Setting.value).where(Setting.school_id == School.id, Setting.key == key).scalar_subquery()
        for key in stored
    ]
    if not account:
        return stored, select(School, *values).where(School.id == bindparam("id"))
    statement = (
        select(User, School, *values)
        .outerjoin(School, School.id == User.school_id)
        .where(User.id == bindparam("id"))
        .options(joinedload(User.roles))
    )
    return stored, statement


_SETTINGS = select(Setting.key, Setting.value).where(Setting.school_id == bindparam("school"))  # built once


def all_settings(school_id: int) -> dict[str, object]:
    rows = dict(db.session.execute(_SETTINGS, {"school": school_id}).all())
    rows |= _school_values(school_id)
    return {s.key: s.kind(rows[s.key]) if s.key in rows else s.default for s in BY_KEY.values()}


# --- validation and writing (appended by the organisation area) ------------------------------------
# Allowed range of each setting: (minimum, maximum), both inclusive. Decimals keep at most two places.
LIMITS: dict[str, tuple[object, object]] = {
    "marks_deadline_days": (0, 14),
    "test_marks_deadline_days_1_5": (0, 14),
    "test_marks_deadline_days_6_11": (0, 14),
    "lesson_deadline_days": (0, 14),
    "period_mark_deadline_days": (0, 14),
    "rounding_threshold": (Decimal("0.1"), Decimal("0.9")),
    "min_marks_for_period": (1, 30),
    "final_marks_deadline_days": (0, 92),
    "control_marks_per_lesson": (0, 25),
    "invite_code_days": (1, 90),
    "session_idle_minutes": (5, 720),
    "session_absolute_hours": (1, 72),
    "backup_keep": (1, 90),
}


def _fmt_limit(value) -> str:
    return format(value, "f").replace(".", ",") if isinstance(value, Decimal) else str(value)


def parse_setting(key: str, value):
    """The typed value of a setting from a form or the CLI ("0,6" and "0.6" both read), validated
    against its range; InvalidInput with a Russian message otherwise."""
    from decimal import InvalidOperation

    from models.errors import InvalidInput
    from models.i18n import _

    definition = BY_KEY.get(key)
    if definition is None:
        raise InvalidInput(_("Неизвестная настройка: %(key)s."), key=key)
    label = definition.label
    text = stored_text(value).strip() if value is not None else ""
    if definition.kind is grade_list:
        return _parse_grades(text, label)
    if isinstance(definition.kind, PercentList):
        return definition.kind.parse(text, label)
    text = text.replace(",", ".")
    if text == "":
        raise InvalidInput(_("«%(label)s»: укажите значение."), label=label)
    if definition.choices is not None:
        if text not in definition.choices:
            raise InvalidInput(_("«%(label)s»: выберите одно из предложенных значений."), label=label)
        return text
    if definition.kind is int:
        typed = None if isinstance(value, bool) else parse_int(text, low=-INT_MAX)
        if typed is None:
            raise InvalidInput(_("«%(label)s»: нужно целое число."), label=label)
    elif definition.kind is Decimal:
        try:
            typed = Decimal(text if text.isascii() else "-")  # Decimal() also reads "٠.٥"
        except InvalidOperation:
            raise InvalidInput(_("«%(label)s»: нужно число, например 0,5."), label=label) from None
        if not typed.is_finite() or typed.as_tuple().exponent < -2:
            raise InvalidInput(_("«%(label)s»: не больше двух знаков после запятой."), label=label)
    else:  # pragma: no cover - every other SettingDef is int or Decimal
        typed = definition.kind(text)
    low, high = LIMITS.get(key, (None, None))
    if low is not None and not low <= typed <= high:
        raise InvalidInput(
            _("«%(label)s»: допустимо от %(low)s до %(high)s."), label=label, low=_fmt_limit(low), high=_fmt_limit(high)
        )
    return typed


def _parse_grades(text: str, label: str) -> tuple[int, ...]:
    """ "9, 11" (commas, semicolons or spaces) → (9, 11); empty → () (a school without graduating classes)."""
    from models.errors import InvalidInput
    from models.i18n import _

    if not all(parse_int(p, low=1, high=12) for p in _grade_parts(text)):
        raise InvalidInput(
            _("«%(label)s»: перечислите номера классов от 1 до 12 через запятую, например 9, 11."), label=label
        )
    return grade_list(text)


def _check_together(values: dict[str, object]) -> None:
    from models.errors import InvalidInput
    from models.i18n import _

    if values["session_idle_minutes"] > values["session_absolute_hours"] * 60:
        raise InvalidInput(
            _("Время бездействия до завершения сеанса не может быть больше максимальной длительности сеанса.")
        )


def set_settings(actor, values: dict[str, object]) -> list[str]:
    """Validate every given value (and the rules between them), then store those that changed, with an
    audit record each. All or nothing: one bad value writes nothing. Returns the keys changed.
    Only the school's operator may change settings. Flushes; the caller commits."""
    from models.access import can_manage_organisation, require
    from models.audit import AuditEvent
    from models.i18n import _

    require(can_manage_organisation(actor), _("Изменять настройки школы может только администратор (оператор)."))
    typed = {key: parse_setting(key, value) for key, value in values.items()}
    current = all_settings(actor.school_id)
    _check_together({**current, **typed})
    if any(typed[key] != current[key] for key in LOCKED_BY_MARKS if key in typed):
        require_no_marks(actor.school_id)
    rows = {row.key: row for row in db.session.scalars(select(Setting).where(Setting.school_id == actor.school_id))}
    changed = []
    for key, value in typed.items():
        if value == current[key]:
            continue  # unchanged (a default stays a default: no row is written for it)
        if BY_KEY[key].on_school:
            school = db.session.get(School, actor.school_id)
            setattr(school, key, value)
            db.session.flush()
            AuditEvent.record(
                actor.user_id, "setting.update", "school", school.id, old={key: current[key]}, new={key: value}
            )
            changed.append(key)
            continue
        stored = stored_text(value)
        row = rows.get(key)
        if row is None:
            row = Setting(school_id=actor.school_id, key=key, value=stored)
            db.session.add(row)
        elif row.value == stored:
            continue
        else:
            row.value = stored
        db.session.flush()
        AuditEvent.record(actor.user_id, "setting.update", "setting", row.id, old={key: current[key]}, new={key: value})
        changed.append(key)
    return changed


def set_setting(actor, key: str, value) -> bool:
    """One setting (see set_settings). True when the stored value changed."""
    return bool(set_settings(actor, {key: value}))


def marked_year(school_id: int) -> str | None:
    """The name of an open (not archived) year of the school whose lessons have marks, None if there is none."""
    from sqlalchemy import exists

    from models.tables.curriculum import TeachingAssignment
    from models.tables.journal import Lesson, Mark
    from models.tables.school import AcademicYear

    return db.session.scalar(
        select(AcademicYear.name)
        .join(TeachingAssignment, TeachingAssignment.year_id == AcademicYear.id)
        .join(Lesson, Lesson.assignment_id == TeachingAssignment.id)
        .where(
            AcademicYear.school_id == school_id,
            AcademicYear.archived_at.is_(None),
            exists().where(Mark.lesson_id == Lesson.id),
        )
        .limit(1)
    )


def require_no_marks(school_id: int) -> None:
    """How marks are graded changes only while no lesson of an open (not archived) year has a mark: the
    marks of one year are all graded alike, so that period marks compare like with like. Conflict otherwise."""
    from models.errors import Conflict
    from models.i18n import _

    marked = marked_year(school_id)
    if marked is not None:
        raise Conflict(
            _(
                "В учебном году %(year)s уже есть отметки: систему оценивания меняют до начала года "
                "(или после переноса года в архив)."
            ),
            year=marked,
        )
