"""Remarks to teachers (R29, models/journal/remarks.py): the coordinator writes one about a page or the whole journal
with a date to fix it by, the teacher reports it fixed with a note, the coordinator takes it off; refusals
change nothing; every step audited; the control page, the teacher's home page and the справка show them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from models import AuditEvent, Remark, db
from models.access import Actor
from models.errors import AccessDenied, InvalidInput
from models.journal.remarks import accept_remark, add_remark, fix_remark, my_remarks, remarks_between
from models.school_time import school_today

NOW = dt.datetime(2026, 9, 16, 10, 0, tzinfo=dt.UTC)


def _actor(world, who):
    return Actor.of(world.users[who])


def _add(world, who="coordinator", **kw):
    values = {
        "teacher_id": world.s_teacher.id,
        "assignment_id": world.a_maths_5a.id,
        "text": "Не записаны темы уроков 14.09 и 16.09",
        "due_on": dt.date(2026, 9, 21),
    }
    values.update(kw)
    return add_remark(_actor(world, who), now=NOW, **values)


def test_the_whole_cycle(jw, world):
    remark = _add(world)
    db.session.commit()
    (line,) = my_remarks(_actor(world, "teacher"))
    assert (line.state, line.page, line.teacher) == ("open", "5А · Математика", world.s_teacher.short_name)
    assert line.overdue(dt.date(2026, 9, 22)) and not line.overdue(dt.date(2026, 9, 21))
    with pytest.raises(InvalidInput):
        accept_remark(_actor(world, "coordinator"), remark.id, now=NOW)  # not fixed yet
    fix_remark(_actor(world, "teacher"), remark.id, "Темы записаны", now=NOW)
    assert my_remarks(_actor(world, "teacher"))[0].state == "fixed"
    accept_remark(_actor(world, "coordinator"), remark.id, now=NOW)
    db.session.commit()
    assert my_remarks(_actor(world, "teacher")) == []
    (kept,) = remarks_between(_actor(world, "director"), dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert kept.state == "accepted"
    with pytest.raises(InvalidInput):
        fix_remark(_actor(world, "teacher"), remark.id, "ещё раз", now=NOW)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "remark").order_by(AuditEvent.id)
    ).all()
    assert actions == ["remark.create", "remark.fix", "remark.accept"]


@pytest.mark.parametrize(
    "change,error",
    [
        ({"text": "  "}, "Замечание: напишите текст."),
        ({"teacher_id": None}, "Выберите учителя."),
        ({"assignment_id": "6b"}, "Эта страница журнала не относится к выбранному учителю."),
        ({"due_on": dt.date(2026, 9, 1)}, "Срок исправления не может быть в прошлом."),
        ({"text": "x" * 2001}, "Замечание: не длиннее 2000 символов."),
    ],
)
def test_bad_remarks_are_refused_and_nothing_is_written(jw, world, change, error):
    if change.get("assignment_id") == "6b":
        change["assignment_id"] = world.a_maths_6b.id
    with pytest.raises(InvalidInput) as refused:
        _add(world, **change)
    assert refused.value.message == error
    assert db.session.scalars(select(Remark)).all() == []


def test_a_teacher_of_another_school_is_refused(jw, world):
    foreign = world.users["foreign_operator"]
    with pytest.raises(InvalidInput):
        _add(world, teacher_id=foreign.staff_id or -1)


@pytest.mark.parametrize("who", ["teacher", "classteacher", "secretary", "operator", "parent"])
def test_who_writes_remarks(jw, world, who):
    with pytest.raises(AccessDenied):
        _add(world, who)


def test_only_the_addressee_reports_it_fixed(jw, world):
    remark = _add(world)
    with pytest.raises(AccessDenied):
        fix_remark(_actor(world, "other_teacher"), remark.id, "не моё", now=NOW)
    with pytest.raises(InvalidInput):
        fix_remark(_actor(world, "teacher"), remark.id, "", now=NOW)
    assert remark.fixed_at is None


def test_open_remarks_of_earlier_months_stay_in_the_list(jw, world):
    _add(world)
    db.session.commit()
    coordinator = _actor(world, "coordinator")
    assert len(remarks_between(coordinator, dt.date(2026, 10, 1), dt.date(2026, 10, 31))) == 1
    assert remarks_between(coordinator, dt.date(2026, 8, 1), dt.date(2026, 8, 31)) == []


def test_the_pages(client, login_as, jw, world, control_pdf):
    login_as("coordinator")
    html = client.get("/admin/control/?month=2026-09").get_data(as_text=True)
    assert f'id="remark-{world.s_teacher.id}"' in html
    response = client.post(
        "/admin/control/remarks",
        data={
            "month": "2026-09",
            "teacher": world.s_teacher.id,
            "assignment": world.a_maths_5a.id,
            "text": "Заполните домашние задания",
            "due_on": "2099-01-01",
        },
    )
    assert response.status_code == 302 and "month=2026-09" in response.location
    remark = db.session.scalar(select(Remark))
    login_as("teacher")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="my-remarks"' in html and "Заполните домашние задания" in html
    assert client.post(f"/admin/remarks/{remark.id}/fix", data={"note": "Заполнено"}).status_code == 302
    login_as("coordinator")
    html = client.get("/admin/control/?month=" + school_today(world.school.id).strftime("%Y-%m")).get_data(as_text=True)
    assert "Заполнено" in html and "accept-remark" in html
    assert client.post(f"/admin/control/remarks/{remark.id}/accept", data={"month": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Remark, remark.id).accepted_at is not None
    pdf = control_pdf(school_today(world.school.id).strftime("%Y-%m"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Заполните домашние задания" in text
    login_as("teacher")
    assert client.post("/admin/control/remarks", data={"teacher": world.s_teacher.id, "text": "x"}).status_code == 403
    assert client.post("/admin/remarks/999999/fix", data={"note": "x"}).status_code == 404
