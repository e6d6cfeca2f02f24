"""Background jobs in-process (Huey's immediate mode): asking, progress, the file, access, failure and retry,
a worker's death, old files. The real consumer process: test_worker_process.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import tasks
from models import db
from models.access import Actor
from models.base import utcnow
from models.jobs import LEASE, MAX_ATTEMPTS, Job, claim, create_job, stale_jobs


@pytest.fixture(autouse=True)
def jobs_dir(app, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    return tmp_path / "jobs"


def _actor(world, name):
    return Actor.of(world.users[name])


def _only_job() -> Job:
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_the_operator_asks_for_the_register_and_downloads_the_pdf(client, login_as, jobs_dir):
    login_as("operator")
    response = client.post("/admin/jobs/new/invite_register")
    assert response.status_code == 303 and response.location.endswith("/admin/jobs/")
    job = _only_job()
    assert (job.kind, job.status, job.progress, job.attempts) == ("invite_register", "done", 100, 1)
    assert [p.name for p in jobs_dir.iterdir()] == [job.file_path]  # no temporary file left
    status = client.get("/admin/jobs/status").get_json()["jobs"][0]
    assert status["status"] == "done" and status["download"] == f"/admin/jobs/{job.id}/download"
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert f'id="download-{job.id}"' in page and "Сделать резервную копию сейчас" in page
    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]


def test_a_big_register_is_sent_to_the_jobs_page(client, login_as, monkeypatch):
    import admin_views.accounts

    login_as("operator")
    assert client.get("/admin/invites/register.pdf").status_code == 200  # the world's few codes: inline
    monkeypatch.setattr(admin_views.accounts, "INLINE_REGISTER_ROWS", -1)
    response = client.get("/admin/invites/register.pdf")
    assert response.status_code == 302 and response.location.endswith("/admin/jobs/")
    assert db.session.scalar(select(Job.id)) is None  # a GET starts nothing


def test_only_the_owner_and_the_schools_operator_see_a_job(client, login_as, world):
    job = create_job(_actor(world, "director"), "invite_register")
    tasks.execute(job.id)
    db.session.commit()
    assert set(
        db.session.scalars(
            select(Job.id).where(
                Job.id.in_(__import__("models.access", fromlist=["job_ids"]).job_ids(_actor(world, "operator")))
            )
        )
    ) == {job.id}
    for name, status in (("teacher", 302), ("coordinator", 302), ("operator", 200), ("director", 200)):
        login_as(name)
        response = client.get(f"/admin/jobs/{job.id}/download")
        assert response.status_code == status, name
        ids = [j["id"] for j in client.get("/admin/jobs/status").get_json()["jobs"]]
        assert (job.id in ids) == (status == 200), name


@pytest.mark.parametrize("name", ["teacher", "secretary", "director"])
def test_only_the_operator_makes_a_backup(client, login_as, name):
    login_as(name)
    response = client.post("/admin/jobs/new/backup")
    assert response.status_code == 303
    assert db.session.scalar(select(Job.id)) is None


def test_an_unknown_kind_is_refused_with_a_message(client, login_as):
    login_as("operator")
    response = client.post("/admin/jobs/new/nonsense", follow_redirects=True)
    assert response.status_code == 200 and "Нет такого вида задания." in response.get_data(as_text=True)
    assert db.session.scalar(select(Job.id)) is None


def test_the_operator_backup_is_a_zip_that_restores(client, login_as, jobs_dir):
    import zipfile

    login_as("operator")
    client.post("/admin/jobs/new/backup")
    job = _only_job()
    assert job.status == "done", job.error
    with zipfile.ZipFile(jobs_dir / job.file_path) as z:
        assert "manifest.json" in z.namelist() and "tables/jobs.jsonl" in z.namelist()


def test_a_failing_job_is_tried_again_then_shows_why_and_can_be_repeated(client, login_as, world, monkeypatch):
    def broken(job):
        raise RuntimeError("disk full")

    monkeypatch.setitem(tasks.HANDLERS, "invite_register", broken)
    job = create_job(_actor(world, "operator"), "invite_register")
    db.session.commit()
    for _attempt in range(MAX_ATTEMPTS - 1):
        with pytest.raises(RuntimeError):  # raised for Huey to retry
            tasks.execute(job.id)
        assert db.session.get(Job, job.id).status == "queued"
    assert tasks.execute(job.id) == "failed"
    assert (job.status, job.attempts) == ("failed", MAX_ATTEMPTS)
    login_as("operator")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "Задание не выполнено из-за ошибки на сервере" in page and f'id="retry-{job.id}"' in page
    monkeypatch.undo()
    monkeypatch.setitem(client.application.config, "JOBS_DIR", str(tasks.jobs_dir()))
    response = client.post(f"/admin/jobs/{job.id}/retry")
    assert response.status_code == 303
    assert (job.status, job.attempts, job.error) == ("done", 1, None)
    again = client.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "Повторить можно только задание, завершившееся ошибкой." in again


def test_a_job_whose_worker_died_runs_again_and_nothing_is_half_done(world, jobs_dir):
    job = create_job(_actor(world, "operator"), "invite_register")
    db.session.commit()
    now = utcnow()
    assert claim(job.id, now=now) is not None  # the worker took it …
    jobs_dir.mkdir(parents=True)
    (jobs_dir / ".part-dead.tmp").write_bytes(b"%PDF half")  # … wrote half a file and was killed
    assert claim(job.id, now=now) is None  # nobody else takes a job whose lease runs
    assert stale_jobs(now=now) == []
    assert stale_jobs(now=now + LEASE + dt.timedelta(seconds=1)) == [job.id]
    assert tasks.execute(job.id) == "done"
    assert (job.status, job.attempts) == ("done", 2)
    tasks.reap(all_running=True)
    assert sorted(p.name for p in jobs_dir.iterdir()) == [job.file_path]


def test_files_older_than_the_keeping_time_are_deleted(world, jobs_dir):
    job = create_job(_actor(world, "operator"), "invite_register")
    tasks.execute(job.id)
    assert (jobs_dir / job.file_path).exists()
    assert tasks.delete_old_files() == 0
    job.finished_at = utcnow() - dt.timedelta(days=8)
    assert tasks.delete_old_files() == 1
    assert job.file_path is None and list(jobs_dir.iterdir()) == []
