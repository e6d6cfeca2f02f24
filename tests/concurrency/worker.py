"""One process of the concurrency tests: its own app and connections to a shared database, as a gunicorn
worker has. Waits for the start signal, then does its job as fast as it can and prints, as JSON, how many
times each answer came back.

    python worker.py DATABASE_URL START_FILE JOB_JSON

Jobs: {"kind": "journal", "login", "password", "cells": [[assignment, lesson, student], …], "sign_in_every",
"value"} saves marks through the grid's JSON endpoint, signing out and in again every few saves;
{"kind": "redeem", "code", "login", "password"} redeems an invitation code through the domain operation.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2])]


def journal(client, job: dict, answers: Counter) -> None:
    for n, (assignment_id, lesson_id, student_id) in enumerate(job["cells"]):
        if n % job["sign_in_every"] == 0:
            if n:
                answers[f"logout {client.post('/logout').status_code}"] += 1
            r = client.post("/login", data={"login": job["login"], "password": job["password"]})
            answers[f"login {r.status_code}"] += 1
        r = client.post(
            "/admin/journal/cell",
            json={
                "op": "mark",
                "assignment_id": assignment_id,
                "lesson_id": lesson_id,
                "student_id": student_id,
                "slot": 1,
                "value": job["value"],
                "version": None,
            },
        )
        body = r.get_json(silent=True) or {}
        outcome = "ok" if body.get("ok") else "conflict shown" if body.get("cell") else r.get_data(as_text=True)[:300]
        answers[f"save {r.status_code} {outcome}"] += 1


def redeem(app, job: dict, answers: Counter) -> None:
    from models import db
    from models.accounts.invites import redeem_invite
    from models.base import utcnow
    from models.errors import JournalError

    with app.app_context():
        try:
            redeem_invite(job["code"], login=job["login"], password=job["password"], consent=True, now=utcnow())
            db.session.commit()
            answers["redeemed"] += 1
        except JournalError as exc:
            db.session.rollback()
            answers[f"refused {type(exc).__name__}"] += 1


def main(url: str, start_file: str, job: dict) -> dict:
    from app import create_app
    from config import TestConfig

    class WorkerConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    app = create_app(WorkerConfig)
    client = app.test_client()
    answers: Counter = Counter()
    while not os.path.exists(start_file):
        time.sleep(0.005)
    if job["kind"] == "journal":
        journal(client, job, answers)
    else:
        redeem(app, job, answers)
    return dict(answers)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
