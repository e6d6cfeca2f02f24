"""Splitting a class into subgroups per subject on one grid (R11), and the monthly data stamp."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import AuditEvent, Enrollment, Period, SchoolClass, Student, Subgroup, SubgroupMember, db
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.school.subgroups import (
    confirm_class_data,
    data_check_overdue,
    default_split_date,
    split_class,
    subgroup_grid,
)

D = dt.date
Q1, Q2 = D(2026, 9, 1), D(2026, 11, 5)


@pytest.fixture()
def q2(world, db_session):
    p = Period(
        year_id=world.year.id, scheme="quarter", number=2, name="2 четверть", starts_on=Q2, ends_on=D(2026, 12, 28)
    )
    db_session.add(p)
    db_session.commit()
    return p


def _members(world, english):
    rows = db.session.execute(
        select(Subgroup.name, SubgroupMember.student_id, SubgroupMember.starts_on, SubgroupMember.ends_on)
        .join(Subgroup, Subgroup.id == SubgroupMember.subgroup_id)
        .where(Subgroup.class_id == world.c5a.id, Subgroup.subject_id == english.id)
        .order_by(SubgroupMember.student_id, SubgroupMember.starts_on)
    ).all()
    names = {world.anna.id: "anna", world.vera.id: "vera"}
    return [(names.get(sid, sid), group, start, end) for group, sid, start, end in rows]


def test_first_split_creates_two_groups_and_memberships(world, actor_of, english):
    ct = actor_of("classteacher")
    grid = subgroup_grid(ct, world.c5a.id, english.id, Q1, 2)
    assert [(c.number, c.name, c.subgroup_id) for c in grid.columns] == [(1, "1 группа", None), (2, "2 группа", None)]
    assert [(r.student.last_name, r.group) for r in grid.rows] == [("Аннова", 0), ("Верова", 0)]

    result = split_class(ct, world.c5a.id, english.id, Q1, {world.anna.id: 1, world.vera.id: 2}, group_count=2)
    assert (result.joined, result.moved, result.left, result.created_groups) == (2, 0, 0, ["1 группа", "2 группа"])
    assert _members(world, english) == [("anna", "1 группа", Q1, None), ("vera", "2 группа", Q1, None)]
    grid = subgroup_grid(ct, world.c5a.id, english.id, Q1, 2)
    assert [(r.group, r.since) for r in grid.rows] == [(1, Q1), (2, Q1)]
    assert all(c.subgroup_id for c in grid.columns)


def test_a_new_period_moves_a_student_and_keeps_the_old_membership(world, actor_of, english, q2):
    ct = actor_of("classteacher")
    split_class(ct, world.c5a.id, english.id, Q1, {world.anna.id: 1, world.vera.id: 2}, group_count=2)
    result = split_class(ct, world.c5a.id, english.id, Q2, {world.anna.id: 2, world.vera.id: 2}, group_count=2)
    assert (result.joined, result.moved, result.left, result.created_groups) == (0, 1, 0, [])
    assert _members(world, english) == [
        ("anna", "1 группа", Q1, Q2 - dt.timedelta(days=1)),
        ("anna", "2 группа", Q2, None),
        ("vera", "2 группа", Q1, None),
    ]
    # the grid on a day of the first quarter still shows the first split
    assert [r.group for r in subgroup_grid(ct, world.c5a.id, english.id, D(2026, 10, 1), 2).rows] == [1, 2]


def test_saving_the_same_grid_again_changes_nothing(world, actor_of, english):
    ct = actor_of("classteacher")
    choices = {world.anna.id: 1, world.vera.id: 2}
    split_class(ct, world.c5a.id, english.id, Q1, choices, group_count=2)
    before = _members(world, english)
    assert split_class(ct, world.c5a.id, english.id, Q1, choices, group_count=2).changed == 0
    assert _members(world, english) == before


def test_a_same_day_correction_replaces_instead_of_keeping_a_zero_length_membership(world, actor_of, english):
    ct = actor_of("classteacher")
    split_class(ct, world.c5a.id, english.id, Q1, {world.anna.id: 1, world.vera.id: 1}, group_count=2)
    split_class(ct, world.c5a.id, english.id, Q1, {world.anna.id: 1, world.vera.id: 2}, group_count=2)
    assert _members(world, english) == [("anna", "1 группа", Q1, None), ("vera", "2 группа", Q1, None)]


def test_taking_a_student_out_of_all_groups(world, actor_of, english, q2):
    ct = actor_of("classteacher")
    split_class(ct, world.c5a.id, english.id, Q1, {world.anna.id: 1, world.vera.id: 2}, group_count=2)
    result = split_class(ct, world.c5a.id, english.id, Q2, {world.anna.id: 0, world.vera.id: 2}, group_count=2)
    assert result.left == 1
    assert ("anna", "1 группа", Q1, Q2 - dt.timedelta(days=1)) in _members(world, english)


def test_only_groups_somebody_is_put_in_are_created(world, actor_of, english):
    ct = actor_of("classteacher")
    result = split_class(ct, world.c5a.id, english.id, Q1, {world.anna.id: 2, world.vera.id: 2}, group_count=3)
    assert result.created_groups == ["2 группа"]
    names = db.session.scalars(select(Subgroup.name).where(Subgroup.class_id == world.c5a.id)).all()
    assert names == ["2 группа"]
    # the existing group comes first on the grid; the new columns take the free names
    grid = subgroup_grid(ct, world.c5a.id, english.id, Q1, 3)
    assert [(c.name, bool(c.subgroup_id)) for c in grid.columns] == [
        ("2 группа", True),
        ("1 группа", False),
        ("3 группа", False),
    ]


def test_groups_of_another_subject_are_independent(world, actor_of, english):
    ct = actor_of("classteacher")
    split_class(ct, world.c5a.id, english.id, Q1, {world.anna.id: 1, world.vera.id: 2}, group_count=2)
    grid = subgroup_grid(ct, world.c5a.id, world.russian.id, Q1, 2)
    assert [r.group for r in grid.rows] == [0, 0] and not any(c.subgroup_id for c in grid.columns)


@pytest.mark.parametrize(
    "case,error,fragment",
    [
        ("student of another class", InvalidInput, "нет в 5А классе"),
        ("unknown student", InvalidInput, "нет в 5А классе"),
        ("column out of range", InvalidInput, "Неверный номер подгруппы"),
        ("negative column", InvalidInput, "Неверный номер подгруппы"),
        ("too many groups", InvalidInput, "от 1 до 4"),
        ("date outside the year", InvalidInput, "вне 2026/2027"),
        ("no date", InvalidInput, "Укажите дату"),
        ("no subject", InvalidInput, "Выберите предмет"),
        ("subject of another school", InvalidInput, "Выберите предмет"),
        ("a later split exists", Conflict, "более поздней даты (05.11.2026)"),
    ],
)
def test_split_refuses_bad_input_and_writes_nothing(world, actor_of, english, case, error, fragment):
    from models import Subject

    ct = actor_of("classteacher")
    choices, on, subject_id, count = {world.anna.id: 1, world.vera.id: 2}, Q1, english.id, 2
    if case == "student of another class":
        choices[world.boris.id] = 1
    elif case == "unknown student":
        choices[999_999] = 1
    elif case == "column out of range":
        choices[world.anna.id] = 3
    elif case == "negative column":
        choices[world.anna.id] = -1
    elif case == "too many groups":
        count = 5
    elif case == "date outside the year":
        on = D(2027, 6, 15)
    elif case == "no date":
        on = None
    elif case == "no subject":
        subject_id = None
    elif case == "subject of another school":
        foreign = Subject(school_id=world.other_school.id, name="Английский язык", short_name="Англ")
        db.session.add(foreign)
        db.session.flush()
        subject_id = foreign.id
    elif case == "a later split exists":
        split_class(ct, world.c5a.id, english.id, Q2, {world.anna.id: 1}, group_count=2)
    before = _members(world, english)
    groups = db.session.scalars(select(Subgroup.id)).all()
    with pytest.raises(error) as exc:
        split_class(ct, world.c5a.id, subject_id, on, choices, group_count=count)
    assert fragment in exc.value.message
    assert _members(world, english) == before
    assert db.session.scalars(select(Subgroup.id)).all() == groups


def test_students_who_left_before_the_date_are_not_on_the_grid(world, actor_of, english):
    stay = db.session.scalar(select(Enrollment).where(Enrollment.student_id == world.vera.id))
    stay.ends_on, stay.reason_out, stay.order_out = D(2026, 10, 1), "withdrawal", "5"
    newcomer = Student(
        school_id=world.school.id,
        last_name="Галина",
        first_name="Гала",
        birth_date=D(2015, 1, 1),
        sex="f",
        personal_file_no="Г-1",
    )
    db.session.add(newcomer)
    db.session.flush()
    db.session.add(
        Enrollment(
            student_id=newcomer.id, class_id=world.c5a.id, starts_on=D(2026, 10, 2), reason_in="admission", order_in="6"
        )
    )
    db.session.flush()
    names = [r.student.last_name for r in subgroup_grid(actor_of("classteacher"), world.c5a.id, english.id, Q2, 2).rows]
    assert names == ["Аннова", "Галина"]


# --- access: a class teacher of 6Б can't touch 5А ------------------------------------------------------
@pytest.mark.parametrize(
    "who,error",
    [
        ("other_teacher", AccessDenied),  # class teacher of 6Б
        ("teacher", AccessDenied),  # teaches maths in 5А, not its class teacher
        ("secretary", AccessDenied),
        ("operator", AccessDenied),
        ("director", AccessDenied),
        ("parent", AccessDenied),
        ("student", AccessDenied),
        ("foreign_operator", NotFound),
    ],
)
def test_only_the_class_teacher_of_5a_splits_it(world, actor_of, english, who, error):
    with pytest.raises(error):
        split_class(actor_of(who), world.c5a.id, english.id, Q1, {world.anna.id: 1}, group_count=2)
    with pytest.raises(error):
        subgroup_grid(actor_of(who), world.c5a.id, english.id, Q1, 2)
    with pytest.raises(error):
        confirm_class_data(actor_of(who), world.c5a.id, today=D(2026, 11, 1))
    assert db.session.scalars(select(SubgroupMember)).all() == []
    assert db.session.get(SchoolClass, world.c5a.id).data_checked_on is None


def test_the_class_teacher_of_6b_splits_their_own_class(world, actor_of, english):
    split_class(actor_of("other_teacher"), world.c6b.id, english.id, Q1, {world.boris.id: 1}, group_count=2)
    assert db.session.scalar(select(SubgroupMember.student_id)) == world.boris.id


def test_every_change_is_audited(world, actor_of, english):
    split_class(
        actor_of("classteacher"), world.c5a.id, english.id, Q1, {world.anna.id: 1, world.vera.id: 2}, group_count=2
    )
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("subgroup.%"))).all()
    assert sorted(actions) == ["subgroup.assign", "subgroup.assign", "subgroup.create", "subgroup.create"]


# --- default date and the stamp ---------------------------------------------------------------------------
def test_the_default_date_is_the_start_of_the_current_period(world, q2):
    assert default_split_date(world.c5a, D(2026, 10, 10)) == Q1
    assert default_split_date(world.c5a, D(2026, 11, 20)) == Q2
    assert default_split_date(world.c5a, D(2026, 11, 1)) == Q2  # holidays: the next period
    assert default_split_date(world.c5a, D(2027, 3, 1)) == D(2027, 3, 1)  # no period there: the day itself
    assert default_split_date(world.c5a, D(2028, 1, 1)) == D(2027, 5, 31)


def test_the_data_stamp(world, actor_of):
    cls = world.c5a
    assert data_check_overdue(cls, D(2026, 9, 10)) is True  # never checked
    confirm_class_data(actor_of("classteacher"), cls.id, today=D(2026, 10, 1))
    assert cls.data_checked_on == D(2026, 10, 1)
    assert data_check_overdue(cls, D(2026, 10, 31)) is False  # 30 days
    assert data_check_overdue(cls, D(2026, 11, 1)) is True  # 31 days
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.data_checked"))
    assert event.entity_id == cls.id and "2026-10-01" in event.new
