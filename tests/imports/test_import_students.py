"""Students with guardians: preview writes nothing, commit writes all or nothing, the same file twice
changes nothing, a bad row anywhere stops the whole file; 10,000 rows in bulk."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select

from models import Enrollment, Guardian, Student, StudentGuardian, db
from models.errors import AccessDenied, InvalidInput
from models.school.imports import ERROR, NEW, SAME, UPDATE, ImportRejected


def _count(model, **where):
    q = select(func.count()).select_from(model)
    for attr, value in where.items():
        q = q.where(getattr(model, attr) == value)
    return db.session.scalar(q)


def _snapshot(world):
    return (_count(Student), _count(Enrollment), _count(Guardian), _count(StudentGuardian))


def _errors(result):
    return {r.line: [str(m) for m in r.errors] for r in result.rows if r.errors}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_well_formed_file_previews_then_writes_students_enrollments_and_guardians(run, files, world, audit_count, fmt):
    rows = [
        files.STUDENT_HEADER,
        files.student(1),
        files.student(2, "6Б", **{"Пол": "м"}),
        files.student(3, "5а", **{"Дата зачисления": "15.09.2026"}),
    ]
    data = files.csv(rows) if fmt == "csv" else files.xlsx(rows)
    name = f"students.{fmt}"
    before = _snapshot(world)

    result = run("students", data, filename=name)
    assert result.ok, (result.file_errors, _errors(result))
    assert [r.status for r in result.rows] == [NEW, NEW, NEW]
    assert [r.line for r in result.rows] == [2, 3, 4]
    assert _snapshot(world) == before  # the preview wrote nothing

    run("students", data, filename=name, write=True)
    assert _snapshot(world) == (before[0] + 3, before[1] + 3, before[2] + 6, before[3] + 6)
    s3 = db.session.scalar(select(Student).where(Student.personal_file_no == "ЛД-00003"))
    stay = db.session.scalar(select(Enrollment).where(Enrollment.student_id == s3.id))
    assert (stay.class_id, stay.starts_on, stay.reason_in, stay.ends_on) == (
        world.c5a.id,
        dt.date(2026, 9, 15),
        "admission",
        None,
    )
    s2 = db.session.scalar(select(Student).where(Student.personal_file_no == "ЛД-00002"))
    assert s2.sex == "m" and s2.birth_date == dt.date(2015, 3, 14)
    s2_stay = db.session.scalar(select(Enrollment).where(Enrollment.student_id == s2.id))
    assert s2_stay.class_id == world.c6b.id and s2_stay.starts_on == world.year.starts_on
    links = {
        (link.relation, link.guardian.full_name, link.guardian.phone)
        for link in db.session.scalars(select(StudentGuardian).where(StudentGuardian.student_id == s2.id))
    }
    assert links == {
        ("mother", "Ученикова2 Ирина Петровна", "8 900 0000002"),
        ("father", "Учеников2 Иван Сергеевич", "+7 901 0000002"),
    }
    assert audit_count("import.students") == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_same_file_twice_changes_nothing(run, files, world, audit_count, fmt):
    rows = [files.STUDENT_HEADER] + [files.student(n) for n in range(1, 6)]
    data = files.csv(rows) if fmt == "csv" else files.xlsx(rows)
    run("students", data, write=True)
    after_first = _snapshot(world)

    again = run("students", data)
    assert again.ok and {r.status for r in again.rows} == {SAME}, _errors(again)
    assert all(not r.described for r in again.rows)
    run("students", data, write=True)
    assert _snapshot(world) == after_first
    assert audit_count("import.students") == 2


def test_bad_row_in_the_middle_writes_nothing(run, files, world):
    rows = [files.STUDENT_HEADER] + [files.student(n) for n in range(1, 51)]
    rows[25] = files.student(25, **{"Дата рождения": "31.02.2015"})
    data = files.csv(rows)
    before = _snapshot(world)

    result = run("students", data)
    assert not result.ok
    assert [r.line for r in result.rows if r.status == ERROR] == [26]
    assert "не дата" in _errors(result)[26][0]
    with pytest.raises(ImportRejected) as rejected:
        run("students", data, write=True)
    assert rejected.value.preview.counts[ERROR] == 1
    db.session.rollback()
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    "cells,fragment",
    [
        ({"Фамилия": ""}, "«Фамилия»: не заполнено"),
        ({"Дата рождения": "2015-13-01"}, "не дата"),
        ({"Дата рождения": "01.01.2030"}, "такой даты рождения быть не может"),
        ({"Пол": "X"}, "допустимо: М, Ж"),
        ({"Класс": "9Я"}, "Класс «9Я» не найден"),
        ({"Дата зачисления": "01.09.2025"}, "вне учебного года"),
        ({"Номер личного дела": "x" * 41}, "не длиннее 40"),
        ({"Мать телефон": "позвонить вечером"}, "не номер телефона"),
        ({"Мать ФИО": "Иванова"}, "укажите фамилию и имя"),
        ({"Мать ФИО": "", "Мать телефон": "89001112233"}, "«Мать ФИО»: не заполнено"),
    ],
)
def test_row_errors_are_reported_per_row(run, files, world, cells, fragment):
    data = files.csv([files.STUDENT_HEADER, files.student(1), files.student(2, **cells)])
    result = run("students", data)
    assert result.rows[0].status == NEW
    assert result.rows[1].status == ERROR
    assert any(fragment in e for e in _errors(result)[3]), _errors(result)


def test_duplicates_within_the_file_are_errors_on_every_copy(run, files, world):
    data = files.csv(
        [
            files.STUDENT_HEADER,
            files.student(1),
            files.student(2),
            files.student(3, **{"Номер личного дела": "лд-00001"}),
        ]
    )
    result = run("students", data)
    errors = _errors(result)
    assert set(errors) == {2, 4}
    assert "повторяется в файле (строки 2, 4)" in errors[2][0]


def test_missing_and_unknown_columns_reject_the_file(run, files, world):
    header = [h for h in files.STUDENT_HEADER if h != "Пол"] + ["Любимый цвет", "№ п/п"]
    row = files.student(1)
    del row[files.STUDENT_HEADER.index("Пол")]
    result = run("students", files.csv([header, row + ["синий", "1"]]))
    messages = [str(m) for m in result.file_errors]
    assert not result.ok and not result.rows
    assert "Нет обязательного столбца «Пол»." in messages
    assert any("Неизвестный столбец «Любимый цвет»" in m for m in messages)


def test_changed_rows_are_updates_and_empty_cells_keep_data(run, files, world):
    run("students", files.csv([files.STUDENT_HEADER, files.student(1), files.student(2)]), write=True)
    changed = files.student(1, **{"Фамилия": "Новикова1", "Мать телефон": "8 900 555-55-55", "Отчество": ""})
    result = run("students", files.csv([files.STUDENT_HEADER, changed, files.student(2)]))
    assert [r.status for r in result.rows] == [UPDATE, SAME]
    changes = [str(c) for c in result.rows[0].described]
    assert "Фамилия: «Ученикова1» → «Новикова1»" in changes
    assert any(c.startswith("Телефон родителя") for c in changes)
    run("students", files.csv([files.STUDENT_HEADER, changed, files.student(2)]), write=True)
    s1 = db.session.scalar(select(Student).where(Student.personal_file_no == "ЛД-00001"))
    assert s1.last_name == "Новикова1" and s1.middle_name == "Ивановна"  # the empty patronymic kept


def test_siblings_share_their_parents_by_name_and_phone(run, files, world):
    brother = files.student(
        2,
        **{
            "Мать ФИО": "Ученикова1 Ирина Петровна",
            "Мать телефон": "+7 (900) 000-00-01",
            "Отец ФИО": "",
            "Отец телефон": "",
        },
    )
    run("students", files.csv([files.STUDENT_HEADER, files.student(1), brother]), write=True)
    mothers = db.session.scalars(select(Guardian).where(Guardian.last_name == "Ученикова1")).all()
    assert len(mothers) == 1
    assert _count(StudentGuardian, guardian_id=mothers[0].id) == 2
    again = run("students", files.csv([files.STUDENT_HEADER, files.student(1), brother]))
    assert {r.status for r in again.rows} == {SAME}


def test_generic_parent_columns_with_relation(run, files, world):
    header = [
        "Фамилия",
        "Имя",
        "Дата рождения",
        "Пол",
        "Номер личного дела",
        "Класс",
        "Родитель 1 ФИО",
        "Родитель 1 кем приходится",
        "Родитель 1 телефон",
        "Родитель 2 ФИО",
        "Родитель 2 email",
    ]
    row = [
        "Сидоров",
        "Олег",
        "01.02.2014",
        "м",
        "С-1",
        "6Б",
        "Сидорова Нина Павловна",
        "бабушка",
        "89005550001",
        "Сидоров Павел",
        "pavel@example.ru",
    ]
    run("students", files.csv([header, row]), write=True)
    student = db.session.scalar(select(Student).where(Student.personal_file_no == "С-1"))
    links = {
        (link.relation, link.guardian.email)
        for link in db.session.scalars(select(StudentGuardian).where(StudentGuardian.student_id == student.id))
    }
    assert links == {("grandparent", None), ("other", "pavel@example.ru")}
    assert {r.status for r in run("students", files.csv([header, row])).rows} == {SAME}


def test_existing_student_in_another_class_is_not_moved(run, files, world):
    # Anna is in 5А (world); a row putting her in 6Б is refused: transfers are movement actions.
    row = files.student(
        1,
        "6Б",
        **{"Номер личного дела": world.anna.personal_file_no, "Фамилия": "Аннова", "Имя": "Анна", "Отчество": ""},
    )
    result = run("students", files.csv([files.STUDENT_HEADER, row]))
    assert "уже числится в классе 5А" in _errors(result)[2][0]


def test_existing_student_in_the_same_class_gets_parents_added(run, files, world):
    row = files.student(
        1,
        "5А",
        **{
            "Номер личного дела": world.anna.personal_file_no,
            "Фамилия": "Аннова",
            "Имя": "Анна",
            "Отчество": "",
            "Дата рождения": "01.03.2015",
            "Мать ФИО": "Аннова Алла",
            "Мать телефон": "",
        },
    )
    result = run("students", files.csv([files.STUDENT_HEADER, row]))
    assert result.rows[0].status == UPDATE, _errors(result)
    changes = [str(c) for c in result.rows[0].described]
    assert any("Новый родитель: Учеников1" in c for c in changes)
    assert not any("Аннова Алла" in c for c in changes)  # the linked mother is matched by her name


def test_foreign_school_students_are_never_matched(run, files, world):
    from models import Student as S

    db.session.add(
        S(
            school_id=world.other_school.id,
            last_name="Чужой",
            first_name="Ч",
            birth_date=dt.date(2015, 1, 1),
            sex="m",
            personal_file_no="ЛД-00001",
        )
    )
    db.session.commit()
    result = run("students", files.csv([files.STUDENT_HEADER, files.student(1)]))
    assert result.rows[0].status == NEW


def test_who_may_import_students(run, files, world):
    data = files.csv([files.STUDENT_HEADER, files.student(1)])
    assert run("students", data, who="secretary").ok
    for who in ("teacher", "classteacher", "director", "parent"):
        with pytest.raises(AccessDenied):
            run("students", data, who=who)
    with pytest.raises(AccessDenied):
        run("staff", files.csv([["Табельный номер"]]), who="secretary")


def test_an_archived_year_is_refused(run, files, world):
    world.year.archived_at = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
    db.session.commit()
    with pytest.raises(InvalidInput):
        run("students", files.csv([files.STUDENT_HEADER, files.student(1)]))


def test_ten_thousand_rows(run, files, world, capsys):
    rows = [files.STUDENT_HEADER] + [files.student(n, "5А" if n % 2 else "6Б") for n in range(1, 10_001)]
    data = files.csv(rows)
    before = _snapshot(world)

    started = time.perf_counter()
    result = run("students", data)
    preview_s = time.perf_counter() - started
    assert result.ok and result.counts[NEW] == 10_000

    started = time.perf_counter()
    run("students", data, write=True)
    commit_s = time.perf_counter() - started
    assert _snapshot(world) == (before[0] + 10_000, before[1] + 10_000, before[2] + 20_000, before[3] + 20_000)

    started = time.perf_counter()
    again = run("students", data)
    second_s = time.perf_counter() - started
    assert again.counts[SAME] == 10_000

    with capsys.disabled():
        print(
            f"\n10,000 students + 20,000 parents ({len(data) / 1e6:.1f} MB CSV, {db.session.get_bind().dialect.name}): "
            f"preview {preview_s:.2f} s, commit {commit_s:.2f} s, second preview (all unchanged) {second_s:.2f} s"
        )
