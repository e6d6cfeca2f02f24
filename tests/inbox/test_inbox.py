"""The inbox (R22): the who-may-write rule, isolation of families, files, blocking, class-wide messages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from models import db
from models.access import Actor, can_message
from models.base import utcnow
from models.errors import AccessDenied, InvalidInput
from models.inbox.reading import inbox, unread_count
from models.inbox.writing import reply, start_conversation, write_to_class_parents
from models.tables.messaging import Conversation, ConversationParticipant

TODAY = dt.date(2026, 9, 7)
PDF = b"%PDF-1.4 test"


def _a(world, name):
    return Actor.of(world.users[name])


# (writer, recipient, allowed): parents reach their child's teachers, class teacher and the administration;
# students their teachers and class teacher; staff anyone of the school; never another family.
RULE = [
    ("parent", "teacher", True),  # Anna's maths teacher
    ("parent", "classteacher", True),
    ("parent", "director", True),
    ("parent", "coordinator", True),
    ("parent", "other_teacher", False),  # teaches only 6Б
    ("parent", "secretary", False),
    ("parent", "parent_b", False),
    ("parent", "student", False),
    ("parent", "foreign_operator", False),
    ("student", "teacher", True),
    ("student", "classteacher", True),
    ("student", "director", False),
    ("student", "parent", False),
    ("student", "parent_b", False),
    ("teacher", "parent_b", True),
    ("teacher", "student", True),
    ("secretary", "director", True),
    ("classteacher", "parent", True),
    ("director", "foreign_operator", False),
    ("teacher", "teacher", False),  # oneself
]


@pytest.mark.parametrize("writer,recipient,allowed", RULE)
def test_who_may_write_to_whom(world, writer, recipient, allowed):
    assert can_message(_a(world, writer), world.users[recipient].id, TODAY) is allowed


def test_blocked_recipient_is_nobodys_contact(world):
    world.users["classteacher"].blocked_at = utcnow()
    db.session.flush()
    assert not can_message(_a(world, "parent"), world.users["classteacher"].id, TODAY)


def _start(world, who="parent", to="classteacher", **kw):
    return start_conversation(
        _a(world, who),
        recipient_id=world.users[to].id,
        student_id=kw.pop("student_id", None),
        subject=kw.pop("subject", "Вопрос"),
        body=kw.pop("body", "Здравствуйте"),
        today=TODAY,
        now=utcnow(),
        **kw,
    )


def test_parent_writes_teacher_answers_unread_changes(world):
    conv = _start(world, student_id=world.anna.id)
    teacher = _a(world, "classteacher")
    assert unread_count(teacher) == 1 and unread_count(_a(world, "parent")) == 0
    reply(teacher, conv.id, body="Добрый день", now=utcnow() + dt.timedelta(seconds=1))
    assert unread_count(_a(world, "parent")) == 1
    assert [line.subject for line in inbox(_a(world, "parent"), "русская")] == ["Вопрос"]
    assert inbox(_a(world, "parent"), "нет-такого") == []


def test_refused_recipient_changes_nothing(world):
    before = db.session.scalar(select(func.count()).select_from(Conversation))
    with pytest.raises(AccessDenied):
        _start(world, to="parent_b")
    with pytest.raises(AccessDenied):
        _start(world, student_id=world.boris.id)
    with pytest.raises(InvalidInput):
        _start(world, subject="  ")
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == before


def test_blocked_user_cannot_write(world):
    conv = _start(world)
    world.users["parent"].blocked_at = utcnow()
    db.session.flush()
    with pytest.raises(AccessDenied):
        reply(_a(world, "parent"), conv.id, body="ещё", now=utcnow())


def test_class_message_makes_one_conversation_per_family(world):
    sent = write_to_class_parents(
        _a(world, "classteacher"),
        class_id=world.c5a.id,
        subject="Собрание",
        body="В пятницу",
        today=TODAY,
        now=utcnow(),
    )
    assert (sent.conversations, sent.without_account) == (1, 1)  # Anna's mother; Vera's parents have no account
    with pytest.raises(AccessDenied):
        write_to_class_parents(
            _a(world, "classteacher"), class_id=world.c6b.id, subject="x", body="y", today=TODAY, now=utcnow()
        )
    with pytest.raises(AccessDenied):
        write_to_class_parents(_a(world, "teacher"), grade=None, subject="x", body="y", today=TODAY, now=utcnow())


def test_other_family_gets_404_and_nothing_leaks(client, login_as, world):
    login_as("parent")
    resp = client.post(
        "/inbox/new",
        data={
            "to": f"{world.anna.id}:{world.users['classteacher'].id}",
            "subject": "Тайная-тема",
            "body": "текст",
            "form_token": "t" * 24,
            "file": (io.BytesIO(PDF), "справка.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303
    conv_id = db.session.scalar(select(Conversation.id).where(Conversation.subject == "Тайная-тема"))
    thread = client.get(f"/inbox/{conv_id}").get_data(as_text=True)
    assert "справка.pdf" in thread
    att_id = int(thread.split(f"/inbox/{conv_id}/files/")[1].split('"')[0])
    assert client.get(f"/inbox/{conv_id}/files/{att_id}").data == PDF
    for other in ("parent_b", "student", "teacher"):
        login_as(other)
        for url in (f"/inbox/{conv_id}", f"/inbox/{conv_id}/files/{att_id}"):
            r = client.get(url)
            assert r.status_code == 404 and "Тайная-тема" not in r.get_data(as_text=True)
        assert "Тайная-тема" not in client.get("/inbox").get_data(as_text=True)
    login_as("director")  # the administration reads a thread only when a participant adds it
    assert client.get(f"/admin/inbox/{conv_id}").status_code == 404
    login_as("classteacher")
    assert client.get(f"/admin/inbox/{conv_id}").status_code == 200
    assert client.get(f"/admin/inbox/{conv_id}/files/{att_id}").data == PDF


def test_file_checked_as_homework_files_are(client, login_as, world):
    login_as("parent")
    resp = client.post(
        "/inbox/new",
        data={
            "to": str(world.users["classteacher"].id),
            "subject": "Файл",
            "body": "см. файл",
            "form_token": "u" * 24,
            "file": (io.BytesIO(b"<html>"), "page.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200 and "не соответствует" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConversationParticipant)) == 0
