"""Letters to families: who gets what, once; a failure is retried with back-off; a digest at its hour in the
school's zone; the family's language; the SMTP password encrypted at rest. A local SMTP server (aiosmtpd) on
a free loopback port receives the letters."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

import models.base
from mailer import send_due, send_test
from models import Guardian, MailSubscription, SchoolMail, db
from models.access import Actor
from models.errors import AccessDenied, InvalidInput
from models.journal.cells import set_mark
from models.mail.delivery import backoff, digest_moment
from models.mail.preferences import mail_choices, save_mail_choices
from models.mail.secret import open_secret
from models.mail.smtp import request_test, save_mail_settings
from models.school_time import school_zone
from models.tables.journal import Mark

from .smtp_server import body

T0 = dt.datetime(2026, 9, 8, 8, 0, tzinfo=dt.UTC)  # 11:00 in Moscow, 13:00 in Almaty
SECRET = "test-secret-key"  # TestConfig.SECRET_KEY


@pytest.fixture()
def clock(monkeypatch):
    state = {"now": T0}
    monkeypatch.setattr(models.base, "clock", lambda: state["now"])

    def at(minutes: float) -> dt.datetime:
        state["now"] = T0 + dt.timedelta(minutes=minutes)
        return state["now"]

    return at


def _actor(world, name):
    return Actor.of(world.users[name])


def _server(world, smtp, **extra):
    values = {"host": "127.0.0.1", "port": str(smtp.port), "security": "none", "sender": "diary@school.example"}
    save_mail_settings(_actor(world, "operator"), values | extra, secret_key=SECRET, now=T0)


def _choose(world, name, student, mode, at="", email="mother@example.ru"):
    save_mail_choices(_actor(world, name), email, {student.id: (mode, at)}, now=T0)


def _mark(world, student, slot, value, now):
    """A maths mark by the student's own teacher (Anna in 5А, Boris in 6Б)."""
    lesson, teacher = (world.lesson_6b, "other_teacher") if student is world.boris else (world.lesson_5a, "teacher")
    row = db.session.scalar(
        select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == student.id, Mark.slot == slot)
    )
    set_mark(_actor(world, teacher), lesson.id, student.id, slot, value, row.version if row else None, now=now)


@pytest.fixture()
def mail_world(app_ctx, db_session, world, smtp, clock):
    _server(world, smtp)
    _choose(world, "parent", world.anna, "instant")
    db.session.commit()
    return world


def test_instant_letter_to_the_family_that_chose_it_and_only_once(mail_world, smtp, clock):
    w = mail_world
    _choose(w, "parent_b", w.boris, "none", email="father@example.ru")
    _mark(w, w.anna, 2, "4", clock(1))
    _mark(w, w.boris, 2, "3", clock(1))
    assert send_due(clock(2)) == {"sent": 1}
    (letter,) = smtp.letters
    assert letter["To"] == "mother@example.ru" and "Анна" in letter["Subject"]
    text = body(letter)
    assert "Новая отметка" in text and "Математика" in text and "4" in text and "Математикова М.И." in text
    assert "http://localhost:5000/home" in text
    assert letter["List-Unsubscribe"] == "<http://localhost:5000/mail>"
    assert send_due(clock(3)) == {}  # nothing new: nothing sent twice
    _mark(w, w.anna, 2, "5", clock(4))
    assert send_due(clock(5)) == {"sent": 1}
    changed = body(smtp.letters[1])
    assert "Отметка изменена" in changed and "4 → 5" in changed
    assert "<s>4</s> → <strong>5</strong>" in body(smtp.letters[1], "html")


def test_a_change_inside_the_settle_window_waits_for_the_next_run(mail_world, smtp, clock):
    _mark(mail_world, mail_world.anna, 2, "4", clock(1))
    assert send_due(clock(1.1)) == {}  # 6 s old: may still be uncommitted elsewhere
    assert send_due(clock(2)) == {"sent": 1}


def test_comment_and_names_are_escaped_in_the_html(mail_world, smtp, clock):
    w = mail_world
    set_mark(_actor(w, "teacher"), w.lesson_5a.id, w.anna.id, 2, "4", None, comment="<b>x</b>&", now=clock(1))
    send_due(clock(2))
    html = body(smtp.letters[0], "html")
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in html and "<b>x</b>" not in html


def test_smtp_failure_is_recorded_and_retried_with_back_off(mail_world, smtp, clock):
    w = mail_world
    _mark(w, w.anna, 2, "4", clock(1))
    smtp.handler.refuse = "451 4.3.0 Mailbox temporarily unavailable"
    assert send_due(clock(2)) == {"failed": 1}
    row = db.session.scalar(select(MailSubscription))
    assert row.last_status == "failed" and "451" in row.last_error and row.attempts == 1
    smtp.handler.refuse = None
    assert send_due(clock(2.5)) == {}  # waits its back-off (1 minute)
    _mark(w, w.anna, 3, "5", clock(2.6))
    assert send_due(clock(3.5)) == {"sent": 1}  # both marks in one letter
    text = body(smtp.letters[0])
    assert text.count("Новая отметка") == 2
    db.session.refresh(row)
    assert row.last_status == "sent" and row.attempts == 0 and row.last_error is None
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 9)] == [1, 5, 15, 60, 60]


def test_unreachable_server_fails_every_letter_with_the_network_error(mail_world, smtp, clock):
    _mark(mail_world, mail_world.anna, 2, "4", clock(1))
    smtp.stop()
    assert send_due(clock(2)) == {"failed": 1}
    assert "ConnectionRefusedError" in db.session.scalar(select(MailSubscription.last_error))


def test_a_sender_that_died_mid_send_resends_the_same_letter(mail_world, smtp, clock):
    from models.mail.delivery import claim

    _mark(mail_world, mail_world.anna, 2, "4", clock(1))
    row = db.session.scalar(select(MailSubscription))
    assert claim(row.id, now=clock(2), cutoff=clock(2) - dt.timedelta(seconds=20))  # …and the worker died
    db.session.commit()
    _mark(mail_world, mail_world.anna, 3, "5", clock(3))
    assert send_due(clock(5)) == {}  # the lease holds
    assert send_due(clock(13)) == {"sent": 1}  # lease over: the claimed range only (one mark)
    assert body(smtp.letters[0]).count("Новая отметка") == 1
    assert send_due(clock(14)) == {"sent": 1}  # then the rest


def test_digest_at_its_hour_in_the_school_zone(mail_world, smtp, clock):
    w = mail_world
    w.school.timezone = "Asia/Almaty"  # UTC+5: 19:30 there is 14:30 UTC
    _choose(w, "parent", w.anna, "digest", at="19:30")
    db.session.commit()
    _mark(w, w.anna, 2, "4", clock(10))
    _mark(w, w.anna, 3, "5", clock(20))
    assert send_due(clock(60 * 6 + 29)) == {}  # 19:29 in Almaty
    assert send_due(clock(60 * 6 + 30)) == {"sent": 1}  # 19:30
    assert "сводка за день" in smtp.letters[0]["Subject"]
    assert body(smtp.letters[0]).count("Новая отметка") == 2
    assert send_due(clock(60 * 6 + 45)) == {}
    _mark(w, w.anna, 2, "3", clock(60 * 7))
    assert send_due(clock(60 * 20)) == {}  # not before tomorrow's 19:30
    assert send_due(clock(60 * 30 + 30)) == {"sent": 1}
    zone = school_zone("Asia/Almaty")
    assert digest_moment(dt.time(19, 30), zone, clock(60 * 6)) == dt.datetime(2026, 9, 7, 14, 30, tzinfo=dt.UTC)


def test_letter_in_the_account_language(mail_world, smtp, clock):
    w = mail_world
    w.users["parent"].locale = "kk"
    db.session.commit()
    _mark(w, w.anna, 2, "4", clock(1))
    send_due(clock(2))
    assert "Жаңа баға" in body(smtp.letters[0])
    w.users["parent"].locale = "en"
    db.session.commit()
    _mark(w, w.anna, 2, "5", clock(3))
    send_due(clock(4))
    assert "Mark changed" in body(smtp.letters[1])


def test_two_senders_at_once_send_each_letter_once(shared_app, smtp, clock):
    from world import build_world

    with shared_app.app_context():
        w = build_world(db.session)
        db.session.commit()
        _server(w, smtp)
        _choose(w, "parent", w.anna, "instant")
        _choose(w, "parent_b", w.boris, "instant", email="father@example.ru")
        db.session.commit()
        _mark(w, w.anna, 2, "4", clock(1))
        _mark(w, w.boris, 2, "5", clock(1))
        db.session.commit()
    start = threading.Barrier(2)
    results = []

    def run():
        with shared_app.app_context():
            start.wait()
            results.append(send_due(clock(2)))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r.get("sent", 0) for r in results) == 2
    assert sorted(m["To"] for m in smtp.letters) == ["father@example.ru", "mother@example.ru"]


def test_choices_rules(app_ctx, db_session, world, clock):
    parent = _actor(world, "parent")
    assert [(c.student.id, c.mode) for c in mail_choices(parent).children] == [(world.anna.id, "none")]
    with pytest.raises(AccessDenied):
        save_mail_choices(parent, "a@b.ru", {world.boris.id: ("instant", "")}, now=T0)  # another family's child
    with pytest.raises(InvalidInput):
        save_mail_choices(parent, "", {world.anna.id: ("instant", "")}, now=T0)  # no address
    with pytest.raises(InvalidInput):
        save_mail_choices(parent, "not-an-address", {world.anna.id: ("instant", "")}, now=T0)
    with pytest.raises(InvalidInput):
        save_mail_choices(parent, "a@b.ru", {world.anna.id: ("digest", "25:00")}, now=T0)
    with pytest.raises(InvalidInput):
        save_mail_choices(parent, "a@b.ru", {world.anna.id: ("weekly", "")}, now=T0)
    with pytest.raises(AccessDenied):
        mail_choices(_actor(world, "teacher"))
    save_mail_choices(parent, " a@b.ru ", {world.anna.id: ("digest", "7:05")}, now=T0)
    choice = mail_choices(parent)
    assert choice.email == "a@b.ru" and choice.children[0].mode == "digest"
    assert choice.children[0].digest_at == dt.time(7, 5)
    assert db.session.get(Guardian, world.g_parent.id).email == "a@b.ru"


def test_database_refuses_a_digest_without_its_time(app_ctx, db_session, world):
    from sqlalchemy.exc import IntegrityError

    db.session.add(MailSubscription(user_id=world.users["parent"].id, student_id=world.anna.id, mode="digest"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_smtp_settings_validated_password_encrypted_and_test_letter(app_ctx, db_session, world, smtp, clock):
    operator = _actor(world, "operator")
    good = {"host": "127.0.0.1", "port": str(smtp.port), "security": "none", "sender": "diary@school.example"}
    for bad in ({"host": "bad host"}, {"port": "0"}, {"port": "70000"}, {"security": "tls13"}, {"sender": "x"}):
        with pytest.raises(InvalidInput):
            save_mail_settings(operator, good | bad, secret_key=SECRET, now=T0)
    with pytest.raises(AccessDenied):
        save_mail_settings(_actor(world, "director"), good, secret_key=SECRET, now=T0)
    save_mail_settings(operator, good | {"login": "diary", "password": "s3cret pass"}, secret_key=SECRET, now=T0)
    row = db.session.scalar(select(SchoolMail))
    assert "s3cret" not in row.password_secret and open_secret(row.password_secret, SECRET) == "s3cret pass"
    assert open_secret(row.password_secret, "another-key") is None
    save_mail_settings(operator, good | {"login": "diary", "password": ""}, secret_key=SECRET, now=T0)
    assert open_secret(row.password_secret, SECRET) == "s3cret pass"  # an empty field keeps it
    save_mail_settings(operator, good | {"forget_password": "1"}, secret_key=SECRET, now=T0)
    assert row.password_secret is None and row.login is None
    request_test(operator, "ops@school.example", now=T0)
    db.session.commit()
    assert send_test(world.school.id) is None
    assert row.test_status == "sent" and smtp.letters[0]["To"] == "ops@school.example"
    smtp.handler.refuse = "550 5.7.1 Relaying denied"
    request_test(operator, "ops@school.example", now=T0)
    db.session.commit()
    assert "550" in send_test(world.school.id)
    assert row.test_status == "failed" and "Relaying denied" in row.test_error


def test_no_address_is_a_failure_the_operator_sees(mail_world, smtp, clock):
    mail_world.g_parent.email = None  # the secretary cleared it after the parent chose letters
    db.session.commit()
    _mark(mail_world, mail_world.anna, 2, "4", clock(1))
    assert send_due(clock(2)) == {"failed": 1}
    assert (
        db.session.scalar(select(MailSubscription.last_error)) == "У родителя нет адреса электронной почты в карточке."
    )
    assert smtp.letters == []


def test_quiet_rows_move_forward_every_few_minutes_not_every_run(mail_world, smtp, clock):
    from models.mail.delivery import SETTLE

    row = db.session.scalar(select(MailSubscription))
    assert send_due(clock(5)) == {}
    db.session.refresh(row)
    assert row.sent_up_to.replace(tzinfo=dt.UTC) == T0  # quiet for less than QUIET_STEP: not written
    assert send_due(clock(15)) == {}
    db.session.refresh(row)
    assert row.sent_up_to.replace(tzinfo=dt.UTC) == clock(15) - SETTLE  # nothing happened up to there
    _mark(mail_world, mail_world.anna, 2, "4", clock(16))
    assert send_due(clock(17)) == {"sent": 1}
