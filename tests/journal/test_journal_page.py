"""The journal page (models.journal.page.journal_page): who is on it and when, which dates it shows (lessons
given and the timetable's dates still without a lesson), what each actor may write, and a query count that
does not grow with students or lessons."""

from __future__ import annotations

import datetime as dt

import pytest

from models import db
from models.errors import AccessDenied, NotFound
from models.journal.cells import set_attendance, set_mark
from models.journal.page import journal_page, journal_pages

from .conftest import MONDAY, NOW, WEDNESDAY, at

D = dt.date


def test_students_down_with_their_stay_and_dates_across(jw, actor_of):
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=NOW)
    assert page.period.id == jw.q1.id
    assert [s.name for s in page.students] == ["Аннова Анна", "Верова Вера", "Глебов Глеб", "Динова Дина"]
    gleb, dina = page.students[2], page.students[3]
    assert gleb.joined == D(2026, 9, 14) and not gleb.on(MONDAY) and gleb.on(D(2026, 9, 14))
    assert dina.left == D(2026, 9, 10) and dina.on(MONDAY) and not dina.on(D(2026, 9, 14))
    # Mondays and Wednesdays up to today (16.09); 07.09 was given, the others are missing
    assert [(c.date, c.lesson is not None) for c in page.columns] == [
        (D(2026, 9, 2), False),
        (MONDAY, True),
        (WEDNESDAY, False),
        (D(2026, 9, 14), False),
        (D(2026, 9, 16), False),
    ]
    assert page.lessons_given == 1 and page.lessons_missing == 4
    assert page.columns[0].overdue and not page.columns[-1].overdue  # today's lesson may still be recorded today
    assert page.cell(jw.lesson_5a.id, jw.anna.id).text == "5"
    assert page.cell(jw.lesson_5a.id, jw.vera.id).empty


def test_an_extra_lesson_is_a_column_of_its_own_and_a_lesson_without_bell_fills_the_slot(jw, actor_of, lesson_of):
    lesson_of(jw.a_maths_5a, D(2026, 9, 12), topic="Дополнительный урок")  # Saturday, not timetabled
    lesson_of(jw.a_maths_5a, WEDNESDAY, topic="Без звонка")  # no bell: stands for the timetabled one
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=NOW)
    assert [(c.date, c.lesson.topic if c.lesson else None) for c in page.columns] == [
        (D(2026, 9, 2), None),
        (MONDAY, "Натуральные числа"),
        (WEDNESDAY, "Без звонка"),
        (D(2026, 9, 12), "Дополнительный урок"),
        (D(2026, 9, 14), None),
        (D(2026, 9, 16), None),
    ]


@pytest.mark.parametrize(
    "today, recorded, offered",
    [
        (D(2026, 9, 16), [], D(2026, 9, 16)),  # Wednesday, timetabled, not yet recorded: today
        (D(2026, 9, 16), [D(2026, 9, 16)], D(2026, 9, 21)),  # today's is recorded: next Monday
        (D(2026, 9, 13), [], D(2026, 9, 14)),  # a Sunday: Monday, not the Sunday
        (D(2026, 9, 17), [], D(2026, 9, 21)),  # Thursday (Wednesday's was missed: that is a "+" column)
    ],
)
def test_add_lesson_offers_todays_or_the_next_timetabled_lesson(jw, actor_of, lesson_of, today, recorded, offered):
    for day in recorded:
        lesson_of(jw.a_maths_5a, day, topic="Записан")
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=at(today))
    assert page.next_slot == (offered, jw.bell.id)


def test_cells_of_a_lesson_still_to_come_say_so(jw, actor_of, lesson_of):
    ahead = lesson_of(jw.a_maths_5a, D(2026, 9, 21), topic="Урок впереди")
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=NOW)
    kinds = {g.key.split("-")[0] for row in page.rows() for g in row.cells if g.kind == "soon"}
    assert kinds == {str(ahead.id)}
    assert {g.kind for row in page.rows() for g in row.cells if g.key.startswith(f"{jw.lesson_5a.id}-")} == {"in"}
    assert page.now_key == page.columns[-2].key and page.columns[-2].date == D(2026, 9, 16)


def test_another_period_shows_its_own_dates(jw, actor_of):
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, jw.q2.id, now=at(D(2026, 11, 5)))
    assert page.period.id == jw.q2.id
    assert [c.date for c in page.columns] == [D(2026, 11, 2), D(2026, 11, 4)]
    assert [p.name for p in page.periods] == ["1 четверть", "2 четверть"]


def test_the_current_period_is_the_default(jw, actor_of):
    assert journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=at(D(2026, 11, 10))).period.id == jw.q2.id
    # in the autumn holidays: the quarter just ended
    assert journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=at(D(2026, 10, 28))).period.id == jw.q1.id


WHO_WRITES = [
    # (actor, writable dates among the columns)
    ("teacher", {D(2026, 9, 2), MONDAY, WEDNESDAY, D(2026, 9, 14), D(2026, 9, 16)}),
    ("other_teacher", {WEDNESDAY}),  # the substitute: the day of the substitution only
    ("classteacher", set()),  # class teacher of 5А: reads
    ("coordinator", set()),
    ("director", set()),
    ("operator", set()),
]


@pytest.mark.parametrize("who,dates", WHO_WRITES)
def test_who_may_write_which_lesson(jw, actor_of, who, dates):
    page = journal_page(actor_of(who), jw.a_maths_5a.id, now=NOW)
    assert {c.date for c in page.columns if c.writable} == dates
    if who == "other_teacher":
        assert page.substitute_dates == [WEDNESDAY] and not page.is_teacher


@pytest.mark.parametrize(
    "who,error",
    [("secretary", AccessDenied), ("parent", AccessDenied), ("student", AccessDenied), ("foreign_operator", NotFound)],
)
def test_the_page_is_closed_to_others(jw, actor_of, who, error):
    with pytest.raises(error):
        journal_page(actor_of(who), jw.a_maths_5a.id, now=NOW)


def test_another_teachers_page_is_closed(jw, actor_of):
    with pytest.raises(AccessDenied):
        journal_page(actor_of("teacher"), jw.a_maths_6b.id, now=NOW)


def test_closed_period_and_archived_year_show_read_only(jw, actor_of):
    jw.q1.closed_at = at(D(2026, 10, 26))
    db.session.commit()
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=NOW)
    assert "закрыт" in page.read_only_reason and not any(c.writable for c in page.columns) and not page.can_write
    jw.q1.closed_at = None
    jw.year.archived_at = at(D(2027, 7, 1))
    db.session.commit()
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=NOW)
    assert "архиве" in page.read_only_reason and not page.can_write


def test_first_grade_page_has_no_marks(jw, actor_of):
    page = journal_page(actor_of("teacher"), jw.a_russian_1a.id, now=NOW)
    assert page.no_marks and page.mark_choices == ()


def test_subgroup_page_lists_its_members_only(jw, actor_of):
    page = journal_page(actor_of("teacher"), jw.a_english_g1.id, now=NOW)
    assert [s.name for s in page.students] == ["Аннова Анна"]


def test_late_marks_are_flagged_on_the_page(jw, actor_of, lesson_of):
    lesson = lesson_of(jw.a_maths_5a, WEDNESDAY, bell=jw.bell)
    set_mark(actor_of("teacher"), lesson.id, jw.vera.id, 1, "4", None, now=at(WEDNESDAY))
    set_mark(actor_of("teacher"), lesson.id, jw.anna.id, 1, "3", None, now=at(D(2026, 9, 11)))
    set_attendance(actor_of("teacher"), lesson.id, jw.dina.id, "absent", None, now=at(WEDNESDAY))
    page = journal_page(actor_of("teacher"), jw.a_maths_5a.id, now=NOW)
    assert page.cell(lesson.id, jw.vera.id).late is False
    assert page.cell(lesson.id, jw.anna.id).late is True
    assert page.cell(lesson.id, jw.dina.id).text == "н"


def test_list_of_pages(jw, actor_of):
    def names(who):
        pages = journal_pages(actor_of(who), today=D(2026, 9, 16))
        return [(line.assignment.school_class.name, line.assignment.subject.name, line.own) for line in pages.lines]

    assert ("5А", "Математика", True) in names("teacher") and ("6Б", "Математика", False) not in names("teacher")
    assert ("5А", "Математика", False) in names("other_teacher")  # what they substitute
    assert names("classteacher")[:1] == [("5А", "Английский язык", False)]  # their class's pages, read
    assert len(names("coordinator")) == 7
    assert names("secretary") == []
    line = next(
        x
        for x in journal_pages(actor_of("other_teacher"), today=D(2026, 9, 16)).lines
        if x.assignment.id == jw.a_maths_5a.id
    )
    assert line.substitute_dates == [WEDNESDAY] and line.period.id == jw.q1.id


@pytest.mark.parametrize("who", ["teacher", "coordinator"])
def test_query_count_does_not_grow_with_students_and_lessons(grow, actor_of, count_queries, who):
    small = grow("В", 3, 2).id
    large = grow("Г", 30, 20).id
    actor = actor_of(who)
    db.session.expire_all()
    with count_queries() as q_small:
        page_small = journal_page(actor, small, now=at(D(2026, 10, 20)))
    db.session.expire_all()
    with count_queries() as q_large:
        page_large = journal_page(actor, large, now=at(D(2026, 10, 20)))
    assert (len(page_small.students), page_small.lessons_given) == (3, 2)
    assert (len(page_large.students), page_large.lessons_given) == (30, 20)
    assert len(page_large.cells) == 600
    assert q_small.count == q_large.count == 12, q_large.statements  # the plan's lines: read by the lesson form only
