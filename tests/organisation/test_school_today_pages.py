"""A server in UTC and a school in Almaty (UTC+5): at 21:00 UTC the school is in the next day, and every page
that depends on today agrees with it (the clock is models.base.clock, frozen here)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

import models.base
from models import Period, TimetableEntry
from models.access import Actor
from models.accounts.activity import PageView
from models.accounts.invites import issue_invite
from reports.invite_register import invite_register

UTC = dt.UTC


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture()
def almaty(world, db_session, monkeypatch):
    """Almaty's school with a second quarter from Monday 26.10.2026 and a Monday lesson of the teacher."""
    world.school.timezone = "Asia/Almaty"
    q2 = Period(
        year_id=world.year.id,
        scheme="quarter",
        number=2,
        name="2 четверть",
        starts_on=dt.date(2026, 10, 26),
        ends_on=dt.date(2026, 12, 29),
    )
    db_session.add_all(
        [
            q2,
            TimetableEntry(
                assignment_id=world.a_maths_5a.id, weekday=1, bell_id=world.bell.id, valid_from=world.year.starts_on
            ),
        ]
    )
    db_session.commit()

    def freeze(utc: str):
        moment = dt.datetime.fromisoformat(utc).replace(tzinfo=UTC)
        monkeypatch.setattr(models.base, "clock", lambda: moment)
        return moment

    return freeze


# The school's day at 21:00 UTC is the server's day + 1: the boundaries of a week, a quarter and a month.
MOMENTS = [
    # server: Sunday 25.10 (1st quarter, week of 19.10); school: Monday 26.10 (2nd quarter, new week)
    ("2026-10-25 21:00", dt.date(2026, 10, 26)),
    # server: Saturday 31.10 (October); school: Sunday 01.11 (November)
    ("2026-10-31 21:00", dt.date(2026, 11, 1)),
]


@pytest.mark.parametrize("utc, day", MOMENTS)
def test_every_page_agrees_on_the_schools_day(client, login_as, world, almaty, utc, day):
    almaty(utc)
    monday = day - dt.timedelta(days=day.weekday())
    quarter = "2 четверть" if day >= dt.date(2026, 10, 26) else "1 четверть"
    span = "26.10.2026 – 29.12.2026" if quarter == "2 четверть" else "01.09.2026 – 25.10.2026"

    login_as("teacher")  # the teacher's home: today's date and lessons
    home = _text(client.get("/admin/"))
    assert f"Сегодня, {_d(day)}" in home
    assert ('class="today-lesson' in home) == (day.weekday() == 0)  # the Monday lesson of the timetable
    grid = _text(client.get(f"/admin/journal/{world.a_maths_5a.id}"))  # the grid's default period
    assert span in grid
    sheet = _text(client.get(f"/admin/finals/{world.a_maths_5a.id}"))  # the finals' default period
    assert re.search(r'class="nav-link active" id="tab-\w+-(\d+)"', sheet).group(1) == str(
        world.q1.id if quarter == "1 четверть" else world.q1.id + 1
    )

    login_as("director")  # the administration's home, the results and the journal control
    assert f"Школа сегодня, {_d(day)}" in _text(client.get("/admin/"))
    results = _text(client.get("/admin/results/"))
    assert "Итоги периода: 1 четверть" in results  # the quarter ended last (complete), on its last day
    assert "Класс обучающегося — на 25.10.2026." in results
    periods = _text(client.get("/admin/finals/periods/"))  # the first quarter has ended in Almaty
    assert re.search(rf'id="period-{world.q1.id}".*?class="state">([^<]*)<', periods).group(1) == "закончился"
    control = _text(client.get("/admin/control/"))
    assert f'name="month" id="month" value="{day:%Y-%m}"' in control

    login_as("parent")  # the family: the diary opens on the school's week
    diary = _text(client.get(f"/diary/{world.anna.id}"))
    assert _d(monday) in diary

    visits = {
        v.day
        for v in models.db.session.query(PageView).filter(
            PageView.user_id.in_([world.users[n].id for n in ("teacher", "director", "parent")])
        )
    }
    assert visits == {day}  # the visit counter counts the school's day


def test_invitation_times_are_the_schools(client, login_as, world, almaty, db_session):
    almaty("2026-10-25 21:00")
    invite, _code = issue_invite(
        Actor.of(world.users["operator"]), "teacher", now=models.base.utcnow(), staff_id=world.s_other_teacher.id
    )
    db_session.commit()
    _name, rows = invite_register(Actor.of(world.users["operator"]))
    assert [r.issued_at for r in rows if r.person.startswith("Физикова")] == ["26.10.2026 02:00"]
    login_as("operator")
    assert "26.10.2026 02:00" in _text(client.get("/admin/invites/"))


def _settings(**changes):
    from models.school.settings import SETTINGS, stored_text

    return {s.key: stored_text(s.default) for s in SETTINGS} | changes


def test_the_operator_sees_and_sets_the_time_zone(client, login_as, world, db_session):
    from models.audit import AuditEvent
    from models.tables.school import School

    login_as("operator")
    page = _text(client.get("/admin/settings/"))
    assert '<select class="form-control" id="timezone" name="timezone">' in page
    assert '<option value="Europe/Moscow" selected>UTC+03:00 — Europe/Moscow</option>' in page
    assert "UTC+05:00 — Asia/Almaty" in page and "UTC+10:00 — Asia/Vladivostok" in page
    response = client.post("/admin/settings/", data=_settings(timezone="Asia/Almaty"), follow_redirects=True)
    assert "Настройки сохранены (изменено: 1)." in _text(response)
    assert db_session.get(School, world.school.id).timezone == "Asia/Almaty"
    audit = db_session.query(AuditEvent).filter_by(action="setting.update", entity="school").one()
    assert (json.loads(audit.old), json.loads(audit.new)) == (
        {"timezone": "Europe/Moscow"},
        {"timezone": "Asia/Almaty"},
    )


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/Berlin", "", "../../etc/passwd"])
def test_a_zone_outside_the_list_is_refused_and_nothing_changes(client, login_as, world, db_session, zone):
    from models.tables.school import School

    login_as("operator")
    response = client.post("/admin/settings/", data=_settings(timezone=zone, min_marks_for_period="5"))
    body = _text(response)
    assert "Настройки не сохранены: исправьте отмеченные поля." in body
    assert 'id="timezone-error"' in body
    db_session.expire_all()
    assert db_session.get(School, world.school.id).timezone == "Europe/Moscow"


def test_only_the_operator_sets_the_zone(world, db_session):
    from models.errors import AccessDenied
    from models.school.settings import set_settings

    with pytest.raises(AccessDenied):
        set_settings(Actor.of(world.users["director"]), {"timezone": "Asia/Almaty"})
