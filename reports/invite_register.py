"""The register of issued invitation codes — the school's accounting form (R15)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from models import Guardian, InviteCode, School, Staff, Student, User, db
from models.access import Actor, invite_ids
from models.accounts import ROLE_LABELS
from models.school_time import format_moment, zone_of


@dataclass
class RegisterRow:
    number: int
    person: str
    role: str
    issued_by: str
    issued_at: str
    expires_at: str
    used_at: str
    revoked_at: str


def invite_register(actor: Actor) -> tuple[str, list[RegisterRow]]:
    issuer = aliased(User)
    rows = db.session.execute(
        select(InviteCode, Staff, Student, Guardian, issuer.login)
        .outerjoin(Staff, Staff.id == InviteCode.staff_id)
        .outerjoin(Student, Student.id == InviteCode.student_id)
        .outerjoin(Guardian, Guardian.id == InviteCode.guardian_id)
        .join(issuer, issuer.id == InviteCode.issued_by_id)
        .where(InviteCode.id.in_(invite_ids(actor)))
        .order_by(InviteCode.issued_at, InviteCode.id)).all()
    school = db.session.get(School, actor.school_id)
    tz = zone_of(school)

    def _fmt(value: dt.datetime | None) -> str:
        return format_moment(value, tz)

    result = [
        RegisterRow(i, (staff or student or guardian).full_name, ROLE_LABELS.get(inv.role, inv.role), login,
                    _fmt(inv.issued_at), _fmt(inv.expires_at), _fmt(inv.used_at), _fmt(inv.revoked_at))
        for i, (inv, staff, student, guardian, login) in enumerate(rows, 1)
    ]
    return (school.name if school else ""), result
