"""The school's grading scheme (R3): the operator switches between the 5-point scale and criteria-based
points while the open years have no marks; audited; nobody else may."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select

from models import AuditEvent, Mark, School, db
from models.access import Actor
from models.errors import AccessDenied, Conflict, InvalidInput
from models.school.organisation import set_grading_scheme


def _scheme(world):
    return db.session.scalar(select(School.grading_scheme).where(School.id == world.school.id))


def test_marks_in_an_open_year_keep_the_scheme(world):
    with pytest.raises(Conflict, match="уже есть отметки"):
        set_grading_scheme(Actor.of(world.users["operator"]), "criteria")
    assert _scheme(world) == "five_point"


def test_the_operator_switches_before_the_year_starts(world):
    db.session.execute(delete(Mark))
    operator = Actor.of(world.users["operator"])
    assert set_grading_scheme(operator, "criteria") is True
    assert set_grading_scheme(operator, "criteria") is False  # nothing to change
    assert _scheme(world) == "criteria"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "school.grading_scheme")).one()
    assert event.entity_id == world.school.id


def test_an_archived_year_does_not_count(world):
    world.year.archived_at = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
    db.session.flush()
    assert set_grading_scheme(Actor.of(world.users["operator"]), "criteria") is True


@pytest.mark.parametrize("who", ["director", "coordinator", "teacher", "secretary"])
def test_only_the_operator(world, who):
    db.session.execute(delete(Mark))
    with pytest.raises(AccessDenied):
        set_grading_scheme(Actor.of(world.users[who]), "criteria")


def test_an_unknown_scheme_is_refused(world):
    with pytest.raises(InvalidInput):
        set_grading_scheme(Actor.of(world.users["operator"]), "ten_point")


def test_the_settings_page_switches_the_scheme(client, login_as, world):
    login_as("operator")
    html = client.get("/admin/settings/").get_data(as_text=True)
    assert 'id="scheme-five_point" value="five_point" checked' in html
    # the world's year has marks: the page says so instead of the rule's wording, and offers no switch
    assert 'id="scheme-locked"' in html and "scheme-save" not in html and world.year.name in html
    response = client.post("/admin/settings/scheme", data={"grading_scheme": "criteria"}, follow_redirects=True)
    assert "уже есть отметки" in response.get_data(as_text=True) and _scheme(world) == "five_point"
    db.session.execute(delete(Mark))
    db.session.commit()
    html = client.get("/admin/settings/").get_data(as_text=True)
    assert 'id="scheme-locked"' not in html and 'id="scheme-save"' in html
    response = client.post("/admin/settings/scheme", data={"grading_scheme": "criteria"}, follow_redirects=True)
    assert "Система оценивания изменена" in response.get_data(as_text=True) and _scheme(world) == "criteria"


def test_the_director_sees_the_scheme_but_cannot_switch(client, login_as, world):
    login_as("director")
    html = client.get("/admin/settings/").get_data(as_text=True)
    assert 'id="scheme-form"' in html and "scheme-save" not in html
    client.post("/admin/settings/scheme", data={"grading_scheme": "criteria"})
    assert _scheme(world) == "five_point"
