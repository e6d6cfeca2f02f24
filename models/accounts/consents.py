"""Consents to personal-data processing after the invitation (R16, issue 15): the staff register (who, for which
child, when, which text version, given or withdrawn), and a parent's withdrawal and renewed consent. What a
withdrawal does to the parent's access is the consent text's promise, kept by models/access.py
(``consented_children``): the diary of that child is closed to them until they consent again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from models.access import (
    ROSTER_ROLES,
    Actor,
    can_manage_consent,
    can_view_consents,
    consent_class_ids,
    guardian_child_ids,
    require,
)
from models.accounts.invites import consent_text
from models.audit import AuditEvent
from models.base import db
from models.errors import AccessDenied, Conflict
from models.i18n import N_, Text, _
from models.roster import stay_on
from models.school_time import format_moment, zone_of
from models.tables.accounts import Consent, User
from models.tables.classes import Enrollment, SchoolClass
from models.tables.people import Guardian, Student
from models.tables.school import School

STATE_GIVEN = N_("дано")
STATE_WITHDRAWN = N_("отозвано %(date)s")


@dataclass
class RegisterRow:
    number: int
    account: str  # the login that consented
    person: str  # whose account it is: the parent or the student
    student: str  # for which child
    class_name: str
    version: str
    accepted_at: str
    state: Text
    withdrawn: bool


@dataclass
class ConsentRegister:
    school: str
    classes: list[SchoolClass]
    class_id: int | None
    rows: list[RegisterRow]


def consent_register(actor: Actor, today: dt.date, class_id: int | None = None) -> ConsentRegister:
    """The register of the consents given for the students of the classes the actor reads, as on ``today``
    (a child's class is their class that day); ``class_id`` narrows it to one of these classes."""
    require(can_view_consents(actor), _("Реестр согласий ведут оператор, секретарь и администрация школы."))
    classes = list(
        db.session.scalars(
            select(SchoolClass)
            .where(SchoolClass.id.in_(consent_class_ids(actor)))
            .where(SchoolClass.id.in_(select(Enrollment.class_id).where(stay_on(Enrollment, today))))
            .order_by(SchoolClass.grade, SchoolClass.letter)
        )
    )
    if class_id is not None and class_id not in {c.id for c in classes}:
        raise AccessDenied(_("Нет доступа к этому классу."))
    child = aliased(Student)
    own = aliased(Student)
    query = (
        select(Consent, User.login, Guardian, own, child, SchoolClass)
        .join(User, User.id == Consent.user_id)
        .join(child, child.id == Consent.student_id)
        .outerjoin(Guardian, Guardian.id == User.guardian_id)
        .outerjoin(own, own.id == User.student_id)
        .outerjoin(Enrollment, (Enrollment.student_id == child.id) & stay_on(Enrollment, today))
        .outerjoin(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(child.school_id == actor.school_id)
        .order_by(
            SchoolClass.grade, SchoolClass.letter, child.last_name, child.first_name, Consent.accepted_at, Consent.id
        )
    )
    if class_id is not None:
        query = query.where(SchoolClass.id == class_id)
    elif not actor.has(*ROSTER_ROLES):
        query = query.where(SchoolClass.id.in_(consent_class_ids(actor)))
    school = db.session.get(School, actor.school_id)
    tz = zone_of(school)
    rows = []
    for consent, login, guardian, own_student, student, school_class in db.session.execute(query):
        withdrawn = consent.withdrawn_at is not None
        state = Text(STATE_WITHDRAWN, date=format_moment(consent.withdrawn_at, tz)) if withdrawn else Text(STATE_GIVEN)
        rows.append(
            RegisterRow(
                len(rows) + 1,
                login,
                (guardian or own_student).full_name if (guardian or own_student) else "",
                student.full_name,
                school_class.name if school_class else "",
                consent.text_version,
                format_moment(consent.accepted_at, tz),
                state,
                withdrawn,
            )
        )
    return ConsentRegister(school.name if school else "", classes, class_id, rows)


@dataclass
class ChildConsent:
    student_id: int
    name: str
    in_force: bool
    version: str  # of the latest consent
    accepted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


def family_consents(actor: Actor) -> list[ChildConsent]:
    """The parent's consent for each of their children as the school records them: in force or withdrawn."""
    require(actor.has("parent") and actor.guardian_id is not None, _("Согласиями управляет родитель."))
    students = db.session.scalars(
        select(Student).where(Student.id.in_(guardian_child_ids(actor))).order_by(Student.last_name, Student.first_name)
    ).all()
    latest: dict[int, Consent] = {}
    for consent in db.session.scalars(
        select(Consent)
        .where(Consent.user_id == actor.user_id, Consent.student_id.in_([s.id for s in students]))
        .order_by(Consent.accepted_at, Consent.id)
    ):
        latest[consent.student_id] = consent
    result = []
    for student in students:
        consent = latest.get(student.id)
        result.append(
            ChildConsent(
                student.id,
                student.full_name,
                consent is None or consent.withdrawn_at is None,
                consent.text_version if consent else "",
                consent.accepted_at if consent else None,
                consent.withdrawn_at if consent else None,
            )
        )
    return result


def _require_own_child(actor: Actor, student_id: int) -> None:
    require(can_manage_consent(actor, student_id), _("Согласие за этого ребёнка даёт и отзывает только его родитель."))


def withdraw_consent(actor: Actor, student_id: int, *, now: dt.datetime) -> int:
    """The parent withdraws their consent for the child: every consent of theirs for the child in force is
    marked withdrawn (audited); from now on the child's diary is closed to them. Returns how many were marked."""
    _require_own_child(actor, student_id)
    in_force = db.session.scalars(
        select(Consent).where(
            Consent.user_id == actor.user_id, Consent.student_id == student_id, Consent.withdrawn_at.is_(None)
        )
    ).all()
    if not in_force:
        if db.session.scalar(
            select(Consent.id).where(Consent.user_id == actor.user_id, Consent.student_id == student_id).limit(1)
        ):
            raise Conflict(_("Согласие за этого ребёнка уже отозвано."))
        in_force = [_consent_on_record(actor, student_id)]
    for consent in in_force:
        consent.withdrawn_at = now
        AuditEvent.record(
            actor.user_id,
            "consent.withdraw",
            "consent",
            consent.id,
            old={"student_id": student_id, "withdrawn_at": None},
            new={"student_id": student_id, "withdrawn_at": now.isoformat()},
        )
    db.session.flush()
    return len(in_force)


def _consent_on_record(actor: Actor, student_id: int) -> Consent:
    """The consent a parent gave for a child linked to them after they redeemed their code (their consent then
    covered "my child"), written down when they withdraw it: the version and moment of their first consent, or,
    for an account older than the register of consents, its creation and no version."""
    first = db.session.scalars(
        select(Consent).where(Consent.user_id == actor.user_id).order_by(Consent.accepted_at, Consent.id).limit(1)
    ).first()
    user = db.session.get(User, actor.user_id)
    consent = Consent(
        user_id=actor.user_id,
        student_id=student_id,
        text_version=first.text_version if first else "",
        accepted_at=first.accepted_at if first else user.created_at,
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def give_consent(actor: Actor, student_id: int, *, now: dt.datetime, ip: str | None = None) -> Consent:
    """The parent consents again (to the school's current text, its version recorded): access is back."""
    _require_own_child(actor, student_id)
    if db.session.scalar(
        select(Consent.id).where(
            Consent.user_id == actor.user_id, Consent.student_id == student_id, Consent.withdrawn_at.is_(None)
        )
    ):
        raise Conflict(_("Согласие за этого ребёнка уже действует."))
    version, _text = consent_text(actor.school_id)
    consent = Consent(
        user_id=actor.user_id, student_id=student_id, text_version=version, accepted_at=now, ip_address=ip
    )
    db.session.add(consent)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "consent.give",
        "consent",
        consent.id,
        new={"student_id": student_id, "text_version": version},
        ip_address=ip,
    )
    return consent
