"""Staff, classes, teaching load and timetable imports: well-formed and malformed files, idempotence,
all-or-nothing, and the database rules checked in Python before anything is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Bell, CurriculumItem, SchoolClass, Staff, Subgroup, Subject, TeachingAssignment, TimetableEntry, db
from models.school.imports import ERROR, NEW, SAME, UPDATE, ImportRejected

STAFF = ["Табельный номер", "Фамилия", "Имя", "Отчество", "Должность", "Email", "Телефон"]
CLASSES = ["Класс", "Классный руководитель", "Смена", "Кабинет", "Схема периодов"]
LOAD = ["Класс", "Предмет", "Подгруппа", "Учитель", "Часов в неделю"]
TIMETABLE = ["Класс", "Подгруппа", "Предмет", "День недели", "Урок №", "Кабинет", "Действует с"]


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _errors(result):
    return {r.line: " | ".join(str(m) for m in r.errors) for r in result.rows if r.errors}


def _twice(run, kind, data, model):
    """Writes the file, then checks a second preview says all unchanged and a second commit adds nothing."""
    run(kind, data, write=True)
    after = _count(model)
    again = run(kind, data)
    assert again.ok and {r.status for r in again.rows} == {SAME}, _errors(again)
    run(kind, data, write=True)
    assert _count(model) == after


# --- staff -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_import_and_reimport(run, files, world, fmt):
    rows = [
        STAFF,
        ["0042", "Петрова", "Анна", "Сергеевна", "учитель математики", "petrova@example.ru", "89001112233"],
        ["0043", "Сидоров", "Олег", "", "учитель физики", "", ""],
    ]
    data = files.csv(rows) if fmt == "csv" else files.xlsx(rows)
    before = _count(Staff)
    result = run("staff", data)
    assert [r.status for r in result.rows] == [NEW, NEW]
    _twice(run, "staff", data, Staff)
    assert _count(Staff) == before + 2
    petrova = db.session.scalar(select(Staff).where(Staff.personnel_no == "0042"))
    assert (petrova.school_id, petrova.email, petrova.position) == (
        world.school.id,
        "petrova@example.ru",
        "учитель математики",
    )


def test_staff_update_and_numbering_of_people_entered_by_hand(run, files, world):
    run("staff", files.csv([STAFF, ["0042", "Петрова", "Анна", "", "учитель", "", ""]]), write=True)
    rows = [
        STAFF,
        ["0042", "Петрова", "Анна", "", "заместитель директора", "", ""],
        # Математикова Мария Ивановна exists without a personnel number: she gets one, no duplicate
        ["0050", "Математикова", "Мария", "Ивановна", "учитель математики", "", ""],
    ]
    before = _count(Staff)
    result = run("staff", files.csv(rows))
    assert [r.status for r in result.rows] == [UPDATE, UPDATE], _errors(result)
    assert "Должность: «учитель» → «заместитель директора»" in [str(c) for c in result.rows[0].described]
    run("staff", files.csv(rows), write=True)
    assert _count(Staff) == before
    assert world.s_teacher.personnel_no == "0050"


@pytest.mark.parametrize(
    "row,fragment",
    [
        (["", "Петрова", "Анна", "", "учитель", "", ""], "«Табельный номер»: не заполнено"),
        (["1", "Петрова", "Анна", "", "", "", ""], "«Должность»: не заполнено"),
        (["1", "Петрова", "Анна", "", "учитель", "petrova-at-example", ""], "не адрес электронной почты"),
        (["1", "Петрова", "Анна", "", "учитель", "", "звонить"], "не номер телефона"),
        (["1", "Петрова", "Анна", "", "у" * 121, "", ""], "не длиннее 120"),
    ],
)
def test_staff_row_errors(run, files, world, row, fragment):
    result = run("staff", files.csv([STAFF, row]))
    assert not result.ok and fragment in _errors(result)[2]


def test_staff_duplicate_numbers_in_the_file(run, files, world):
    result = run(
        "staff",
        files.csv(
            [
                STAFF,
                ["7", "А", "Б", "", "учитель", "", ""],
                ["07", "В", "Г", "", "учитель", "", ""],
                ["7 ", "Д", "Е", "", "учитель", "", ""],
            ]
        ),
    )
    assert set(_errors(result)) == {2, 4}


# --- classes -----------------------------------------------------------------------------------------
def test_classes_import(run, files, numbered):
    world = numbered
    rows = [
        CLASSES,
        ["5Б", "T1", "1", "21", "четверти"],
        ["10 а", "T3", "2", "", "полугодия"],
        ["5A", "T2", "", "", ""],
    ]  # Latin A: the existing 5А
    result = run("classes", files.csv(rows))
    assert [r.status for r in result.rows] == [NEW, NEW, SAME], _errors(result)
    before = _count(SchoolClass)
    _twice(run, "classes", files.csv(rows), SchoolClass)
    assert _count(SchoolClass) == before + 2
    c10 = db.session.scalar(select(SchoolClass).where(SchoolClass.grade == 10))
    assert (c10.letter, c10.shift, c10.period_scheme, c10.class_teacher_id, c10.year_id) == (
        "А",
        2,
        "half_year",
        world.s_other_teacher.id,
        world.year.id,
    )


def test_classes_update_the_class_teacher(run, files, numbered):
    world = numbered
    result = run("classes", files.csv([CLASSES, ["5А", "T1", "", "", "триместры"]]))
    assert result.rows[0].status == UPDATE
    assert {str(c).split(":")[0] for c in result.rows[0].described} == {"Классный руководитель", "Схема периодов"}
    run("classes", files.csv([CLASSES, ["5А", "T1", "", "", "триместры"]]), write=True)
    assert (world.c5a.class_teacher_id, world.c5a.period_scheme) == (world.s_teacher.id, "trimester")


@pytest.mark.parametrize(
    "row,fragment",
    [
        (["13А", "", "", "", ""], "от 0 до 12"),
        (["А5", "", "", "", ""], "пишите номер и букву"),
        (["7В", "T99", "", "", ""], "Нет сотрудника с табельным номером T99"),
        (["7В", "", "3", "", ""], "допустимо: 1, 2"),
        (["7В", "", "", "", "семестры"], "допустимо: четверти"),
    ],
)
def test_classes_row_errors(run, files, numbered, row, fragment):
    result = run("classes", files.csv([CLASSES, row]))
    assert fragment in _errors(result)[2]


def test_classes_of_another_school_are_not_teachers_here(run, files, numbered):
    numbered.s_teacher.personnel_no = "T9"
    db.session.commit()
    # T1 is now only the foreign school's teacher
    result = run("classes", files.csv([CLASSES, ["7В", "T1", "", "", ""]]))
    assert "Нет сотрудника с табельным номером T1" in _errors(result)[2]


# --- teaching load -------------------------------------------------------------------------------------
@pytest.fixture()
def english(db_session, numbered):
    subject = Subject(school_id=numbered.school.id, name="Английский язык", short_name="Англ")
    db_session.add(subject)
    db_session.commit()
    return subject


def test_load_import_creates_assignments_and_subgroups(run, files, english):
    rows = [
        LOAD,
        ["5А", "Английский язык", "1 группа", "T1", "3"],
        ["5а", "англ", "2 группа", "T3", "3"],
        ["6Б", "Русский язык", "", "T2", "4,5"],
        ["5А", "Математика", "", "T1", "5"],
    ]  # the last exists
    result = run("load", files.csv(rows))
    assert [r.status for r in result.rows] == [NEW, NEW, NEW, SAME], _errors(result)
    subgroups, assignments = _count(Subgroup), _count(TeachingAssignment)
    _twice(run, "load", files.csv(rows), TeachingAssignment)
    assert (_count(Subgroup), _count(TeachingAssignment)) == (subgroups + 2, assignments + 3)
    russian_6b = db.session.scalar(
        select(TeachingAssignment).where(TeachingAssignment.hours_per_week == Decimal("4.5"))
    )
    assert russian_6b is not None and russian_6b.subgroup_id is None


def test_load_hours_update(run, files, numbered):
    result = run("load", files.csv([LOAD, ["5А", "Математика", "", "T1", "6"]]))
    assert result.rows[0].status == UPDATE
    run("load", files.csv([LOAD, ["5А", "Математика", "", "T1", "6"]]), write=True)
    assert numbered.a_maths_5a.hours_per_week == Decimal("6")


@pytest.mark.parametrize(
    "plan,rows,warned",
    [
        # 5А maths has T1's 5 h; the curriculum's hours for grade 5 → what the file's rows are told
        ("5", [["5А", "Математика", "", "T1", "6"]], {2: "5 ч в неделю, с этой нагрузкой будет 6 ч"}),
        ("6", [["5А", "Математика", "", "T1", "6"]], {}),
        ("5", [["5А", "Математика", "", "T2", "1"]], {2: "5 ч в неделю, с этой нагрузкой будет 6 ч"}),
        ("5", [["5А", "Математика", "", "T1", "5"]], {}),  # unchanged: nothing added
        ("4", [["5А", "Математика", "", "T1", "5"]], {}),  # over already, the file adds nothing
        (
            "5",
            [["5А", "Математика", "", "T1", "4"], ["5А", "Математика", "", "T2", "1"]],
            {},  # 4 + 1 = 5: within
        ),
    ],
)
def test_load_rows_past_the_curriculum_are_warned(run, files, numbered, db_session, plan, rows, warned):
    db_session.add(
        CurriculumItem(year_id=numbered.year.id, grade=5, subject_id=numbered.maths.id, hours_per_week=Decimal(plan))
    )
    db_session.commit()
    result = run("load", files.csv([LOAD, *rows]))
    assert not _errors(result)
    got = {r.line: " ".join(m.template % m.params for m in r.warnings) for r in result.rows if r.warnings}
    assert {line: text.split(": по учебному плану ")[1] for line, text in got.items()} == {
        line: fragment + "." for line, fragment in warned.items()
    }
    assert all(text.startswith("Математика в 5А:") for text in got.values())


@pytest.mark.parametrize(
    "row,fragment",
    [
        (["5А", "Алхимия", "", "T1", "2"], "Предмет «Алхимия» не найден"),
        (["9Я", "Математика", "", "T1", "2"], "Класс «9Я» не найден"),
        (["5А", "Математика", "", "T77", "2"], "табельным номером T77"),
        (["5А", "Математика", "", "T1", "0"], "больше 0 и не больше 20"),
        (["5А", "Математика", "", "T1", "21"], "больше 0 и не больше 20"),
        (["5А", "Математика", "", "T1", "2,25"], "не больше 1 знака после запятой"),
        (["5А", "Математика", "", "T1", "два"], "больше 0 и не больше 20"),
        (["5А", "Математика", "", "", "2"], "«Учитель»: не заполнено"),
    ],
)
def test_load_row_errors(run, files, numbered, row, fragment):
    result = run("load", files.csv([LOAD, row]))
    assert fragment in _errors(result)[2]


def test_load_duplicates_and_all_or_nothing(run, files, english):
    rows = [
        LOAD,
        ["5А", "Английский язык", "1 группа", "T1", "3"],
        ["6Б", "Математика", "", "T3", "5"],
        ["5А", "Английский язык", "1 ГРУППА", "T1", "2"],
    ]
    result = run("load", files.csv(rows))
    assert set(_errors(result)) == {2, 4}
    before = (_count(Subgroup), _count(TeachingAssignment))
    with pytest.raises(ImportRejected):
        run("load", files.csv(rows), write=True)
    db.session.rollback()
    assert (_count(Subgroup), _count(TeachingAssignment)) == before


# --- timetable ---------------------------------------------------------------------------------------
@pytest.fixture()
def bells(db_session, numbered):
    world = numbered
    for number in (2, 3):
        db_session.add(
            Bell(
                school_id=world.school.id,
                shift=1,
                number=number,
                starts_at=dt.time(8 + number, 0),
                ends_at=dt.time(8 + number, 45),
            )
        )
    db_session.commit()
    return world


def test_timetable_import(run, files, bells):
    world = bells
    rows = [
        TIMETABLE,
        ["5А", "", "Математика", "Пн", "1", "21", ""],
        ["5А", "", "Русский язык", "вторник", "2", "", ""],
        ["6Б", "", "Математика", "Пн", "2", "", "07.09.2026"],
    ]
    result = run("timetable", files.csv(rows))
    assert [r.status for r in result.rows] == [NEW, NEW, NEW], _errors(result)
    before = _count(TimetableEntry)
    _twice(run, "timetable", files.csv(rows), TimetableEntry)
    assert _count(TimetableEntry) == before + 3
    entry = db.session.scalar(select(TimetableEntry).where(TimetableEntry.room == "21"))
    assert (entry.assignment_id, entry.weekday, entry.bell_id, entry.valid_from) == (
        world.a_maths_5a.id,
        1,
        world.bell.id,
        world.year.starts_on,
    )
    # the room of an existing lesson changes: an update
    rows[2][5] = "14"
    assert run("timetable", files.csv(rows)).rows[1].status == UPDATE


def test_timetable_rows_past_the_hours_are_warned_not_refused(run, files, bells, db_session):
    """Curriculum: maths in grade 5 is 2 h a week. 5А's maths in the file on Monday, Tuesday and Wednesday:
    the third row is warned (3 > 2) and still written with the preview; 6Б (no curriculum row, 5 h of load,
    Monday's lesson already timetabled) gets 2 more: 3 ≤ 5, nothing said."""
    world = bells
    db_session.add(CurriculumItem(year_id=world.year.id, grade=5, subject_id=world.maths.id, hours_per_week=2))
    db_session.commit()
    rows = [
        TIMETABLE,
        ["5А", "", "Математика", "Пн", "1", "", ""],
        ["5А", "", "Математика", "Вт", "1", "", ""],
        ["5А", "", "Математика", "Ср", "1", "", ""],
        ["6Б", "", "Математика", "Вт", "2", "", ""],
        ["6Б", "", "Математика", "Ср", "2", "", ""],
    ]
    result = run("timetable", files.csv(rows))
    assert [r.status for r in result.rows] == [NEW] * 5, _errors(result)
    warned = {r.line: [m.template % m.params for m in r.warnings] for r in result.rows if r.warnings}
    assert warned == {4: ["Математика в 5А: по учебному плану 2 ч в неделю, с этим уроком будет 3."]}
    assert result.ok
    before = _count(TimetableEntry)
    run("timetable", files.csv(rows), write=True)
    assert _count(TimetableEntry) == before + 5


@pytest.mark.parametrize(
    "rows,line,fragment",
    [
        # 6Б has maths on Monday, 1st lesson, in the world's timetable
        ([["6Б", "", "Математика", "Пн", "1", "", ""]], None, None),  # the same lesson: unchanged
        (
            [["5А", "", "Математика", "Пн", "2", "", ""], ["5А", "", "Русский язык", "Пн", "2", "", ""]],
            3,
            "у класса уже урок: 5А, Математика (строка 2)",
        ),
        ([["5А", "", "Математика", "Ср", "2", "", ""], ["6Б", "", "Математика", "Ср", "2", "", ""]], None, None),
        (
            [["5А", "", "Математика", "Ср", "2", "12", ""], ["6Б", "", "Математика", "Ср", "2", "12", ""]],
            3,
            "кабинет занят: 5А, Математика",
        ),
        # T2 (class teacher) teaches Russian in 5А; T1 maths; T3 maths in 6Б on Monday 1 (world)
        ([["5А", "", "Русский язык", "Пн", "1", "", ""]], None, None),
        (
            [["5А", "", "Математика", "Сб", "2", "", ""], ["5А", "", "Математика", "Сб", "2", "", "01.10.2026"]],
            3,
            "у класса уже урок",
        ),
        ([["5А", "", "Физкультура", "Пн", "2", "", ""]], 2, "Предмет «Физкультура» не найден"),
        ([["6Б", "", "Русский язык", "Пн", "2", "", ""]], 2, "В нагрузке нет предмета «Русский язык» в 6Б"),
        ([["5А", "", "Математика", "Пн", "7", "", ""]], 2, "Нет звонка на урок № 7"),
        ([["5А", "", "Математика", "Ху", "2", "", ""]], 2, "допустимо: Пн"),
        ([["5А", "", "Математика", "Пн", "2", "", "01.09.2030"]], 2, "вне учебного года"),
        ([["5А", "1 группа", "Математика", "Пн", "2", "", ""]], 2, "Подгруппа «1 группа»"),
    ],
)
def test_timetable_rules(run, files, bells, rows, line, fragment):
    result = run("timetable", files.csv([TIMETABLE] + rows))
    if fragment is None:
        assert result.ok, _errors(result)
    else:
        assert fragment in _errors(result).get(line, ""), _errors(result)


def test_timetable_teacher_clash_and_subgroups(run, files, bells, english):
    run(
        "load",
        files.csv(
            [LOAD, ["5А", "Английский язык", "1 группа", "T1", "3"], ["5А", "Английский язык", "2 группа", "T3", "3"]]
        ),
        write=True,
    )
    ok = run(
        "timetable",
        files.csv(
            [
                TIMETABLE,
                ["5А", "1 группа", "Английский язык", "Чт", "2", "31", ""],
                ["5А", "2 группа", "Английский язык", "Чт", "2", "32", ""],
            ]
        ),
    )
    assert ok.ok, _errors(ok)  # two groups of one class at once: fine
    clash = run(
        "timetable",
        files.csv(
            [
                TIMETABLE,
                ["5А", "1 группа", "Английский язык", "Чт", "2", "", ""],
                ["5А", "", "Математика", "Чт", "2", "", ""],
            ]
        ),
    )
    assert "у класса уже урок" in _errors(clash)[3]  # a subgroup and its whole class
    teacher = run(
        "timetable",
        files.csv(
            [
                TIMETABLE,
                ["6Б", "", "Математика", "Пт", "3", "", ""],
                ["5А", "2 группа", "Английский язык", "Пт", "3", "", ""],
            ]
        ),
    )
    assert "учитель уже ведёт урок: 6Б, Математика" in _errors(teacher)[3]  # T3 in two places


def test_timetable_needs_the_teacher_when_two_share_a_subject(run, files, bells):
    world = bells
    db.session.add(
        TeachingAssignment(
            year_id=world.year.id,
            class_id=world.c5a.id,
            subject_id=world.maths.id,
            teacher_id=world.s_other_teacher.id,
            hours_per_week=Decimal("1"),
        )
    )
    db.session.commit()
    header = TIMETABLE + ["Учитель"]
    result = run(
        "timetable",
        files.csv(
            [header, ["5А", "", "Математика", "Ср", "3", "", "", ""], ["5А", "", "Математика", "Чт", "3", "", "", "T3"]]
        ),
    )
    assert "укажите табельный номер учителя" in _errors(result)[2]
    assert 3 not in _errors(result)


def test_every_kind_rejects_an_empty_file(run, files, numbered):
    for kind, header in (("staff", STAFF), ("classes", CLASSES), ("load", LOAD), ("timetable", TIMETABLE)):
        result = run(kind, files.csv([header]))
        assert not result.ok and "нет ни одной строки" in str(result.file_errors[0])
        assert result.counts[ERROR] == 0
