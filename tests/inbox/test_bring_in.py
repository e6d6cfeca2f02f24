"""Bringing the administration into a conversation: any participant (a parent, a student, a teacher) may; the
administrator then reads the whole thread, earlier messages included; audited; nobody else gets in this way."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models import db
from models.access import Actor, can_bring_in
from models.audit import AuditEvent
from models.base import utcnow
from models.errors import AccessDenied, InvalidInput, NotFound
from models.inbox.reading import thread
from models.inbox.writing import add_participant, start_conversation
from models.tables.messaging import ConversationParticipant

TODAY = dt.date(2026, 9, 7)


def _a(world, name):
    return Actor.of(world.users[name])


def _conv(world, who="parent", to="classteacher"):
    conv = start_conversation(
        _a(world, who),
        recipient_id=world.users[to].id,
        student_id=world.anna.id if who == "parent" else None,
        subject="Конфликт на уроке",
        body="Первое сообщение",
        today=TODAY,
        now=utcnow(),
    )
    db.session.flush()
    return conv


@pytest.mark.parametrize(
    "who,whom,allowed",
    [
        ("parent", "director", True),
        ("parent", "coordinator", True),
        ("student", "director", True),  # a student cannot write to the director, but may bring them into a thread
        ("teacher", "coordinator", True),
        ("parent", "parent_b", False),  # never another family
        ("parent", "secretary", False),  # not the administration, not the parent's contact
        ("student", "parent_b", False),
        ("parent", "foreign_operator", False),  # another school's
    ],
)
def test_who_may_be_brought_in(world, who, whom, allowed):
    assert can_bring_in(_a(world, who), world.users[whom].id, TODAY) is allowed


def test_the_director_reads_the_whole_thread_once_brought_in(world):
    conv = _conv(world)
    director = _a(world, "director")
    with pytest.raises(NotFound):
        thread(director, conv.id)
    add_participant(_a(world, "parent"), conv.id, world.users["director"].id, today=TODAY)
    add_participant(_a(world, "parent"), conv.id, world.users["director"].id, today=TODAY)  # again: nothing new
    page = thread(director, conv.id)
    assert [m.body for m in page.messages] == ["Первое сообщение"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "conversation.add")).all()
    assert [(e.actor_id, e.entity_id, e.new) for e in events] == [
        (world.users["parent"].id, conv.id, f'{{"user_id": {world.users["director"].id}}}')
    ]
    # the button lists the administration (access.ADMINISTRATION) not yet in the thread
    listed = {c.user_id for c in thread(_a(world, "parent"), conv.id).administration}
    assert listed == {world.users["coordinator"].id, world.users["operator"].id}


def test_refusals_change_nothing(world):
    conv = _conv(world)
    before = db.session.scalar(select(func.count()).select_from(ConversationParticipant))
    with pytest.raises(AccessDenied):
        add_participant(_a(world, "parent"), conv.id, world.users["parent_b"].id, today=TODAY)
    with pytest.raises(InvalidInput):
        add_participant(_a(world, "parent"), conv.id, None, today=TODAY)
    with pytest.raises(NotFound):  # not a participant: the thread does not exist for them
        add_participant(_a(world, "parent_b"), conv.id, world.users["director"].id, today=TODAY)
    assert db.session.scalar(select(func.count()).select_from(ConversationParticipant)) == before


def test_the_button_in_the_portal_and_the_staff_panel(client, login_as, world):
    conv = _conv(world)
    db.session.commit()
    login_as("parent")
    page = client.get(f"/inbox/{conv.id}").get_data(as_text=True)
    assert 'id="inbox-add-form"' in page and "Директорова" in page
    response = client.post(f"/inbox/{conv.id}/participants", data={"user": world.users["director"].id})
    assert response.status_code == 303
    assert "Директорова" not in client.get(f"/inbox/{conv.id}").get_data(as_text=True).split('id="inbox-add-form"')[-1]
    bad = client.post(f"/inbox/{conv.id}/participants", data={"user": "x"}, follow_redirects=True)
    assert bad.status_code == 200 and "Выберите, кого добавить" in bad.get_data(as_text=True)
    login_as("director")
    assert "Первое сообщение" in client.get(f"/admin/inbox/{conv.id}").get_data(as_text=True)
    login_as("parent_b")  # another family's conversation id
    assert client.post(f"/inbox/{conv.id}/participants", data={"user": world.users["director"].id}).status_code == 404
    login_as("classteacher")
    assert (
        client.post(f"/admin/inbox/{conv.id}/participants", data={"user": world.users["coordinator"].id}).status_code
        == 303
    )
    login_as("coordinator")
    assert client.get(f"/admin/inbox/{conv.id}").status_code == 200
