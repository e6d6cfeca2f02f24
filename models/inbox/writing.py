"""Starting conversations, replying with a file, bringing someone in, writing to all parents of a class.

A blocked account writes nowhere (and, being nobody's contact, cannot be written to anew). Files are checked
and stored as homework files are (models/attachments.py). Operations validate, change, audit and flush; the
caller commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from models.access import (
    FAMILY_ROLES,
    Actor,
    broadcast_class_ids,
    can_bring_in,
    can_message,
    conversation_ids,
    require,
    require_student,
)
from models.attachments import CheckedFile, store
from models.audit import AuditEvent
from models.base import db
from models.errors import AccessDenied, InvalidInput, NotFound
from models.i18n import _
from models.roster import stay_on
from models.tables.accounts import User
from models.tables.classes import Enrollment, SchoolClass
from models.tables.messaging import Conversation, ConversationParticipant, Message
from models.tables.people import StudentGuardian

SUBJECT_MAX = 255
BODY_MAX = 10_000


def _subject(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("Укажите тему сообщения."))
    if len(text) > SUBJECT_MAX:
        raise InvalidInput(_("Тема длиннее %(n)s символов."), n=SUBJECT_MAX)
    return text


def _body(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("Напишите текст сообщения."))
    if len(text) > BODY_MAX:
        raise InvalidInput(_("Сообщение длиннее %(n)s символов."), n=BODY_MAX)
    return text


def is_blocked(actor: Actor) -> bool:
    """A blocked (or unknown) account: it writes nowhere."""
    return db.session.scalar(select(User.blocked_at).where(User.id == (actor.user_id or 0))) is not None or (
        actor.user_id is None
    )


def require_not_blocked(actor: Actor) -> None:
    if is_blocked(actor):
        raise AccessDenied(_("Учётная запись заблокирована: писать сообщения нельзя."))


def participant_conversation(actor: Actor, conversation_id: int | None) -> Conversation:
    conv = db.session.scalar(
        select(Conversation).where(
            Conversation.id == (conversation_id or 0), Conversation.id.in_(conversation_ids(actor))
        )
    )
    if conv is None:
        raise NotFound(_("Переписка не найдена или недоступна."))
    return conv


def _post(actor: Actor, conv: Conversation, body: str, file: CheckedFile | None, now: dt.datetime) -> Message:
    msg = Message(conversation_id=conv.id, author_id=actor.user_id, body=body, sent_at=now)
    db.session.add(msg)
    db.session.flush()
    if file is not None:
        store(actor, file, school_id=conv.school_id, message_id=msg.id, now=now)
    conv.last_message_at = now
    db.session.execute(
        update(ConversationParticipant)
        .where(ConversationParticipant.conversation_id == conv.id, ConversationParticipant.user_id == actor.user_id)
        .values(last_read_at=now)
    )
    AuditEvent.record(actor.user_id, "message.send", "conversation", conv.id, new={"message_id": msg.id})
    return msg


def _open(actor: Actor, *, subject: str, student_id: int | None, users: set[int], now: dt.datetime) -> Conversation:
    conv = Conversation(
        school_id=actor.school_id,
        subject=subject,
        student_id=student_id,
        created_by_id=actor.user_id,
        created_at=now,
        last_message_at=now,
    )
    db.session.add(conv)
    db.session.flush()
    for user_id in sorted(users | {actor.user_id}):
        db.session.add(ConversationParticipant(conversation_id=conv.id, user_id=user_id))
    db.session.flush()
    return conv


def start_conversation(
    actor: Actor,
    *,
    recipient_id: int | None,
    student_id: int | None,
    subject: str | None,
    body: str | None,
    file: CheckedFile | None = None,
    today: dt.date,
    now: dt.datetime,
) -> Conversation:
    """A new conversation with one person the rule allows, about a student the actor sees, or general."""
    require_not_blocked(actor)
    if recipient_id is None:
        raise InvalidInput(_("Выберите, кому написать."))
    if student_id is not None:
        require_student(actor, student_id)
    narrowed = student_id if actor.has(*FAMILY_ROLES) and not actor.is_staff else None
    require(can_message(actor, recipient_id, today, narrowed), _("Этому адресату писать нельзя."))
    subject, body = _subject(subject), _body(body)
    conv = _open(actor, subject=subject, student_id=student_id, users={recipient_id}, now=now)
    _post(actor, conv, body, file, now)
    return conv


def reply(
    actor: Actor, conversation_id: int | None, *, body: str | None, file: CheckedFile | None = None, now: dt.datetime
) -> Message:
    conv = participant_conversation(actor, conversation_id)
    require_not_blocked(actor)
    return _post(actor, conv, _body(body), file, now)


def add_participant(actor: Actor, conversation_id: int | None, user_id: int | None, *, today: dt.date) -> None:
    """A participant brings someone into the thread: the administration (any participant, a family too:
    access.can_bring_in) or someone they may write to. From then on that person
    reads all of it; audited ("conversation.add"). Bringing in someone already there changes nothing."""
    conv = participant_conversation(actor, conversation_id)
    require_not_blocked(actor)
    if user_id is None:
        raise InvalidInput(_("Выберите, кого добавить."))
    require(can_bring_in(actor, user_id, today), _("Этого человека добавить нельзя."))
    if db.session.get(ConversationParticipant, (conv.id, user_id)) is None:
        db.session.add(ConversationParticipant(conversation_id=conv.id, user_id=user_id))
        db.session.flush()
        AuditEvent.record(actor.user_id, "conversation.add", "conversation", conv.id, new={"user_id": user_id})


@dataclass(frozen=True)
class Broadcast:
    conversations: int  # one per family
    without_account: int  # students none of whose parents has an account


def write_to_class_parents(
    actor: Actor,
    *,
    class_id: int | None = None,
    grade: int | None = None,
    subject: str | None,
    body: str | None,
    file: CheckedFile | None = None,
    today: dt.date,
    now: dt.datetime,
) -> Broadcast:
    """One message to all parents of a class (the class teacher, the administration), of a grade or of the
    whole school (the administration: neither class nor grade given). Each family gets its own
    conversation: the parents of the same children share one, and answer privately."""
    require_not_blocked(actor)
    subject, body = _subject(subject), _body(body)
    classes = broadcast_class_ids(actor)
    if class_id is not None:
        classes = classes.where(SchoolClass.id == class_id)
        require(db.session.scalar(classes) is not None, _("Этому классу писать нельзя."))
    elif grade is not None:
        require(actor.whole_school, _("Писать параллели может только администрация."))
        classes = classes.where(SchoolClass.grade == grade)
    else:
        require(actor.whole_school, _("Писать всей школе может только администрация."))
    students = list(
        db.session.scalars(
            select(Enrollment.student_id).where(Enrollment.class_id.in_(classes), stay_on(Enrollment, today)).distinct()
        )
    )
    if not students:
        raise InvalidInput(_("В выбранных классах нет обучающихся."))
    parents: dict[int, set[int]] = {s: set() for s in students}
    rows = db.session.execute(
        select(StudentGuardian.student_id, User.id)
        .join(User, User.guardian_id == StudentGuardian.guardian_id)
        .where(StudentGuardian.student_id.in_(students), User.blocked_at.is_(None), User.id != actor.user_id)
    )
    for student_id, user_id in rows:
        parents[student_id].add(user_id)
    families: dict[frozenset[int], list[int]] = {}
    for student_id in students:
        if parents[student_id]:
            families.setdefault(frozenset(parents[student_id]), []).append(student_id)
    for users, children in families.items():
        conv = _open(
            actor, subject=subject, student_id=children[0] if len(children) == 1 else None, users=set(users), now=now
        )
        _post(actor, conv, body, file, now)
    return Broadcast(len(families), sum(1 for s in students if not parents[s]))
