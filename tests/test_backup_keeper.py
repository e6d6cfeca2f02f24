"""The backups the system keeps (issue 18 item 4; models/backups.py decides, backup_keeper.py works): when a
scheduled backup is due, the file written, read back and recorded, "keep N", the status on the operator's home
page and in /healthz, the backups page (schedule and keep N as school settings), the restore drill."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from backup_keeper import drill, make_backup, prune, run_scheduled
from models import AuditEvent, BackupRun, Setting, db
from models.backups import Plan, is_due, overdue, plan, status
from models.errors import AccessDenied, InvalidInput
from models.school_time import school_zone

ALMATY = school_zone("Asia/Almaty")  # UTC+5
# Wednesday 09.12.2026 02:00 in Almaty = 08.12.2026 21:00 UTC
NIGHT = dt.datetime(2026, 12, 8, 21, 0, tzinfo=dt.UTC)
AFTERNOON = dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)  # 14:00 in Almaty
SUNDAY_NIGHT = dt.datetime(2026, 12, 12, 22, 0, tzinfo=dt.UTC)  # Sunday 13.12 03:00 in Almaty


def _run(hours_before: float, when: dt.datetime) -> BackupRun:
    return BackupRun(started_at=when - dt.timedelta(hours=hours_before), verified=True, trigger="schedule")


@pytest.mark.parametrize(
    "schedule,last_hours_ago,now,due",
    [
        ("nightly", None, AFTERNOON, True),  # never backed up: at once
        ("nightly", 23.5, NIGHT, True),  # last night's, a little later tonight
        ("nightly", 3, NIGHT, False),
        ("nightly", 23.5, AFTERNOON, False),  # waits for the night
        ("nightly", 37, AFTERNOON, True),  # the worker was down all night: made up 12 h late
        ("weekly", 24 * 3, NIGHT, False),  # a Wednesday night
        ("weekly", 24 * 7 - 0.5, SUNDAY_NIGHT, True),
        ("weekly", 24 * 6, SUNDAY_NIGHT, False),
        ("off", None, NIGHT, False),
        ("off", 24 * 30, NIGHT, False),
    ],
)
def test_when_a_scheduled_backup_is_due(schedule, last_hours_ago, now, due):
    last = None if last_hours_ago is None else _run(last_hours_ago, now)
    assert is_due(Plan(schedule, 7, ALMATY), last, now) is due


def test_overdue_only_with_a_schedule():
    assert overdue(Plan("nightly", 7, ALMATY), None, NIGHT)
    assert overdue(Plan("nightly", 7, ALMATY), _run(37, NIGHT), NIGHT)
    assert not overdue(Plan("nightly", 7, ALMATY), _run(30, NIGHT), NIGHT)
    assert not overdue(Plan("off", 7, ALMATY), None, NIGHT)


def test_the_plan_follows_the_most_frequent_schedule_and_the_largest_keep(world):
    assert plan().schedule == "nightly" and plan().keep == 7  # the defaults
    db.session.add_all(
        [
            Setting(school_id=world.school.id, key="backup_schedule", value="weekly"),
            Setting(school_id=world.school.id, key="backup_keep", value="3"),
            Setting(school_id=world.other_school.id, key="backup_keep", value="12"),
        ]
    )
    db.session.flush()
    assert (plan().schedule, plan().keep) == ("nightly", 12)  # the other school keeps the default: nightly


@pytest.fixture()
def backups(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path / "backups"))
    return tmp_path / "backups"


def test_a_scheduled_backup_is_written_checked_recorded_and_not_repeated(app_ctx, world, backups):
    run = run_scheduled(NIGHT)
    assert run.verified and run.trigger == "schedule" and run.error is None
    path = backups / run.file_name
    assert path.exists() and run.size_bytes == path.stat().st_size > 0 and run.rows > 10
    assert run_scheduled(NIGHT + dt.timedelta(minutes=15)) is None  # not due again
    assert status(NIGHT).as_json() | {"last_at": None} == {
        "schedule": "nightly",
        "last_at": None,
        "size_bytes": run.size_bytes,
        "verified": True,
        "drill_ok": None,
        "overdue": False,
        "last_attempt_failed": False,
    }


def test_a_failed_backup_is_recorded_with_its_reason(app_ctx, world, backups, monkeypatch):
    import backup_keeper
    from backup import BackupError

    def broken(*args, **kwargs):
        raise BackupError("disk full")

    monkeypatch.setattr(backup_keeper, "write_backup", broken)
    run = make_backup("cli", NIGHT)
    assert not run.verified and run.error == "BackupError: disk full" and run.finished_at is not None
    assert status(NIGHT).failed_since.id == run.id and status(NIGHT).overdue


def test_keep_n_deletes_the_oldest_scheduled_files(app_ctx, world, backups):
    runs = [make_backup("schedule", NIGHT + dt.timedelta(days=i)) for i in range(3)]
    manual = make_backup("cli", NIGHT - dt.timedelta(days=5))
    assert prune(2) == 1
    assert runs[0].deleted_at is not None and not (backups / runs[0].file_name).exists()
    assert all((backups / r.file_name).exists() for r in runs[1:] + [manual])  # a manual one is not the schedule's


def test_the_restore_drill_restores_the_latest_and_compares(app_ctx, world, backups):
    assert not drill().ok  # nothing to restore yet
    run = make_backup("cli", NIGHT)
    result = drill(now=AFTERNOON)
    assert result.ok and result.differences == [] and result.rows == run.rows
    db.session.refresh(run)
    assert run.drill_ok is True and run.drilled_at is not None


def test_the_drill_finds_a_damaged_file(app_ctx, world, backups):
    import zipfile

    run = make_backup("cli", NIGHT)
    path = backups / run.file_name
    with zipfile.ZipFile(path) as z:
        items = {name: z.read(name) for name in z.namelist()}
    items["tables/students.jsonl"] = items["tables/students.jsonl"].replace("Аннова".encode(), "Иванова".encode())
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    from backup import BackupError

    with pytest.raises(BackupError):
        drill()


def test_the_commands(app, world, backups):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup-scheduled", "--now"])
    assert made.exit_code == 0 and "verified" in made.output
    drilled = runner.invoke(args=["backup-drill"])
    assert drilled.exit_code == 0 and "every table compared again with the file" in drilled.output


def test_the_page_home_and_healthz(client, login_as, world, backups):
    login_as("operator")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="backup-status"' in html and 'id="backup-none"' in html and 'id="backup-overdue"' in html
    bad = client.post("/admin/backups/settings", data={"backup_schedule": "hourly", "backup_keep": "5"})
    assert bad.status_code == 302
    html = client.get("/admin/backups/").get_data(as_text=True)
    assert "выберите одно из предложенных значений" in html
    client.post("/admin/backups/settings", data={"backup_schedule": "weekly", "backup_keep": "500"})
    assert "допустимо от 1 до 90" in client.get("/admin/backups/").get_data(as_text=True)
    client.post("/admin/backups/settings", data={"backup_schedule": "weekly", "backup_keep": "4"})
    values = dict(
        db.session.execute(select(Setting.key, Setting.value).where(Setting.school_id == world.school.id)).all()
    )
    assert values["backup_schedule"] == "weekly" and values["backup_keep"] == "4"
    audited = db.session.scalars(select(AuditEvent.new).where(AuditEvent.action == "setting.update")).all()
    assert {"backup_keep": 4} in [json.loads(a) for a in audited]
    with app_context_of(client):
        make_backup("cli")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="backup-verified"' in html
    health = client.get("/healthz").json["backup"]
    assert health["verified"] is True and health["size_bytes"] > 0 and health["schedule"] == "nightly"
    login_as("director")
    assert 'id="backup-status"' not in client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/backups/").status_code == 403


def app_context_of(client):
    return client.application.app_context()


@pytest.mark.parametrize("who", ["director", "secretary", "classteacher"])
def test_only_the_operator_sets_the_schedule(world, who):
    from models.access import Actor
    from models.backups import set_backup_settings

    with pytest.raises(AccessDenied):
        set_backup_settings(Actor.of(world.users[who]), "off", 3)


def test_bad_values_change_nothing(world):
    from models.access import Actor
    from models.backups import set_backup_settings

    with pytest.raises(InvalidInput):
        set_backup_settings(Actor.of(world.users["operator"]), "off", "0")
    assert db.session.scalar(select(Setting).where(Setting.key == "backup_schedule")) is None
