"""Invitation codes: issue within one's scope, redeem once with consent, expire, revoke, register (R15, R16)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from models import Consent, InviteCode, User, db
from models.access import Actor
from models.accounts.invites import ALPHABET, INVALID_CODE, find_open_invite, hash_code, issue_invite, redeem_invite
from models.base import utcnow
from models.errors import AccessDenied, Conflict, InvalidInput
from security import Budget
from world import PASSWORD

NEW_PASSWORD = "Сирень-цветёт-2027"
CODE_RE = re.compile(r'id="issued-code">([0-9A-Z-]+)<')


def _issue(client, person: str, role: str = "teacher") -> str:
    response = client.post("/admin/invites/issue/", data={"person": person, "role": role})
    assert response.status_code == 200
    match = CODE_RE.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:3000]
    return match.group(1)


def _redeem(client, code, login="", password=NEW_PASSWORD, consent="y"):
    data = {"code": code, "login": login, "password": password, "password2": password}
    if consent:
        data["consent"] = consent
    return client.post("/invite", data=data)


def test_operator_issues_a_staff_code_that_becomes_an_account(client, login_as, world, app):
    from models import Staff

    newcomer = Staff(school_id=world.school.id, last_name="Новикова", first_name="Нина", position="учитель химии")
    db.session.add(newcomer)
    db.session.commit()
    login_as("operator")
    code = _issue(client, f"staff:{newcomer.id}", role="teacher")
    assert len(code.replace("-", "")) == 16 and set(code.replace("-", "")) <= set(ALPHABET)
    stored = db.session.scalar(select(InviteCode).where(InviteCode.staff_id == newcomer.id))
    assert stored.code_hash == hash_code(code) and code not in stored.code_hash
    assert (stored.expires_at - stored.issued_at).days == 14  # school setting default

    fresh = app.test_client()
    link = fresh.get(f"/invite?code={code}").get_data(as_text=True)
    assert code in link and "Новикова" not in link  # a link only fills the code in
    checked = fresh.post("/invite", data={"code": code}).get_data(as_text=True)
    assert "Новикова Нина" in checked and 'id="password"' in checked
    response = _redeem(fresh, code, login="novikova")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.login == "novikova"))
    assert user.staff_id == newcomer.id and user.role_names == {"teacher"}
    login = fresh.post("/login", data={"login": "novikova", "password": NEW_PASSWORD})
    assert login.location == "/admin/"
    assert db.session.scalar(select(func.count()).select_from(Consent).where(Consent.user_id == user.id)) == 1


def test_class_teacher_issues_codes_for_own_class_families_only(client, login_as, world):
    login_as("classteacher")
    page = client.get("/admin/invites/issue/").get_data(as_text=True)
    assert "Аннова Алла" in page and "Борисов" not in page  # 6Б is not theirs
    assert "staff:" not in page  # staff codes come from the operator
    _issue(client, f"parent:{world.g_parent.id}")
    forged = client.post("/admin/invites/issue/", data={"person": f"parent:{world.g_parent_b.id}"})
    assert "issued-code" not in forged.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count()).select_from(InviteCode).where(InviteCode.guardian_id == world.g_parent_b.id)
        )
        == 0
    )


@pytest.mark.parametrize(
    "who,role,target",
    [
        ("classteacher", "parent", "g_parent_b"),  # another class's parent
        ("classteacher", "student", "boris"),  # another class's student
        ("classteacher", "teacher", "s_teacher"),  # staff codes are the operator's
        ("teacher", "parent", "g_parent"),  # not a class teacher
        ("parent", "student", "anna"),
        ("foreign_operator", "student", "anna"),  # another school
    ],
)
def test_issuing_outside_ones_scope_is_refused(db_session, world, who, role, target):
    kwargs = {
        "guardian_id" if role == "parent" else "student_id" if role == "student" else "staff_id": getattr(
            world, target
        ).id
    }
    with pytest.raises(AccessDenied):
        issue_invite(Actor.of(world.users[who]), role, now=utcnow(), **kwargs)


def test_role_must_match_the_person(db_session, world):
    with pytest.raises(InvalidInput):
        issue_invite(Actor.of(world.users["operator"]), "teacher", now=utcnow(), student_id=world.anna.id)


@pytest.fixture()
def vera_code(db_session, world):
    _, code = issue_invite(Actor.of(world.users["classteacher"]), "student", now=utcnow(), student_id=world.vera.id)
    db.session.commit()
    return code


def test_a_code_works_once(client, world, vera_code):
    assert _redeem(client, vera_code, login="vera").status_code == 302
    again = _redeem(client, vera_code, login="vera2")
    assert again.status_code == 404 and INVALID_CODE in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.student_id == world.vera.id)) == 1


def test_expired_code_is_refused(client, world, vera_code):
    invite = db.session.scalar(select(InviteCode).where(InviteCode.code_hash == hash_code(vera_code)))
    invite.issued_at = utcnow() - dt.timedelta(days=30)
    invite.expires_at = utcnow() - dt.timedelta(days=1)
    db.session.commit()
    response = _redeem(client, vera_code, login="vera")
    assert response.status_code == 404 and INVALID_CODE in response.get_data(as_text=True)


def test_revoked_code_is_refused(client, login_as, world, vera_code):
    login_as("classteacher")
    invite = db.session.scalar(select(InviteCode).where(InviteCode.code_hash == hash_code(vera_code)))
    client.post("/admin/invites/action/", data={"action": "revoke", "rowid": [str(invite.id)]})
    client.post("/logout")
    response = _redeem(client, vera_code, login="vera")
    assert response.status_code == 404 and INVALID_CODE in response.get_data(as_text=True)


def test_consent_is_required(client, world, vera_code):
    response = _redeem(client, vera_code, login="vera", consent=None)
    assert response.status_code == 400 and "согласия" in response.get_data(as_text=True)
    assert find_open_invite(vera_code, now=utcnow())  # still usable


@pytest.mark.parametrize(
    "login,password,message",
    [
        ("ab", NEW_PASSWORD, "Логин"),
        ("вера", NEW_PASSWORD, "Логин"),
        ("teacher", NEW_PASSWORD, "занят"),
        ("vera", "qwerty123", "простой"),
    ],
)
def test_bad_login_or_password_changes_nothing(client, world, vera_code, login, password, message):
    response = _redeem(client, vera_code, login=login, password=password)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert find_open_invite(vera_code, now=utcnow())


def _spoil(kind: str, world) -> str:
    """A code that cannot be used for one reason only; returns what the visitor types."""
    if kind in ("unknown", "malformed"):
        return {"unknown": "AAAA-BBBB-CCCC-DDDD", "malformed": "AB'C"}[kind]
    invite, code = issue_invite(
        Actor.of(world.users["classteacher"]), "student", now=utcnow(), student_id=world.vera.id
    )
    if kind == "used":
        invite.used_at = utcnow()
    elif kind == "revoked":
        invite.revoked_at = utcnow()
    else:
        invite.issued_at = utcnow() - dt.timedelta(days=30)
        invite.expires_at = utcnow() - dt.timedelta(days=1)
    db.session.commit()
    return code


def _answer(response) -> tuple[int, str]:
    """Status and the page without what differs by request anyway (the code typed, nonces, tokens)."""
    body = re.sub(r'(value|nonce|content)="[^"]*"', "", response.get_data(as_text=True))
    return response.status_code, body


@pytest.mark.parametrize("step", ["code", "account"])
def test_every_unusable_code_gets_the_same_answer(app, db_session, world, step):
    answers = {}
    for kind in ("unknown", "malformed", "expired", "revoked", "used"):
        code = _spoil(kind, world)
        client = app.test_client()
        assert "Верова" not in client.get(f"/invite?code={code}").get_data(as_text=True)
        response = client.post("/invite", data={"code": code}) if step == "code" else _redeem(client, code, login="v1")
        answers[kind] = _answer(response)
    assert len(set(answers.values())) == 1, answers.keys()
    status, body = answers["used"]
    assert status == 404 and INVALID_CODE in body and "Верова" not in body


@pytest.fixture()
def invite_throttled(app):
    app.config.update(RATELIMIT_ENABLED=True, AUTH_BUDGETS={"invite": Budget(free=3, wait=60)})
    app.extensions["auth_throttle"].reset()
    yield
    app.extensions["auth_throttle"].reset()
    app.config.update(RATELIMIT_ENABLED=False, AUTH_BUDGETS={})


def test_guessing_codes_is_throttled_per_address(app, client, world, vera_code, invite_throttled):
    for guess in ("AAAA-BBBB-CCCC-DDD1", "AAAA-BBBB-CCCC-DDD2", "AAAA-BBBB-CCCC-DDD3"):
        assert client.post("/invite", data={"code": guess}).status_code == 404
    refused = client.post("/invite", data={"code": vera_code})  # even a good code waits now, and is not shown
    assert refused.status_code == 429 and "Верова" not in refused.get_data(as_text=True)
    elsewhere = app.test_client().post("/invite", data={"code": vera_code}, environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert elsewhere.status_code == 200 and "Верова Вера" in elsewhere.get_data(as_text=True)


def test_two_simultaneous_redemptions_bind_exactly_one_account(db_session, world, vera_code, monkeypatch):
    """Both requests passed the checks before either spent the code: the conditional UPDATE lets one win."""
    stale = find_open_invite(vera_code, now=utcnow())
    redeem_invite(vera_code, login="vera", password=NEW_PASSWORD, consent=True, now=utcnow())
    monkeypatch.setattr("models.accounts.invites.find_open_invite", lambda code, now: stale)
    with pytest.raises(Conflict):
        redeem_invite(vera_code, login="vera-twin", password=NEW_PASSWORD, consent=True, now=utcnow())
    assert db.session.scalar(select(func.count()).select_from(User).where(User.student_id == world.vera.id)) == 1


def test_parent_consents_for_each_child(db_session, world):
    from models import StudentGuardian

    db.session.add(StudentGuardian(student_id=world.vera.id, guardian_id=world.g_parent.id, relation="mother"))
    world.users["parent"].guardian_id = None  # the existing account is unlinked: a brand-new parent account
    db.session.flush()
    _, code = issue_invite(Actor.of(world.users["classteacher"]), "parent", now=utcnow(), guardian_id=world.g_parent.id)
    user = redeem_invite(code, login="alla", password=NEW_PASSWORD, consent=True, now=utcnow(), ip="10.0.0.5")
    consents = db.session.scalars(select(Consent).where(Consent.user_id == user.id)).all()
    assert {c.student_id for c in consents} == {world.anna.id, world.vera.id}
    assert all(c.text_version and c.ip_address == "10.0.0.5" for c in consents)


def test_fresh_code_for_an_existing_account_resets_its_password_and_sessions(app, db_session, world):
    victim = app.test_client()
    victim.post("/login", data={"login": "parent", "password": PASSWORD})
    _, code = issue_invite(Actor.of(world.users["classteacher"]), "parent", now=utcnow(), guardian_id=world.g_parent.id)
    db.session.commit()
    assert _redeem(app.test_client(), code).status_code == 302
    assert victim.get("/home").status_code == 302
    assert app.test_client().post("/login", data={"login": "parent", "password": NEW_PASSWORD}).status_code == 302


def test_register_pdf_lists_the_scope_in_cyrillic(client, login_as, world):
    actor = Actor.of(world.users["operator"])
    issue_invite(actor, "parent", now=utcnow(), guardian_id=world.g_parent_b.id)
    issue_invite(Actor.of(world.users["classteacher"]), "student", now=utcnow(), student_id=world.vera.id)
    db.session.commit()
    login_as("classteacher")
    response = client.get("/admin/invites/register.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Журнал учёта выданных кодов" in text and "Верова Вера" in text and "Борисов" not in text
    login_as("operator")
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(client.get("/admin/invites/register.pdf").data)).pages
    )
    assert "Борисов Богдан" in text and "Верова Вера" in text


@pytest.mark.parametrize("who,shown", [("operator", True), ("classteacher", True), ("director", False)])
def test_issue_link_is_shown_to_those_who_may_issue(client, login_as, world, who, shown):
    login_as(who)
    assert ('id="issue-code"' in client.get("/admin/invites/").get_data(as_text=True)) is shown
