"""The staff file and the students file's parents may carry an ИИН (Kazakhstan; "ИИН", "ЖСН" or "IIN", for a parent
"Мать ИИН" …): each number is checked (12 digits, the check digit), is one person's in the file and in the school,
and is written with the person; a parent's number names them (siblings share the record)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Guardian, Staff, db
from models.school.imports import ERROR, NEW, SAME

VALID, OTHER = "900101300017", "900101000906"  # worked by hand in tests/kazakhstan/test_iin.py
STAFF = ["Табельный номер", "Фамилия", "Имя", "Отчество", "Должность", "ИИН"]


def _errors(result):
    return {r.line: " ".join(str(m) for m in r.errors) for r in result.rows if r.errors}


# --- staff -------------------------------------------------------------------------------------------
def test_the_staff_iin_is_written_and_a_second_run_changes_nothing(run, files, world):
    data = files.csv(
        [STAFF, ["0042", "Петрова", "Анна", "", "учитель", "900101 300017"], ["0043", "Ли", "Ким", "", "учитель", ""]]
    )
    result = run("staff", data)
    assert result.ok and [r.status for r in result.rows] == [NEW, NEW], _errors(result)
    run("staff", data, write=True)
    assert db.session.scalar(select(Staff.iin).where(Staff.personnel_no == "0042")) == VALID
    again = run("staff", data)
    assert again.ok and {r.status for r in again.rows} == {SAME}


@pytest.mark.parametrize(
    "cells,fragment",
    [
        (
            ["0042", "Петрова", "Анна", "", "учитель", "900101300018"],
            "«ИИН»: ИИН 900101300018: не сходится контрольная",
        ),
        (["0042", "Петрова", "Анна", "", "учитель", "12345"], "«ИИН»: ИИН — 12 цифр"),
        (["0042", "Петрова", "Анна", "", "учитель", OTHER], "Сотрудник с ИИН 900101000906 уже есть в школе."),
    ],
)
def test_a_bad_or_taken_staff_iin_stops_the_row(run, files, world, cells, fragment):
    world.s_teacher.iin = OTHER
    db.session.commit()
    result = run("staff", files.csv([STAFF, cells]))
    assert not result.ok and result.rows[0].status == ERROR
    assert fragment in _errors(result)[2]


def test_the_same_staff_iin_twice_in_the_file(run, files, world):
    data = files.csv(
        [STAFF, ["0042", "Петрова", "Анна", "", "учитель", VALID], ["0043", "Ли", "Ким", "", "учитель", VALID]]
    )
    errors = _errors(run("staff", data))
    assert "повторяется в файле (строки 2, 3)" in errors[2] and "повторяется" in errors[3]


def test_a_staff_member_keeps_their_own_number(run, files, world):
    """The number already on the card of the person the row means (by personnel number) is theirs, not "taken"."""
    world.s_teacher.personnel_no, world.s_teacher.iin = "T1", VALID
    db.session.commit()
    result = run("staff", files.csv([STAFF, ["T1", "Математикова", "Мария", "Ивановна", "учитель математики", VALID]]))
    assert result.ok, _errors(result)


# --- parents in the students file ----------------------------------------------------------------------------
def _students(files, *rows):
    header = [*files.STUDENT_HEADER, "Мать ИИН", "Отец ЖСН"]
    return files.csv([header, *([*files.student(n, **over), mother, father] for n, over, mother, father in rows)])


def test_a_parents_iin_is_written_and_names_them_in_the_next_row(run, files, world):
    # Two siblings: the same mother, whose phone differs on the second row — the number says she is one person.
    data = _students(
        files,
        (1, {}, "900101 300017", ""),
        (2, {"Мать ФИО": "Ученикова1 Ирина Петровна", "Мать телефон": ""}, VALID, OTHER),
    )
    result = run("students", data)
    assert result.ok, _errors(result)
    run("students", data, write=True)
    mothers = db.session.scalars(select(Guardian).where(Guardian.iin == VALID)).all()
    assert len(mothers) == 1 and len(mothers[0].student_links) == 2
    assert db.session.scalar(select(Guardian.last_name).where(Guardian.iin == OTHER)) == "Учеников2"
    again = run("students", data)
    assert again.ok and {r.status for r in again.rows} == {SAME}, _errors(again)


@pytest.mark.parametrize(
    "mother,fragment",
    [
        ("900101300018", "«Мать ИИН»: ИИН 900101300018: не сходится контрольная цифра"),
        ("1234", "«Мать ИИН»: ИИН — 12 цифр"),
        (OTHER, "Родитель с ИИН 900101000906 уже есть в школе."),  # another parent's (Аннова Алла)
    ],
)
def test_a_bad_or_taken_parents_iin_stops_the_row(run, files, world, mother, fragment):
    world.g_parent.iin = OTHER
    db.session.commit()
    result = run("students", _students(files, (1, {}, mother, "")))
    assert not result.ok and fragment in _errors(result)[2]
    assert db.session.scalar(select(Guardian.id).where(Guardian.last_name == "Ученикова1")) is None


def test_one_number_for_two_people_in_the_file_is_refused(run, files, world):
    result = run("students", _students(files, (1, {}, VALID, ""), (2, {}, VALID, "")))
    errors = _errors(result)
    assert not result.ok and "Родитель с ИИН 900101300017 уже есть в школе." in errors[3]
