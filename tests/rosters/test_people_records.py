"""The people lists' records as domain operations (models/school/people_records.py): the write right, the rules that
need the whole row and the audit, which used to live in the staff panel's Flask-Admin hooks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from models import AuditEvent, Guardian, Staff, Student, StudentGuardian, db
from models.errors import AccessDenied, InvalidInput, NotFound
from models.school.people_records import remove_guardian_link, save_guardian_link, save_person


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.mark.parametrize(
    "model,entity,fields",
    [
        (
            Student,
            "student",
            {
                "last_name": "Новикова",
                "first_name": "Нина",
                "birth_date": dt.date(2015, 5, 5),
                "sex": "f",
                "personal_file_no": "Н-1",
            },
        ),
        (Staff, "staff", {"last_name": "Новикова", "first_name": "Нина", "position": "учитель"}),
        (Guardian, "guardian", {"last_name": "Новикова", "first_name": "Нина"}),
    ],
)
def test_a_new_card_joins_the_actors_school_and_is_audited(world, actor_of, model, entity, fields):
    person = model(**fields)
    db.session.add(person)
    save_person(actor_of("secretary"), person, is_new=True)
    assert person.id is not None and person.school_id == world.school.id
    [event] = _events(f"{entity}.create")
    assert (event.entity, event.entity_id, event.old) == (entity, person.id, None)
    assert json.loads(event.new)["last_name"] == "Новикова"


def test_a_change_is_audited_with_old_and_new_values_and_no_change_is_not(world, actor_of):
    world.g_parent.phone = "+7 700 000 00 00"
    save_person(actor_of("operator"), world.g_parent, is_new=False)
    [event] = _events("guardian.update")
    assert json.loads(event.old) == {"phone": None} and json.loads(event.new) == {"phone": "+7 700 000 00 00"}
    save_person(actor_of("operator"), world.g_parent, is_new=False)
    assert len(_events("guardian.update")) == 1


@pytest.mark.parametrize("who", ["teacher", "classteacher", "director", "coordinator", "parent"])
def test_only_the_roster_writers_save_cards(world, actor_of, who):
    world.anna.address = "ул. Абая, 1"
    with pytest.raises(AccessDenied):
        save_person(actor_of(who), world.anna, is_new=False)
    assert _events("student.update") == []


def test_another_schools_card_is_not_found(world, actor_of):
    world.anna.address = "ул. Абая, 1"
    with pytest.raises(NotFound):
        save_person(actor_of("foreign_operator"), world.anna, is_new=False)


def test_a_link_is_created_and_audited(world, actor_of):
    link = StudentGuardian(student=world.vera, guardian=world.g_parent, relation="mother")
    db.session.add(link)
    save_guardian_link(actor_of("secretary"), link, is_new=True)
    [event] = _events("student_guardian.create")
    assert event.entity_id == world.vera.id and json.loads(event.new)["guardian_id"] == world.g_parent.id


@pytest.mark.parametrize(
    "case,message",
    [
        ("no student", "Выберите обучающегося и родителя."),
        ("another school's parent", "Обучающийся и родитель из разных школ."),
        ("linked already", "Аннова А. уже связан(а) с Аннова А.."),  # short names end in a dot
    ],
)
def test_a_bad_link_is_refused(world, actor_of, case, message):
    guardian = world.g_parent
    if case == "another school's parent":
        guardian = Guardian(school_id=world.other_school.id, last_name="Чужова", first_name="Чара")
        db.session.add(guardian)
        db.session.flush()
    student = None if case == "no student" else world.anna if case == "linked already" else world.vera
    link = StudentGuardian(student=student, guardian=guardian, relation="mother")
    with db.session.no_autoflush:  # the link was never added: the refusal leaves nothing to write
        with pytest.raises(InvalidInput) as refused:
            save_guardian_link(actor_of("secretary"), link, is_new=True)
        assert refused.value.message == message
        assert _events("student_guardian.create") == []


def test_a_link_is_removed_with_an_audit_and_only_by_a_writer(world, actor_of):
    link = db.session.get(StudentGuardian, (world.anna.id, world.g_parent.id))
    with pytest.raises(AccessDenied):
        remove_guardian_link(actor_of("teacher"), link)
    remove_guardian_link(actor_of("secretary"), link)
    db.session.flush()
    assert db.session.get(StudentGuardian, (world.anna.id, world.g_parent.id)) is None
    [event] = _events("student_guardian.delete")
    assert json.loads(event.old) == {"guardian_id": world.g_parent.id, "relation": "mother"}
