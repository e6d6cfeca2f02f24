"""Each parent's choice per child: no letters, a letter at once, or a daily digest at a time of their choosing
(the school's wall clock), sent to the e-mail of their guardian record. No row means "no letters"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select

from models.access import Actor, can_choose_mail, children, require
from models.audit import AuditEvent
from models.base import db
from models.errors import AccessDenied, InvalidInput
from models.i18n import N_, _
from models.parsing import parse_email
from models.tables.mail import MODES, MailSubscription
from models.tables.people import Guardian, Student

MODE_LABELS = {
    "none": N_("Не присылать"),
    "instant": N_("Сразу, письмом на каждое изменение"),
    "digest": N_("Раз в день, сводкой"),
}
DEFAULT_DIGEST_AT = dt.time(19, 0)
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", re.ASCII)


@dataclass
class ChildChoice:
    student: Student
    mode: str
    digest_at: dt.time
    last_status: str | None = None
    last_sent_at: dt.datetime | None = None


@dataclass
class MailChoices:
    email: str | None
    children: list[ChildChoice]


def _require_chooser(actor: Actor) -> None:
    require(can_choose_mail(actor), _("Письма о детях настраивает родитель в своей учётной записи."))


def mail_choices(actor: Actor) -> MailChoices:
    """The parent's address and the choice for each of their children (defaults where nothing is stored)."""
    _require_chooser(actor)
    students = db.session.scalars(children(actor)).all()
    rows = {
        r.student_id: r
        for r in db.session.scalars(select(MailSubscription).where(MailSubscription.user_id == actor.user_id))
    }
    email = db.session.scalar(select(Guardian.email).where(Guardian.id == actor.guardian_id))
    result = []
    for student in students:
        row = rows.get(student.id)
        result.append(
            ChildChoice(
                student,
                row.mode if row else "none",
                (row.digest_at if row and row.digest_at else DEFAULT_DIGEST_AT),
                row.last_status if row else None,
                row.last_sent_at if row else None,
            )
        )
    return MailChoices(email, result)


def parse_time(text) -> dt.time | None:
    """ "19:30" or "7:05" → a time; anything else None."""
    match = _TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def save_mail_choices(actor: Actor, email, choices: dict[int, tuple[str, str]], *, now: dt.datetime) -> int:
    """Store the address and each child's (mode, "HH:MM"). All or nothing: one bad value writes nothing.
    A child switched on starts from ``now`` (no letter about older changes). Returns how many rows changed.
    Flushes; the caller commits."""
    _require_chooser(actor)
    own = set(db.session.scalars(children(actor).with_only_columns(Student.id)))
    if set(choices) - own:
        raise AccessDenied(_("Нет доступа к данным этого обучающегося."))
    typed: dict[int, tuple[str, dt.time | None]] = {}
    for student_id, (mode, at) in choices.items():
        if mode not in MODES:
            raise InvalidInput(_("Выберите, как присылать письма, из предложенных вариантов."))
        digest_at = parse_time(at) if at else None
        if mode == "digest" and digest_at is None:
            raise InvalidInput(_("Укажите время сводки в виде ЧЧ:ММ, например 19:30."))
        typed[student_id] = (mode, digest_at)
    address = (email or "").strip()
    wanted = any(mode != "none" for mode, _at in typed.values())
    if address and parse_email(address) is None:
        raise InvalidInput(_("«%(value)s» — не адрес электронной почты."), value=address[:80])
    if wanted and not address:
        raise InvalidInput(_("Укажите адрес электронной почты, на который присылать письма."))
    guardian = db.session.get(Guardian, actor.guardian_id)
    changed = 0
    if (guardian.email or "") != address:
        AuditEvent.record(
            actor.user_id,
            "guardian.update",
            "guardian",
            guardian.id,
            old={"email": guardian.email},
            new={"email": address},
        )
        guardian.email = address or None
        changed += 1
    rows = {
        r.student_id: r
        for r in db.session.scalars(select(MailSubscription).where(MailSubscription.user_id == actor.user_id))
    }
    for student_id, (mode, digest_at) in typed.items():
        row = rows.get(student_id)
        if row is None:
            if mode == "none":
                continue  # the default needs no row
            row = MailSubscription(user_id=actor.user_id, student_id=student_id, mode="none", sent_up_to=now)
            db.session.add(row)
        new_at = digest_at or row.digest_at
        if row.mode == mode and row.digest_at == new_at:
            continue
        if row.mode == "none":
            row.sent_up_to = now  # from now on: no letter about what happened before the choice
        row.mode, row.digest_at = mode, new_at
        row.attempts, row.next_try_at, row.updated_at = 0, None, now
        changed += 1
    db.session.flush()
    return changed
