"""Processes that share one database (the shared_app fixture of tests/conftest.py), started together."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("worker.py")


@pytest.fixture()
def run_workers(shared_app, tmp_path):
    """run_workers([job, …]) starts one process per job against the shared database, lets them all begin at
    once and returns the sum of their answers (a Counter)."""

    def run(jobs: list[dict]) -> Counter:
        start = tmp_path / "go"
        url = shared_app.config["SQLALCHEMY_DATABASE_URI"]
        workers = [
            subprocess.Popen(
                [sys.executable, str(WORKER), url, str(start), json.dumps(job)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for job in jobs
        ]
        time.sleep(3)  # each worker imports and builds its app first, so that they start together
        start.touch()
        answers: Counter = Counter()
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            assert worker.returncode == 0, err[-12000:]
            answers.update(json.loads(out.strip().splitlines()[-1]))
        return answers

    return run
