"""Timetable rules (R12): clashes, changes from a date onward, the week grid, substitutions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import AcademicYear, AuditEvent, Lesson, SchoolClass, Substitution, TeachingAssignment, TimetableEntry
from models.access import can_edit_assignment
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.school.substitutions import (
    cancel_substitution,
    record_substitution,
    substitution_for,
    teacher_day,
)
from models.school.timetable import ClashError, change_entry, entries_on, find_clashes
from models.school.timetable_week import class_week
from world import START  # noqa: E402

MONDAY = dt.date(2026, 9, 7)  # the first full week of the year in tests/world.py

TUESDAY = MONDAY + dt.timedelta(days=1)


def _a(world, tt, name):
    return getattr(tt, name, None) or getattr(world, name)


# (already placed: [(assignment, weekday, bell, room)], then placing: (assignment, weekday, bell, room), clash kinds)
CLASH_TABLE = [
    pytest.param([], ("a_maths_5a", 1, "bell1", None), set(), id="free-slot"),
    # other_teacher has 6Б maths on Monday, bell 1 (world.entry_6b): physics in 5А at the same time is refused
    pytest.param([], ("a_physics_5a", 1, "bell1", None), {"teacher"}, id="teacher-in-two-places"),
    pytest.param([], ("a_physics_5a", 2, "bell1", None), set(), id="teacher-free-on-tuesday"),
    pytest.param(
        [("a_maths_6b", 1, "bell2", "12")], ("a_maths_5a", 1, "bell2", " 12 "), {"room"}, id="room-in-two-places"
    ),
    pytest.param([("a_maths_6b", 1, "bell2", "12")], ("a_maths_5a", 1, "bell2", "14"), set(), id="other-room"),
    pytest.param([("a_maths_5a", 1, "bell2", None)], ("a_russian_5a", 1, "bell2", None), {"class"}, id="class-twice"),
    pytest.param(
        [("a_maths_5a", 1, "bell2", None)], ("a_eng1", 1, "bell2", None), {"class"}, id="subgroup-while-whole-class"
    ),
    pytest.param(
        [("a_eng1", 1, "bell2", None)], ("a_maths_5a", 1, "bell2", None), {"class"}, id="whole-class-while-subgroup"
    ),
    pytest.param([("a_eng1", 1, "bell2", None)], ("a_eng2", 1, "bell2", None), set(), id="two-subgroups-share"),
    pytest.param(
        [("a_eng1", 1, "bell2", "21")], ("a_eng2", 1, "bell2", "21"), {"room"}, id="two-subgroups-not-one-room"
    ),
    pytest.param(
        [("a_eng1", 1, "bell2", None)], ("a_eng1", 1, "bell2", None), {"subgroup", "teacher"}, id="same-subgroup-twice"
    ),
    # the second shift's bell 1 (11:00–11:45) overlaps the first shift's bell 3 (10:30–11:15)
    pytest.param(
        [("a_maths_6b", 1, "bell3", None)],
        ("a_physics_5a", 1, "bell_2nd", None),
        {"teacher"},
        id="overlapping-bells-of-two-shifts",
    ),
    pytest.param([("a_maths_6b", 1, "bell2", None)], ("a_physics_5a", 1, "bell3", None), set(), id="next-bell-is-free"),
]


@pytest.mark.parametrize("before,placing,kinds", CLASH_TABLE)
def test_clashes(world, tt, place, before, placing, kinds):
    for name, weekday, bell, room in before:
        place(_a(world, tt, name), weekday, getattr(tt, bell), room)
    name, weekday, bell, room = placing
    if not kinds:
        entry = place(_a(world, tt, name), weekday, getattr(tt, bell), room)
        assert entry.id and entry.valid_to is None
        return
    with pytest.raises(ClashError) as refused:
        place(_a(world, tt, name), weekday, getattr(tt, bell), room)
    assert {c.kind for c in refused.value.clashes} == kinds
    assert refused.value.status == 409
    for clash in refused.value.clashes:
        assert clash.message and "%(" not in clash.message  # a whole Russian sentence


def test_clash_messages_name_the_teacher_class_and_room(world, tt, place):
    place(world.a_maths_6b, 1, tt.bell2, "12")
    with pytest.raises(ClashError) as refused:
        place(world.a_maths_5a, 1, tt.bell2, "12")
    assert refused.value.message == "Кабинет 12 в это время занят: 6Б, Математика (Физикова Ф.И.)."
    with pytest.raises(ClashError) as refused:
        place(tt.a_physics_5a, 1, tt.bell1)
    assert refused.value.message == (
        "Учитель Физикова Ф.И. в это время уже ведёт урок: 6Б, Математика (Понедельник, 1 урок)."
    )
    place(world.a_maths_5a, 1, tt.bell3)
    with pytest.raises(ClashError) as refused:
        place(tt.a_eng1, 1, tt.bell3)
    assert "подгруппа не может заниматься одновременно со всем классом" in refused.value.message


def test_a_refused_placement_writes_nothing(world, tt, place, db_session):
    before = db_session.scalar(select(TimetableEntry.id).order_by(TimetableEntry.id.desc()))
    with pytest.raises(ClashError):
        place(tt.a_physics_5a, 1, tt.bell1)
    assert db_session.scalar(select(TimetableEntry.id).order_by(TimetableEntry.id.desc())) == before


def test_entries_of_different_dates_do_not_clash(world, tt, place, operator):
    # 6Б's maths leaves Monday bell 1 from 14.09; physics in 5А may take other_teacher's hour from then
    change_entry_from = dt.date(2026, 9, 14)
    change_entry(operator, world.entry_6b.id, change_entry_from, remove=True)
    with pytest.raises(ClashError):
        place(tt.a_physics_5a, 1, tt.bell1, valid_from=START)
    assert place(tt.a_physics_5a, 1, tt.bell1, valid_from=change_entry_from).valid_from == change_entry_from


def test_an_open_entry_of_last_year_does_not_clash_with_this_year(world, tt, place, db_session):
    last = AcademicYear(
        school_id=world.school.id, name="2025/2026", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 5, 31)
    )
    db_session.add(last)
    db_session.flush()
    old_class = SchoolClass(school_id=world.school.id, year_id=last.id, grade=4, letter="А")
    db_session.add(old_class)
    db_session.flush()
    old = TeachingAssignment(
        year_id=last.id,
        class_id=old_class.id,
        subject_id=world.maths.id,
        teacher_id=world.s_teacher.id,
        hours_per_week=4,
    )
    db_session.add(old)
    db_session.flush()
    db_session.add(TimetableEntry(assignment_id=old.id, weekday=1, bell_id=tt.bell2.id, valid_from=last.starts_on))
    db_session.flush()
    assert place(world.a_maths_5a, 1, tt.bell2).id


# --- placing: bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change,error",
    [
        ({"weekday": 7}, "Выберите день недели с понедельника по субботу."),
        ({"weekday": 0}, "Выберите день недели с понедельника по субботу."),
        ({"bell_id": 999999}, "Выберите урок по расписанию звонков."),
        ({"assignment_id": "6b"}, "Выберите предмет из учебной нагрузки класса 5А."),
        ({"valid_from": dt.date(2027, 6, 1)}, "Дата 01.06.2027 вне учебного года 2026/2027 (01.09.2026–31.05.2027)."),
        ({"valid_from": None}, "Укажите дату, с которой действует изменение."),
        ({"room": "к" * 21}, "Кабинет: не длиннее 20 символов."),
    ],
)
def test_placing_refuses_bad_input(world, tt, operator, change, error):
    from models.school.timetable import place_lesson

    values = {
        "class_id": world.c5a.id,
        "assignment_id": world.a_maths_5a.id,
        "weekday": 2,
        "bell_id": tt.bell2.id,
        "valid_from": START,
        "room": None,
    }
    if change.get("assignment_id") == "6b":
        change = {"assignment_id": world.a_maths_6b.id}  # another class's load
    values.update(change)
    with pytest.raises(InvalidInput) as refused:
        place_lesson(operator, **values)
    assert refused.value.message == error


@pytest.mark.parametrize("who", ["director", "coordinator", "teacher", "classteacher", "secretary", "parent"])
def test_only_the_operator_places_lessons(world, tt, place, actor_of, who):
    with pytest.raises(AccessDenied):
        place(world.a_maths_5a, 2, tt.bell2, actor=actor_of(who))


def test_foreign_operator_cannot_touch_our_classes(world, tt, place, actor_of):
    with pytest.raises(NotFound):
        place(world.a_maths_5a, 2, tt.bell2, actor=actor_of("foreign_operator"))


def test_placing_is_audited(world, tt, place, db_session):
    entry = place(world.a_maths_5a, 2, tt.bell2, "12")
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "timetable.place", AuditEvent.entity_id == entry.id)
    )
    assert event.actor_id == world.users["operator"].id and '"room": "12"' in event.new


# --- changes from a date ------------------------------------------------------------------------------
def test_change_from_a_date_keeps_the_past(world, tt, place, operator):
    entry = place(world.a_maths_5a, 2, tt.bell2, "12")
    change = dt.date(2026, 10, 1)  # a Thursday: the new lesson applies from that date on
    new = change_entry(operator, entry.id, change, assignment_id=world.a_russian_5a.id, room="14")
    assert entry.valid_to == dt.date(2026, 9, 30)
    assert (new.valid_from, new.valid_to, new.weekday, new.bell_id, new.room) == (change, None, 2, tt.bell2.id, "14")
    before = entries_on(dt.date(2026, 9, 29), class_id=world.c5a.id)
    after = entries_on(dt.date(2026, 10, 6), class_id=world.c5a.id)
    assert [e.assignment_id for e in before] == [world.a_maths_5a.id]
    assert [e.assignment_id for e in after] == [world.a_russian_5a.id]


def test_change_before_the_entry_started_replaces_it(world, tt, place, operator, db_session):
    entry = place(world.a_maths_5a, 2, tt.bell2, valid_from=dt.date(2026, 9, 14))
    new = change_entry(operator, entry.id, dt.date(2026, 9, 10), assignment_id=world.a_russian_5a.id)
    slot = db_session.scalars(
        select(TimetableEntry).where(TimetableEntry.weekday == 2, TimetableEntry.bell_id == tt.bell2.id)
    ).all()
    assert [(e.assignment_id, e.valid_from, e.valid_to) for e in slot] == [
        (world.a_russian_5a.id, dt.date(2026, 9, 14), None)
    ]  # the old one had not started: nothing to keep
    assert new in slot


def test_removing_from_a_date(world, tt, place, operator):
    entry = place(world.a_maths_5a, 3, tt.bell2)
    assert change_entry(operator, entry.id, dt.date(2026, 12, 1), remove=True) is None
    assert entry.valid_to == dt.date(2026, 11, 30)
    assert entries_on(dt.date(2026, 12, 2), class_id=world.c5a.id) == []
    assert [e.id for e in entries_on(dt.date(2026, 11, 25), class_id=world.c5a.id)] == [entry.id]


def test_a_change_refused_by_a_clash_changes_nothing(world, tt, place, operator):
    place(world.a_maths_6b, 1, tt.bell3)
    entry = place(world.a_maths_5a, 1, tt.bell3)
    # physics in 5А at Monday bell 3 would put other_teacher in 6Б and 5А at once
    with pytest.raises(ClashError):
        change_entry(operator, entry.id, dt.date(2026, 10, 5), assignment_id=tt.a_physics_5a.id)
    assert entry.valid_to is None


def test_change_refused_while_substitutions_are_set(world, tt, place, operator):
    entry = place(world.a_maths_5a, 2, tt.bell2)
    record_substitution(operator, entry_id=entry.id, day=dt.date(2026, 10, 6), substitute_id=world.s_classteacher.id)
    with pytest.raises(Conflict) as refused:
        change_entry(operator, entry.id, dt.date(2026, 10, 1), remove=True)
    assert refused.value.message == "На этот урок назначены замены (06.10.2026): сначала отмените их."
    assert change_entry(operator, entry.id, dt.date(2026, 10, 7), remove=True) is None  # after it: fine


def test_change_after_the_entry_ended_is_refused(world, tt, place, operator):
    entry = place(world.a_maths_5a, 2, tt.bell2)
    change_entry(operator, entry.id, dt.date(2026, 10, 1), remove=True)
    with pytest.raises(InvalidInput):
        change_entry(operator, entry.id, dt.date(2026, 11, 1), assignment_id=world.a_russian_5a.id)


# --- the week grid ------------------------------------------------------------------------------------
def test_week_grid_shows_lessons_subgroups_and_a_mid_week_change(world, tt, place, operator):
    place(tt.a_eng1, 2, tt.bell2, "21")
    place(tt.a_eng2, 2, tt.bell2, "22")
    maths = place(world.a_maths_5a, 1, tt.bell3)
    change_entry(operator, maths.id, MONDAY + dt.timedelta(days=2), remove=True)  # from Wednesday
    place(world.a_maths_5a, 3, tt.bell3, valid_from=MONDAY + dt.timedelta(days=2))
    week = class_week(operator, world.c5a.id, MONDAY + dt.timedelta(days=4))
    assert week.monday == MONDAY and [d for d, _ in week.days] == [1, 2, 3, 4, 5, 6]
    by_bell = {row.bell.number: row for row in week.rows}
    assert [row.bell.shift for row in week.rows] == [1, 1, 1]
    tuesday = by_bell[2].cells[1]
    assert [(l.subject, l.group, l.room) for l in tuesday.lessons] == [
        ("Английский язык", "1 группа", "21"),
        ("Английский язык", "2 группа", "22"),
    ]
    assert tuesday.groups_only
    assert [l.subject for l in by_bell[3].cells[0].lessons] == ["Математика"]  # Monday: still the old entry
    assert [l.subject for l in by_bell[3].cells[2].lessons] == ["Математика"]  # Wednesday: the new one
    load = {p.assignment_id: p.placed for p in week.load}
    assert load[world.a_maths_5a.id] == 2 and load[tt.a_eng1.id] == 1 and load[world.a_russian_5a.id] == 0
    assert week.editable
    assert dict(week.options)[tt.a_eng1.id] == "Английский язык (1 группа) — Инглиш И., 3 ч"


def test_week_grid_access(world, tt, actor_of):
    assert class_week(actor_of("teacher"), world.c5a.id, MONDAY).editable is False  # teaches maths there
    assert class_week(actor_of("classteacher"), world.c5a.id, MONDAY)
    with pytest.raises(AccessDenied):
        class_week(actor_of("teacher"), world.c6b.id, MONDAY)  # not one of hers
    with pytest.raises(NotFound):
        class_week(actor_of("foreign_operator"), world.c5a.id, MONDAY)
    assert class_week(actor_of("director"), world.c6b.id, MONDAY).editable is False


def test_week_grid_shows_a_substitution_on_its_date_only(world, tt, operator):
    record_substitution(
        operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_teacher.id, reason="болезнь"
    )
    week = class_week(operator, world.c6b.id, MONDAY)
    cell = week.rows[0].cells[0]
    assert [(l.subject, l.substitute, l.substitution_reason) for l in cell.lessons] == [
        ("Математика", "Математикова М.И.", "болезнь")
    ]
    assert (
        class_week(operator, world.c6b.id, MONDAY + dt.timedelta(days=7)).rows[0].cells[0].lessons[0].substitute is None
    )


# --- substitutions --------------------------------------------------------------------------------
def test_substitution_lets_the_substitute_fill_in_that_days_journal(world, tt, operator, actor_of, db_session):
    substitute = actor_of("teacher")  # Математикова: no lesson on Monday bell 1 (5А maths is not timetabled)
    assert not can_edit_assignment(substitute, world.a_maths_6b, MONDAY)
    sub = record_substitution(
        operator,
        entry_id=world.entry_6b.id,
        day=MONDAY,
        substitute_id=world.s_teacher.id,
        reason="курсы повышения квалификации",
    )
    assert (sub.absent_teacher_id, sub.created_by_id) == (world.s_other_teacher.id, world.users["operator"].id)
    assert can_edit_assignment(substitute, world.a_maths_6b, MONDAY)
    assert not can_edit_assignment(substitute, world.a_maths_6b, MONDAY + dt.timedelta(days=7))
    # the lesson already in the journal that day is marked as substituted: the diary shows it
    assert db_session.get(Lesson, world.lesson_6b.id).substitution_id == sub.id
    assert substitution_for(world.a_maths_6b.id, MONDAY, world.bell.id).id == sub.id
    assert db_session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "substitution.create", AuditEvent.entity_id == sub.id)
    )


def test_the_diary_shows_the_substitution(world, tt, operator, db_session):
    from models.access import Actor
    from models.journal.diary import diary_week

    record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_teacher.id)
    week = diary_week(Actor.of(world.users["parent_b"]), world.boris.id, MONDAY)
    assert [l.substituted for l in week.days[0].lessons] == [True]


@pytest.mark.parametrize(
    "setup,substitute,error",
    [
        # Математикова teaches 5А maths on Monday bell 1 → she is busy for 6Б's lesson then
        ("own-lesson", "s_teacher", "Математикова М.И. в это время ведёт свой урок: 5А, Математика (1 урок)."),
        ("substituting", "s_teacher", "Математикова М.И. в это время уже замещает урок: 5А, Английский язык (1 урок)."),
        ("none", "s_other_teacher", "Учитель не может заменять сам себя."),
        ("none", "s_foreign", "Выберите заменяющего учителя."),
    ],
)
def test_busy_or_wrong_substitute_is_refused(world, tt, operator, place, db_session, setup, substitute, error):
    if setup == "own-lesson":
        place(world.a_maths_5a, 1, tt.bell1, valid_from=MONDAY)
    if setup == "substituting":
        # English (group 1) in 5А on Monday bell 1, substituted by Математикова that day
        english = place(tt.a_eng1, 1, tt.bell1)
        record_substitution(operator, entry_id=english.id, day=MONDAY, substitute_id=world.s_teacher.id)
    with pytest.raises((InvalidInput, Conflict)) as refused:
        record_substitution(
            operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=getattr(world, substitute).id
        )
    assert refused.value.message == error
    assert db_session.scalar(select(Substitution).where(Substitution.entry_id == world.entry_6b.id)) is None


@pytest.mark.parametrize(
    "day,error",
    [
        (MONDAY + dt.timedelta(days=1), "08.09.2026 этого урока нет в расписании."),  # Tuesday: not timetabled
        (dt.date(2026, 8, 31), "31.08.2026 этого урока нет в расписании."),  # before the entry starts
    ],
)
def test_substitution_on_a_day_without_that_lesson_is_refused(world, tt, operator, day, error):
    with pytest.raises(InvalidInput) as refused:
        record_substitution(operator, entry_id=world.entry_6b.id, day=day, substitute_id=world.s_teacher.id)
    assert refused.value.message == error


def test_setting_a_substitution_again_changes_the_substitute(world, tt, operator, db_session):
    first = record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_teacher.id)
    again = record_substitution(
        operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_classteacher.id, reason="болезнь"
    )
    assert again.id == first.id and again.substitute_id == world.s_classteacher.id
    assert db_session.scalar(select(AuditEvent.id).where(AuditEvent.action == "substitution.update"))


def test_cancelling_a_substitution(world, tt, operator, db_session):
    sub = record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_teacher.id)
    sub_id = sub.id
    cancel_substitution(operator, sub_id)
    assert db_session.get(Substitution, sub_id) is None
    assert db_session.get(Lesson, world.lesson_6b.id).substitution_id is None


def test_a_substitution_the_substitute_recorded_stays(world, tt, operator, db_session):
    sub = record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_teacher.id)
    lesson = db_session.get(Lesson, world.lesson_6b.id)
    lesson.taught_by_id = world.s_teacher.id
    db_session.flush()
    with pytest.raises(Conflict):
        cancel_substitution(operator, sub.id)
    with pytest.raises(Conflict):
        record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_classteacher.id)


def test_teacher_day_lists_lessons_and_free_colleagues(world, tt, operator, place):
    place(world.a_maths_5a, 1, tt.bell1, valid_from=MONDAY)  # Математикова is busy on Monday bell 1
    day = teacher_day(operator, world.s_other_teacher.id, MONDAY)
    assert [(l.assignment.school_class.name, l.entry.bell.number) for l in day.lessons] == [("6Б", 1)]
    candidates = {c.name: c.busy_text for c in day.lessons[0].candidates}
    assert "Физикова Ф.И." not in candidates  # the absent teacher herself
    assert candidates["Математикова М.И."] == "свой урок: 5А, Математика (1 урок)"
    assert candidates["Русская Р.И."] is None
    assert candidates["Инглиш И."] is None  # teaches English (a teaching load, no account)
    record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_classteacher.id)
    day = teacher_day(operator, world.s_other_teacher.id, MONDAY)
    assert day.lessons[0].substitute_name == "Русская Р.И."
    assert {c.name: c.busy_text for c in day.lessons[0].candidates}["Русская Р.И."] is None  # this very lesson


def test_teacher_day_is_for_the_administration(world, tt, actor_of):
    with pytest.raises(AccessDenied):
        teacher_day(actor_of("teacher"), world.s_other_teacher.id, MONDAY)
    assert teacher_day(actor_of("director"), world.s_other_teacher.id, MONDAY).editable is False


def test_find_clashes_excludes_the_entry_being_replaced(world, tt):
    found = find_clashes(
        world.school.id, world.a_maths_6b, 1, world.bell, None, START, None, exclude_entry_ids=[world.entry_6b.id]
    )
    assert found == []
    assert {c.kind for c in find_clashes(world.school.id, world.a_maths_6b, 1, world.bell, None, START, None)} == {
        "teacher",
        "class",
    }
