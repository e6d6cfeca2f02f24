"""Login, logout, sessions that end everywhere, throttling, CSRF and headers."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from models import LoginEvent, db
from models.accounts.auth import BAD_LOGIN, MASKED_PREFIX, masked_login, password_problem
from models.errors import TooManyAttempts
from security import Budget, _digest, login_keys, throttle_check, throttle_failure
from world import PASSWORD


def _login(client, login, password=PASSWORD):
    return client.post("/login", data={"login": login, "password": password})


@pytest.mark.parametrize(
    "name,landing",
    [
        ("operator", "/admin/"),
        ("director", "/admin/"),
        ("coordinator", "/admin/"),
        ("secretary", "/admin/"),
        ("teacher", "/admin/"),
        ("classteacher", "/admin/"),
        ("parent", "/home"),
        ("student", "/home"),
    ],
)
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
    response = laptop.post(
        "/account/password",
        data={"old_password": PASSWORD, "password": "Новый-пароль-2026!", "password2": "Новый-пароль-2026!"},
    )
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


@pytest.mark.parametrize(("idle_minutes", "kept"), [(29, True), (31, False)])
def test_the_school_s_own_idle_limit_applies(app, world, idle_minutes, kept):
    """The limits come with the signed-in account (one statement, extensions._load_user): a school's own 30
    minutes, not the default 60."""
    from models import Setting

    db.session.add(Setting(school_id=world.school.id, key="session_idle_minutes", value="30"))
    db.session.commit()
    client = app.test_client()
    _login(client, "teacher")
    with client.session_transaction() as session:
        session["seen_at"] -= idle_minutes * 60
    assert client.get("/admin/").status_code == (200 if kept else 302)


@pytest.fixture()
def throttled(app):
    """Small budgets: 3 failures per (account, address) and per known device, 4 per address, 5 per account
    from unknown devices; then waits of 60 s doubling up to an hour."""
    app.config.update(
        RATELIMIT_ENABLED=True,
        AUTH_BUDGETS={
            "pair": Budget(free=3, wait=60),
            "device": Budget(free=3, wait=60),
            "address": Budget(free=4, wait=60),
            "account": Budget(free=5, wait=60),
        },
    )
    app.extensions["auth_throttle"].reset()
    yield app.extensions["auth_throttle"]
    app.extensions["auth_throttle"].reset()
    app.config.update(RATELIMIT_ENABLED=False, AUTH_BUDGETS={})


def _from(client, address, login, password=PASSWORD):
    return client.post("/login", data={"login": login, "password": password}, environ_base={"REMOTE_ADDR": address})


def _owner_device(app, login):
    """The owner's browser: signed in once before (it got the known-device cookie), then signed out."""
    owner = app.test_client()
    assert _from(owner, "10.9.9.9", login).status_code == 302
    owner.post("/logout")
    assert owner.get_cookie("known_devices") is not None
    return owner


@pytest.mark.parametrize(
    "scenario,attackers,attempts",
    [
        ("one address guesses one account", ["10.0.0.66"], 3),
        ("many addresses guess one account", [f"10.0.1.{n}" for n in range(5)], 1),
    ],
)
def test_guessing_locks_the_attacker_not_the_owner(app, client, world, throttled, scenario, attackers, attempts):
    owner = _owner_device(app, "coordinator")
    for address in attackers:
        for _ in range(attempts):
            assert _from(client, address, "coordinator", "wrong-password-1").status_code == 400
    refused = _from(client, attackers[-1], "coordinator")  # even the right password waits now
    assert refused.status_code == 429, scenario
    assert "Попробуйте снова через 1 мин." in refused.get_data(as_text=True)
    assert _from(owner, "10.9.9.9", "coordinator").status_code == 302  # the known device gets in


def test_one_address_trying_many_accounts_is_slowed_there_only(app, client, world, throttled):
    for name in ("x1", "x2", "x3", "x4"):
        assert _from(client, "10.0.2.1", f"unknown-{name}", "wrong-password-1").status_code == 400
    assert _from(client, "10.0.2.1", "director").status_code == 429
    assert _from(app.test_client(), "10.0.2.2", "director").status_code == 302


def test_an_address_that_failed_a_few_times_leaves_the_account_usable_elsewhere(app, client, world, throttled):
    for _ in range(3):
        _from(client, "10.0.3.1", "teacher", "wrong-password-1")
    assert _from(client, "10.0.3.1", "teacher").status_code == 429
    assert _from(app.test_client(), "10.0.3.2", "teacher").status_code == 302  # a new device, another address


def test_a_known_device_keeps_its_own_counter(app, world, throttled):
    owner = _owner_device(app, "teacher")
    for _ in range(3):
        assert _from(owner, "10.9.9.9", "teacher", "wrong-password-1").status_code == 400
    assert _from(owner, "10.9.9.9", "teacher").status_code == 429
    assert _from(app.test_client(), "10.9.9.8", "teacher").status_code == 302  # the account itself is not locked


def test_a_forged_device_cookie_counts_as_an_unknown_device(app, client, world, throttled):
    client.set_cookie("known_devices", "forged.value.sig")
    for _ in range(3):
        _from(client, "10.0.4.1", "teacher", "wrong-password-1")
    assert _from(client, "10.0.4.1", "teacher").status_code == 429


@pytest.mark.parametrize("failures,wait", [(3, 60), (4, 120), (5, 240), (6, 480), (12, 3600)])
def test_the_wait_doubles_with_each_failure(app, world, throttled, failures, wait):
    keys = login_keys("teacher", "10.0.5.1", None)[:1]  # the (account, address) counter: 3 free failures
    with app.test_request_context():
        for _ in range(failures):
            throttle_failure(app.config, keys)
        storage = app.extensions["auth_throttle"]
        left = storage.get_expiry(f"wait:pair:{_digest(keys[0][1])}") - time.time()
        assert wait - 2 < left <= wait
        with pytest.raises(TooManyAttempts) as refused:
            throttle_check(app.config, keys)
        assert refused.value.params == {"minutes": wait // 60}


def test_the_refusal_is_in_the_users_language(app, client, world, throttled):
    for _ in range(3):
        _from(client, "10.0.6.1", "teacher", "wrong-password-1")
    client.set_cookie("lang", "en")
    refused = _from(client, "10.0.6.1", "teacher")
    assert refused.status_code == 429 and "Try again in 1 min" in refused.get_data(as_text=True)


def test_a_login_that_matches_no_account_is_kept_masked(client, world):
    _login(client, "MyS3cret-Passw0rd", "wrong-password-1")
    _login(client, "mys3cret-passw0rd ", "wrong-password-1")
    _login(client, "another-typo", "wrong-password-1")
    events = db.session.scalars(select(LoginEvent).where(LoginEvent.user_id.is_(None)).order_by(LoginEvent.id)).all()
    logins = [e.login for e in events[-3:]]
    assert not any("s3cret" in x.lower() or "typo" in x for x in logins)
    assert logins[0] == logins[1] != logins[2] and all(x.startswith(MASKED_PREFIX) for x in logins)


def test_the_login_log_shows_masked_logins_as_unknown(client, login_as, world):
    db.session.add(LoginEvent(login=masked_login("s3cret", "k"), user_id=world.users["teacher"].id, success=False))
    db.session.commit()
    login_as("operator")
    page = client.get("/admin/logins/").get_data(as_text=True)
    assert "неизвестный логин" in page and "s3cret" not in page


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
    assert (
        "script-src 'self' 'nonce-" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(app, world):
    client = app.test_client()
    response = _login(client, "teacher")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "password,ok",
    [
        ("short1", False),
        ("password1", False),
        ("qwerty123", False),
        ("12345678", False),
        ("teacher-2026", False),  # contains the login
        ("demo-pass-2026", True),
        ("Весна2026школа", True),
        ("Tr0ub4dor&3", True),
    ],
)
def test_password_policy(password, ok):
    assert (password_problem(password, login="teacher") is None) is ok


def test_operator_grants_class_teacher_role(client, login_as, world):
    login_as("operator")
    response = client.post(
        f"/admin/users/roles/{world.users['teacher'].id}", data={"roles": ["teacher", "class_teacher"]}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(world.users["teacher"]), world.users["teacher"].id).role_names == {
        "teacher",
        "class_teacher",
    }


@pytest.mark.parametrize(
    "target,roles,message",
    [
        ("parent", ["teacher"], "не подходит"),
        ("operator", ["teacher"], "оператора"),
        ("teacher", [], "хотя бы одну"),
    ],
)
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
