"""Archiving with the seal, sealing and verifying as background jobs (issue 18 item 2, issue 12's "no request
holds a web worker longer than 2 s"): the page starts the job and answers at once, shows its progress while
queued or running and its result when done; the year is archived and sealed in the job's one transaction, so
an attempt that breaks off leaves the year as it was and the retry does the whole. (A consumer killed with
SIGKILL mid-seal: test_a_killed_consumer_leaves_the_year_unarchived below.)

World: 2026/2027, its 1st quarter 01.09–25.10.2026; one lesson with a mark in 5А and one in 6Б."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select, update

import tasks
from models import AcademicYear, Job, Mark, YearSeal, db
from models.school import organisation
from models.school.organisation import archive_year, seal_job

NOW = dt.datetime(2026, 10, 26, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 10, 26)


def _last_job() -> Job:
    return db.session.scalar(select(Job).order_by(Job.id.desc()).limit(1))


def _seals(year_id: int) -> int:
    return db.session.scalar(select(func.count(YearSeal.id)).where(YearSeal.year_id == year_id))


@pytest.fixture()
def queue_later(monkeypatch):
    """The queue has not reached the job yet: the test runs the worker's turn itself (tasks.execute)."""
    monkeypatch.setattr(tasks, "enqueue", lambda job: None)


def test_verifying_answers_at_once_and_the_page_follows_the_job(client, login_as, world, operator, app, queue_later):
    archive_year(operator, world.year.id, today=DAY, now=NOW)
    db.session.commit()
    login_as("director")
    db.session.execute(update(Mark).where(Mark.lesson_id == world.lesson_5a.id).values(value=2))
    db.session.commit()  # behind the application's back
    started = time.monotonic()
    response = client.post("/admin/year-seals/verify", data={"year_id": world.year.id})
    assert response.status_code == 303 and time.monotonic() - started < 2
    job = _last_job()
    assert (job.kind, job.status, job.params["action"]) == ("year_seal", "queued", "verify")
    assert response.headers["Location"].endswith(f"/admin/year-seals/?job={job.id}#seal-job")
    page = client.get(f"/admin/year-seals/?job={job.id}").get_data(as_text=True)
    assert 'id="seal-job"' in page and 'data-status="queued"' in page and "js/jobs.js" in page
    assert 'id="seal-check"' not in page
    with app.app_context():
        assert tasks.execute(job.id) == "done"
    page = client.get(f"/admin/year-seals/?job={job.id}").get_data(as_text=True)
    assert 'data-state="changed"' in page and "Аннова Анна: 07.09.2026, 5А, Математика" in page
    assert "Расхождений: 1." in page and "js/jobs.js" not in page
    jobs_page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "Проверка печати: 2026/2027" in jobs_page and f"/admin/year-seals/?job={job.id}" in jobs_page
    login_as("foreign_operator")  # another school's operator: not its job
    assert client.get(f"/admin/year-seals/?job={job.id}").status_code == 404


def test_archiving_from_the_years_list_is_a_job_that_archives_and_seals(client, login_as, world, app, queue_later):
    login_as("operator")
    client.post("/admin/years/action/", data={"action": "archive", "rowid": [str(world.year.id)]})
    job = _last_job()
    assert (job.status, job.params["action"], job.params["year_id"]) == ("queued", "archive", world.year.id)
    assert db.session.get(AcademicYear, world.year.id).archived_at is None and _seals(world.year.id) == 0
    with app.app_context():
        assert tasks.execute(job.id) == "done"
    db.session.expire_all()
    assert db.session.get(AcademicYear, world.year.id).archived_at is not None and _seals(world.year.id) == 1
    page = client.get(f"/admin/year-seals/?job={job.id}").get_data(as_text=True)
    assert "перенесён в архив и запечатан" in page and "Печать цела" in page


def test_a_refused_archive_starts_no_job(client, login_as, world, queue_later, monkeypatch):
    from admin_views import organisation as views

    monkeypatch.setattr(views, "today", lambda: dt.date(2026, 10, 20))  # the quarter has not ended
    login_as("operator")
    html = client.post(
        "/admin/years/action/", data={"action": "archive", "rowid": [str(world.year.id)]}, follow_redirects=True
    ).get_data(as_text=True)
    assert "ещё не закончился" in html and _last_job() is None


def test_an_attempt_cut_short_leaves_the_year_as_it_was_and_the_retry_does_the_whole(world, operator, monkeypatch):
    job = Job(kind="year_seal", owner_id=world.users["operator"].id, school_id=world.school.id)
    job.params = seal_job(operator, "archive", world.year.id, today=DAY)
    db.session.add(job)
    db.session.commit()
    real = organisation.seal_year

    def breaks_off(*args, **kwargs):
        raise RuntimeError("the worker lost its database connection")

    monkeypatch.setattr(organisation, "seal_year", breaks_off)  # after archived_at was set, before the seal
    job_id, year_id = job.id, world.year.id
    with pytest.raises(RuntimeError):
        tasks.execute(job_id)
    job = db.session.get(Job, job_id)
    assert (job.status, job.attempts) == ("queued", 1)  # Huey tries again
    assert db.session.get(AcademicYear, year_id).archived_at is None and _seals(year_id) == 0
    monkeypatch.setattr(organisation, "seal_year", real)
    assert tasks.execute(job_id) == "done"
    job = db.session.get(Job, job_id)
    assert (job.status, job.attempts) == ("done", 2)
    assert db.session.get(AcademicYear, year_id).archived_at is not None and _seals(year_id) == 1


def test_a_killed_consumer_leaves_the_year_unarchived(fresh_url, tmp_path):
    """A real consumer killed with SIGKILL while the year is archived and sealed in its open transaction."""
    from models import User
    from models.access import Actor
    from models.jobs import create_job
    from tests.jobs.consumer import enqueue, kill_when, run_to_the_end, shared_app

    app = shared_app(fresh_url)
    queue, files = tmp_path / "queue.sqlite", tmp_path / "jobs"
    with app.app_context():
        operator = Actor.of(db.session.scalar(select(User).where(User.login == "operator")))
        year_id = db.session.scalar(select(AcademicYear.id).where(AcademicYear.school_id == operator.school_id))
        job_id = create_job(operator, "year_seal", seal_job(operator, "archive", year_id, today=DAY)).id
        db.session.commit()
    enqueue(queue, job_id)

    # killed past the step's pause: archived and sealed, not committed
    kill_when(app, fresh_url, queue, files, job_id, lambda j: j.status == "running" and j.progress >= 10, then_sleep=4)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.attempts) == ("running", 1)
        assert db.session.get(AcademicYear, year_id).archived_at is None and _seals(year_id) == 0
        db.session.remove()

    job, err = run_to_the_end(app, fresh_url, queue, files, job_id)
    assert (job.status, job.attempts) == ("done", 2), (job.error, err[-3000:])
    with app.app_context():
        assert db.session.get(AcademicYear, year_id).archived_at is not None and _seals(year_id) == 1
        db.session.remove()
        db.engine.dispose()
