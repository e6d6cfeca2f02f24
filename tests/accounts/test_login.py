"""Login, logout, sessions that end everywhere, throttling, CSRF and headers."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import LoginEvent, db
from models.auth import BAD_LOGIN, password_problem
from world import PASSWORD


def _login(client, login, password=PASSWORD):
    return client.post("/login", data={"login": login, "password": password})


@pytest.mark.parametrize("name,landing", [
    ("operator", "/admin/"), ("director", "/admin/"), ("coordinator", "/admin/"), ("secretary", "/admin/"),
    ("teacher", "/admin/"), ("classteacher", "/admin/"), ("parent", "/home"), ("student", "/home"),
])
def test_each_role_lands_on_its_page(client, world, name, landing):
    response = _login(client, name)
    assert response.status_code == 302 and response.location == landing


def test_unknown_login_and_wrong_password_get_the_same_answer(client, world):
    wrong = _login(client, "teacher", "wrong-password-1")
    unknown = _login(client, "nobody-here", "wrong-password-1")
    assert wrong.status_code == unknown.status_code == 400
    assert BAD_LOGIN in wrong.get_data(as_text=True) and BAD_LOGIN in unknown.get_data(as_text=True)


def test_every_attempt_is_recorded(client, world):
    _login(client, "teacher", "wrong-password-1")
    _login(client, "teacher")
    events = db.session.scalars(select(LoginEvent).where(LoginEvent.login == "teacher").order_by(LoginEvent.id)).all()
    assert [e.success for e in events] == [False, True]
    assert events[1].user_id == world.users["teacher"].id and events[0].ip_address == "127.0.0.1"


def test_login_is_case_insensitive_and_next_is_local_only(client, world):
    response = client.post("/login?next=https://evil.example/x", data={"login": "Teacher", "password": PASSWORD})
    assert response.location == "/admin/"


def test_parent_is_not_sent_to_the_staff_panel_by_next(client, world):
    response = client.post("/login?next=/admin/users/", data={"login": "parent", "password": PASSWORD})
    assert response.location == "/home"


def test_cookie_replayed_after_logout_is_refused(app, world):
    client = app.test_client()
    _login(client, "teacher")
    stolen = client.get_cookie("session").value
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/").status_code == 302  # back to the login page


def test_password_change_ends_other_sessions(app, world):
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, "parent")
    _login(phone, "parent")
    response = laptop.post("/account/password", data={
        "old_password": PASSWORD, "password": "Новый-пароль-2026!", "password2": "Новый-пароль-2026!"})
    assert response.status_code == 302
    assert phone.get("/home").status_code == 302
    assert _login(app.test_client(), "parent").status_code == 400
    assert _login(app.test_client(), "parent", "Новый-пароль-2026!").status_code == 302


def test_blocking_ends_the_session_and_refuses_login(app, world, login_as, client):
    victim = app.test_client()
    _login(victim, "teacher")
    login_as("operator")
    response = client.post(f"/admin/users/block/{world.users['teacher'].id}", data={"reason": "пароль известен"})
    assert response.status_code == 302
    assert victim.get("/admin/").status_code == 302
    assert _login(app.test_client(), "teacher").status_code == 400
    client.post(f"/admin/users/unblock/{world.users['teacher'].id}")
    assert _login(app.test_client(), "teacher").status_code == 302


def test_idle_session_expires(app, world):
    client = app.test_client()
    _login(client, "teacher")
    with client.session_transaction() as session:
        session["seen_at"] -= 61 * 60  # the default idle limit is 60 minutes
    assert client.get("/admin/").status_code == 302


def test_absolute_session_lifetime(app, world):
    client = app.test_client()
    _login(client, "teacher")
    with client.session_transaction() as session:
        session["auth_at"] -= 13 * 3600
    assert client.get("/admin/").status_code == 302


@pytest.fixture()
def throttled(app):
    app.config.update(RATELIMIT_ENABLED=True, LOGIN_FAILURE_LIMITS="3 per 15 minutes")
    yield
    app.config.update(RATELIMIT_ENABLED=False, LOGIN_FAILURE_LIMITS="10 per 15 minutes;30 per day")


def test_failed_logins_are_throttled_per_account(client, world, throttled):
    for _ in range(3):
        assert _login(client, "coordinator", "wrong-password-1").status_code == 400
    blocked = _login(client, "coordinator")  # even the right password waits now
    assert blocked.status_code == 429
    assert "Слишком много" in blocked.get_data(as_text=True)


def test_failed_logins_are_throttled_per_address(client, world, throttled):
    for name in ("x1", "x2", "x3"):
        _login(client, f"unknown-{name}", "wrong-password-1")
    response = client.post("/login", data={"login": "director", "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 429
    other_address = client.post("/login", data={"login": "director", "password": PASSWORD},
                                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_address.status_code == 302


def test_csrf_is_required_for_state_changes(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = _login(client, "teacher")
        assert response.status_code == 400
        assert "токен" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_security_headers(client, world):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in \
        csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(app, world):
    client = app.test_client()
    response = _login(client, "teacher")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("password,ok", [
    ("short1", False), ("password1", False), ("qwerty123", False), ("12345678", False),
    ("teacher-2026", False),  # contains the login
    ("demo-pass-2026", True), ("Весна2026школа", True), ("Tr0ub4dor&3", True),
])
def test_password_policy(password, ok):
    assert (password_problem(password, login="teacher") is None) is ok


def test_operator_grants_class_teacher_role(client, login_as, world):
    login_as("operator")
    response = client.post(f"/admin/users/roles/{world.users['teacher'].id}",
                           data={"roles": ["teacher", "class_teacher"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(world.users["teacher"]), world.users["teacher"].id).role_names == \
        {"teacher", "class_teacher"}


@pytest.mark.parametrize("target,roles,message", [
    ("parent", ["teacher"], "не подходит"),
    ("operator", ["teacher"], "оператора"),
    ("teacher", [], "хотя бы одну"),
])
def test_bad_role_changes_are_refused(client, login_as, world, target, roles, message):
    login_as("operator")
    response = client.post(f"/admin/users/roles/{world.users[target].id}", data={"roles": roles})
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_operator_of_another_school_cannot_touch_our_accounts(client, login_as, world):
    login_as("operator")
    foreign = world.users["foreign_operator"]
    assert client.get(f"/admin/users/roles/{foreign.id}").status_code == 403
    assert client.post(f"/admin/users/block/{foreign.id}", data={"reason": "x"}).status_code == 403


def test_language_switch_is_kept_on_the_account(client, login_as, world):
    login_as("teacher")
    response = client.post("/language", data={"lang": "kk", "next": "/admin/"})
    assert response.status_code == 302 and response.location == "/admin/"
    assert db.session.get(type(world.users["teacher"]), world.users["teacher"].id).locale == "kk"
    assert client.post("/language", data={"lang": "xx"}).status_code == 400


def test_language_switch_before_login_uses_a_cookie(client, world):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.location == "/" and "lang=en" in response.headers["Set-Cookie"]
