"""The timetable's soft rules (issue 17): a lesson beyond the hours a week of the curriculum or of the teaching
load is placed only when confirmed, with the figures; hard rules (clashes) stay refusals, confirmed or not.

World recap (tests/world.py, tests/organisation/conftest.py): 5А is grade 5; maths 5А (Математикова М.И.,
5 h), Russian 5А (5 h), physics 5А (Физикова Ф.И., 2 h), English 5А in two subgroups (3 h each); 6Б maths on
Monday bell 1. The year runs 01.09.2026–31.05.2027.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditEvent, CurriculumItem, TeachingAssignment, TimetableEntry
from models.errors import NeedsConfirmation
from models.idempotency import new_token
from models.school.teaching_load import class_hours, curriculum_warnings, save_assignment
from models.school.timetable import ClashError, change_entry, place_lesson
from models.school.timetable_load import Span, counts_with, exceeds, load_warnings
from world import START

YEAR_END = dt.date(2027, 5, 31)
OCT = dt.date(2026, 10, 1)

# --- the pure rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lessons,hours,over",
    [
        (5, Decimal("5"), False),
        (6, Decimal("5"), True),
        (2, Decimal("1.5"), False),  # 1,5 h: one week 1, the next 2
        (3, Decimal("1.5"), True),
        (1, Decimal("0.5"), False),
        (2, Decimal("0.5"), True),
    ],
)
def test_exceeds(lessons, hours, over):
    assert exceeds(lessons, hours) is over


A, B, G1, G2 = 1, 2, 11, 12  # pages A and B of the class's subject; subgroups 11 and 12


def span(page, group=None, since=START, until=YEAR_END):
    return Span(page, group, since, until)


COUNTS = [
    # spans already placed, (page, group) placed, from, to → (lessons a week of the page, of the class)
    pytest.param([], (A, None), START, YEAR_END, (1, 1), id="first-lesson"),
    pytest.param([span(A)] * 5, (A, None), START, YEAR_END, (6, 6), id="sixth-whole-class"),
    pytest.param([span(A)] * 2 + [span(B)] * 2, (A, None), START, YEAR_END, (3, 5), id="two-teachers-one-subject"),
    pytest.param([span(A, G1)] * 3 + [span(B, G2)] * 2, (B, G2), START, YEAR_END, (3, 3), id="subgroups-parallel"),
    pytest.param([span(A, G1)] * 3 + [span(B, G2)] * 2, (A, G1), START, YEAR_END, (4, 4), id="one-subgroup-more"),
    pytest.param([span(A)] + [span(A, G1)] * 2, (A, None), START, YEAR_END, (4, 4), id="whole-plus-group"),
    # an entry that ended before the new one starts does not count; one that starts later does
    pytest.param(
        [span(A)] * 4 + [span(A, until=OCT)], (A, None), OCT + dt.timedelta(days=1), YEAR_END, (5, 5), id="ended"
    ),
    pytest.param([span(A)] * 4 + [span(A, since=OCT)], (A, None), START, YEAR_END, (6, 6), id="starts-later"),
    pytest.param(
        [span(A)] * 4 + [span(A, since=OCT)], (A, None), START, OCT - dt.timedelta(days=1), (5, 5), id="new-ends-first"
    ),
    # a change (one entry replaced by another from October): the busiest week is counted
    pytest.param(
        [span(A)] * 4 + [span(A, until=dt.date(2026, 9, 30)), span(A, since=OCT)],
        (A, None),
        START,
        YEAR_END,
        (6, 6),
        id="replaced-entry-not-twice",
    ),
]


@pytest.mark.parametrize("spans,placing,start,end,expected", COUNTS)
def test_counts_with(spans, placing, start, end, expected):
    assert counts_with(spans, *placing, start, end) == expected


PLAN = "%s в 5А: по учебному плану %s ч в неделю, с этим уроком будет %s."
LOAD = "%s в 5А, Математикова М.И.: по учебной нагрузке %s ч в неделю, с этим уроком будет %s."

WARNINGS = [
    # page hours, page lessons, curriculum hours, class lessons → the warnings
    pytest.param("5", 5, "5", 5, [], id="within"),
    pytest.param("5", 6, "5", 6, [PLAN % ("Математика", "5", 6)], id="both-same-figures-said-once"),
    pytest.param("5", 6, None, 6, [LOAD % ("Математика", "5", 6)], id="no-curriculum-row"),
    pytest.param("5", 6, "6", 6, [LOAD % ("Математика", "5", 6)], id="load-only"),
    pytest.param("5", 5, "4", 5, [PLAN % ("Математика", "4", 5)], id="curriculum-only"),
    pytest.param(
        "3", 4, "5", 6, [PLAN % ("Математика", "5", 6), LOAD % ("Математика", "3", 4)], id="both-different-figures"
    ),
    pytest.param("1.5", 2, "1.5", 2, [], id="half-hours-rounded-up"),
    pytest.param("1.5", 3, None, 3, [LOAD % ("Математика", "1,5", 3)], id="half-hours-over"),
]


@pytest.mark.parametrize("page_hours,page_lessons,plan_hours,class_lessons,expected", WARNINGS)
def test_load_warnings(page_hours, page_lessons, plan_hours, class_lessons, expected):
    warnings = load_warnings(
        subject="Математика",
        page="Математика",
        cls="5А",
        teacher="Математикова М.И.",
        page_hours=Decimal(page_hours),
        page_lessons=page_lessons,
        curriculum_hours=None if plan_hours is None else Decimal(plan_hours),
        class_lessons=class_lessons,
    )
    assert [str(w) for w in warnings] == expected


# --- placing and changing ----------------------------------------------------------------------------------
# Free slots of 5А (6Б's maths holds Monday bell 1 for Физикова, not for 5А).
SLOTS = [(1, "bell2"), (2, "bell1"), (3, "bell1"), (4, "bell1"), (5, "bell1"), (6, "bell1"), (2, "bell2")]


@pytest.fixture()
def fill(db_session, tt):
    """fill(assignment, n): n entries of the page in the first free slots (straight into the table)."""
    used = []

    def _fill(assignment, n, **dates):
        for weekday, bell in SLOTS[len(used) : len(used) + n]:
            entry = TimetableEntry(
                assignment_id=assignment.id,
                weekday=weekday,
                bell_id=getattr(tt, bell).id,
                valid_from=dates.get("valid_from", START),
                valid_to=dates.get("valid_to"),
            )
            db_session.add(entry)
            used.append(entry)
        db_session.flush()
        return used

    return _fill


def _plan(db_session, world, subject, hours):
    db_session.add(CurriculumItem(year_id=world.year.id, grade=5, subject_id=subject.id, hours_per_week=Decimal(hours)))
    db_session.flush()


def _place(operator, assignment, weekday, bell, *, confirmed=False, valid_from=START):
    return place_lesson(
        operator,
        class_id=assignment.class_id,
        assignment_id=assignment.id,
        weekday=weekday,
        bell_id=bell.id,
        valid_from=valid_from,
        confirmed=confirmed,
    )


PLACING = [
    # curriculum maths grade 5, maths lessons already placed, → what placing one more gives
    pytest.param("5", 4, "placed", [], id="fifth-of-five"),
    pytest.param(
        "5",
        5,
        "confirm",
        ["Математика в 5А: по учебному плану 5 ч в неделю, с этим уроком будет 6."],
        id="sixth-of-five",
    ),
    pytest.param(
        None,
        5,
        "confirm",
        ["Математика в 5А, Математикова М.И.: по учебной нагрузке 5 ч в неделю, с этим уроком будет 6."],
        id="no-curriculum-load-said",
    ),
    pytest.param(
        "4",
        4,
        "confirm",
        ["Математика в 5А: по учебному плану 4 ч в неделю, с этим уроком будет 5."],
        id="plan-below-load",
    ),
]


@pytest.mark.parametrize("plan,already,outcome,messages", PLACING)
def test_place_soft_rule(db_session, world, tt, operator, fill, plan, already, outcome, messages):
    if plan:
        _plan(db_session, world, world.maths, plan)
    fill(world.a_maths_5a, already)
    count = db_session.scalar(select(TimetableEntry.id).order_by(TimetableEntry.id.desc()))
    if outcome == "placed":
        assert _place(operator, world.a_maths_5a, 6, tt.bell2).id
        return
    with pytest.raises(NeedsConfirmation) as asked:
        _place(operator, world.a_maths_5a, 6, tt.bell2)
    assert [str(w) for w in asked.value.warnings] == messages
    assert asked.value.status == 409
    # nothing written: the newest entry is still the last one filled
    assert db_session.scalar(select(TimetableEntry.id).order_by(TimetableEntry.id.desc())) == count
    entry = _place(operator, world.a_maths_5a, 6, tt.bell2, confirmed=True)
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.entity == "timetable_entry", AuditEvent.entity_id == entry.id)
    )
    assert json.loads(event.new)["confirmed_over"] == messages


def test_subgroups_count_once_for_the_class(db_session, world, tt, operator, fill):
    """English 3 h in the curriculum: 1 группа 3 lessons, 2 группа 2 — the third of 2 группа is in parallel
    (the class still has 3); a fourth of 1 группа makes 4."""
    _plan(db_session, world, tt.english, "3")
    fill(tt.a_eng1, 3)
    db_session.add_all(
        TimetableEntry(
            assignment_id=tt.a_eng2.id, weekday=wd, bell_id=tt.bell2.id if wd == 1 else tt.bell1.id, valid_from=START
        )
        for wd in (1, 2)
    )
    db_session.flush()
    assert _place(operator, tt.a_eng2, 3, tt.bell1).id
    with pytest.raises(NeedsConfirmation) as asked:
        _place(operator, tt.a_eng1, 5, tt.bell1)
    assert [str(w) for w in asked.value.warnings] == [
        "Английский язык в 5А: по учебному плану 3 ч в неделю, с этим уроком будет 4."
    ]


@pytest.mark.parametrize("confirmed", [False, True], ids=["unconfirmed", "confirmed"])
def test_hard_rule_refuses_even_confirmed(db_session, world, tt, operator, fill, confirmed):
    """Sixth maths lesson into a slot where 5А already has Russian: a clash, whatever is confirmed."""
    _plan(db_session, world, world.maths, "5")
    fill(world.a_maths_5a, 5)
    db_session.add(
        TimetableEntry(assignment_id=world.a_russian_5a.id, weekday=6, bell_id=tt.bell2.id, valid_from=START)
    )
    db_session.flush()
    with pytest.raises(ClashError) as refused:
        _place(operator, world.a_maths_5a, 6, tt.bell2, confirmed=confirmed)
    assert {c.kind for c in refused.value.clashes} == {"class"}


def test_change_asks_only_when_the_subject_gains(db_session, world, tt, operator, fill):
    """Russian on Saturday bell 2 replaced by maths (5 already, curriculum 5) asks; a room change of a maths
    lesson does not (the count stays)."""
    _plan(db_session, world, world.maths, "5")
    maths = fill(world.a_maths_5a, 5)
    russian = TimetableEntry(assignment_id=world.a_russian_5a.id, weekday=6, bell_id=tt.bell2.id, valid_from=START)
    db_session.add(russian)
    db_session.flush()
    monday = dt.date(2026, 9, 14)
    with pytest.raises(NeedsConfirmation) as asked:
        change_entry(operator, russian.id, monday, assignment_id=world.a_maths_5a.id)
    assert [str(w) for w in asked.value.warnings] == [
        "Математика в 5А: по учебному плану 5 ч в неделю, с этим уроком будет 6."
    ]
    assert db_session.get(TimetableEntry, russian.id).valid_to is None  # nothing written
    new = change_entry(operator, russian.id, monday, assignment_id=world.a_maths_5a.id, confirmed=True)
    assert new.assignment_id == world.a_maths_5a.id and new.valid_from == monday
    assert change_entry(operator, maths[0].id, monday, assignment_id=world.a_maths_5a.id, room="12").room == "12"


# --- through the staff panel ------------------------------------------------------------------------------
def _post(client, url, data):
    return client.post(url, data=data, follow_redirects=True)


def _count(db_session, assignment) -> int:
    return len(db_session.scalars(select(TimetableEntry).where(TimetableEntry.assignment_id == assignment.id)).all())


def test_grid_asks_then_places_when_confirmed(client, login_as, db_session, world, tt, fill):
    _plan(db_session, world, world.maths, "5")
    fill(world.a_maths_5a, 5)
    db_session.commit()
    login_as("operator")
    data = {
        "class_id": world.c5a.id,
        "week": "2026-09-07",
        "from": START.isoformat(),
        "assignment_id": world.a_maths_5a.id,
        "weekday": 6,
        "bell_id": tt.bell2.id,
        "room": "12",
        "form_token": new_token(),
    }
    asked = _post(client, "/admin/timetable/place", data)
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="load-warning"' in body
    assert "Математика в 5А: по учебному плану 5 ч в неделю, с этим уроком будет 6." in body
    assert "Урок поставлен" not in body and _count(db_session, world.a_maths_5a) == 5
    # the confirming form repeats every field (the same one-time token) and adds confirm=1
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in body
    assert 'name="confirm" value="1"' in body
    done = _post(client, "/admin/timetable/place", data | {"confirm": "1"})
    assert "Урок поставлен: Суббота, 2 урок, с 01.09.2026." in done.get_data(as_text=True)
    assert _count(db_session, world.a_maths_5a) == 6
    # the same confirmation sent twice places nothing more
    _post(client, "/admin/timetable/place", data | {"confirm": "1"})
    assert _count(db_session, world.a_maths_5a) == 6


def test_grid_change_asks_then_replaces(client, login_as, db_session, world, tt, fill):
    _plan(db_session, world, world.maths, "5")
    fill(world.a_maths_5a, 5)
    russian = TimetableEntry(assignment_id=world.a_russian_5a.id, weekday=6, bell_id=tt.bell2.id, valid_from=START)
    db_session.add(russian)
    db_session.commit()
    login_as("operator")
    data = {
        "class_id": world.c5a.id,
        "week": "2026-09-07",
        "from": START.isoformat(),
        "entry_id": russian.id,
        "assignment_id": world.a_maths_5a.id,
        "room": "",
        "op": "replace",
        "form_token": new_token(),
    }
    body = _post(client, "/admin/timetable/change", data).get_data(as_text=True)
    assert "с этим уроком будет 6" in body and 'id="load-confirm"' in body and "Всё равно заменить" in body
    assert _count(db_session, world.a_maths_5a) == 5
    done = _post(client, "/admin/timetable/change", data | {"confirm": "1"}).get_data(as_text=True)
    assert "Урок изменён с 01.09.2026" in done
    assert _count(db_session, world.a_maths_5a) == 6


# --- the teaching load against the curriculum (the same soft rule where the load is assigned) -----------------
@pytest.mark.parametrize(
    "pages,expected",
    [
        ([], "0"),
        ([(None, "5")], "5"),
        ([(None, "3"), (None, "2")], "5"),  # two teachers share the class
        ([(G1, "3"), (G2, "3")], "3"),  # parallel subgroups
        ([(None, "1"), (G1, "2"), (G1, "1"), (G2, "2.5")], "4"),  # 1 + max(3, 2,5)
    ],
)
def test_class_hours(pages, expected):
    assert class_hours([(g, Decimal(h)) for g, h in pages]) == Decimal(expected)


LOAD_FORM = [
    # curriculum grade 6 maths (6Б has other_teacher's 5 h), a second maths page of … h → outcome
    pytest.param("5", "1", ["Математика в 6Б: по учебному плану 5 ч в неделю, с этой нагрузкой будет 6 ч."], id="over"),
    pytest.param("6", "1", [], id="up-to-the-plan"),
    pytest.param(None, "1", [], id="no-curriculum-row"),
    pytest.param(
        "5", "0,5", ["Математика в 6Б: по учебному плану 5 ч в неделю, с этой нагрузкой будет 5,5 ч."], id="half"
    ),
]


def _new_page(client, world, hours, **extra):
    return client.post(
        "/admin/assignments/new/",
        data={
            "school_class": world.c6b.id,
            "subject": world.maths.id,
            "teacher": world.s_teacher.id,
            "hours_per_week": hours,
            **extra,
        },
        follow_redirects=True,
    )


@pytest.mark.parametrize("plan,hours,messages", LOAD_FORM)
def test_load_past_the_curriculum_is_confirmed(client, login_as, db_session, world, plan, hours, messages):
    if plan:
        db_session.add(
            CurriculumItem(year_id=world.year.id, grade=6, subject_id=world.maths.id, hours_per_week=Decimal(plan))
        )
        db_session.commit()
    login_as("operator")
    pages = select(TeachingAssignment).where(
        TeachingAssignment.class_id == world.c6b.id, TeachingAssignment.subject_id == world.maths.id
    )
    body = _new_page(client, world, hours).get_data(as_text=True)
    if not messages:
        assert len(db_session.scalars(pages).all()) == 2
        return
    assert messages[0] in body and "Подтверждаю: часов больше, чем в учебном плане" in body
    assert len(db_session.scalars(pages).all()) == 1  # nothing written
    _new_page(client, world, hours, confirm_over="y")
    assert len(db_session.scalars(pages).all()) == 2


def test_editing_an_over_page_without_adding_hours_asks_nothing(db_session, world, operator):
    """6Б maths already 5 h against a curriculum of 4: changing the teacher (hours unchanged) is not asked."""
    db_session.add(CurriculumItem(year_id=world.year.id, grade=6, subject_id=world.maths.id, hours_per_week=4))
    db_session.flush()
    a = world.a_maths_6b
    assert curriculum_warnings(a, is_new=False) == []
    a.teacher_id = world.s_teacher.id
    save_assignment(operator, a, is_new=False)
    a.hours_per_week = Decimal("6")
    with pytest.raises(NeedsConfirmation) as asked:
        save_assignment(operator, a, is_new=False)
    assert [str(w) for w in asked.value.warnings] == [
        "Математика в 6Б: по учебному плану 4 ч в неделю, с этой нагрузкой будет 6 ч."
    ]
