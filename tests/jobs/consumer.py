"""A real queue consumer (`flask jobs worker`) on a file SQLite queue and a database of its own, for the tests
that kill one mid-job and let the next retry it (tests/jobs/test_worker_process.py,
tests/organisation/test_year_seal_jobs.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import tasks
from app import create_app
from config import TestConfig
from models import Job, db

ROOT = Path(__file__).resolve().parents[2]


def shared_app(url: str):
    """The app on ``url`` (no in-memory pool: the consumer is another process) with the test world built."""
    from world import build_world

    class Shared(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    app = create_app(Shared)
    with app.app_context():
        db.create_all()
        build_world(db.session)
        db.session.commit()
    return app


def enqueue(queue: Path, job_id: int) -> None:
    """What the web app does, on this test's queue file."""
    producer = tasks.make_huey(filename=str(queue))
    producer._registry.register(type(tasks.run_job.s(job_id)))
    producer.enqueue(tasks.run_job.s(job_id))


def consumer(url: str, queue: Path, files: Path, delay: str) -> subprocess.Popen:
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


def wait_for(app, job_id: int, until, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            db.session.expunge_all()
            if until(job):
                return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached the state (last: {job.status}, {job.progress}%)")


def kill_when(app, url: str, queue: Path, files: Path, job_id: int, until, *, then_sleep: float = 0) -> None:
    """A consumer with a 3 s pause at each step, killed with SIGKILL once the job reaches ``until``."""
    first = consumer(url, queue, files, delay="3")
    try:
        wait_for(app, job_id, until)
        time.sleep(then_sleep)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()


def run_to_the_end(app, url: str, queue: Path, files: Path, job_id: int) -> tuple[Job, str]:
    """The next consumer, without pauses, until the job is done or failed: (job, the consumer's stderr)."""
    second = consumer(url, queue, files, delay="0")
    try:
        job = wait_for(app, job_id, lambda j: j.status in ("done", "failed"))
    finally:
        second.terminate()
        _out, err = second.communicate(timeout=30)
    return job, err.decode(errors="replace") if isinstance(err, bytes) else err
