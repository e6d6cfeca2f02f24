"""Passwords, logins and sessions: authenticate, change, block, rotate (R18)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from models.accounts.activity import note_visit
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput
from models.i18n import _
from models.school_time import school_today
from models.tables.accounts import LoginEvent, RefusedRequest, User

PASSWORD_MIN_LENGTH = 8
BAD_LOGIN = _("Неверный логин или пароль.")
# Checked when the login is unknown, so that unknown logins and wrong passwords take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-" + secrets.token_hex(8))


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, salted


def new_session_token() -> str:
    return secrets.token_hex(32)


def password_problem(password: str, *, login: str = "", names: tuple[str, ...] = ()) -> InvalidInput | None:
    """Why a password is not acceptable, or None: length, and no common or guessable passwords."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return InvalidInput(_("Пароль должен быть не короче %(n)s символов."), n=PASSWORD_MIN_LENGTH)
    if len(password) > 128:
        return InvalidInput(_("Пароль слишком длинный (не более 128 символов)."))
    if login and login.lower() in password.lower():
        return InvalidInput(_("Пароль не должен содержать логин."))
    result = zxcvbn(password, user_inputs=[login, *names])
    if result["score"] < 2:
        return InvalidInput(_("Пароль слишком простой или распространённый: добавьте слова, цифры или знаки."))
    return None


def check_new_password(password: str, *, login: str = "", names: tuple[str, ...] = ()) -> None:
    problem = password_problem(password, login=login, names=names)
    if problem:
        raise problem


def normalize_login(login: str) -> str:
    return (login or "").strip().lower()


def masked_login(login: str, key: str) -> str:
    """What the login log keeps of a login that matches no account: it may be a password typed into the
    wrong field, so never the text itself; a keyed digest, the same for the same text, so that repeated
    attempts still show as one value."""
    digest = hmac.new(key.encode(), normalize_login(login).encode(), hashlib.sha256).hexdigest()
    return f"{MASKED_PREFIX}{digest[:16]}"


MASKED_PREFIX = "?"


def authenticate(
    login: str, password: str, *, ip: str | None, user_agent: str | None, now: dt.datetime, mask_key: str
) -> User:
    """The user for this login and password, or InvalidInput with the same message for every failure.
    Every attempt is recorded (the monthly activity report reads them); a login that matches no account is
    recorded masked (masked_login with `mask_key`, a secret of the installation)."""
    login = normalize_login(login)
    user = db.session.scalar(select(User).where(func.lower(User.login) == login)) if login else None
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    ok = ok and user is not None and user.blocked_at is None
    db.session.add(
        LoginEvent(
            at=now,
            user_id=user.id if user else None,
            login=user.login if user else masked_login(login, mask_key),
            success=ok,
            ip_address=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    if not ok:
        db.session.flush()
        raise InvalidInput(BAD_LOGIN)
    user.last_login_at = now
    db.session.flush()
    note_visit(user.id, school_today(user, now))
    return user


def record_refusal(
    *, user_id: int | None, method: str, path: str, ip: str | None, now: dt.datetime, keep_days: int | None = None
) -> None:
    """Adds a refused request to its log; with keep_days, drops the rows older than that first."""
    if keep_days is not None:
        db.session.execute(delete(RefusedRequest).where(RefusedRequest.at < now - dt.timedelta(days=keep_days)))
    db.session.add(RefusedRequest(at=now, user_id=user_id, method=method[:10], path=path[:255], ip_address=ip))
    db.session.flush()


def end_all_sessions(user: User) -> None:
    """Logout everywhere: every cookie that carries the old token stops working."""
    user.session_token = new_session_token()


def change_password(user: User, old_password: str, new_password: str, *, now: dt.datetime) -> None:
    if not check_password_hash(user.password_hash, old_password or ""):
        raise InvalidInput(_("Текущий пароль указан неверно."))
    check_new_password(new_password, login=user.login)
    set_password(user, new_password, now=now, actor_id=user.id)


def set_password(user: User, password: str, *, now: dt.datetime, actor_id: int | None) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    end_all_sessions(user)
    AuditEvent.record(actor_id, "user.password", "user", user.id)


def block_user(user: User, *, reason: str, now: dt.datetime, actor_id: int | None) -> None:
    """The operator blocks an account on suspicion (R18): it cannot log in, its sessions end now."""
    if not (reason or "").strip():
        raise InvalidInput(_("Укажите причину блокировки."))
    user.blocked_at = now
    user.blocked_reason = reason.strip()[:255]
    end_all_sessions(user)
    AuditEvent.record(actor_id, "user.block", "user", user.id, new={"reason": user.blocked_reason})


def unblock_user(user: User, *, actor_id: int | None) -> None:
    user.blocked_at = None
    user.blocked_reason = None
    AuditEvent.record(actor_id, "user.unblock", "user", user.id)


def allowed_roles_for(user: User) -> tuple[str, ...]:
    """Roles that fit the person behind the login: staff roles for staff, parent for a guardian…"""
    from models.tables.accounts import STAFF_ROLES

    if user.staff_id:
        return STAFF_ROLES
    if user.guardian_id:
        return ("parent",)
    if user.student_id:
        return ("student",)
    return ()


def set_roles(actor, user: User, roles: set[str]) -> None:
    """The operator grants and withdraws roles (a teacher who becomes a class teacher, a deputy…)."""
    from models.access import require
    from models.tables.accounts import UserRole

    require(actor.has("operator") and user.school_id == actor.school_id, _("Роли назначает оператор школы."))
    allowed = set(allowed_roles_for(user))
    if not roles:
        raise InvalidInput(_("Выберите хотя бы одну роль."))
    if not roles <= allowed:
        raise InvalidInput(_("Эта роль не подходит учётной записи (роль сотрудника — только сотруднику)."))
    if user.id == actor.user_id and "operator" not in roles:
        raise InvalidInput(_("Нельзя снять роль оператора с самого себя."))
    old = sorted(user.role_names)
    if set(old) == roles:
        return
    user.roles = [r for r in user.roles if r.role in roles] + [UserRole(role=r) for r in sorted(roles - set(old))]
    AuditEvent.record(actor.user_id, "user.roles", "user", user.id, old={"roles": old}, new={"roles": sorted(roles)})
