"""The mail pages: the operator's SMTP settings (password never shown back, bad input refused in the user's
language, a test letter through the queue), the sending state, and a parent's choices per child."""

from __future__ import annotations

from sqlalchemy import select

from models import MailSubscription, SchoolMail, db


def _settings(port, **extra):
    return {"host": "127.0.0.1", "port": str(port), "security": "none", "sender": "diary@school.example"} | extra


def test_operator_sets_the_server_and_sends_a_test_letter(client, login_as, world, smtp):
    login_as("operator")
    assert "/admin/settings/mail" in client.get("/admin/settings/").get_data(as_text=True)
    response = client.post("/admin/settings/mail", data=_settings(smtp.port, login="diary", password="p@ss-word-77"))
    assert response.status_code == 302
    html = client.get("/admin/settings/mail").get_data(as_text=True)
    assert "p@ss-word-77" not in html and "Пароль сохранён" in html
    row = db.session.scalar(select(SchoolMail))
    assert row.password_secret and "p@ss" not in row.password_secret
    response = client.post("/admin/settings/mail/test", data={"to": "ops@school.example"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert smtp.letters and smtp.letters[0]["To"] == "ops@school.example"
    assert 'id="mail-test-state"' in html and "Отправлено" in html
    assert smtp.logins == [("diary", "p@ss-word-77")]  # the sealed password opened for the server


def test_bad_settings_are_refused_with_a_message_and_nothing_changes(client, login_as, world, smtp):
    login_as("operator")
    client.post("/admin/settings/mail", data=_settings(smtp.port))
    response = client.post("/admin/settings/mail", data=_settings("99999", host="mail.school.example"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "«Порт»: целое число от 1 до 65535." in html
    assert db.session.scalar(select(SchoolMail.host)) == "127.0.0.1"
    client.post("/language", data={"lang": "kk"})
    html = client.post("/admin/settings/mail", data=_settings("0")).get_data(as_text=True)
    assert "«Порт»: 1-ден 65535-ке дейінгі бүтін сан." in html  # in the user's language


def test_director_reads_but_cannot_change_or_test(client, login_as, world, smtp):
    login_as("director")
    assert client.get("/admin/settings/mail").status_code == 200
    assert client.post("/admin/settings/mail", data=_settings(smtp.port)).status_code == 403
    assert client.post("/admin/settings/mail/test", data={"to": "a@b.ru"}).status_code == 403
    assert db.session.scalar(select(SchoolMail)) is None


def test_failures_are_shown_to_the_operator(client, login_as, world, smtp, app):
    from models.base import utcnow

    login_as("operator")
    client.post("/admin/settings/mail", data=_settings(smtp.port))
    db.session.add(
        MailSubscription(
            user_id=world.users["parent"].id,
            student_id=world.anna.id,
            mode="instant",
            sent_up_to=utcnow(),
            attempts=2,
            last_status="failed",
            last_error="451 4.3.0 Mailbox busy",
            next_try_at=utcnow(),
        )
    )
    db.session.commit()
    html = client.get("/admin/settings/mail").get_data(as_text=True)
    assert 'id="mail-failures"' in html and "451 4.3.0 Mailbox busy" in html and "parent" in html


def test_parent_chooses_per_child(client, login_as, world):
    login_as("parent")
    html = client.get("/home").get_data(as_text=True)
    assert 'id="nav-mail"' in html
    page = client.get("/mail").get_data(as_text=True)
    assert f'name="mode-{world.anna.id}"' in page and f"mode-{world.boris.id}" not in page
    response = client.post(
        "/mail", data={"email": "mother@example.ru", f"mode-{world.anna.id}": "digest", f"at-{world.anna.id}": "20:15"}
    )
    assert response.status_code == 302
    row = db.session.scalar(select(MailSubscription))
    assert (row.mode, row.digest_at.strftime("%H:%M")) == ("digest", "20:15")
    assert 'value="mother@example.ru"' in client.get("/mail").get_data(as_text=True)


def test_parent_bad_input_and_another_familys_child(client, login_as, world):
    login_as("parent")
    html = client.post(
        "/mail", data={"email": "mother@example.ru", f"mode-{world.anna.id}": "digest", f"at-{world.anna.id}": "9"}
    ).get_data(as_text=True)
    assert "Укажите время сводки" in html
    response = client.post("/mail", data={"email": "x@example.ru", f"mode-{world.boris.id}": "instant"})
    assert response.status_code == 403
    assert client.post("/mail", data={"mode-abc": "instant"}).status_code == 400
    assert db.session.scalar(select(MailSubscription)) is None


def test_staff_and_students_have_no_mail_choices(client, login_as, world):
    for role in ("teacher", "student"):
        login_as(role)
        assert client.get("/mail").status_code == 403
        assert client.post("/mail", data={"email": "a@b.ru"}).status_code == 403
