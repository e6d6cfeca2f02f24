"""Organisation rules (R8, R10, R14): years and periods, bells, dictionaries, the curriculum, teaching load
and its check against the curriculum, and the school settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import (
    AcademicYear,
    AttendanceReason,
    AuditEvent,
    Bell,
    CurriculumItem,
    Period,
    Setting,
    Subgroup,
    Subject,
    TeachingAssignment,
    WorkKind,
)
from models.errors import AccessDenied, Conflict, InvalidInput, PeriodClosed
from models.school.organisation import (
    ensure_deletable,
    parse_hours,
    save_attendance_reason,
    save_bell,
    save_period,
    save_subject,
    save_work_kind,
    save_year,
    validate_bell,
    validate_period,
)
from models.school.settings import all_settings, get_setting, parse_setting, set_setting, set_settings
from models.school.teaching_load import curriculum_grid, load_report, save_assignment, save_curriculum

D = dt.date


# --- periods ----------------------------------------------------------------------------------------
@pytest.fixture()
def periods(db_session, world):
    """Quarters 1–2 of the world's year (q1 exists: 01.09–25.10) and half-year 1."""
    q2 = Period(
        year_id=world.year.id,
        scheme="quarter",
        number=2,
        name="2 четверть",
        starts_on=D(2026, 11, 5),
        ends_on=D(2026, 12, 28),
    )
    h1 = Period(
        year_id=world.year.id,
        scheme="half_year",
        number=1,
        name="1 полугодие",
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 12, 28),
    )
    db_session.add_all([q2, h1])
    db_session.flush()
    return world.q1, q2, h1


PERIOD_TABLE = [
    # scheme, number, start, end, error (None: valid)
    ("quarter", 3, D(2027, 1, 11), D(2027, 3, 22), None),
    (
        "quarter",
        3,
        D(2026, 12, 20),
        D(2027, 3, 22),
        "Даты пересекаются с периодом «2 четверть» (05.11.2026–28.12.2026).",
    ),
    (
        "quarter",
        3,
        D(2026, 10, 1),
        D(2026, 10, 30),
        "Даты пересекаются с периодом «1 четверть» (01.09.2026–25.10.2026).",
    ),
    ("quarter", 2, D(2027, 1, 11), D(2027, 3, 22), "Период «2 четверть» уже есть в этом году."),
    ("quarter", 5, D(2027, 1, 11), D(2027, 3, 22), "Номер периода для этого вида — от 1 до 4."),
    ("quarter", 3, D(2027, 3, 22), D(2027, 1, 11), "Период заканчивается раньше, чем начинается."),
    (
        "quarter",
        4,
        D(2027, 4, 1),
        D(2027, 6, 10),
        "Период должен лежать внутри учебного года 2026/2027 (01.09.2026–31.05.2027).",
    ),
    (
        "quarter",
        4,
        D(2026, 8, 25),
        D(2026, 8, 31),
        "Период должен лежать внутри учебного года 2026/2027 (01.09.2026–31.05.2027).",
    ),
    (
        "quarter",
        4,
        D(2026, 10, 26),
        D(2026, 11, 3),
        "Номера периодов должны идти по порядку дат: «2 четверть» — 05.11.2026–28.12.2026.",
    ),
    # another scheme may cover the same dates: a class follows one scheme
    ("half_year", 2, D(2027, 1, 11), D(2027, 5, 31), None),
    (
        "half_year",
        2,
        D(2026, 12, 1),
        D(2027, 5, 31),
        "Даты пересекаются с периодом «1 полугодие» (01.09.2026–28.12.2026).",
    ),
    ("half_year", 3, D(2027, 1, 11), D(2027, 5, 31), "Номер периода для этого вида — от 1 до 2."),
    ("trimester", 1, D(2026, 9, 1), D(2026, 11, 30), None),
    ("trimester", 4, D(2026, 9, 1), D(2026, 11, 30), "Номер периода для этого вида — от 1 до 3."),
    ("semester", 1, D(2026, 9, 1), D(2026, 11, 30), "Выберите вид периода: четверть, триместр, полугодие или год."),
    ("quarter", 3, None, D(2027, 3, 22), "Укажите даты начала и окончания периода."),
]


@pytest.mark.parametrize("scheme,number,start,end,error", PERIOD_TABLE)
def test_period_validation(world, periods, scheme, number, start, end, error):
    if error is None:
        validate_period(world.year, scheme, number, start, end)
        return
    with pytest.raises((InvalidInput, Conflict)) as refused:
        validate_period(world.year, scheme, number, start, end)
    assert refused.value.message == error


def test_editing_a_period_may_keep_its_own_dates(world, periods, operator):
    q1 = periods[0]
    q1.ends_on = D(2026, 10, 30)
    save_period(operator, q1, is_new=False)
    assert q1.ends_on == D(2026, 10, 30)


def test_a_closed_period_cannot_be_edited(world, periods, operator, db_session):
    from models.base import utcnow

    q1 = periods[0]
    q1.closed_at = utcnow()  # closing is the finals area's (models/finals/sheet.py)
    db_session.flush()
    q1.ends_on = D(2026, 10, 30)
    with pytest.raises(PeriodClosed) as refused:
        save_period(operator, q1, is_new=False)
    assert refused.value.message == "Период «1 четверть» закрыт: изменять его нельзя. Сначала откройте его."
    with pytest.raises(PeriodClosed):
        ensure_deletable(operator, q1)


def test_a_new_period_gets_a_default_name(world, periods, operator, db_session):
    period = Period(
        year_id=world.year.id, scheme="quarter", number=3, name="", starts_on=D(2027, 1, 11), ends_on=D(2027, 3, 22)
    )
    db_session.add(period)
    save_period(operator, period, is_new=True)
    assert period.name == "3 четверть"


def test_periods_of_an_archived_year_are_read_only(world, periods, operator, db_session):
    from models.base import utcnow

    world.year.archived_at = utcnow()
    db_session.flush()
    with pytest.raises(PeriodClosed):
        validate_period(world.year, "quarter", 3, D(2027, 1, 11), D(2027, 3, 22))


@pytest.mark.parametrize("who", ["director", "coordinator", "teacher", "secretary"])
def test_only_the_operator_changes_periods(world, periods, actor_of, who):
    with pytest.raises(AccessDenied):
        save_period(actor_of(who), periods[0], is_new=False)


# --- years ------------------------------------------------------------------------------------------
def test_a_new_year_gets_its_year_period(world, operator, db_session):
    year = AcademicYear(name=" 2027/2028 ", starts_on=D(2027, 9, 1), ends_on=D(2028, 5, 31))
    db_session.add(year)
    save_year(operator, year, is_new=True)
    period = db_session.scalar(select(Period).where(Period.year_id == year.id))
    assert (year.school_id, year.name) == (world.school.id, "2027/2028")
    assert (period.scheme, period.number, period.starts_on, period.ends_on) == ("year", 1, year.starts_on, year.ends_on)


@pytest.mark.parametrize(
    "name,start,end,error",
    [
        (
            "2027/2028",
            D(2027, 5, 1),
            D(2028, 4, 30),
            "Даты пересекаются с учебным годом 2026/2027 (01.09.2026–31.05.2027).",
        ),
        ("2027/2028", D(2027, 9, 1), D(2027, 9, 1), "Учебный год должен заканчиваться позже, чем начинается."),
        ("2027/2028", D(2027, 9, 1), D(2029, 5, 31), "Учебный год не может быть длиннее календарного года."),
        ("  ", D(2027, 9, 1), D(2028, 5, 31), "Укажите: название учебного года."),
    ],
)
def test_year_validation(world, operator, db_session, name, start, end, error):
    year = AcademicYear(name=name, starts_on=start, ends_on=end)
    db_session.add(year)
    with pytest.raises((InvalidInput, Conflict)) as refused:
        save_year(operator, year, is_new=True)
    assert refused.value.message == error


def test_shrinking_a_year_past_its_periods_is_refused(world, operator):
    world.year.starts_on = D(2026, 9, 15)
    with pytest.raises(InvalidInput) as refused:
        save_year(operator, world.year, is_new=False)
    assert "1 четверть" in refused.value.message


# --- bells ------------------------------------------------------------------------------------------
T = dt.time


@pytest.mark.parametrize(
    "shift,number,start,end,error",
    [
        (1, 2, T(9, 25), T(10, 10), None),
        (2, 1, T(8, 30), T(9, 15), None),  # another shift may reuse the times and numbers
        (1, 1, T(9, 25), T(10, 10), "В 1 смене уже есть 1 урок (1. 08:30–09:15)."),
        (1, 2, T(9, 0), T(9, 45), "Время пересекается с 1 уроком 1 смены (1. 08:30–09:15)."),
        (1, 2, T(10, 10), T(9, 25), "Урок должен заканчиваться позже, чем начинается."),
        (1, 2, T(9, 25), T(12, 0), "Урок не может длиться дольше 120 минут."),
        (1, 0, T(9, 25), T(10, 10), "Номера уроков должны идти по порядку времени: 1. 08:30–09:15."),
        (3, 2, T(9, 25), T(10, 10), "Смена — 1 или 2."),
        (1, 13, T(9, 25), T(10, 10), "Номер урока — от 0 до 12."),
    ],
)
def test_bell_validation(world, shift, number, start, end, error):
    if error is None:
        validate_bell(world.school.id, shift, number, start, end)
        return
    with pytest.raises((InvalidInput, Conflict)) as refused:
        validate_bell(world.school.id, shift, number, start, end)
    assert refused.value.message == error


def test_saving_a_bell_sets_the_school(world, operator, db_session):
    bell = Bell(shift=1, number=2, starts_at=T(9, 25), ends_at=T(10, 10))
    db_session.add(bell)
    save_bell(operator, bell, is_new=True)
    assert bell.school_id == world.school.id


# --- dictionaries ----------------------------------------------------------------------------------
def test_subject_names_are_unique_in_the_school(world, operator, db_session):
    subject = Subject(name="  математика ", short_name="")
    db_session.add(subject)
    with pytest.raises(Conflict) as refused:
        save_subject(operator, subject, is_new=True)
    assert refused.value.message == "Предмет «математика» уже есть."


@pytest.mark.parametrize(
    "code,name,weight,error",
    [
        ("test", "Контрольная работа", Decimal("2"), None),
        ("TEST", "Контрольная работа", Decimal("2"), None),  # codes are lower-cased
        ("regular", "Другая", Decimal("1"), "Код «regular» уже занят другим видом работы."),
        (
            "контр",
            "Контрольная",
            Decimal("2"),
            "Код — латинские буквы, цифры, дефис или подчёркивание (например, test).",
        ),
        ("test", "Контрольная", Decimal("0"), "Вес — число больше 0 и не больше 10."),
        ("test", "Контрольная", Decimal("10.5"), "Вес — число больше 0 и не больше 10."),
        ("test", "Контрольная", None, "Вес — число больше 0 и не больше 10."),
        ("test", " ", Decimal("2"), "Укажите: название вида работы."),
    ],
)
def test_work_kind_validation(world, operator, db_session, code, name, weight, error):
    kind = WorkKind(code=code, name=name, weight=weight)
    db_session.add(kind)
    if error is None:
        save_work_kind(operator, kind, is_new=True)
        assert kind.code == "test" and kind.school_id == world.school.id
        return
    with pytest.raises((InvalidInput, Conflict)) as refused:
        save_work_kind(operator, kind, is_new=True)
    assert refused.value.message == error


def test_attendance_reasons(world, operator, db_session):
    ill = AttendanceReason(code="illness", name="по болезни", is_excused=True)
    db_session.add(ill)
    save_attendance_reason(operator, ill, is_new=True)
    again = AttendanceReason(code="ill2", name="По болезни")
    db_session.add(again)
    with pytest.raises(Conflict):
        save_attendance_reason(operator, again, is_new=True)


@pytest.mark.parametrize(
    "what,deletable", [("maths", False), ("regular", False), ("bell", False), ("q1", True), ("new_subject", True)]
)
def test_rows_in_use_are_not_deleted(world, operator, db_session, what, deletable):
    if what == "new_subject":
        obj = Subject(school_id=world.school.id, name="Астрономия", short_name="Астр")
        db_session.add(obj)
        db_session.flush()
    else:
        obj = getattr(world, what)
    if deletable:
        ensure_deletable(operator, obj)
        return
    with pytest.raises(Conflict) as refused:
        ensure_deletable(operator, obj)
    assert refused.value.message.startswith("Удалить нельзя: запись используется (")


# --- curriculum ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw,hours",
    [
        ("", None),
        ("0", None),
        ("3", Decimal(3)),
        ("1,5", Decimal("1.5")),
        (" 0.5 ", Decimal("0.5")),
        ("20", Decimal(20)),
    ],
)
def test_parse_hours(raw, hours):
    assert parse_hours(raw) == hours


@pytest.mark.parametrize("raw", ["abc", "-1", "21", "1,25", "nan", "inf", "1e1"])
def test_parse_hours_refuses(raw):
    if raw == "1e1":
        assert parse_hours(raw) == Decimal(10)  # 10 written in another way is still 10
        return
    with pytest.raises(InvalidInput):
        parse_hours(raw)


def test_curriculum_grid_save_update_and_delete(world, operator, db_session):
    grid = curriculum_grid(operator, world.year.id)
    assert grid.grades == [5, 6] and [s.name for s in grid.subjects] == ["Математика", "Русский язык"]
    saved = save_curriculum(
        operator,
        world.year.id,
        {(5, world.maths.id): "5", (6, world.maths.id): "5", (5, world.russian.id): "4,5", (6, world.russian.id): ""},
    )
    assert (saved.created, saved.updated, saved.deleted) == (3, 0, 0)
    saved = save_curriculum(
        operator, world.year.id, {(5, world.maths.id): "5", (6, world.maths.id): "0", (5, world.russian.id): "6"}
    )
    assert (saved.created, saved.updated, saved.deleted) == (0, 1, 1)
    grid = curriculum_grid(operator, world.year.id)
    assert grid.value(5, world.russian.id) == "6" and grid.value(6, world.maths.id) == ""
    assert grid.totals == {5: Decimal(11)}
    assert db_session.scalar(select(AuditEvent.id).where(AuditEvent.action == "curriculum.update"))


def test_a_bad_curriculum_cell_writes_nothing(world, operator, db_session):
    with pytest.raises(InvalidInput) as refused:
        save_curriculum(operator, world.year.id, {(5, world.maths.id): "5", (6, world.russian.id): "сорок"})
    assert refused.value.message == ("6 класс, «Русский язык»: часы в неделю — число от 0,5 до 20 с шагом 0,5.")
    assert db_session.scalars(select(CurriculumItem)).all() == []


def test_curriculum_is_for_the_operator(world, actor_of):
    with pytest.raises(AccessDenied):
        save_curriculum(actor_of("director"), world.year.id, {(5, world.maths.id): "5"})
    assert curriculum_grid(actor_of("director"), world.year.id).editable is False


# --- teaching load ---------------------------------------------------------------------------------
def _assignment(world, **values):
    base = {
        "class_id": world.c5a.id,
        "subject_id": world.russian.id,
        "teacher_id": world.s_teacher.id,
        "hours_per_week": Decimal("2"),
    }
    base.update(values)
    return TeachingAssignment(**base)


@pytest.mark.parametrize(
    "values,error",
    [
        ({}, None),
        ({"teacher_id": "classteacher"}, "У Русская Р.И. уже есть эта нагрузка: 5А, Русский язык."),
        ({"hours_per_week": Decimal("0")}, "Часы в неделю — число от 0,5 до 20 с шагом 0,5 (например, 2 или 1,5)."),
        ({"hours_per_week": Decimal("1.25")}, "Часы в неделю — число от 0,5 до 20 с шагом 0,5 (например, 2 или 1,5)."),
        ({"class_id": None}, "Выберите класс."),
        ({"teacher_id": "foreign"}, "Выберите учителя."),
        ({"subgroup_id": "english_group"}, "Подгруппа «1 группа» создана для другого предмета."),
    ],
)
def test_assignment_validation(world, operator, db_session, values, error):
    if values.get("teacher_id") == "classteacher":
        values = {"teacher_id": world.s_classteacher.id}
    if values.get("teacher_id") == "foreign":
        values = {"teacher_id": world.s_foreign.id}
    if values.get("subgroup_id") == "english_group":
        english = Subject(school_id=world.school.id, name="Английский язык", short_name="Англ")
        db_session.add(english)
        db_session.flush()
        group = Subgroup(class_id=world.c5a.id, subject_id=english.id, name="1 группа")
        db_session.add(group)
        db_session.flush()
        values = {"subgroup_id": group.id}
    assignment = _assignment(world, **values)
    if error is None:
        save_assignment(operator, assignment, is_new=True)
        assert assignment.year_id == world.year.id
        return
    with pytest.raises((InvalidInput, Conflict)) as refused:
        with db_session.no_autoflush:
            save_assignment(operator, assignment, is_new=True)
    assert refused.value.message == error


def test_load_report_compares_curriculum_and_load(world, operator, tt, db_session):
    save_curriculum(
        operator,
        world.year.id,
        {
            (5, world.maths.id): "5",
            (5, world.russian.id): "6",
            (5, tt.english.id): "3",
            (6, world.maths.id): "5",
            (6, world.russian.id): "6",
        },
    )
    report = load_report(operator, world.year.id)
    lines = {(l.school_class.name, l.subject.name): l for l in report.lines}
    assert lines[("5А", "Математика")].status == "ok"
    assert lines[("5А", "Русский язык")].status == "under"  # 5 of 6
    assert lines[("5А", "Английский язык")].status == "ok"  # two groups of 3 hours, in parallel
    assert lines[("5А", "Английский язык")].assigned_hours == Decimal(3)
    assert lines[("5А", "Физика")].status == "extra"  # no physics in the 5th grade's curriculum
    assert lines[("6Б", "Русский язык")].status == "missing"
    assert report.mismatches == 3
    tt.a_eng2.hours_per_week = Decimal(2)
    db_session.flush()
    assert {(l.school_class.name, l.subject.name): l.status for l in load_report(operator, world.year.id).lines}[
        ("5А", "Английский язык")
    ] == "uneven"
    teachers = {t.teacher.short_name: (t.hours, t.pages, t.classes) for t in report.teachers}
    assert teachers["Физикова Ф.И."] == (Decimal(7), 2, ["5А", "6Б"])
    assert teachers["Математикова М.И."] == (Decimal(5), 1, ["5А"])


# --- settings --------------------------------------------------------------------------------------
SETTINGS_TABLE = [
    ("marks_deadline_days", "2", 2, None),
    ("marks_deadline_days", " 0 ", 0, None),
    ("marks_deadline_days", "15", None, "«Срок выставления отметок за урок, дней»: допустимо от 0 до 14."),
    ("marks_deadline_days", "-1", None, "«Срок выставления отметок за урок, дней»: допустимо от 0 до 14."),
    ("marks_deadline_days", "1,5", None, "«Срок выставления отметок за урок, дней»: нужно целое число."),
    ("marks_deadline_days", "", None, "«Срок выставления отметок за урок, дней»: укажите значение."),
    ("rounding_threshold", "0,6", Decimal("0.6"), None),
    ("rounding_threshold", "0.75", Decimal("0.75"), None),
    (
        "rounding_threshold",
        "0,755",
        None,
        "«Дробная часть среднего, с которой округлять вверх»: не больше двух знаков после запятой.",
    ),
    ("rounding_threshold", "1", None, "«Дробная часть среднего, с которой округлять вверх»: допустимо от 0,1 до 0,9."),
    (
        "rounding_threshold",
        "пять",
        None,
        "«Дробная часть среднего, с которой округлять вверх»: нужно число, например 0,5.",
    ),
    ("min_marks_for_period", "0", None, "«Минимум отметок для аттестации за период»: допустимо от 1 до 30."),
    ("invite_code_days", "30", 30, None),
    ("session_idle_minutes", "4", None, "«Завершать сеанс после бездействия, минут»: допустимо от 5 до 720."),
    ("final_grades", "9, 11", (9, 11), None),
    ("final_grades", "11;9 9", (9, 11), None),
    ("final_grades", "", (), None),
    (
        "final_grades",
        "9, 13",
        None,
        "«Выпускные классы: экзаменационные и итоговые отметки»: перечислите номера"
        " классов от 1 до 12 через запятую, например 9, 11.",
    ),
    (
        "final_grades",
        "девятые",
        None,
        "«Выпускные классы: экзаменационные и итоговые отметки»: перечислите номера"
        " классов от 1 до 12 через запятую, например 9, 11.",
    ),
    ("final_mark_rule", "year_and_exam", "year_and_exam", None),
    (
        "final_mark_rule",
        "average",
        None,
        "«Итоговая отметка (аттестат) предлагается как»: выберите одно из предложенных значений.",
    ),
    (
        "final_marks_deadline_days",
        "93",
        None,
        "«Срок экзаменационных и итоговых отметок после конца учебного года, дней»: допустимо от 0 до 92.",
    ),
    ("no_such_setting", "1", None, "Неизвестная настройка: no_such_setting."),
]


@pytest.mark.parametrize("key,raw,value,error", SETTINGS_TABLE)
def test_setting_validation(world, operator, db_session, key, raw, value, error):
    if error is None:
        assert parse_setting(key, raw) == value
        set_setting(operator, key, raw)
        assert get_setting(world.school.id, key) == value
        return
    with pytest.raises(InvalidInput) as refused:
        set_setting(operator, key, raw)
    assert refused.value.message == error
    assert db_session.scalars(select(Setting)).all() == []


def test_settings_are_all_or_nothing_and_checked_together(world, operator, db_session):
    with pytest.raises(InvalidInput):
        set_settings(operator, {"marks_deadline_days": "2", "min_marks_for_period": "0"})
    assert db_session.scalars(select(Setting)).all() == []
    with pytest.raises(InvalidInput) as refused:
        set_settings(operator, {"session_idle_minutes": "600", "session_absolute_hours": "8"})
    assert refused.value.message.startswith("Время бездействия")
    assert set_settings(
        operator, {"session_idle_minutes": "600", "session_absolute_hours": "12", "marks_deadline_days": "0"}
    ) == ["session_idle_minutes"]  # others unchanged
    assert all_settings(world.school.id)["session_idle_minutes"] == 600
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "setting.update"))
    assert event.old == '{"session_idle_minutes": 60}' and event.new == '{"session_idle_minutes": 600}'
    assert all_settings(world.other_school.id)["session_idle_minutes"] == 60  # another school is untouched


@pytest.mark.parametrize("who", ["director", "coordinator", "teacher", "secretary", "parent"])
def test_only_the_operator_changes_settings(world, actor_of, who):
    with pytest.raises(AccessDenied):
        set_setting(actor_of(who), "marks_deadline_days", "2")
