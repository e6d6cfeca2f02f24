"""Fixtures of the import tests: files built from rows (CSV in any dialect, XLSX with typed cells),
the world's staff with personnel numbers, and one call to preview or commit an import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from models import AuditEvent, db
from models.access import Actor
from models.school.imports import commit, preview

TODAY = dt.date(2026, 9, 10)
STUDENT_HEADER = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Пол",
    "Номер личного дела",
    "Класс",
    "Дата зачисления",
    "Мать ФИО",
    "Мать телефон",
    "Отец ФИО",
    "Отец телефон",
]


def csv_bytes(rows, *, delimiter=";", bom=True, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def student_row(n: int, cls: str = "5А", **over) -> list:
    """A valid row of the students file; ``n`` makes the person and their parents unique."""
    values = {
        "Фамилия": f"Ученикова{n}",
        "Имя": "Мария",
        "Отчество": "Ивановна",
        "Дата рождения": "14.03.2015",
        "Пол": "Ж",
        "Номер личного дела": f"ЛД-{n:05d}",
        "Класс": cls,
        "Дата зачисления": "",
        "Мать ФИО": f"Ученикова{n} Ирина Петровна",
        "Мать телефон": f"8 900 {n:07d}",
        "Отец ФИО": f"Учеников{n} Иван Сергеевич",
        "Отец телефон": f"+7 901 {n:07d}",
    }
    values.update(over)
    return [values[h] for h in STUDENT_HEADER]


@pytest.fixture()
def files():
    """Builders of test files (test modules cannot import conftest): files.csv(rows), files.xlsx(rows),
    files.student(n, cls, **cells), files.STUDENT_HEADER."""
    return SimpleNamespace(
        csv=csv_bytes, xlsx=xlsx_bytes, student=student_row, STUDENT_HEADER=STUDENT_HEADER, TODAY=TODAY
    )


@pytest.fixture()
def actor_of(world):
    return lambda name: Actor.of(world.users[name])


@pytest.fixture()
def numbered(db_session, world):
    """Personnel numbers for the world's staff: T1 teacher, T2 class teacher (5А), T3 other teacher (6Б)."""
    world.s_teacher.personnel_no = "T1"
    world.s_classteacher.personnel_no = "T2"
    world.s_other_teacher.personnel_no = "T3"
    world.s_foreign.personnel_no = "T1"  # the same number in another school is another person
    db_session.commit()
    return world


@pytest.fixture()
def run(db_session, world):
    """run("students", data) → the preview; run(..., write=True) → commit (flushed and committed)."""

    def _run(kind, data, *, who="operator", filename="file.csv", write=False, year=None):
        actor = Actor.of(world.users[who])
        year_id = (year or world.year).id
        if write:
            result = commit(actor, kind, data, filename, year_id=year_id, today=TODAY)
            db.session.commit()
            return result
        result = preview(actor, kind, data, filename, year_id=year_id, today=TODAY)
        assert not db.session.new and not db.session.dirty and not db.session.deleted, "a preview must not write"
        return result

    return _run


@pytest.fixture()
def audit_count(db_session):
    from sqlalchemy import func, select

    return lambda action: db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))
