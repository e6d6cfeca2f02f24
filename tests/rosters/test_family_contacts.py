"""The class teacher corrects the contact data of their class's families (issue 18 item 3,
models.access.can_edit_contacts, models.school.people_records.update_contacts): their own class's students
(address) and guardians (phone, e-mail, workplace), not another class's, not the movement; audited; with the
checks of the secretary's forms (models.tables.people.clean_contact).

World: classteacher keeps 5А (anna, vera; anna's mother Алла Аннова); 6Б (boris, his father Богдан Борисов)
is other_teacher's."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from models import AuditEvent, Enrollment, db
from models.errors import AccessDenied, InvalidInput, NotFound
from models.school.people_records import update_contacts
from models.tables.classes import LEAVING_REASONS

DAY = dt.date(2026, 10, 1)


def test_the_class_teacher_corrects_their_familys_contacts_audited(world, actor_of):
    me = actor_of("classteacher")
    changed = update_contacts(
        me, "guardian", world.g_parent.id, {"phone": " +7 (701) 555-12-34 ", "email": "alla@example.kz"}, today=DAY
    )
    assert changed == ["email", "phone"]
    assert (world.g_parent.phone, world.g_parent.email) == ("+7 (701) 555-12-34", "alla@example.kz")
    assert update_contacts(me, "student", world.anna.id, {"address": "ул. Абая, 1"}, today=DAY) == ["address"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(["guardian.update", "student.update"])))
    logged = {(e.entity, e.entity_id): (json.loads(e.old), json.loads(e.new), e.actor_id) for e in events}
    assert logged[("guardian", world.g_parent.id)] == (
        {"email": None, "phone": None},
        {"email": "alla@example.kz", "phone": "+7 (701) 555-12-34"},
        world.users["classteacher"].id,
    )
    assert logged[("student", world.anna.id)][1] == {"address": "ул. Абая, 1"}
    # the same again changes (and logs) nothing
    assert update_contacts(me, "student", world.anna.id, {"address": "ул. Абая, 1"}, today=DAY) == []


@pytest.mark.parametrize(
    "values,message",
    [
        ({"phone": "звоните маме"}, "Телефон: цифры, пробелы, скобки, дефис, можно с «+» в начале."),
        ({"email": "not-an-email"}, "Неверный адрес электронной почты."),
        ({"workplace": "x" * 256}, "Не длиннее 255 символов."),
        ({"phone": "+7 701 555 12 34", "email": "bad"}, "Неверный адрес электронной почты."),  # all or nothing
    ],
)
def test_the_secretarys_checks_refuse_and_nothing_changes(world, actor_of, values, message):
    with pytest.raises(InvalidInput) as refused:
        update_contacts(actor_of("classteacher"), "guardian", world.g_parent.id, values, today=DAY)
    assert refused.value.message == message
    db.session.refresh(world.g_parent)
    assert world.g_parent.phone is None and world.g_parent.email is None and world.g_parent.workplace is None


@pytest.mark.parametrize(
    "who,entity,person,allowed",
    [
        ("classteacher", "student", "anna", True),
        ("classteacher", "guardian", "g_parent", True),
        ("classteacher", "student", "boris", False),  # another class
        ("classteacher", "guardian", "g_parent_b", False),
        ("other_teacher", "guardian", "g_parent_b", True),
        ("other_teacher", "student", "anna", False),
        ("teacher", "student", "anna", False),  # teaches 5А, is not its class teacher
        ("secretary", "guardian", "g_parent_b", True),
        ("operator", "student", "boris", True),
        ("director", "student", "anna", False),
        ("parent", "guardian", "g_parent", False),  # a family corrects nothing here
        ("foreign_operator", "student", "anna", False),
    ],
)
def test_who_corrects_whose_contacts(world, actor_of, who, entity, person, allowed):
    target = getattr(world, person)
    if allowed:
        update_contacts(
            actor_of(who), entity, target.id, {"address" if entity == "student" else "phone": "+7 700 1"}, today=DAY
        )
    else:
        with pytest.raises(AccessDenied):
            update_contacts(actor_of(who), entity, target.id, {"phone": "+7 700 1"}, today=DAY)


def test_a_student_who_left_the_class_is_no_longer_the_class_teachers(world, actor_of):
    stay = db.session.scalar(select(Enrollment).where(Enrollment.student_id == world.anna.id))
    stay.ends_on, stay.reason_out = dt.date(2026, 9, 30), LEAVING_REASONS[0]
    db.session.flush()
    with pytest.raises(AccessDenied):
        update_contacts(actor_of("classteacher"), "student", world.anna.id, {"address": "x"}, today=DAY)


def test_movement_fields_and_unknown_entities_are_not_contacts(world, actor_of):
    me = actor_of("classteacher")
    update_contacts(me, "student", world.anna.id, {"last_name": "Другая", "personal_file_no": "X"}, today=DAY)
    assert world.anna.last_name == "Аннова"
    with pytest.raises(NotFound):
        update_contacts(me, "enrollment", world.anna.id, {}, today=DAY)


def test_the_page_and_its_form(client, login_as, world):
    login_as("classteacher")
    html = client.get("/admin/my-class/contacts/").get_data(as_text=True)
    assert "Аннова Алла" in html and "Борисов" not in html and 'id="nav-contacts"' in html
    form = {"entity": "guardian", "person_id": world.g_parent.id, "class_id": world.c5a.id}
    html = client.post("/admin/my-class/contacts/save", data={**form, "phone": "звоните"}, follow_redirects=True)
    assert "Не сохранено: Телефон: Телефон: цифры" in html.get_data(as_text=True)
    assert db.session.get(type(world.g_parent), world.g_parent.id).phone is None
    html = client.post(
        "/admin/my-class/contacts/save", data={**form, "phone": "+7 701 555 12 34"}, follow_redirects=True
    )
    assert "Контакты сохранены." in html.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(world.g_parent), world.g_parent.id).phone == "+7 701 555 12 34"
    # another class's family: 403; nobody there: 404; a class that is not theirs: 403
    other = {"entity": "guardian", "person_id": world.g_parent_b.id, "phone": "+7 700 000 00 00"}
    assert client.post("/admin/my-class/contacts/save", data=other).status_code == 403
    assert client.post("/admin/my-class/contacts/save", data={**other, "person_id": 987654}).status_code == 403
    assert client.post("/admin/my-class/contacts/save", data={**other, "entity": "x"}).status_code == 404
    assert client.get(f"/admin/my-class/contacts/?class_id={world.c6b.id}").status_code == 403
    login_as("teacher")
    assert client.post("/admin/my-class/contacts/save", data={**form, "phone": "+7 1"}).status_code == 403
