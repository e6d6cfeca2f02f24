"""Codes for every family of a class at once (issue 17): the class's parents (guardians) who have neither an
account nor a code they can still use get one each, in one transaction, for a letter a family.

Who: the class teacher for their own class, the operator and the secretary for any class of the school
(``models.access.can_issue_class_codes``). Running it again issues nothing new: a family that got a code has a
valid one now. A family whose code is lost gets a new one only when the issuer asks for it (``reissue``), which
revokes the old code first; every code issued or revoked is audited, and the run itself too.

The plain codes exist only in the result (the letters): the table keeps their hashes (models/accounts/invites.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from models.access import Actor, can_issue_class_codes, class_code_class_ids, require
from models.accounts.invites import _aware, new_invite, revoke_invite
from models.audit import AuditEvent
from models.base import db
from models.errors import NotFound
from models.i18n import _
from models.roster import stay_on
from models.school.settings import get_setting
from models.school_time import format_moment, school_today, zone_of
from models.tables.accounts import InviteCode, User
from models.tables.classes import Enrollment, SchoolClass
from models.tables.people import Guardian, Student, StudentGuardian
from models.tables.school import AcademicYear, School

NO_CODE, HAS_CODE, HAS_ACCOUNT = "none", "code", "account"


@dataclass
class Family:
    """One parent (guardian) of the class: one letter, naming their children in the class."""

    guardian_id: int
    name: str
    children: list[str]
    status: str  # NO_CODE, HAS_CODE (a code they can still use) or HAS_ACCOUNT
    language: str  # ru / kk / en: the family's (a parent's account's choice, else the school's)
    code_expires: str = ""  # when the newest usable code runs out (HAS_CODE), as the school shows a moment
    open_codes: list[InviteCode] = field(default_factory=list)

    def gets_code(self, reissue: bool) -> bool:
        return self.status == NO_CODE or (reissue and self.status == HAS_CODE)


@dataclass
class ClassFamilies:
    cls: SchoolClass
    school: School
    families: list[Family]
    without_guardian: list[str]  # students of the class with no parent recorded: no letter for them

    def count(self, status: str) -> int:
        return sum(1 for f in self.families if f.status == status)


@dataclass
class Letter:
    """What one family's letter says (the PDF: reports/class_codes.py)."""

    school: str
    guardian: str
    children: list[str]
    class_name: str
    code: str
    expires: str  # dd.mm.yyyy hh:mm in the school's time zone
    language: str


@dataclass
class IssuedCodes:
    cls: SchoolClass
    letters: list[Letter]
    revoked: int  # old codes revoked for a reissue
    skipped_accounts: int
    skipped_codes: int  # families that keep the code they have (no reissue asked)


def _refused() -> str:
    return _(
        "Коды сразу для всех семей класса выдаёт классный руководитель — своего класса, оператор и секретарь — "
        "любого класса школы."
    )


def code_classes(actor: Actor, today: dt.date) -> list[SchoolClass]:
    """The classes the actor may issue codes for, those of the running (or a coming) year first."""
    return list(
        db.session.scalars(
            select(SchoolClass)
            .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
            .where(SchoolClass.id.in_(class_code_class_ids(actor)), AcademicYear.ends_on >= today)
            .order_by(AcademicYear.starts_on, SchoolClass.grade, SchoolClass.letter)
        )
    )


def _class(actor: Actor, class_id: int | None, *, lock: bool = False) -> SchoolClass:
    query = select(SchoolClass).where(SchoolClass.id == (class_id or 0))
    if lock:  # two runs for one class at once (PostgreSQL): the second waits and then finds the codes issued
        query = query.with_for_update()
    cls = db.session.scalar(query)
    if cls is None or cls.school_id != actor.school_id:
        raise NotFound(_("Класс не найден."))
    require(can_issue_class_codes(actor, cls.id), _refused())
    return cls


def class_families(actor: Actor, class_id: int | None, *, now: dt.datetime, lock: bool = False) -> ClassFamilies:
    """Every parent of the students enrolled in the class today, with whether they have an account or a usable
    code. Nine queries whatever the size of the class (pinned by the tests)."""
    from models.reports.report_cards import family_languages

    cls = _class(actor, class_id, lock=lock)
    school = db.session.get(School, cls.school_id)
    today = school_today(actor, now)
    students = db.session.scalars(
        select(Student)
        .join(Enrollment, Enrollment.student_id == Student.id)
        .where(Enrollment.class_id == cls.id, stay_on(Enrollment, today))
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    student_ids = [s.id for s in students]
    links = db.session.execute(
        select(StudentGuardian.student_id, Guardian)
        .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
        .where(StudentGuardian.student_id.in_(student_ids or [0]))
        .order_by(Guardian.last_name, Guardian.first_name, Guardian.id)
    ).all()
    guardian_ids = {g.id for _sid, g in links}
    with_account = set(db.session.scalars(select(User.guardian_id).where(User.guardian_id.in_(guardian_ids or [0]))))
    open_codes: dict[int, list[InviteCode]] = {}
    for invite in db.session.scalars(
        select(InviteCode)
        .where(
            InviteCode.guardian_id.in_(guardian_ids or [0]),
            InviteCode.role == "parent",
            InviteCode.used_at.is_(None),
            InviteCode.revoked_at.is_(None),
        )
        .order_by(InviteCode.expires_at)
    ):
        if _aware(invite.expires_at) > now:
            open_codes.setdefault(invite.guardian_id, []).append(invite)
    languages = family_languages(student_ids, school)
    by_student: dict[int, list[Guardian]] = {}
    for sid, guardian in links:
        by_student.setdefault(sid, []).append(guardian)
    tz = zone_of(school)
    families: dict[int, Family] = {}
    for student in students:  # in the class's order: a family comes where its first child is
        for guardian in by_student.get(student.id, []):
            family = families.get(guardian.id)
            if family is None:
                codes = open_codes.get(guardian.id, [])
                status = HAS_ACCOUNT if guardian.id in with_account else HAS_CODE if codes else NO_CODE
                family = families[guardian.id] = Family(
                    guardian.id,
                    guardian.full_name,
                    [],
                    status,
                    languages[student.id],
                    format_moment(codes[-1].expires_at, tz) if codes else "",
                    codes,
                )
            family.children.append(student.full_name)
    return ClassFamilies(
        cls, school, list(families.values()), [s.full_name for s in students if s.id not in by_student]
    )


def issue_class_codes(actor: Actor, class_id: int | None, *, now: dt.datetime, reissue: bool = False) -> IssuedCodes:
    """A code for every parent of the class without an account and without a usable code (and, with
    ``reissue``, a new one for those who have a code: the old one is revoked). One transaction (the caller
    commits); a second run issues nothing new. Returns the letters, in the class's order."""
    found = class_families(actor, class_id, now=now, lock=True)
    days = get_setting(actor.school_id, "invite_code_days")
    tz = zone_of(found.school)
    letters, revoked = [], 0
    for family in found.families:
        if not family.gets_code(reissue):
            continue
        for old in family.open_codes:
            revoke_invite(actor, old, now=now)
            revoked += 1
        invite, code = new_invite(actor, "parent", now=now, days=days, guardian_id=family.guardian_id)
        letters.append(
            Letter(
                found.school.name,
                family.name,
                family.children,
                found.cls.name,
                code,
                format_moment(invite.expires_at, tz),
                family.language,
            )
        )
    if letters:
        AuditEvent.record(
            actor.user_id,
            "invite.issue_class",
            "school_class",
            found.cls.id,
            new={"issued": len(letters), "revoked": revoked, "reissue": reissue},
        )
    return IssuedCodes(
        found.cls,
        letters,
        revoked,
        found.count(HAS_ACCOUNT),
        0 if reissue else found.count(HAS_CODE),
    )
