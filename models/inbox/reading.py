"""The inbox's pages: the list (with search by subject and person), a thread, the unread count and the
people one may write to, grouped per child for a family. Only the actor's own conversations are read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, func, or_, select, update

from models.access import FAMILY_ROLES, Actor, children, message_contact_ids, thread_administration_ids
from models.attachments import FileLink, attachment_for_download, file_links
from models.base import db, read
from models.errors import NotFound
from models.i18n import _
from models.inbox.writing import is_blocked, participant_conversation
from models.tables.accounts import User
from models.tables.journal import Attachment
from models.tables.messaging import Conversation, ConversationParticipant, Message
from models.tables.people import Guardian, Staff, Student

LIST_LIMIT = 200
SEARCH_MAX = 100
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _named_users():
    """(user id, display name) of every user: the person's name, else the login."""
    name = func.coalesce(
        Staff.last_name + " " + Staff.first_name,
        Guardian.last_name + " " + Guardian.first_name,
        Student.last_name + " " + Student.first_name,
        User.login,
    )
    return (
        select(User.id, name.label("name"), Staff.position)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .outerjoin(Guardian, Guardian.id == User.guardian_id)
        .outerjoin(Student, Student.id == User.student_id)
    )


def user_names(user_ids) -> dict[int, str]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {uid: name for uid, name, _pos in db.session.execute(_named_users().where(User.id.in_(ids)))}


def _unread():
    return ConversationParticipant.last_read_at.is_(None) | (
        ConversationParticipant.last_read_at < Conversation.last_message_at
    )


# The navigation's count on every page, built once (building it cost more than running it).
_UNREAD_COUNT = (
    select(func.count())
    .select_from(ConversationParticipant)
    .join(Conversation, Conversation.id == ConversationParticipant.conversation_id)
    .where(ConversationParticipant.user_id == bindparam("user"), _unread())
)


def unread_count(actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    return read(*unread_statement(actor)).scalar()  # the navigation's, on every page


def unread_statement(actor: Actor) -> tuple[Select, dict]:
    """The count of the actor's unread conversations as a statement and its parameters: a family page runs it in
    the round trip of the notices' count (models.notices.feed.unread_count_and)."""
    return _UNREAD_COUNT, {"user": actor.user_id or 0}


@dataclass
class ConversationLine:
    id: int
    subject: str
    student: str | None
    people: str
    last_message_at: dt.datetime
    unread: bool


def inbox(actor: Actor, query: str | None = None) -> list[ConversationLine]:
    """The actor's conversations, newest first; ``query`` finds a subject or a participant's name."""
    q = (
        select(Conversation, Student, _unread().label("unread"))
        .join(ConversationParticipant, ConversationParticipant.conversation_id == Conversation.id)
        .outerjoin(Student, Student.id == Conversation.student_id)
        .where(ConversationParticipant.user_id == (actor.user_id or 0))
    )
    text = (query or "").strip().lower()[:SEARCH_MAX]
    if text:
        like = "%" + re.sub(r"[\\%_]", "", text) + "%"
        named = _named_users().subquery()
        people = select(ConversationParticipant.conversation_id).where(
            ConversationParticipant.user_id.in_(select(named.c.id).where(func.lower(named.c.name).like(like)))
        )
        q = q.where(or_(func.lower(Conversation.subject).like(like), Conversation.id.in_(people)))
    rows = db.session.execute(
        q.order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(LIST_LIMIT)
    ).all()
    ids = [c.id for c, _s, _u in rows]
    members: dict[int, list[int]] = {}
    for conv_id, user_id in db.session.execute(
        select(ConversationParticipant.conversation_id, ConversationParticipant.user_id).where(
            ConversationParticipant.conversation_id.in_(ids), ConversationParticipant.user_id != actor.user_id
        )
    ):
        members.setdefault(conv_id, []).append(user_id)
    names = user_names(u for users in members.values() for u in users)
    return [
        ConversationLine(
            c.id,
            c.subject,
            s.short_name if s else None,
            ", ".join(sorted(names[u] for u in members.get(c.id, []))),
            c.last_message_at,
            bool(unread),
        )
        for c, s, unread in rows
    ]


@dataclass
class ThreadMessage:
    id: int
    author: str
    mine: bool
    body: str
    sent_at: dt.datetime
    files: list[FileLink] = field(default_factory=list)


@dataclass
class Thread:
    id: int
    subject: str
    student: str | None
    people: list[str]
    messages: list[ThreadMessage]
    can_write: bool
    administration: list[Contact] = field(default_factory=list)  # whom the actor may bring in (not there yet)


def thread(actor: Actor, conversation_id: int | None) -> Thread:
    conv = participant_conversation(actor, conversation_id)
    users = list(
        db.session.scalars(
            select(ConversationParticipant.user_id).where(ConversationParticipant.conversation_id == conv.id)
        )
    )
    messages = db.session.scalars(
        select(Message).where(Message.conversation_id == conv.id).order_by(Message.sent_at, Message.id)
    ).all()
    names = user_names([*users, *(m.author_id for m in messages)])
    files = file_links(Attachment.message_id, [m.id for m in messages])
    student = db.session.get(Student, conv.student_id) if conv.student_id else None
    can_write = is_blocked(actor) is False
    administration = _contacts(thread_administration_ids(actor).where(User.id.not_in(users))) if can_write else []
    return Thread(
        conv.id,
        conv.subject,
        student.short_name if student else None,
        sorted(names[u] for u in users if u != actor.user_id),
        [
            ThreadMessage(
                m.id, names.get(m.author_id, "?"), m.author_id == actor.user_id, m.body, m.sent_at, files.get(m.id, [])
            )
            for m in messages
        ],
        can_write,
        administration,
    )


def mark_read(actor: Actor, conversation_id: int, *, now: dt.datetime) -> None:
    """The actor has seen the thread up to now (a GET: the caller wraps it in models.base.write_unit)."""
    db.session.execute(
        update(ConversationParticipant)
        .where(
            ConversationParticipant.conversation_id == conversation_id,
            ConversationParticipant.user_id == actor.user_id,
        )
        .values(last_read_at=now)
    )


@dataclass
class Contact:
    user_id: int
    name: str
    position: str | None


@dataclass
class ContactGroup:
    student_id: int | None
    student: str | None
    contacts: list[Contact]


def _contacts(ids) -> list[Contact]:
    rows = db.session.execute(_named_users().where(User.id.in_(ids))).all()
    return sorted((Contact(uid, name, pos) for uid, name, pos in rows), key=lambda c: c.name)


def contact_groups(actor: Actor, today: dt.date) -> list[ContactGroup]:
    """Whom the actor may write to: for a family one group per child (that child's teachers, class teacher
    and the administration), for staff one group."""
    if actor.has(*FAMILY_ROLES) and not actor.is_staff:
        return [
            ContactGroup(s.id, s.short_name, _contacts(message_contact_ids(actor, today, s.id)))
            for s in db.session.scalars(children(actor))
        ]
    return [ContactGroup(None, None, _contacts(message_contact_ids(actor, today)))]


def message_file(actor: Actor, conversation_id: int, attachment_id: int) -> Attachment:
    """A file of a message of the actor's conversation."""
    conv = participant_conversation(actor, conversation_id)
    att = attachment_for_download(actor, attachment_id)
    in_thread = db.session.scalar(
        select(Message.id).where(Message.id == att.message_id, Message.conversation_id == conv.id)
    )
    if att.message_id is None or in_thread is None:
        raise NotFound(_("Файл не найден или недоступен."))
    return att
