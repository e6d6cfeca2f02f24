"""The school's outgoing mail server: reading, validating and saving its settings, and the test letter's state.

The password is sealed with models/mail/secret.py before it is stored and is never given back to a page: the
form's empty password field keeps the stored one. The caller passes the app's SECRET_KEY (no Flask here)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select

from models.access import Actor, can_manage_mail_settings, can_view_mail_settings, require
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput
from models.i18n import N_, _
from models.parsing import parse_email, parse_int
from models.tables.mail import SECURITY, SchoolMail
from models.tables.school import School

from .secret import open_secret, seal

SECURITY_LABELS = {
    "starttls": N_("STARTTLS (обычно порт 587)"),
    "ssl": N_("SSL/TLS (обычно порт 465)"),
    "none": N_("Без шифрования (только внутри сети школы)"),
}
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\]", re.ASCII)
_PLAIN = re.compile(r"[^\x00-\x1f\x7f]{1,255}")  # a login or password: no line breaks or control characters


@dataclass(frozen=True)
class MailServer:
    """What a sender needs to connect: the settings with the password opened."""

    host: str
    port: int
    security: str
    login: str | None
    password: str | None
    sender: str
    school_name: str


def mail_settings(actor: Actor) -> SchoolMail | None:
    require(can_view_mail_settings(actor))
    return db.session.scalar(select(SchoolMail).where(SchoolMail.school_id == actor.school_id))


def _check(values: dict) -> dict:
    host = (values.get("host") or "").strip()
    if not _HOST.fullmatch(host):
        raise InvalidInput(_("«Сервер SMTP»: укажите имя сервера, например smtp.example.ru."))
    security = values.get("security")
    if security not in SECURITY:
        raise InvalidInput(_("«Шифрование»: выберите одно из предложенных значений."))
    port = parse_int(values.get("port"), low=1, high=65535)
    if port is None:
        raise InvalidInput(_("«Порт»: целое число от 1 до 65535."))
    login = (values.get("login") or "").strip() or None
    if login is not None and not _PLAIN.fullmatch(login):
        raise InvalidInput(_("«Логин»: не длиннее 255 символов, без переводов строки."))
    password = values.get("password") or ""
    if password and not _PLAIN.fullmatch(password):
        raise InvalidInput(_("«Пароль»: не длиннее 255 символов, без переводов строки."))
    sender = parse_email(values.get("sender"))
    if sender is None:
        raise InvalidInput(_("«Адрес отправителя»: нужен адрес электронной почты, например diary@school.ru."))
    return {"host": host, "port": port, "security": security, "login": login, "password": password, "sender": sender}


def save_mail_settings(actor: Actor, values: dict, *, secret_key: str, now: dt.datetime) -> SchoolMail:
    """Validate and store the settings (all or nothing); an empty password keeps the stored one, ``forget_password``
    removes it. Audited without the password. Flushes; the caller commits."""
    require(can_manage_mail_settings(actor), _("Изменять настройки почты может только администратор (оператор)."))
    typed = _check(values)
    row = db.session.scalar(select(SchoolMail).where(SchoolMail.school_id == actor.school_id))
    old = None
    if row is None:
        row = SchoolMail(school_id=actor.school_id)
        db.session.add(row)
    else:
        old = _audit_view(row)
    for key in ("host", "port", "security", "login", "sender"):
        setattr(row, key, typed[key])
    password_changed = bool(typed["password"]) or (values.get("forget_password") and row.password_secret)
    if typed["password"]:
        row.password_secret = seal(typed["password"], secret_key)
    elif values.get("forget_password"):
        row.password_secret = None
    row.updated_at = now
    db.session.flush()
    new = _audit_view(row) | ({"password": "changed"} if password_changed else {})
    AuditEvent.record(actor.user_id, "mail_settings.update", "school_mail", row.id, old=old, new=new)
    return row


def _audit_view(row: SchoolMail) -> dict:
    return {
        "host": row.host,
        "port": row.port,
        "security": row.security,
        "login": row.login,
        "sender": row.sender,
        "has_password": bool(row.password_secret),
    }


def server_for(school_id: int, *, secret_key: str) -> MailServer | None:
    """The school's server ready to connect, or None when the school has none. A stored password that cannot be
    opened (SECRET_KEY changed) is an InvalidInput the sender records as the failure."""
    row = db.session.scalar(select(SchoolMail).where(SchoolMail.school_id == school_id))
    if row is None:
        return None
    password = open_secret(row.password_secret, secret_key)
    if row.password_secret and password is None:
        raise InvalidInput(_("Сохранённый пароль SMTP не читается (сменился SECRET_KEY): введите его заново."))
    school = db.session.get(School, school_id)
    return MailServer(row.host, row.port, row.security, row.login, password, row.sender, school.short_name)


def request_test(actor: Actor, to, *, now: dt.datetime) -> SchoolMail:
    """The operator asks for a test letter to ``to``: its state becomes "queued" (the job sends it)."""
    require(can_manage_mail_settings(actor), _("Проверять почту может только администратор (оператор)."))
    address = parse_email(to)
    if address is None:
        raise InvalidInput(_("«Куда отправить проверочное письмо»: нужен адрес электронной почты."))
    row = db.session.scalar(select(SchoolMail).where(SchoolMail.school_id == actor.school_id))
    if row is None:
        raise InvalidInput(_("Сначала сохраните настройки сервера SMTP."))
    row.test_status, row.test_to, row.test_error, row.test_at = "queued", address, None, now
    db.session.flush()
    return row


def record_test(school_id: int, error: str | None, *, now: dt.datetime) -> None:
    """The test letter's result: sent (``error`` None) or failed with the server's words."""
    row = db.session.scalar(select(SchoolMail).where(SchoolMail.school_id == school_id))
    if row is not None:
        row.test_status = "failed" if error else "sent"
        row.test_error = error[:2000] if error else None
        row.test_at = now
        db.session.flush()
