"""Letters to families (R21): composing them in the family's language and sending them over the school's SMTP
server. Run by the queue (tasks.py: every minute, and the operator's test letter); the rules of who gets what
and the bookkeeping are in models/mail/delivery.py, this module adds templates and the socket.

A letter is plain text and HTML (escaped by Jinja's autoescape), with a link to the portal and a
List-Unsubscribe header pointing at the family's mail settings page. ``PUBLIC_URL`` (config) is the portal's
address as families reach it. Each letter is sent in a transaction-free moment: the database is only touched
to claim a subscription and to record the result, never while the SMTP server is talking."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from collections import defaultdict
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from models import MailSubscription, Student, User, db
from models.base import expect_writes, utcnow
from models.errors import JournalError
from models.i18n import N_
from models.mail import delivery
from models.mail.smtp import MailServer, record_test, server_for
from models.school_time import format_moment, zone_of

log = logging.getLogger(__name__)
TIMEOUT = 20  # seconds for the SMTP server to answer
NO_ADDRESS = N_("У родителя нет адреса электронной почты в карточке.")


def public_url(path: str) -> str:
    return (current_app.config.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/") + path


def connect(server: MailServer) -> smtplib.SMTP:
    """An open, logged-in SMTP session (STARTTLS and SSL verify the server's certificate)."""
    if server.security == "ssl":
        session = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=ssl.create_default_context())
    else:
        session = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        if server.security == "starttls":
            session.starttls(context=ssl.create_default_context())
    if server.login:
        session.login(server.login, server.password or "")
    return session


def smtp_error(exc: BaseException) -> str:
    """The server's own words (or the network's), for the operator."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{to}: {code} {msg.decode(errors='replace')}" for to, (code, msg) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}"


def _message(server: MailServer, to: str, subject: str, text: str, html: str, *, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((server.school_name, server.sender))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    settings = public_url("/mail")
    message["List-Unsubscribe"] = f"<{settings}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def compose(server: MailServer, user: User, row: MailSubscription, student: Student, notices, to: str) -> EmailMessage:
    """One letter about one child in the account's language: each change with old → new, who and when."""
    zone = zone_of(user.school_id)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        items = [
            {
                "label": _(n.label),
                "subject": n.subject,
                "day": n.day.strftime("%d.%m.%Y") if n.day else "",
                "old": n.old,
                "new": n.new,
                "who": n.who,
                "at": format_moment(n.at, zone),
                "comment": n.comment,
            }
            for n in notices
        ]
        name = f"{student.first_name} {student.last_name}"
        if row.mode == "digest":
            subject = _("Дневник: сводка за день — %(name)s", name=name)
        else:
            subject = _("Дневник: новое — %(name)s", name=name)
        context = {
            "name": name,
            "items": items,
            "digest": row.mode == "digest",
            "home": public_url("/home"),
            "settings": public_url("/mail"),
            "school": server.school_name,
        }
        text = render_template("mail/notices.txt", **context)
        html = render_template("mail/notices.html", **context)
    domain = server.sender.rpartition("@")[2]
    stamp = int(delivery._aware(row.pending_up_to).timestamp())
    return _message(server, to, subject, text, html, message_id=f"<notices-{row.id}-{stamp}@{domain}>")


def send_due(now: dt.datetime | None = None, *, settle: dt.timedelta = delivery.SETTLE) -> dict[str, int]:
    """One run of the sender over every school with a mail server: instant letters and the digests whose time
    has come. Safe to run in several consumers at once (each letter is claimed). Returns counts."""
    now = now or utcnow()
    cutoff = now - settle
    counts: dict[str, int] = defaultdict(int)
    secret_key = current_app.config["SECRET_KEY"]
    for school_id in delivery.school_ids_with_mail():
        plan = delivery.due(school_id, zone_of(school_id), now, cutoff)
        delivery.advance_quiet(plan.quiet, cutoff, now)
        db.session.commit()
        if not plan.due:
            continue
        broken = ""
        try:
            server = server_for(school_id, secret_key=secret_key)
        except JournalError as exc:
            server, broken = None, exc.message
        session = None
        by_user: dict[int, list[int]] = defaultdict(list)
        for row in plan.due:
            if delivery.claim(row.id, now=now, cutoff=cutoff):
                by_user[row.user_id].append(row.id)
            db.session.commit()
        db.session.expire_all()  # the claims were written by UPDATE statements: read the rows afresh
        for user_id, ids in by_user.items():
            if server is None:
                for sid in ids:
                    delivery.record_failed(sid, broken, now=now)
                    counts["failed"] += 1
                db.session.commit()
                continue
            with expect_writes(False):  # reading the feed must not hold the write lock while SMTP talks
                user = db.session.get(User, user_id)
                rows = [db.session.get(MailSubscription, sid) for sid in ids]
                notices = delivery.letter_notices(rows, user, now)
                to = user_address(user)
                letters = {}
                for row in rows:
                    if notices[row.id] and to:
                        student = db.session.get(Student, row.student_id)
                        letters[row.id] = compose(server, user, row, student, notices[row.id], to)
                db.session.rollback()
            for sid in ids:
                letter = letters.get(sid)
                if letter is None and not to and notices.get(sid):
                    delivery.record_failed(sid, NO_ADDRESS, now=now)  # shown translated to the operator
                    counts["failed"] += 1
                    db.session.commit()
                    continue
                if letter is None:
                    delivery.record_nothing(sid)
                    counts["nothing"] += 1
                    db.session.commit()
                    continue
                try:
                    session = session or connect(server)
                    session.send_message(letter)
                except (smtplib.SMTPException, OSError) as exc:
                    log.warning("mail subscription %s: not sent: %s", sid, type(exc).__name__)
                    delivery.record_failed(sid, smtp_error(exc), now=now)
                    counts["failed"] += 1
                    session = _close(session)
                else:
                    delivery.record_sent(sid, now=now)
                    counts["sent"] += 1
                db.session.commit()
        _close(session)
    return dict(counts)


def user_address(user: User) -> str | None:
    from models import Guardian

    if user.guardian_id is None:
        return None
    return db.session.scalar(db.select(Guardian.email).where(Guardian.id == user.guardian_id))


def _close(session) -> None:
    if session is not None:
        try:
            session.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return None


def send_test(school_id: int) -> str | None:
    """The operator's test letter (models.mail.smtp.request_test queued it); records and returns the error."""
    from models import SchoolMail

    row = db.session.scalar(db.select(SchoolMail).where(SchoolMail.school_id == school_id))
    if row is None or row.test_status != "queued" or not row.test_to:
        return None
    to = row.test_to
    error = None
    try:
        server = server_for(school_id, secret_key=current_app.config["SECRET_KEY"])
        db.session.rollback()
        subject = _("Проверочное письмо электронного дневника")
        text = _("Это проверочное письмо: почта школы настроена, письма семьям будут доставляться.")
        domain = server.sender.rpartition("@")[2]
        stamp = f"{utcnow():%Y%m%d%H%M%S}"
        html = Markup("<p>%s</p>") % text
        message = _message(server, to, subject, text, html, message_id=f"<test-{school_id}-{stamp}@{domain}>")
        session = connect(server)
        try:
            session.send_message(message)
        finally:
            _close(session)
    except JournalError as exc:
        error = exc.message
    except (smtplib.SMTPException, OSError) as exc:
        error = smtp_error(exc)
    record_test(school_id, error, now=utcnow())
    db.session.commit()
    return error
