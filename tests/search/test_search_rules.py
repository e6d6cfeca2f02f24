"""The staff search's rule (models/school/search.py): who finds whom, how names and classes match, the cut and
where each result leads. The world (tests/world.py): 5А (class teacher `classteacher`, maths `teacher`) with Anna
and Vera, 6Б (`other_teacher` teaches and keeps it) with Boris; Anna's mother Alla, Boris's father Bogdan; seven
staff of the school, all "… Ивановна", and one of another school (Чужая)."""

from __future__ import annotations

import datetime as dt

import pytest

from models import AcademicYear, Enrollment, SchoolClass, Student
from models.access import Actor
from models.school.search import (
    CLASS_JOURNAL,
    CLASS_STUDENTS,
    CLASS_TIMETABLE,
    CLASSES,
    GUARDIAN_CARD,
    GUARDIANS,
    MOVEMENT,
    MY_CLASS,
    STAFF,
    STAFF_CARD,
    STUDENT_CARD,
    STUDENTS,
    TEACHER_PAGES,
    name_words,
    search,
    student_classes,
)

TODAY = dt.date(2026, 10, 1)
STAFF_LOGINS = ("teacher", "classteacher", "other_teacher", "secretary", "coordinator", "director", "operator")
WHOLE = ("secretary", "coordinator", "director", "operator")


def found(world, login: str, query: str, limit: int = 20) -> dict[str, list[str]]:
    result = search(Actor.of(world.users[login]), query, TODAY, limit)
    return {g.kind: [f.title for f in g.items] for g in result.groups}


def hits(world, login, query, kind) -> list[str]:
    return found(world, login, query).get(kind, [])


ANNA, VERA, BORIS = "Аннова Анна", "Верова Вера", "Борисов Борис"
ALLA, BOGDAN = "Аннова Алла", "Борисов Богдан"


# --- who finds which student ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "login,query,expected",
    [
        ("teacher", "аннова", [ANNA]),  # teaches maths in Anna's 5А
        ("teacher", "борисов", []),  # Boris is in 6Б, which the teacher does not teach
        ("classteacher", "верова", [VERA]),  # their own class
        ("classteacher", "борисов", []),
        ("other_teacher", "борисов", [BORIS]),  # teaches and keeps 6Б
        ("other_teacher", "аннова", []),
        *((login, "борисов", [BORIS]) for login in WHOLE),  # the whole school
        *((login, "ова", [ANNA, VERA]) for login in WHOLE),  # "ова" inside both surnames; Boris's has none
    ],
)
def test_who_finds_which_student(world, login, query, expected):
    assert hits(world, login, query, STUDENTS) == expected


@pytest.mark.parametrize(
    "login,expected",
    [
        ("teacher", [ALLA]),  # the mother of a student of a class they teach
        ("classteacher", [ALLA]),
        ("other_teacher", [BOGDAN]),
        *((login, [ALLA, BOGDAN]) for login in WHOLE),
    ],
)
def test_who_finds_which_guardian(world, login, expected):
    """Every guardian is "Аннова …" or "Борисов …": "о" in every surname finds the ones the role may see."""
    assert hits(world, login, "ов", GUARDIANS) == expected


@pytest.mark.parametrize("login", STAFF_LOGINS)
def test_every_staff_role_finds_the_schools_staff_but_no_other_schools(world, login):
    assert hits(world, login, "физикова", STAFF) == ["Физикова Фаина Ивановна"]
    assert found(world, login, "чужая") == {}  # a teacher of another school


@pytest.mark.parametrize("login", ["parent", "student"])
def test_families_find_nothing(world, login):
    assert found(world, login, "аннова") == {}


# --- matching ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query,expected",
    [
        ("АННОВА", [ANNA]),  # Cyrillic upper case (SQLite's own lower() would miss it)
        ("аННова", [ANNA]),
        ("  аннова   анна ", [ANNA]),  # surname and name, spaces collapsed
        ("анна аннова", [ANNA]),  # in any order
        ("анна верова", []),  # every word must match the same person
        ("нов", [ANNA]),  # inside the surname
        ("вера", [VERA]),  # the first name
        ("анн%", [ANNA]),  # a LIKE wildcard is not a wildcard
        ("Аннова А.", [ANNA]),  # with an initial
        ("аннова, анна!", [ANNA]),
    ],
)
def test_names_match_in_any_case_and_order(world, query, expected):
    assert hits(world, "operator", query, STUDENTS) == expected


@pytest.mark.parametrize(
    "query,words",
    [
        ("Иванова А.А.", ["иванова", "а", "а"]),
        ("  ПЁТР   Семёнов ", ["петр", "семенов"]),
        ("Салтыков-Щедрин", ["салтыков-щедрин"]),
        ("О'Нил", ["о'нил"]),
        ("100%_x\\", ["100", "x"]),
    ],
)
def test_the_words_names_are_searched_by(query, words):
    assert name_words(query) == words


@pytest.mark.parametrize("query", ["секретарёва", "секретарева", "СЕКРЕТАРЁВА", "Секретарев"])
def test_yo_counts_as_ye(world, query):
    assert hits(world, "teacher", query, STAFF) == ["Секретарёва Светлана Ивановна"]


def test_a_surname_starting_with_the_word_comes_first(world, db_session):
    """ "ова" starts "Овалова" (listed first) and is inside "Аннова" and "Верова", which sort before it."""
    s = _student(db_session, world, "Овалова")
    db_session.add(
        Enrollment(student_id=s.id, class_id=world.c5a.id, starts_on=world.year.starts_on, reason_in="admission")
    )
    db_session.flush()
    assert hits(world, "operator", "ова", STUDENTS) == ["Овалова Ольга", ANNA, VERA]


def _student(db_session, world, last_name):
    s = Student(
        school_id=world.school.id,
        last_name=last_name,
        first_name="Ольга",
        birth_date=dt.date(2015, 1, 1),
        sex="f",
        personal_file_no=last_name,
    )
    db_session.add(s)
    db_session.flush()
    return s


# --- classes -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["5А", "5а", "5 а", "5-А", "5A", "5a", "5 класс", "5"])
def test_a_class_by_its_name_with_any_spelling(world, query):
    """A Latin "A" stands for the Cyrillic one; a bare grade finds its classes."""
    assert found(world, "operator", query) == {CLASSES: ["5А"]}


@pytest.mark.parametrize(
    "login,query,expected",
    [
        ("teacher", "5А", ["5А"]),
        ("teacher", "6Б", []),
        ("classteacher", "5А", ["5А"]),
        ("other_teacher", "5А", []),
        ("other_teacher", "6б", ["6Б"]),
        ("secretary", "6Б", ["6Б"]),
        ("operator", "7А", []),
    ],
)
def test_who_finds_which_class(world, login, query, expected):
    assert hits(world, login, query, CLASSES) == expected


def test_classes_of_archived_years_are_left_out_and_newest_come_first(world, db_session):
    older = AcademicYear(
        school_id=world.school.id, name="2025/2026", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 5, 31)
    )
    ancient = AcademicYear(
        school_id=world.school.id,
        name="2019/2020",
        starts_on=dt.date(2019, 9, 1),
        ends_on=dt.date(2020, 5, 31),
        archived_at=dt.datetime(2021, 1, 1),
    )
    db_session.add_all([older, ancient])
    db_session.flush()
    db_session.add_all(
        [
            SchoolClass(school_id=world.school.id, year_id=older.id, grade=5, letter="А"),
            SchoolClass(school_id=world.school.id, year_id=ancient.id, grade=5, letter="А"),
        ]
    )
    db_session.flush()
    result = search(Actor.of(world.users["operator"]), "5а", TODAY)
    assert [(f.title, str(f.detail)) for f in result.groups[0].items] == [
        ("5А", "2026/2027 учебный год"),
        ("5А", "2025/2026 учебный год"),
    ]


# --- where a result leads ------------------------------------------------------------------------------------
def _targets(world, login, query):
    result = search(Actor.of(world.users[login]), query, TODAY)
    return [t.page for t in result.groups[0].items[0].targets]


@pytest.mark.parametrize(
    "login,expected",
    [
        ("classteacher", [MY_CLASS, CLASS_JOURNAL, CLASS_TIMETABLE]),  # their own class's page first
        ("teacher", [CLASS_JOURNAL, CLASS_TIMETABLE]),
        ("secretary", [CLASS_STUDENTS, CLASS_TIMETABLE]),  # the secretary reads no journal
        ("coordinator", [CLASS_STUDENTS, CLASS_JOURNAL, CLASS_TIMETABLE]),
        ("operator", [CLASS_STUDENTS, CLASS_JOURNAL, CLASS_TIMETABLE]),
    ],
)
def test_where_a_class_leads(world, login, expected):
    assert _targets(world, login, "5А") == expected


@pytest.mark.parametrize(
    "login,query,expected",
    [
        ("teacher", "аннова анна", [STUDENT_CARD]),
        ("secretary", "аннова анна", [STUDENT_CARD, MOVEMENT]),  # the secretary keeps the movement
        ("operator", "аннова анна", [STUDENT_CARD, MOVEMENT]),
        ("director", "аннова анна", [STUDENT_CARD]),
        ("teacher", "физикова", [STAFF_CARD]),
        ("coordinator", "физикова", [STAFF_CARD, TEACHER_PAGES]),  # the administration: their journal pages
        ("secretary", "физикова", [STAFF_CARD]),
        ("teacher", "алла", [GUARDIAN_CARD]),
    ],
)
def test_where_a_person_leads(world, login, query, expected):
    assert _targets(world, login, query) == expected


# --- what a result says -----------------------------------------------------------------------------------------
def test_a_student_is_shown_with_their_class(world):
    result = search(Actor.of(world.users["teacher"]), "аннова", TODAY)
    students = next(g for g in result.groups if g.kind == STUDENTS)
    assert [(f.title, f.detail) for f in students.items] == [(ANNA, "5А")]


def test_a_guardian_is_shown_with_the_children_the_role_sees(world):
    result = search(Actor.of(world.users["operator"]), "алла", TODAY)
    assert [(f.title, f.detail) for f in result.groups[0].items] == [(ALLA, "Аннова А.")]


@pytest.mark.parametrize(
    "stays,expected",
    [
        ([("5А", dt.date(2026, 9, 1), None)], "5А"),
        ([("5А", dt.date(2026, 9, 1), dt.date(2026, 9, 30))], "5А до 30.09.2026"),  # left the day before
        ([("5А", dt.date(2026, 10, 2), None)], "5А с 02.10.2026"),  # comes tomorrow
        # moved from 5А to 6Б yesterday: today's class; left 5А, then 6Б: the later one
        ([("5А", dt.date(2026, 9, 1), dt.date(2026, 9, 30)), ("6Б", dt.date(2026, 10, 1), None)], "6Б"),
        (
            [("5А", dt.date(2026, 9, 1), dt.date(2026, 9, 10)), ("6Б", dt.date(2026, 9, 11), dt.date(2026, 9, 20))],
            "6Б до 20.09.2026",
        ),
        ([], None),
    ],
)
def test_the_class_a_student_is_shown_with(world, db_session, stays, expected):
    s = _student(db_session, world, "Новенькая")
    classes = {"5А": world.c5a, "6Б": world.c6b}
    for name, starts, ends in stays:
        db_session.add(
            Enrollment(
                student_id=s.id,
                class_id=classes[name].id,
                starts_on=starts,
                ends_on=ends,
                reason_in="admission",
                reason_out="transfer" if ends else None,
            )
        )
    db_session.flush()
    assert student_classes([s.id], TODAY).get(s.id) == expected


def test_a_teacher_who_left_says_so(world, db_session):
    world.s_other_teacher.left_on = dt.date(2026, 9, 15)
    db_session.flush()
    result = search(Actor.of(world.users["operator"]), "физикова", TODAY)
    assert result.groups[0].items[0].detail == "учитель математики, уволен(а) 15.09.2026"


# --- short queries, nothing found, the cut -------------------------------------------------------------------
@pytest.mark.parametrize("query", ["а", " а ", "%", "%а", "_"])
def test_a_query_under_two_letters_is_too_short(world, query):
    result = search(Actor.of(world.users["operator"]), query, TODAY)
    assert result.too_short and not result.groups and not result.nothing_found


def test_an_empty_query_asks_nothing(world):
    result = search(Actor.of(world.users["operator"]), "   ", TODAY)
    assert not result.too_short and not result.nothing_found and not result.groups


def test_nothing_found_says_so(world):
    result = search(Actor.of(world.users["operator"]), "Жжжжж", TODAY)
    assert result.nothing_found and not result.too_short


@pytest.mark.parametrize("limit,shown,cut", [(3, 3, True), (7, 7, False), (20, 7, False)])
def test_results_are_cut_at_the_limit(world, limit, shown, cut):
    """Seven staff of the school are "… Ивановна"."""
    result = search(Actor.of(world.users["operator"]), "ивановна", TODAY, limit)
    (group,) = result.groups
    assert (group.kind, len(group.items), group.cut, result.cut) == (STAFF, shown, cut, cut)


def test_a_very_long_query_is_cut_not_refused(world):
    result = search(Actor.of(world.users["operator"]), "аннова " + "я" * 500, TODAY)
    assert len(result.query) == 100 and result.nothing_found


@pytest.mark.parametrize(
    "login,query,expected",
    [
        # students, their classes, staff, guardians, the guardians' children: one query each, whatever the number
        ("operator", "ова", 5),
        ("teacher", "ова", 5),
        ("operator", "жжж", 3),  # nothing found: no classes or children to read
        ("classteacher", "5а", 2),  # the classes, then which of them the class teacher keeps
    ],
)
def test_a_search_costs_a_few_queries(world, db_session, count_queries, login, query, expected):
    actor = Actor.of(world.users[login])
    db_session.expire_all()
    with count_queries() as q:
        search(actor, query, TODAY)
    assert q.count == expected
