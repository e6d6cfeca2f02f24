"""Consents to personal-data processing (issue 15): the staff register by class and its PDF, a parent's
withdrawal closing every portal door to that child's diary (what the consent text says) and consent given again
opening them; audited."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from models import Consent, db
from models.access import Actor, can_acknowledge_diary, can_view_student, children
from models.accounts.consents import consent_register, family_consents, give_consent, withdraw_consent
from models.accounts.invites import CONSENT_TEXTS
from models.audit import AuditEvent
from models.base import utcnow
from models.errors import AccessDenied, Conflict
from models.notices.feed import unsent_notices

GIVEN_AT = dt.datetime(2026, 9, 1, 16, 30, tzinfo=dt.UTC)


@pytest.fixture()
def consents(world):
    """The consents the families gave when they redeemed their codes: the parent for Anna (5А), the parent_b for
    Boris (6Б), the student Anna for herself."""
    rows = {
        "parent": Consent(user_id=world.users["parent"].id, student_id=world.anna.id, text_version="2026-09"),
        "parent_b": Consent(user_id=world.users["parent_b"].id, student_id=world.boris.id, text_version="2026-09"),
        "student": Consent(user_id=world.users["student"].id, student_id=world.anna.id, text_version="2026-09"),
    }
    for row in rows.values():
        row.accepted_at = GIVEN_AT
        db.session.add(row)
    db.session.commit()
    return rows


def _actor(world, name):
    return Actor.of(world.users[name])


def _doors(world) -> list[str]:
    anna = world.anna.id
    return [
        f"/diary/{anna}",
        f"/diary/{anna}/marks",
        f"/diary/{anna}/subjects/{world.maths.id}",
        f"/diary/{anna}/lessons/{world.lesson_5a.id}/marks",
        f"/diary/{anna}/achievements",
    ]


# --- the register ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "role,students",
    [
        ("operator", {"Аннова Анна", "Борисов Борис"}),
        ("secretary", {"Аннова Анна", "Борисов Борис"}),
        ("director", {"Аннова Анна", "Борисов Борис"}),
        ("coordinator", {"Аннова Анна", "Борисов Борис"}),
        ("classteacher", {"Аннова Анна"}),  # 5А only
    ],
)
def test_the_register_lists_the_consents_of_the_classes_one_reads(world, consents, role, students):
    register = consent_register(_actor(world, role), dt.date.today())
    assert {r.student for r in register.rows} == students
    anna = [r for r in register.rows if r.student == "Аннова Анна"]
    assert {(r.account, r.class_name, r.version, r.withdrawn) for r in anna} == {
        ("parent", "5А", "2026-09", False),
        ("student", "5А", "2026-09", False),
    }
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", r.accepted_at) for r in register.rows)


@pytest.mark.parametrize("role", ["teacher", "parent", "student"])
def test_the_register_is_refused_to_others(world, consents, role):
    with pytest.raises(AccessDenied):
        consent_register(_actor(world, role), dt.date.today())


def test_a_class_teacher_cannot_filter_for_another_class(world, consents, client, login_as):
    with pytest.raises(AccessDenied):
        consent_register(_actor(world, "classteacher"), dt.date.today(), world.c6b.id)
    login_as("classteacher")
    assert client.get(f"/admin/consents/?class_id={world.c6b.id}").status_code == 403
    assert client.get(f"/admin/consents/register.pdf?class_id={world.c6b.id}").status_code == 403


def test_the_register_page_filters_by_class_and_prints(world, consents, client, login_as):
    login_as("secretary")
    page = client.get(f"/admin/consents/?class_id={world.c6b.id}").get_data(as_text=True)
    assert "Борисов Борис" in page and "Аннова Анна" not in page
    response = client.get(f"/admin/consents/register.pdf?class_id={world.c5a.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Реестр согласий на обработку персональных данных" in text
    assert "Аннова Анна" in text and "Борисов" not in text and "2026-09" in text and "дано" in text


def test_the_register_shows_a_withdrawal_with_its_date(world, consents, client, login_as):
    withdraw_consent(_actor(world, "parent"), world.anna.id, now=dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC))
    db.session.commit()
    register = consent_register(_actor(world, "operator"), dt.date.today(), world.c5a.id)
    parent = next(r for r in register.rows if r.account == "parent")
    assert parent.withdrawn and str(parent.state).startswith("отозвано 05.10.2026")
    login_as("operator")
    response = client.get(f"/admin/consents/register.pdf?class_id={world.c5a.id}")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "отозвано 05.10.2026" in text


def test_the_register_in_kazakh(world, consents, client, login_as):
    login_as("operator")
    client.post("/language", data={"lang": "kk"})
    page = client.get("/admin/consents/").get_data(as_text=True)
    assert "Дербес деректерді өңдеуге келісімдер тізілімі" in page and "берілді" in page
    response = client.get("/admin/consents/register.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "келісімдер тізілімі" in text


@pytest.mark.parametrize(
    "role,listed",
    [("operator", True), ("secretary", True), ("director", True), ("coordinator", True), ("classteacher", True)]
    + [("teacher", False)],
)
def test_the_register_is_in_the_menu_of_those_who_read_it(client, login_as, world, role, listed):
    login_as(role)
    assert ('href="/admin/consents/"' in client.get("/admin/").get_data(as_text=True)) is listed


def test_the_parents_consents_are_in_their_menu(client, login_as, world):
    login_as("parent")
    assert 'id="nav-consents" href="/account/consents"' in client.get("/home").get_data(as_text=True)
    login_as("student")
    assert "nav-consents" not in client.get("/home").get_data(as_text=True)


# --- withdrawal and consent again ------------------------------------------------------------------------------
def test_withdrawal_closes_every_door_to_the_childs_diary_and_consent_again_opens_them(
    world, consents, client, login_as
):
    parent = _actor(world, "parent")
    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def letters() -> list[int]:  # the children the e-mail digest writes about (models/mail/delivery.py)
        return [c.student.id for c in unsent_notices(world.users["parent"], since, utcnow())]

    assert letters() == [world.anna.id]
    login_as("parent")
    assert all(client.get(url).status_code == 200 for url in _doors(world))
    confirm = client.get(f"/account/consents/{world.anna.id}/withdraw").get_data(as_text=True)
    assert "Аннова Анна" in confirm and "станет вам недоступен" in confirm and 'name="csrf_token"' in confirm

    response = client.post(f"/account/consents/{world.anna.id}/withdraw")
    assert response.status_code == 302
    assert {url: client.get(url).status_code for url in _doors(world)} == dict.fromkeys(_doors(world), 403)
    assert client.post(f"/diary/{world.anna.id}/acknowledge", data={"week": "2026-09-07"}).status_code == 403
    assert "Аннова Анна" not in client.get("/home").get_data(as_text=True)
    assert "Аннова Анна" not in client.get("/mail").get_data(as_text=True)
    assert not can_view_student(parent, world.anna.id) and not can_acknowledge_diary(parent, world.anna.id)
    assert db.session.scalars(children(parent)).all() == [] and letters() == []
    page = client.get("/account/consents").get_data(as_text=True)
    assert "Согласие отозвано" in page and "Дать согласие снова" in page
    # The student's own consent and the other family are not touched.
    assert can_view_student(_actor(world, "student"), world.anna.id)
    assert can_view_student(_actor(world, "parent_b"), world.boris.id)

    assert client.post(f"/account/consents/{world.anna.id}/give").status_code == 302
    assert all(client.get(url).status_code == 200 for url in _doors(world))
    assert letters() == [world.anna.id]
    again = db.session.scalars(
        select(Consent).where(Consent.user_id == parent.user_id, Consent.withdrawn_at.is_(None))
    ).one()
    assert again.text_version == CONSENT_TEXTS["RU"][0]
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "consent").order_by(AuditEvent.id)
    ).all()
    assert actions == ["consent.withdraw", "consent.give"]


def test_the_withdrawal_confirmation_states_what_it_does_in_the_familys_language(world, consents, client, login_as):
    login_as("parent")
    client.post("/language", data={"lang": "en"})
    page = client.get("/account/consents").get_data(as_text=True)
    assert "the parent's access to this child's e-diary" in page.replace("&#39;", "'")
    confirm = client.get(f"/account/consents/{world.anna.id}/withdraw").get_data(as_text=True)
    assert "Withdraw consent" in confirm


@pytest.mark.parametrize(
    "who,student,operation,error",
    [
        ("parent", "boris", "withdraw", AccessDenied),  # not their child
        ("parent_b", "anna", "give", AccessDenied),
        ("student", "anna", "withdraw", AccessDenied),  # the parent withdraws, not the child
        ("teacher", "anna", "withdraw", AccessDenied),
        ("parent", "anna", "give", Conflict),  # already in force
    ],
)
def test_who_may_withdraw_or_give(world, consents, who, student, operation, error):
    act = withdraw_consent if operation == "withdraw" else give_consent
    with pytest.raises(error):
        act(_actor(world, who), getattr(world, student).id, now=utcnow())


def test_a_second_withdrawal_is_refused_and_nothing_changes(world, consents, client, login_as):
    withdraw_consent(_actor(world, "parent"), world.anna.id, now=utcnow())
    db.session.commit()
    with pytest.raises(Conflict):
        withdraw_consent(_actor(world, "parent"), world.anna.id, now=utcnow())
    login_as("parent")
    response = client.post(f"/account/consents/{world.anna.id}/withdraw", follow_redirects=True)
    assert "Согласие за этого ребёнка уже отозвано." in response.get_data(as_text=True)
    assert db.session.scalars(select(Consent.withdrawn_at).where(Consent.student_id == world.anna.id)).all()[0]
    forged = client.post(f"/account/consents/{world.boris.id}/give")
    assert forged.status_code == 403


def test_a_child_linked_after_the_code_gets_a_consent_on_record_when_withdrawn(world, client, login_as):
    """No row for the child (linked after the parent redeemed): the withdrawal writes down the consent it ends."""
    first = Consent(user_id=world.users["parent"].id, student_id=None, text_version="2026-09", accepted_at=GIVEN_AT)
    db.session.add(first)
    db.session.commit()
    assert family_consents(_actor(world, "parent"))[0].in_force
    withdraw_consent(_actor(world, "parent"), world.anna.id, now=utcnow())
    row = db.session.scalars(select(Consent).where(Consent.student_id == world.anna.id)).one()
    assert row.text_version == "2026-09" and row.withdrawn_at is not None
    assert not can_view_student(_actor(world, "parent"), world.anna.id)
