"""The bin's doors per role (the URL matrix checks GETs only): every "delete" of a student or a teaching assignment in
the staff panel and the bin's restore are the operator's; the others' POSTs change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import RemovedRecord, SchoolClass, Student, TeachingAssignment, db
from models.access import Actor
from models.school.removal import remove

from .roles import ROLES

LOGINS = {
    "student": "student",
    "parent": "parent",
    "teacher": "teacher",
    "classteacher": "classteacher",
    "secretary": "secretary",
    "coordinator": "coordinator",
    "director": "director",
    "operator": "operator",
}


def _sign_in(client, login_as, role):
    if role == "anonymous":
        client.post("/logout")
    else:
        login_as(LOGINS[role])


@pytest.mark.parametrize("role", ROLES)
def test_only_the_operator_removes_through_the_staff_panel(client, world, login_as, role):
    _sign_in(client, login_as, role)
    student = client.post("/admin/students/delete/", data={"id": world.vera.id})
    assignment = client.post("/admin/assignments/delete/", data={"id": world.a_russian_5a.id})
    assert student.status_code in (302, 403) and assignment.status_code in (302, 403)
    removed = {r.kind for r in db.session.scalars(select(RemovedRecord))}
    if role == "operator":
        assert removed == {"student", "assignment"}
        assert db.session.get(Student, world.vera.id) is None
        assert db.session.get(TeachingAssignment, world.a_russian_5a.id) is None
    else:
        assert removed == set()
        assert db.session.get(Student, world.vera.id) is not None


@pytest.mark.parametrize("role", ROLES)
def test_only_the_operator_restores(client, world, login_as, role):
    record = remove(Actor.of(world.users["teacher"]), "lesson", world.lesson_5a.id)
    db.session.commit()
    _sign_in(client, login_as, role)
    response = client.post("/admin/bin/restore", data={"record_id": record.id})
    db.session.expire_all()
    restored = db.session.get(RemovedRecord, record.id).restored_at is not None
    assert restored == (role == "operator")
    assert response.status_code == (302 if role in ("operator", "anonymous") else 403)


def test_the_bulk_delete_puts_each_row_into_the_bin_and_names_a_refusal(client, world, login_as):
    login_as("secretary")  # writes the rosters, removes nothing
    client.post("/admin/students/action/", data={"action": "delete", "rowid": [world.vera.id]})
    assert db.session.scalars(select(RemovedRecord)).all() == []
    login_as("operator")
    response = client.post(
        "/admin/students/action/",
        data={"action": "delete", "rowid": [world.vera.id, world.anna.id]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "учётные записи" in html  # anna has her own account: she stays
    assert [r.entity_id for r in db.session.scalars(select(RemovedRecord))] == [world.vera.id]
    assert db.session.get(Student, world.anna.id) is not None


@pytest.mark.parametrize("role", ROLES)
def test_the_classes_list_and_its_delete(client, world, login_as, role):
    _sign_in(client, login_as, role)
    listed = client.get("/admin/classes/")
    deleted = client.post("/admin/classes/delete/", data={"id": world.c6b.id})
    assert deleted.status_code in (302, 403)
    gone = db.session.get(SchoolClass, world.c6b.id) is None
    assert gone == (role == "operator")
    if role in ("coordinator", "director", "operator"):
        html = listed.get_data(as_text=True)
        assert listed.status_code == 200 and "5А" in html and "2026/2027" in html and "Русская Р.И." in html
        assert ("/admin/classes/delete/" in html) == (role == "operator")
