"""A real consumer (`flask jobs worker`) on a file SQLite queue and a database of its own: it runs a backup job;
killed with SIGKILL mid-job it leaves no file and no half file, and the next consumer retries the job to the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from sqlalchemy import select

import tasks
from app import create_app
from config import TestConfig
from models import Job, User, db
from models.access import Actor
from models.jobs import create_job

ROOT = Path(__file__).resolve().parents[2]


def _consumer(url: str, queue: Path, files: Path, delay: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "JOBS_QUEUE_FILE": str(queue),
        "JOBS_DIR": str(files),
        "JOBS_STEP_DELAY": delay,
    }
    env.pop("HUEY_REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(app, job_id: int, until, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            db.session.expunge_all()
            if until(job):
                return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached the state (last: {job.status}, {job.progress}%)")


def test_a_killed_consumer_leaves_nothing_half_done_and_the_job_is_retried(fresh_url, tmp_path):
    from world import build_world

    class Shared(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_url
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    app = create_app(Shared)
    queue, files = tmp_path / "queue.sqlite", tmp_path / "jobs"
    with app.app_context():
        db.create_all()
        build_world(db.session)
        operator = db.session.scalar(select(User).where(User.login == "operator"))
        job_id = create_job(Actor.of(operator), "backup").id
        db.session.commit()
    producer = tasks.make_huey(filename=str(queue))  # what the web app does, on this test's queue file
    producer._registry.register(type(tasks.run_job.s(job_id)))
    producer.enqueue(tasks.run_job.s(job_id))

    first = _consumer(fresh_url, queue, files, delay="3")
    try:
        _wait(app, job_id, lambda j: j.status == "running" and j.progress >= 80)  # the zip is written, not renamed
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.attempts, job.file_path) == ("running", 1, None)
    assert [p.name for p in files.iterdir() if not p.name.startswith(".part-")] == []  # no file in place

    second = _consumer(fresh_url, queue, files, delay="0")
    try:
        job = _wait(app, job_id, lambda j: j.status in ("done", "failed"))
    finally:
        second.terminate()
        _out, err = second.communicate(timeout=30)
    assert (job.status, job.attempts) == ("done", 2), (job.error, err[-3000:])
    assert [p.name for p in files.iterdir()] == [job.file_path]  # the half file of the killed one is gone
    with zipfile.ZipFile(files / job.file_path) as z:
        assert "manifest.json" in z.namelist()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
