"""The class teacher's corrections of their class's timetable: the rule table (the school's setting × role ×
class → what may be changed), the domain rules under each setting (moves only, within the load, never another
class, never a teacher in two places), the audit the operator sees, and the grid page's controls and refusals.

The world: classteacher keeps 5А and teaches its Russian; other_teacher keeps 6Б, teaches its maths (Monday,
lesson 1) and 5А's physics (2 hours, ``tt``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from models import AuditEvent, TimetableEntry
from models.access import Actor, class_timetable_right
from models.errors import AccessDenied, Conflict, NeedsConfirmation
from models.school.settings import set_setting
from models.school.timetable import ClashError, change_entry, move_entry, place_lesson
from models.school.timetable_week import class_corrections, class_week
from world import START  # noqa: E402

MONDAY = dt.date(2026, 9, 7)
MOVE, PLACE, CHANGE = (f'action="/admin/timetable/{x}"' for x in ("move", "place", "change"))


@pytest.mark.parametrize(
    ("setting", "who", "cls", "expected"),
    [
        # the operator: everything, whatever the setting
        ("off", "operator", "c5a", "full"),
        ("moves", "operator", "c6b", "full"),
        ("load", "operator", "c5a", "full"),
        # the class teacher of 5А: as the setting says, on 5А only
        ("off", "classteacher", "c5a", None),
        ("moves", "classteacher", "c5a", "moves"),
        ("load", "classteacher", "c5a", "load"),
        ("moves", "classteacher", "c6b", None),
        ("load", "classteacher", "c6b", None),
        # 6Б's class teacher, on 6Б and on 5А (where she only teaches physics)
        ("load", "other_teacher", "c6b", "load"),
        ("load", "other_teacher", "c5a", None),
        # nobody else, even with the widest setting
        ("load", "teacher", "c5a", None),
        ("load", "director", "c5a", None),
        ("load", "coordinator", "c5a", None),
        ("load", "secretary", "c5a", None),
        ("load", "parent", "c5a", None),
        ("load", "student", "c5a", None),
        # an unknown value of the setting gives nothing
        ("everything", "classteacher", "c5a", None),
    ],
)
def test_rule_table(world, setting, who, cls, expected):
    assert class_timetable_right(Actor.of(world.users[who]), getattr(world, cls), setting) == expected


def test_no_right_in_another_school(world):
    other = dataclasses.replace(Actor.of(world.users["classteacher"]), school_id=world.other_school.id)
    assert class_timetable_right(other, world.c5a, "load") is None


@pytest.fixture()
def allow(db_session, world):
    def _allow(value):
        set_setting(Actor.of(world.users["operator"]), "class_teacher_timetable", value)
        db_session.commit()

    return _allow


@pytest.fixture()
def physics(db_session, world, tt, place):
    """5А's physics on Tuesday, lesson 2, in room 12 (placed by the operator)."""
    entry = place(tt.a_physics_5a, 2, tt.bell2, room="12")
    db_session.commit()
    return entry


def _me(world, who="classteacher"):
    return Actor.of(world.users[who])


def _count(db_session, model=TimetableEntry):
    return db_session.scalar(select(func.count()).select_from(model))


def _place_russian(world, tt):
    """The class teacher puts 5А's Russian on Thursday, lesson 1."""
    return place_lesson(
        _me(world),
        class_id=world.c5a.id,
        assignment_id=world.a_russian_5a.id,
        weekday=4,
        bell_id=tt.bell1.id,
        valid_from=START,
    )


def test_off_refuses_every_correction_with_a_reason(db_session, world, tt, physics):
    before = _count(db_session)
    with pytest.raises(AccessDenied, match="Школа не разрешила классным руководителям исправлять расписание"):
        move_entry(_me(world), physics.id, START, weekday=3, bell_id=tt.bell2.id)
    with pytest.raises(AccessDenied, match="Школа не разрешила"):
        _place_russian(world, tt)
    assert _count(db_session) == before


def test_moves_lets_the_class_teacher_move_and_nothing_more(db_session, world, tt, physics, allow):
    allow("moves")
    new = move_entry(_me(world), physics.id, dt.date(2026, 9, 14), weekday=3, bell_id=tt.bell3.id)
    db_session.commit()
    assert (new.weekday, new.bell_id, new.room, new.valid_from) == (3, tt.bell3.id, "12", dt.date(2026, 9, 14))
    old = db_session.get(TimetableEntry, physics.id)
    assert old.valid_to == dt.date(2026, 9, 13)  # the weeks before keep the lesson on Tuesday
    with pytest.raises(AccessDenied, match="только переносить уроки своего класса"):
        change_entry(_me(world), new.id, dt.date(2026, 9, 21), remove=True)
    with pytest.raises(AccessDenied, match="только переносить"):
        _place_russian(world, tt)


def test_never_another_class(db_session, world, tt, allow):
    allow("load")
    with pytest.raises(AccessDenied, match="только своего класса"):
        move_entry(_me(world), world.entry_6b.id, START, weekday=2, bell_id=tt.bell2.id)
    assert db_session.get(TimetableEntry, world.entry_6b.id).weekday == 1


def test_never_a_teacher_in_two_places(db_session, world, tt, physics, allow):
    """Physics' teacher gives 6Б's maths on Monday, lesson 1: 5А's physics cannot go there."""
    allow("moves")
    with pytest.raises(ClashError, match="Учитель Физикова Ф.И. в это время уже ведёт урок: 6Б, Математика"):
        move_entry(_me(world), physics.id, START, weekday=1, bell_id=tt.bell1.id)


def test_a_move_onto_the_same_slot_is_refused(db_session, world, tt, physics, allow):
    allow("moves")
    with pytest.raises(Exception, match="Урок уже стоит в это время"):
        move_entry(_me(world), physics.id, START, weekday=2, bell_id=tt.bell2.id)


def test_load_places_within_the_hours_only(db_session, world, tt, physics, allow):
    """Physics has 2 hours a week and one lesson placed: one more goes in, a third is refused."""
    allow("load")
    me = _me(world)
    second = place_lesson(
        me, class_id=world.c5a.id, assignment_id=tt.a_physics_5a.id, weekday=4, bell_id=tt.bell3.id, valid_from=START
    )
    db_session.commit()
    with pytest.raises(Conflict, match="«Физика» в 5А: по нагрузке 2 ч в неделю, в расписании уже 2"):
        place_lesson(
            me,
            class_id=world.c5a.id,
            assignment_id=tt.a_physics_5a.id,
            weekday=5,
            bell_id=tt.bell3.id,
            valid_from=START,
        )
    # a lesson ended before the date no longer counts: from 21.09 one physics lesson is gone, one may be added
    change_entry(me, second.id, dt.date(2026, 9, 21), remove=True)
    db_session.commit()
    again = place_lesson(
        me,
        class_id=world.c5a.id,
        assignment_id=tt.a_physics_5a.id,
        weekday=5,
        bell_id=tt.bell3.id,
        valid_from=dt.date(2026, 9, 21),
    )
    assert again.valid_from == dt.date(2026, 9, 21)


def test_the_operator_is_not_held_to_the_load(db_session, world, tt, physics, place, operator):
    place(tt.a_physics_5a, 4, tt.bell3)
    # a third lesson of a 2-hour subject: the operator decides — asked to confirm (timetable_load), not refused
    with pytest.raises(NeedsConfirmation):
        place(tt.a_physics_5a, 5, tt.bell3)
    place_lesson(
        operator,
        class_id=tt.a_physics_5a.class_id,
        assignment_id=tt.a_physics_5a.id,
        weekday=5,
        bell_id=tt.bell3.id,
        valid_from=START,
        confirmed=True,
    )
    assert (
        db_session.scalar(
            select(func.count()).select_from(TimetableEntry).where(TimetableEntry.assignment_id == tt.a_physics_5a.id)
        )
        == 3
    )


def test_every_correction_is_audited_with_who_made_it(db_session, world, tt, physics, allow):
    allow("moves")
    move_entry(_me(world), physics.id, MONDAY, weekday=3, bell_id=tt.bell3.id)
    db_session.commit()
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "timetable.correction")).all()
    assert [(e.actor_id, e.entity, e.entity_id) for e in events] == [
        (world.users["classteacher"].id, "school_class", world.c5a.id)
    ]
    shown = class_corrections(world.c5a.id)
    assert [(c.who, c.what, c.subject, c.weekday, c.bell, c.starts) for c in shown] == [
        ("Русская Р.И.", "урок перенесён", "Физика", 3, 3, "07.09.2026")
    ]
    # the operator's own changes are the plan itself, not corrections
    move_entry(Actor.of(world.users["operator"]), world.entry_6b.id, MONDAY, weekday=2, bell_id=tt.bell1.id)
    assert len(class_corrections(world.c6b.id)) == 0


@pytest.mark.parametrize(
    ("setting", "who", "can_move", "can_place"),
    [
        ("off", "classteacher", False, False),
        ("moves", "classteacher", True, False),
        ("load", "classteacher", True, True),
        ("load", "other_teacher", False, False),  # 5А is not her class
        ("off", "operator", True, True),
    ],
)
def test_the_week_grid_offers_what_may_be_done(
    db_session, world, tt, physics, allow, setting, who, can_move, can_place
):
    allow(setting)
    week = class_week(_me(world, who), world.c5a.id, MONDAY)
    assert (week.can_move, week.can_place) == (can_move, can_place)


def test_a_lesson_is_offered_only_times_free_for_its_teacher_and_room(db_session, world, tt, physics, place, allow):
    """Physics (other_teacher, room 12): Monday's lesson 1 is her 6Б maths; on Wednesday's lesson 3 6Б sits in
    room 12; Thursday's lesson 2 is free for everyone."""
    place(world.a_maths_6b, 3, tt.bell3, room="12")
    allow("moves")
    week = class_week(_me(world), world.c5a.id, MONDAY)
    lesson = next(x for row in week.rows for cell in row.cells for x in cell.lessons if x.entry_id == physics.id)
    offered = {(wd, bell.id) for wd, bell in lesson.move_to}
    assert (1, tt.bell1.id) not in offered
    assert (3, tt.bell3.id) not in offered
    assert (4, tt.bell2.id) in offered
    assert (2, tt.bell2.id) not in offered  # where it stands


# --- the page --------------------------------------------------------------------------------------------
def _text(response) -> str:
    return response.get_data(as_text=True)


def _grid(client, world):
    return _text(client.get(f"/admin/timetable/?class_id={world.c5a.id}&week={MONDAY.isoformat()}"))


def _move(client, world, entry, weekday, bell, start=MONDAY):
    return client.post(
        "/admin/timetable/move",
        data={
            "entry_id": entry.id,
            "class_id": world.c5a.id,
            "week": MONDAY.isoformat(),
            "from": start.isoformat(),
            "slot": f"{weekday}-{bell.id}",
        },
        follow_redirects=True,
    )


def test_page_when_off_has_no_controls_and_refuses_a_post(client, login_as, db_session, world, tt, physics):
    login_as("classteacher")
    body = _grid(client, world)
    assert MOVE not in body and PLACE not in body and CHANGE not in body
    body = _text(_move(client, world, physics, 3, tt.bell3))
    assert "Школа не разрешила классным руководителям исправлять расписание" in body
    assert db_session.get(TimetableEntry, physics.id).weekday == 2


def test_page_class_teacher_moves_and_the_operator_sees_it(client, login_as, db_session, world, tt, physics, allow):
    allow("moves")
    login_as("classteacher")
    body = _grid(client, world)
    assert MOVE in body and PLACE not in body and CHANGE not in body
    assert 'id="class-teacher-right"' in body
    body = _text(_move(client, world, physics, 3, tt.bell3))
    assert "Урок перенесён: Среда, 3 урок, с 07.09.2026" in body
    cell = body.split(f'id="cell-3-{tt.bell3.id}"')[1].split("</td>")[0]
    assert "Физика" in cell
    # 6Б is not hers: the page is not even shown, a forged move is refused with a message
    assert client.get(f"/admin/timetable/?class_id={world.c6b.id}").status_code == 403
    body = _text(
        client.post(
            "/admin/timetable/move",
            data={"entry_id": world.entry_6b.id, "from": MONDAY.isoformat(), "slot": f"2-{tt.bell2.id}"},
            follow_redirects=True,
        )
    )
    assert "Классный руководитель исправляет расписание только своего класса." in body
    login_as("operator")
    body = _grid(client, world)
    corrections = body.split('id="corrections"')[1].split("</table>")[0]
    assert "Русская Р.И." in corrections and "урок перенесён" in corrections and "Физика" in corrections


def test_my_class_links_to_the_class_timetable(client, login_as, world):
    login_as("classteacher")
    body = _text(client.get(f"/admin/my-class/?class_id={world.c5a.id}"))
    assert re.search(rf'href="/admin/timetable/\?class_id={world.c5a.id}"[^>]*id="nav-timetable"', body)
