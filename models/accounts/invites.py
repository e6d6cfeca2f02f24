"""Single-use invitation codes: issue, redeem (with consent), revoke (R15, R16)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select, update

from models.access import Actor, can_issue_invite, require
from models.accounts.auth import check_new_password, hash_password, new_session_token, normalize_login, set_password
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, Text, _
from models.roster import stay_on
from models.school.settings import get_setting
from models.school_time import school_today
from models.tables.accounts import STAFF_ROLES, Consent, InviteCode, User, UserRole
from models.tables.people import Guardian, Staff, Student, StudentGuardian

# Crockford's base32 without look-alikes: 16 characters x 5 bits = 80 bits of randomness.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
# The consent to personal-data processing each jurisdiction's law asks for: its version (recorded with every
# consent; a new wording gets a new version) and its text, shown in the family's language.
CONSENT_TEXTS = {
    "RU": (
        "2026-12",
        N_(
            "В соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных» я даю согласие "
            "образовательной организации на обработку моих персональных данных и персональных данных моего ребёнка "
            "(фамилия, имя, отчество, дата рождения, класс, сведения об успеваемости и посещаемости, контактные "
            "данные родителей) в целях ведения электронного журнала и дневника."
        ),
    ),
    "KZ": (
        "KZ-2026-12.2",
        N_(
            "В соответствии с Законом Республики Казахстан от 21 мая 2013 года № 94-V «О персональных данных и их "
            "защите» я даю согласие организации образования на сбор и обработку моих персональных данных и "
            "персональных данных моего ребёнка (фамилия, имя, отчество, ИИН, дата рождения, класс, сведения об "
            "успеваемости и посещаемости, контактные данные родителей) в целях ведения электронного журнала и "
            "дневника."
        ),
    ),
}
# What withdrawing does, the same in both jurisdictions and part of each version's text (shown after it): the
# rule is models/access.py's consented_children, the withdrawal models/accounts/consents.py.
CONSENT_WITHDRAWAL = N_(
    "Согласие действует до его отзыва. Отозвать его можно в любой момент на странице «Согласия» электронного "
    "дневника или письменным заявлением в школу. После отзыва доступ родителя к электронному дневнику этого "
    "ребёнка (оценки, посещаемость, домашние задания, уведомления и письма о нём) прекращается; сведения, которые "
    "школа обязана вести по закону (классный журнал, личное дело), школа сохраняет. Повторное согласие "
    "восстанавливает доступ."
)
CONSENT_VERSION = CONSENT_TEXTS["RU"][0]
LOGIN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
RELATION_LABELS = {
    "mother": N_("мать"),
    "father": N_("отец"),
    "guardian": N_("опекун"),
    "grandparent": N_("бабушка/дедушка"),
    "other": N_("представитель"),
}
# One answer for every code that cannot be used (unknown, used, revoked, expired, malformed): the answer must
# not tell a guesser which codes exist.
INVALID_CODE = _(
    "Этот код нельзя использовать: он введён с ошибкой, уже использован, отозван или истёк. "
    "Проверьте код или попросите новый."
)


def generate_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    cleaned = (code or "").upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    return cleaned


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def issue_invite(
    actor: Actor,
    role: str,
    *,
    now: dt.datetime,
    staff_id: int | None = None,
    student_id: int | None = None,
    guardian_id: int | None = None,
) -> tuple[InviteCode, str]:
    """A new code bound to one person and role; returns the row and the plain code (shown once)."""
    targets = [t for t in (staff_id, student_id, guardian_id) if t]
    if len(targets) != 1:
        raise InvalidInput(_("Код выдаётся ровно одному человеку."))
    if (
        role in STAFF_ROLES
        and not staff_id
        or role == "student"
        and not student_id
        or role == "parent"
        and not guardian_id
    ):
        raise InvalidInput(_("Роль не соответствует выбранному человеку."))
    require(
        can_issue_invite(
            actor, role, staff_id=staff_id, student_id=student_id, guardian_id=guardian_id, on=school_today(actor, now)
        ),
        _("Выдавать коды можно только своим: сотрудникам — оператору, семьям — классному руководителю."),
    )
    days = get_setting(actor.school_id, "invite_code_days")
    return new_invite(
        actor, role, now=now, days=days, staff_id=staff_id, student_id=student_id, guardian_id=guardian_id
    )


def new_invite(actor: Actor, role: str, *, now: dt.datetime, days: int, **person: int | None) -> tuple[InviteCode, str]:
    """Stores a code valid for ``days`` (the caller has checked who may have it) and audits it; returns the row
    and the plain code, which is never stored."""
    code = generate_code()
    invite = InviteCode(
        school_id=actor.school_id,
        code_hash=hash_code(code),
        role=role,
        issued_by_id=actor.user_id,
        issued_at=now,
        expires_at=now + dt.timedelta(days=days),
        **person,
    )
    db.session.add(invite)
    db.session.flush()
    AuditEvent.record(actor.user_id, "invite.issue", "invite_code", invite.id, new={"role": role})
    return invite, code


def revoke_invite(actor: Actor, invite: InviteCode, *, now: dt.datetime) -> None:
    if invite.used_at is not None:
        raise InvalidInput(_("Код уже использован, отозвать его нельзя."))
    if invite.revoked_at is None:
        invite.revoked_at = now
        invite.revoked_by_id = actor.user_id
        AuditEvent.record(actor.user_id, "invite.revoke", "invite_code", invite.id)


def find_open_invite(code: str, *, now: dt.datetime) -> InviteCode:
    """The invite for a code, if it can still be used; otherwise NotFound(INVALID_CODE), whatever the reason."""
    invite = (
        db.session.scalar(select(InviteCode).where(InviteCode.code_hash == hash_code(code)))
        if len(normalize_code(code)) == CODE_LENGTH
        else None
    )
    if (
        invite is None
        or invite.revoked_at is not None
        or invite.used_at is not None
        or _aware(invite.expires_at) <= now
    ):
        raise NotFound(INVALID_CODE)
    return invite


def invitee_name(invite: InviteCode) -> str:
    person = (
        db.session.get(Staff, invite.staff_id)
        if invite.staff_id
        else db.session.get(Student, invite.student_id)
        if invite.student_id
        else db.session.get(Guardian, invite.guardian_id)
    )
    return person.full_name if person else ""


def consent_text(school_id: int) -> tuple[str, str]:
    """(version, text) of the consent the school's jurisdiction asks for (a school setting)."""
    from models.school.settings import get_setting

    return CONSENT_TEXTS.get(get_setting(school_id, "jurisdiction"), CONSENT_TEXTS["RU"])


def redeem_invite(
    code: str, *, login: str, password: str, consent: bool, now: dt.datetime, ip: str | None = None
) -> User:
    """Turns a code into an account: consent recorded, login and password chosen, code spent.
    A code for a person who already has an account (a fresh code after a suspected leak) sets a new
    password on that account instead. Two redemptions of one code at once: exactly one wins."""
    invite = find_open_invite(code, now=now)
    if not consent:
        raise InvalidInput(_("Без согласия на обработку персональных данных доступ не предоставляется."))
    person_column = User.staff_id if invite.staff_id else User.student_id if invite.student_id else User.guardian_id
    person_id = invite.staff_id or invite.student_id or invite.guardian_id
    user = db.session.scalar(select(User).where(person_column == person_id))
    login = normalize_login(login)
    if user is None:
        if not (3 <= len(login) <= 40) or not set(login) <= LOGIN_CHARS:
            raise InvalidInput(_("Логин: от 3 до 40 латинских букв, цифр, точек, дефисов или подчёркиваний."))
        if db.session.scalar(select(User.id).where(func.lower(User.login) == login)):
            raise InvalidInput(_("Этот логин уже занят, выберите другой."))
    check_new_password(password, login=login or (user.login if user else ""))

    # Spend the code first, conditionally: of two simultaneous redemptions only one updates the row.
    spent = db.session.execute(
        update(InviteCode)
        .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None), InviteCode.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise Conflict(_("Этот код уже использован. Каждый код действует один раз."))

    if user is None:
        user = User(
            school_id=invite.school_id,
            login=login,
            password_hash=hash_password(password),
            session_token=new_session_token(),
            password_changed_at=now,
            **{person_column.key: person_id},
        )
        db.session.add(user)
        db.session.flush()
        AuditEvent.record(user.id, "user.create", "user", user.id, new={"login": login, "role": invite.role})
    else:
        set_password(user, password, now=now, actor_id=user.id)
    if invite.role not in user.role_names:
        user.roles.append(UserRole(role=invite.role))
    db.session.execute(update(InviteCode).where(InviteCode.id == invite.id).values(used_by_id=user.id))
    version, _text = consent_text(invite.school_id)
    for student_id in _consent_subjects(invite):
        db.session.add(
            Consent(user_id=user.id, student_id=student_id, text_version=version, accepted_at=now, ip_address=ip)
        )
    db.session.flush()
    return user


def _consent_subjects(invite: InviteCode) -> list[int | None]:
    """A parent consents for each of their children; students and staff for themselves."""
    if invite.guardian_id:
        children = db.session.scalars(
            select(StudentGuardian.student_id).where(StudentGuardian.guardian_id == invite.guardian_id)
        ).all()
        return list(children) or [None]
    return [invite.student_id]


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def invite_candidates(actor: Actor, *, today: dt.date) -> list[tuple[str, str]]:
    """Who the actor may issue a code to, as (value, label): "staff:ID", "student:ID", "parent:ID".
    Staff for the operator; the students and parents of the class teacher's current class."""
    from models.access import _family_of_classes, staff_ids, student_ids, taught_class_ids
    from models.tables.classes import Enrollment, SchoolClass

    options: list[tuple[str, str]] = []
    if actor.has("operator"):
        for s in db.session.scalars(
            select(Staff)
            .where(Staff.id.in_(staff_ids(actor)), Staff.left_on.is_(None))
            .order_by(Staff.last_name, Staff.first_name)
        ):
            options.append((f"staff:{s.id}", f"{s.full_name} — {s.position}"))
    students_sel = (
        student_ids(actor) if actor.has("operator") else _family_of_classes(taught_class_ids(actor), today)[0]
    )
    rows = db.session.execute(
        select(Student, SchoolClass)
        .join(Enrollment, Enrollment.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(Student.id.in_(students_sel), stay_on(Enrollment, today))
        .order_by(SchoolClass.grade, SchoolClass.letter, Student.last_name, Student.first_name)
    ).all()
    guardians = (
        db.session.execute(
            select(StudentGuardian, Guardian)
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(StudentGuardian.student_id.in_([s.id for s, _ in rows]))
        ).all()
        if rows
        else []
    )
    by_student: dict[int, list[tuple[StudentGuardian, Guardian]]] = {}
    for link, guardian in guardians:
        by_student.setdefault(link.student_id, []).append((link, guardian))
    for student, school_class in rows:
        options.append(
            (
                f"student:{student.id}",
                Text(_("%(group)s: %(name)s (обучающийся)"), group=school_class.name, name=student.full_name),
            )
        )
        for link, guardian in by_student.get(student.id, []):
            relation = RELATION_LABELS.get(link.relation)
            options.append(
                (
                    f"parent:{guardian.id}",
                    Text(
                        _("%(group)s: %(name)s — %(relation)s (%(child)s)"),
                        group=school_class.name,
                        name=guardian.full_name,
                        relation=Text(relation) if relation else "",
                        child=student.short_name,
                    ),
                )
            )
    return list(dict.fromkeys(options))
