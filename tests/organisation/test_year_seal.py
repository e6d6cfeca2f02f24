"""The seal of an archived year (models/school/seal.py, issue 18 item 2): archiving seals the year's lessons,
marks, attendance and period marks with who and when; a mark changed afterwards (behind the application's
back, straight in the database) is found by the CLI command and named on the page; taking the year out of the
archive needs a reason, is audited and breaks the seal visibly until the year is archived again.

World: 2026/2027, its 1st quarter 01.09–25.10.2026; one lesson with a mark in 5А and one in 6Б."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update

from cli import init_cli  # noqa: F401 - the commands are registered by create_app
from models import AcademicYear, AuditEvent, Mark, YearSeal, db
from models.errors import AccessDenied, InvalidInput, NotFound
from models.school.organisation import archive_year, restore_year, seal_archived_year
from models.school.seal import _plain, check_school_year, row_digest, seal_overview, verify_year

NOW = dt.datetime(2026, 10, 26, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 10, 26)
REASON = "Исправление по приказу № 7 от 27.10.2026"


@pytest.fixture()
def archived(world, operator):
    archive_year(operator, world.year.id, today=DAY, now=NOW)
    db.session.commit()
    return world.year


def _change_a_mark_behind_the_apps_back(world, value=2):
    db.session.execute(update(Mark).where(Mark.lesson_id == world.lesson_5a.id).values(value=value))
    db.session.expire_all()


def test_archiving_seals_with_who_and_when_and_an_audit_record(archived, world):
    seal = db.session.scalar(select(YearSeal).where(YearSeal.year_id == archived.id))
    assert seal.sealed_by_id == world.users["operator"].id and seal.sealed_at.replace(tzinfo=dt.UTC) == NOW
    assert json.loads(seal.counts_json) == {
        "lessons": 2,
        "marks": 2,
        "attendance": 0,
        "period_marks": 0,
        "printouts": 0,
    }
    audited = db.session.scalar(select(AuditEvent.new).where(AuditEvent.action == "year.seal"))
    assert json.loads(audited)["checksum"] == seal.checksum and len(seal.checksum) == 64
    check = verify_year(archived)
    assert check.state == "intact" and check.differences == []


def test_a_changed_mark_is_detected_and_named(archived, world, operator):
    _change_a_mark_behind_the_apps_back(world)
    check = check_school_year(operator, archived.id)
    assert check.state == "changed"
    [difference] = check.differences
    assert (difference.part, difference.change) == ("marks", "changed")
    assert difference.description == "Аннова Анна: 07.09.2026, 5А, Математика"


def test_added_and_removed_rows_are_named(archived, world, operator):
    mark_6b = db.session.scalar(select(Mark).where(Mark.lesson_id == world.lesson_6b.id))
    db.session.add(Mark(lesson_id=world.lesson_5a.id, student_id=world.vera.id, value=4))
    db.session.flush()
    db.session.delete(mark_6b)
    db.session.flush()
    changes = sorted((d.part, d.change) for d in check_school_year(operator, archived.id).differences)
    assert changes == [("marks", "added"), ("marks", "removed")]


def test_a_seal_rewritten_to_hide_a_change_disagrees_with_its_audit_record(archived, world):
    from models.school.seal import checksum_of, year_digests

    _change_a_mark_behind_the_apps_back(world)
    import zlib

    digests = year_digests(archived.id)
    db.session.execute(
        update(YearSeal)
        .where(YearSeal.year_id == archived.id)
        .values(checksum=checksum_of(digests), digests=zlib.compress(json.dumps(digests).encode()))
    )
    db.session.expire_all()
    check = verify_year(archived)
    assert check.differences == [] and not check.seal_matches_audit and check.state == "changed"


def test_taking_out_of_the_archive_needs_a_reason_and_breaks_the_seal(archived, world, operator):
    for reason in (None, "", "   ", "abc"):
        with pytest.raises(InvalidInput):
            restore_year(operator, archived.id, reason, now=NOW)
    assert archived.archived_at is not None
    later = NOW + dt.timedelta(days=1)
    restore_year(operator, archived.id, f"  {REASON} ", now=later)
    db.session.commit()
    seal = db.session.scalar(select(YearSeal).where(YearSeal.year_id == archived.id))
    assert seal.broken_reason == REASON and seal.broken_by_id == world.users["operator"].id
    assert [line.state for line in seal_overview(operator)] == ["broken"]
    assert verify_year(archived).state == "broken"
    restored = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "year.restore"))
    assert json.loads(restored.new) == {"reason": REASON} and json.loads(restored.old)["seal_id"] == seal.id
    # archived again: a new seal guards what is there now
    _change_a_mark_behind_the_apps_back(world, value=4)
    archive_year(operator, archived.id, today=DAY, now=later)
    assert verify_year(archived).state == "intact"
    assert [line.state for line in seal_overview(operator)] == ["intact"]


def test_a_year_archived_before_seals_is_sealed_on_request(archived, operator):
    db.session.execute(text("DELETE FROM year_seals"))
    db.session.expire_all()
    assert [line.state for line in seal_overview(operator)] == ["missing"]
    seal_archived_year(operator, archived.id, now=NOW)
    assert verify_year(archived).state == "intact"
    with pytest.raises(InvalidInput):
        seal_archived_year(operator, archived.id, now=NOW)


@pytest.mark.parametrize("who", ["director", "coordinator", "secretary", "teacher"])
def test_only_the_operator_takes_a_year_out(archived, actor_of, who):
    with pytest.raises(AccessDenied):
        restore_year(actor_of(who), archived.id, REASON, now=NOW)


@pytest.mark.parametrize("who,allowed", [("director", True), ("coordinator", True), ("secretary", False)])
def test_who_verifies(archived, actor_of, who, allowed):
    if allowed:
        assert check_school_year(actor_of(who), archived.id).state == "intact"
    else:
        with pytest.raises(AccessDenied):
            check_school_year(actor_of(who), archived.id)


def test_another_schools_year_is_not_found(archived, actor_of):
    with pytest.raises(NotFound):
        check_school_year(actor_of("foreign_operator"), archived.id)


def test_digests_read_the_same_from_either_database():
    """SQLite gives naive UTC moments and PostgreSQL aware ones; decimals may come with or without trailing zeros."""
    naive = [1, dt.datetime(2026, 9, 1, 6, 0), Decimal("1.50"), True]
    aware = [1, dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))), Decimal("1.5"), 1]
    assert row_digest([_plain(v) for v in naive]) == row_digest([_plain(v) for v in aware])
    assert row_digest([1, None]) != row_digest([1, "None"]) != row_digest([1, ""])


def test_the_command_exits_1_and_names_the_change(app, archived, world):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["verify-seals", "--school-code", "world"])
    assert ok.exit_code == 0 and "2026/2027: Печать цела" in ok.output
    _change_a_mark_behind_the_apps_back(world)
    bad = runner.invoke(args=["verify-seals"])
    assert bad.exit_code == 1
    assert (
        "Отметка #" in bad.output and "Аннова Анна: 07.09.2026, 5А, Математика: изменено после архивации" in bad.output
    )


def test_the_page_verifies_and_takes_out_with_a_reason(client, login_as, archived, world):
    login_as("director")
    html = client.get("/admin/year-seals/").get_data(as_text=True)
    assert "Печать цела" in html and "Вернуть из архива" not in html
    _change_a_mark_behind_the_apps_back(world)
    html = client.post("/admin/year-seals/verify", data={"year_id": archived.id}, follow_redirects=True).get_data(
        as_text=True
    )  # a job (run at once in the tests), its result on the page
    assert 'data-state="changed"' in html and "Аннова Анна: 07.09.2026, 5А, Математика" in html
    assert "Расхождений: 1." in html
    assert client.post("/admin/year-seals/restore", data={"year_id": archived.id, "reason": REASON}).status_code == 403
    login_as("operator")
    html = client.post(
        "/admin/year-seals/restore", data={"year_id": archived.id, "reason": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Укажите причину" in html and archived.archived_at is not None
    html = client.post(
        "/admin/year-seals/restore", data={"year_id": archived.id, "reason": REASON}, follow_redirects=True
    ).get_data(as_text=True)
    assert "возвращён из архива; печать снята" in html and "Печать снята" in html and REASON in html
    assert client.post("/admin/year-seals/verify", data={"year_id": "abc"}).status_code == 404
    assert client.get("/admin/year-seals/?job=abc").status_code == 404
    foreign = AcademicYear(
        school_id=world.other_school.id, name="2026/2027", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 5, 31)
    )
    db.session.add(foreign)
    db.session.flush()
    assert client.post("/admin/year-seals/verify", data={"year_id": foreign.id}).status_code == 404
    assert client.post("/admin/year-seals/seal", data={"year_id": foreign.id}).status_code == 404
