"""The bells import: a good file (CSV and XLSX with time cells), each bad row, overlaps and gaps, replacing the
bells of a shift only when no timetabled lesson loses its slot, and nothing written on a bad file.

The world has one bell: shift 1, lesson 1, 08:30–09:15; 6Б's maths stands on it on Mondays and both journal
lessons of 07.09.2026 were given at it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models import Bell, Lesson, TimetableEntry, db
from models.access import Actor
from models.errors import AccessDenied
from models.school.imports import ERROR, NEW, SAME, UPDATE, ImportRejected, can_import, template

HEADER = ["Смена", "Урок №", "Начало", "Окончание"]


def _bells(world):
    return [
        (b.shift, b.number, b.starts_at.strftime("%H:%M"), b.ends_at.strftime("%H:%M"))
        for b in db.session.scalars(
            select(Bell).where(Bell.school_id == world.school.id).order_by(Bell.shift, Bell.number)
        )
    ]


def _errors(result):
    return {r.line: " | ".join(str(m) for m in r.errors) for r in result.rows if r.errors}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_file_adds_keeps_and_reimports_unchanged(run, files, world, audit_count, fmt):
    if fmt == "csv":
        rows = [HEADER, ["1", "1", "08:30", "09:15"], ["", "2", "9:25", "10:10"], ["1", "3", "10.20", "11:05"]]
        data = files.csv(rows)
    else:  # Excel keeps times as time cells
        rows = [
            HEADER,
            [1, 1, dt.time(8, 30), dt.time(9, 15)],
            [None, 2, dt.time(9, 25), dt.time(10, 10)],
            [1, 3, dt.time(10, 20), dt.time(11, 5)],
        ]
        data = files.xlsx(rows)
    name = f"bells.{fmt}"
    result = run("bells", data, filename=name)
    assert result.ok, _errors(result)
    assert [r.status for r in result.rows] == [SAME, NEW, NEW]
    run("bells", data, filename=name, write=True)
    assert _bells(world) == [(1, 1, "08:30", "09:15"), (1, 2, "09:25", "10:10"), (1, 3, "10:20", "11:05")]
    assert audit_count("bell.create") == 2
    assert audit_count("import.bells") == 1
    again = run("bells", data, filename=name)
    assert again.ok and {r.status for r in again.rows} == {SAME}


def test_changing_times_keeps_the_timetabled_lesson_on_its_bell(run, files, world, audit_count):
    data = files.csv([HEADER, ["1", "1", "08:00", "08:45"]])
    result = run("bells", data)
    assert [r.status for r in result.rows] == [UPDATE]
    assert [str(m) for m in result.rows[0].described] == ["Начало: «08:30» → «08:00»", "Окончание: «09:15» → «08:45»"]
    run("bells", data, write=True)
    assert _bells(world) == [(1, 1, "08:00", "08:45")]
    assert db.session.get(TimetableEntry, world.entry_6b.id).bell_id == world.bell.id
    assert audit_count("bell.update") == 1


def test_a_second_shift_leaves_the_first_as_it_is(run, files, world):
    run("bells", files.csv([HEADER, ["2", "1", "13:30", "14:15"], ["2", "2", "14:25", "15:10"]]), write=True)
    assert _bells(world) == [(1, 1, "08:30", "09:15"), (2, 1, "13:30", "14:15"), (2, 2, "14:25", "15:10")]


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (["1", "1", "8-30", "09:15"], "«Начало»: «8-30» — не время. Пишите ЧЧ:ММ"),
        (["1", "1", "08:30", "24:10"], "«Окончание»: «24:10» — не время"),
        (["1", "1", "08:30", "09:75"], "«Окончание»: «09:75» — не время"),
        (["1", "1", "", "09:15"], "«Начало»: не заполнено."),
        (["1", "1", "09:15", "08:30"], "Урок должен заканчиваться позже, чем начинается."),
        (["1", "1", "09:15", "09:15"], "Урок должен заканчиваться позже, чем начинается."),
        (["1", "1", "08:00", "10:01"], "Урок не может длиться дольше 120 минут."),
        (["1", "13", "08:30", "09:15"], "«Урок №»: нужно целое число от 0 до 12, а не «13»."),
        (["3", "1", "08:30", "09:15"], "«Смена»: нужно целое число от 1 до 2, а не «3»."),
        (["1", "", "08:30", "09:15"], "«Урок №»: не заполнено."),
    ],
)
def test_each_bad_row_is_named(run, files, world, row, fragment):
    result = run("bells", files.csv([HEADER, row]))
    assert not result.ok
    assert result.rows[0].status == ERROR
    assert fragment in _errors(result)[2]


def test_overlapping_bells_are_both_refused(run, files, world):
    result = run("bells", files.csv([HEADER, ["1", "1", "08:30", "09:15"], ["1", "2", "09:10", "09:55"]]))
    errors = _errors(result)
    assert "Время пересекается с уроком № 2 1 смены (2. 09:10–09:55)." in errors[2]
    assert "Время пересекается с уроком № 1 1 смены (1. 08:30–09:15)." in errors[3]


def test_numbers_follow_the_times(run, files, world):
    result = run("bells", files.csv([HEADER, ["1", "1", "09:30", "10:15"], ["1", "2", "08:30", "09:15"]]))
    assert "Урок № 2 начинается раньше урока № 1" in _errors(result)[3]


@pytest.mark.parametrize(
    ("numbers", "line", "fragment"),
    [
        ((1, 2, 4), 4, "Номера уроков 1 смены идут с пропуском: после № 2 идёт № 4."),
        ((2, 3), 2, "Уроки 1 смены нумеруются с 0 или 1, а первый в файле — № 2."),
        ((1, 1), 2, "Урок № 1 1 смены повторяется в файле (строки 2, 3)."),
    ],
)
def test_numbers_are_consecutive_and_unique(run, files, world, numbers, line, fragment):
    rows = [HEADER] + [["1", str(n), f"{8 + i}:00", f"{8 + i}:45"] for i, n in enumerate(numbers)]
    result = run("bells", files.csv(rows))
    assert fragment in _errors(result)[line]


def test_lesson_zero_starts_a_shift(run, files, world):
    result = run("bells", files.csv([HEADER, ["1", "0", "07:40", "08:20"], ["1", "1", "08:30", "09:15"]]))
    assert result.ok, _errors(result)
    assert [r.status for r in result.rows] == [NEW, SAME]


def test_replacing_is_refused_while_a_timetabled_lesson_would_lose_its_slot(run, files, world):
    """The file names shift 1 without lesson 1, on which 6Б's maths stands: nothing is written, the preview
    says which lessons hold it."""
    data = files.csv([HEADER, ["1", "0", "07:30", "08:15"]])
    result = run("bells", data)
    assert not result.ok
    blocked = [r for r in result.rows if r.line == 0]
    assert len(blocked) == 1 and blocked[0].status == ERROR
    message = str(blocked[0].errors[0])
    assert "Урока № 1 1 смены нет в файле, но в расписании на нём стоят уроки (1): 6Б, Математика (Пн)" in message
    assert "оставьте этот урок в файле" in message
    with pytest.raises(ImportRejected):
        run("bells", data, write=True)
    db.session.rollback()
    assert _bells(world) == [(1, 1, "08:30", "09:15")]  # lesson 0 was not added either


def test_a_bell_used_only_in_the_journal_stays(run, files, world, db_session):
    """The timetable entry ended before today (the journal lessons of 07.09 still point at the bell)."""
    db.session.get(TimetableEntry, world.entry_6b.id).valid_to = dt.date(2026, 9, 8)
    db_session.commit()
    result = run("bells", files.csv([HEADER, ["1", "0", "07:30", "08:15"]]))
    assert "уже использован в журнале или в прошлых неделях расписания" in _errors(result)[0]


def test_an_unused_bell_missing_from_the_file_is_removed(run, files, world, db_session, audit_count):
    db_session.add(
        Bell(school_id=world.school.id, shift=1, number=2, starts_at=dt.time(9, 25), ends_at=dt.time(10, 10))
    )
    db_session.commit()
    data = files.csv([HEADER, ["1", "1", "08:30", "09:15"]])
    result = run("bells", data)
    assert result.ok, _errors(result)
    removed = [r for r in result.rows if r.line == 0]
    assert [r.status for r in removed] == [UPDATE]
    assert [str(m) for m in removed[0].changes] == ["Этого урока нет в файле: звонок будет удалён."]
    run("bells", data, write=True)
    assert _bells(world) == [(1, 1, "08:30", "09:15")]
    assert audit_count("bell.delete") == 1


def test_all_or_nothing(run, files, world):
    """One bad row among good ones: no bell is added or changed."""
    before = _bells(world)
    data = files.csv([HEADER, ["1", "1", "08:00", "08:45"], ["1", "2", "08:55", "09:40"], ["1", "3", "10:00", "x"]])
    with pytest.raises(ImportRejected) as refused:
        run("bells", data, write=True)
    db.session.rollback()
    assert _errors(refused.value.preview).keys() == {4}
    assert _bells(world) == before
    assert db.session.scalar(select(func.count(Lesson.id)).where(Lesson.bell_id == world.bell.id)) == 2


@pytest.mark.parametrize(("role", "allowed"), [("operator", True), ("secretary", False), ("director", False)])
def test_only_the_operator_imports_bells(world, role, allowed, run, files):
    assert can_import(Actor.of(world.users[role]), "bells") is allowed
    if not allowed:
        with pytest.raises(AccessDenied):
            run("bells", files.csv([HEADER, ["1", "1", "08:30", "09:15"]]), who=role)


def test_the_template_reads_back_as_a_good_file(run, files, world):
    titles, example = template("bells")
    assert [str(t) for t in titles] == HEADER
    result = run("bells", files.csv([[str(t) for t in titles], [str(v) for v in example]]))
    assert result.ok and [r.status for r in result.rows] == [SAME]
