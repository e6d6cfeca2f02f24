"""Re-imports keep manual edits (issue 11, item 6): the preview shows field by field what a file would
change, fields corrected by hand since the last import are kept unless the operator picks the file's
value, the confirmation writes exactly what the preview showed, and every change is audited."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from models import AuditEvent, Bell, Guardian, SchoolClass, Staff, Student, TeachingAssignment, TimetableEntry, db
from models.access import Actor
from models.school.imports import SAME, UPDATE, PreviewOutdated, commit
from models.school.imports.common import RowReport
from models.school.imports.tracking import ImportBaseline, Tracker, canon

STAFF = ["Табельный номер", "Фамилия", "Имя", "Отчество", "Должность", "Email", "Телефон"]
CLASSES = ["Класс", "Классный руководитель", "Смена", "Кабинет", "Схема периодов"]
LOAD = ["Класс", "Предмет", "Подгруппа", "Учитель", "Часов в неделю"]
TIMETABLE = ["Класс", "Подгруппа", "Предмет", "День недели", "Урок №", "Кабинет", "Действует с"]


# --- the rule: baseline (what the last import wrote), database, file → change? manual? applied? -------
@pytest.mark.parametrize(
    "baseline,db_value,file_value,overwrite,expected",
    [
        (None, "a", "a", False, None),  # no import before, same value: nothing
        (None, "a", "b", False, (False, True)),  # no import before: an ordinary update
        ("a", "a", "b", False, (False, True)),  # the database holds what the last import wrote: update
        ("a", "x", "b", False, (True, False)),  # edited by hand since: kept
        ("a", "x", "b", True, (True, True)),  # edited by hand, the operator picks the file: applied
        ("a", "x", "x", False, None),  # edited by hand to what the file now says: nothing to do
        ("a", "x", None, False, None),  # an empty cell keeps the database's value
        ("a", None, "a", False, (True, False)),  # cleared by hand: a manual edit too
    ],
)
def test_the_rule_of_a_field(db_session, world, baseline, db_value, file_value, overwrite, expected):
    obj = SimpleNamespace(id=7, room=db_value)
    tracker = Tracker(world.school.id, frozenset({"thing:7:room"} if overwrite else ()))
    tracker.loaded["thing"] = {} if baseline is None else {("7", "room"): (1, baseline)}
    report = RowReport(2, status=SAME)
    applied = tracker.propose(report, "thing", obj, "room", file_value, "Кабинет")
    if expected is None:
        assert not report.fields and not applied and report.status == SAME
        return
    [change] = report.fields
    assert (change.manual, change.apply) == expected and applied == expected[1]
    assert report.status == (UPDATE if applied else SAME)
    # a kept edit leaves the last import's value as the reference; anything else records the file's
    assert tracker.pending.get(("thing", "7", "room"), "kept") == (file_value if applied else "kept")


@pytest.mark.parametrize(
    "value,expected",
    [
        (None, None),
        ("", None),
        ("21", "21"),
        (dt.date(2026, 9, 1), "2026-09-01"),
        (Decimal("5.0"), "5"),
        (Decimal("10"), "10"),
        (2.5, "2.5"),
        (True, "1"),
        (3, "3"),
    ],
)
def test_values_are_compared_in_one_form(value, expected):
    assert canon(value) == expected


# --- every kind that updates rows: import, edit by hand, re-import → kept; overwrite → overwritten -----
@pytest.fixture()
def school(db_session, numbered):
    world = numbered
    db_session.add(
        Bell(school_id=world.school.id, shift=1, number=2, starts_at=dt.time(10, 0), ends_at=dt.time(10, 45))
    )
    db_session.commit()
    return world


def _staff(world):
    return db.session.scalar(select(Staff).where(Staff.personnel_no == "0042"))


def _class(world):
    return db.session.scalar(select(SchoolClass).where(SchoolClass.grade == 7, SchoolClass.letter == "В"))


def _assignment(world):
    return db.session.get(TeachingAssignment, world.a_maths_5a.id)


def _entry(world):
    return db.session.scalar(select(TimetableEntry).where(TimetableEntry.room == "21")) or db.session.scalar(
        select(TimetableEntry).where(TimetableEntry.room == "99")
    )


KINDS = {
    "staff": ([STAFF, ["0042", "Петрова", "Анна", "", "учитель", "", ""]], _staff, "position", "завуч"),
    "classes": ([CLASSES, ["7В", "T1", "1", "21", "четверти"]], _class, "room", "99"),
    "load": ([LOAD, ["5А", "Математика", "", "T1", "5"]], _assignment, "hours_per_week", Decimal("4")),
    "timetable": ([TIMETABLE, ["5А", "", "Математика", "Ср", "2", "21", ""]], _entry, "room", "99"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_reimport_keeps_a_manual_edit_until_the_operator_picks_the_file(run, files, school, kind):
    rows, find, attr, by_hand = KINDS[kind]
    data = files.csv(rows)
    run(kind, data, write=True)
    obj = find(school)
    file_value = getattr(obj, attr)
    setattr(obj, attr, by_hand)  # corrected by hand
    db.session.commit()

    again = run(kind, data)
    [change] = again.rows[0].fields
    assert (change.attr, change.manual, change.apply) == (attr, True, False)
    assert again.rows[0].status == SAME and again.kept == 1
    run(kind, data, write=True)
    assert getattr(find(school), attr) == by_hand  # kept

    actor = Actor.of(school.users["operator"])
    result = commit(actor, kind, data, "f.csv", year_id=school.year.id, today=files.TODAY, overwrite=[change.key])
    db.session.commit()
    assert result.rows[0].status == UPDATE
    assert getattr(find(school), attr) == file_value  # overwritten at the operator's choice
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == f"import.{kind}.update").order_by(AuditEvent.id.desc())
    ).first()
    assert event.entity_id == obj.id
    assert json.loads(event.new)["manual_edits_overwritten"] == [attr]
    assert json.loads(event.old)[attr] == canon(by_hand)
    # now the database holds the file's value again: nothing left to keep
    assert not run(kind, data).rows[0].fields


def test_students_reimport_keeps_hand_corrections_of_students_and_parents(run, files, world):
    data = files.csv([files.STUDENT_HEADER, files.student(1)])
    run("students", data, write=True)
    student = db.session.scalar(select(Student).where(Student.personal_file_no == "ЛД-00001"))
    mother = db.session.scalar(select(Guardian).where(Guardian.last_name == "Ученикова1"))
    student.last_name = "Ученикова-Петрова1"
    mother.phone = "8 999 000-00-01"
    db.session.commit()

    preview = run("students", data)
    row = preview.rows[0]
    assert row.status == SAME and preview.kept == 2
    shown = {(c.entity, c.attr): (c.old, c.new, c.manual, c.apply) for c in row.fields}
    assert shown == {
        ("student", "last_name"): ("Ученикова-Петрова1", "Ученикова1", True, False),
        ("guardian", "phone"): ("8 999 000-00-01", "8 900 0000001", True, False),
    }
    # the file changes another field: that one is an ordinary update, the manual edits stay kept
    changed = files.csv([files.STUDENT_HEADER, files.student(1, **{"Отчество": "Игоревна"})])
    run("students", changed, write=True)
    db.session.refresh(student)
    db.session.refresh(mother)
    assert (student.last_name, student.middle_name, mother.phone) == (
        "Ученикова-Петрова1",
        "Игоревна",
        "8 999 000-00-01",
    )
    keys = [c.key for c in run("students", changed).rows[0].fields]
    assert len(keys) == 2

    actor = Actor.of(world.users["operator"])
    commit(
        actor,
        "students",
        changed,
        "f.csv",
        year_id=world.year.id,
        today=files.TODAY,
        overwrite=[k for k in keys if k.startswith("guardian:")],
    )
    db.session.commit()
    db.session.refresh(student)
    db.session.refresh(mother)
    assert (student.last_name, mother.phone) == ("Ученикова-Петрова1", "8 900 0000001")


def test_the_first_import_over_rows_entered_by_hand_updates_them(run, files, world):
    """No import ever wrote these rows: the file's values are ordinary updates (and become the reference)."""
    world.s_teacher.personnel_no = "0042"
    db.session.commit()
    data = files.csv(
        [
            STAFF,
            [
                "0042",
                world.s_teacher.last_name,
                world.s_teacher.first_name,
                world.s_teacher.middle_name or "",
                "директор",
                "",
                "",
            ],
        ]
    )
    [change] = run("staff", data).rows[0].fields
    assert (change.manual, change.apply) == (False, True)
    run("staff", data, write=True)
    assert (
        db.session.scalar(
            select(ImportBaseline.value).where(
                ImportBaseline.entity == "staff",
                ImportBaseline.entity_key == str(world.s_teacher.id),
                ImportBaseline.field == "position",
            )
        )
        == "директор"
    )


def test_confirm_refuses_when_the_data_changed_since_the_preview(run, files, world):
    data = files.csv([files.STUDENT_HEADER, files.student(1)])
    run("students", data, write=True)
    changed = files.csv([files.STUDENT_HEADER, files.student(1, **{"Отчество": "Игоревна"})])
    seen = run("students", changed).fingerprint
    student = db.session.scalar(select(Student).where(Student.personal_file_no == "ЛД-00001"))
    student.middle_name = "Олеговна"  # someone edits meanwhile
    db.session.commit()
    actor = Actor.of(world.users["operator"])
    with pytest.raises(PreviewOutdated) as refused:
        commit(actor, "students", changed, "f.csv", year_id=world.year.id, today=files.TODAY, expected=seen)
    db.session.rollback()
    assert db.session.get(Student, student.id).middle_name == "Олеговна"
    assert refused.value.preview.rows[0].fields[0].old == "Олеговна"
    # the fingerprint does not depend on the operator's choices
    again = run("students", changed).fingerprint
    commit(
        actor,
        "students",
        changed,
        "f.csv",
        year_id=world.year.id,
        today=files.TODAY,
        expected=again,
        overwrite=["student:%s:middle_name" % student.id],
    )
    db.session.commit()
    assert db.session.get(Student, student.id).middle_name == "Игоревна"
