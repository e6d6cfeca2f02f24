"""The archive of a finished year (R33, models/organisation.archive_year / restore_year and the actions of the
years list): only after its last period has ended, only by the operator, audited; an archived year's journal
is read, printed and reported but nothing in it changes; a mistake is undone by restoring it.

World: 2026/2027 with its 1st quarter 01.09–25.10.2026 as the only period."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import AcademicYear, AuditEvent, db
from models.errors import AccessDenied, InvalidInput, NotFound, PeriodClosed
from models.finals.saving import set_period_mark
from models.journal.page import journal_page
from models.school.organisation import archive_year, restore_year

NOW = dt.datetime(2026, 10, 26, 9, 0, tzinfo=dt.UTC)


def test_not_before_the_last_period_has_ended(world, operator):
    with pytest.raises(InvalidInput) as refused:
        archive_year(operator, world.year.id, today=dt.date(2026, 10, 25), now=NOW)
    assert refused.value.message == "Учебный год 2026/2027 ещё не закончился: последний учебный день — 25.10.2026."
    assert world.year.archived_at is None


def test_archived_the_journal_is_read_not_written_then_restored(world, operator, actor_of):
    archive_year(operator, world.year.id, today=dt.date(2026, 10, 26), now=NOW)
    db.session.commit()
    page = journal_page(actor_of("teacher"), world.a_maths_5a.id, world.q1.id, now=NOW)
    assert page.read_only is not None and page.students  # still readable
    with pytest.raises(PeriodClosed):
        set_period_mark(actor_of("teacher"), world.a_maths_5a.id, world.q1.id, world.anna.id, "5", now=NOW)
    with pytest.raises(InvalidInput):
        archive_year(operator, world.year.id, today=dt.date(2026, 10, 26), now=NOW)  # already
    restore_year(operator, world.year.id, "Исправление отметки по приказу № 12", now=NOW)
    db.session.commit()
    assert world.year.archived_at is None
    with pytest.raises(InvalidInput):
        restore_year(operator, world.year.id, "Исправление отметки по приказу № 12", now=NOW)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "academic_year").order_by(AuditEvent.id)
    ).all()
    assert actions[-3:] == ["year.archive", "year.seal", "year.restore"]


@pytest.mark.parametrize("who", ["director", "coordinator", "secretary", "teacher"])
def test_only_the_operator(world, actor_of, who):
    with pytest.raises(AccessDenied):
        archive_year(actor_of(who), world.year.id, today=dt.date(2026, 10, 26), now=NOW)


def test_a_year_of_another_school_is_not_found(world, actor_of):
    foreign = actor_of("foreign_operator")
    with pytest.raises(NotFound):
        archive_year(foreign, world.year.id, today=dt.date(2026, 10, 26), now=NOW)


def test_the_actions_of_the_years_list(client, login_as, world):
    login_as("operator")
    html = client.get("/admin/years/").get_data(as_text=True)
    assert "Перенести в архив" in html and "Вернуть из архива" not in html  # with a reason, on the seals page
    response = client.post(
        "/admin/years/action/", data={"action": "archive", "rowid": [str(world.year.id)]}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    archived = db.session.scalar(select(AcademicYear.archived_at).where(AcademicYear.id == world.year.id))
    assert "Перенос в архив учебных годов (1) поставлен в очередь." in html  # a job: run at once in the tests
    assert archived is not None  # today is after 25.10.2026
    client.post("/admin/year-seals/restore", data={"year_id": world.year.id, "reason": "Год перенесён по ошибке"})
    assert db.session.scalar(select(AcademicYear.archived_at).where(AcademicYear.id == world.year.id)) is None
    login_as("director")  # reads the list, no actions
    html = client.get("/admin/years/").get_data(as_text=True)
    assert "Перенести в архив" not in html
    client.post("/admin/years/action/", data={"action": "archive", "rowid": [str(world.year.id)]})
    assert db.session.scalar(select(AcademicYear.archived_at).where(AcademicYear.id == world.year.id)) is None
