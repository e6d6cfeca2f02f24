"""A real consumer (`flask jobs worker`) on a file SQLite queue and a database of its own: it runs a backup job;
killed with SIGKILL mid-job it leaves no file and no half file, and the next consumer retries the job to the end."""

from __future__ import annotations

import zipfile

from sqlalchemy import select

from models import Job, User, db
from models.access import Actor
from models.jobs import create_job

from .consumer import enqueue, kill_when, run_to_the_end, shared_app


def test_a_killed_consumer_leaves_nothing_half_done_and_the_job_is_retried(fresh_url, tmp_path):
    app = shared_app(fresh_url)
    queue, files = tmp_path / "queue.sqlite", tmp_path / "jobs"
    with app.app_context():
        operator = db.session.scalar(select(User).where(User.login == "operator"))
        job_id = create_job(Actor.of(operator), "backup").id
        db.session.commit()
    enqueue(queue, job_id)

    # the zip is written, not renamed, when the consumer is killed
    kill_when(app, fresh_url, queue, files, job_id, lambda j: j.status == "running" and j.progress >= 80)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.attempts, job.file_path) == ("running", 1, None)
    assert [p.name for p in files.iterdir() if not p.name.startswith(".part-")] == []  # no file in place

    job, err = run_to_the_end(app, fresh_url, queue, files, job_id)
    assert (job.status, job.attempts) == ("done", 2), (job.error, err[-3000:])
    assert [p.name for p in files.iterdir()] == [job.file_path]  # the half file of the killed one is gone
    with zipfile.ZipFile(files / job.file_path) as z:
        assert "manifest.json" in z.namelist()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
