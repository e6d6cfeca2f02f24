"""The evening rush for locust (run through bench/rush.py, which starts gunicorn and passes the targets in
RUSH_TARGETS): parents reading the diary with pauses, teachers typing marks, the coordinator running the
journal-control report. Each kind of request is named so that locust reports it on its own line."""

from __future__ import annotations

import json
import os
import random
import re

import gevent
from locust import FastHttpUser, between, events, task

T = json.loads(os.environ["RUSH_TARGETS"])
PASSWORD = "demo-pass-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_teachers = iter(range(10**6))


_signed_in = {"n": 0, "env": None}


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    _signed_in["env"] = environment


def _sign_in(user: FastHttpUser, login: str) -> None:
    page = user.client.get("/login", name="sign-in form").text
    token = next(g for g in CSRF.search(page).groups() if g)
    user.client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf_token": token},
        name="sign-in",
        allow_redirects=False,
    )
    # The statistics start 5 s after every user has signed in: the storm of password checks at the start (each
    # a deliberate ~0.1 s of CPU) and the requests queued behind it are not the evening's reading and typing.
    _signed_in["n"] += 1
    if _signed_in["n"] == T["parents"] + T["teachers"] + 1 and _signed_in["env"] is not None:
        gevent.spawn_later(5, _signed_in["env"].stats.reset_all)


class Parent(FastHttpUser):
    weight = T["parents"]
    wait_time = between(T["pause"] * 0.4, T["pause"] * 1.6)  # reading: ~pause seconds on average

    def on_start(self):
        _sign_in(self, "parent")
        self.kept = {}  # url → ETag: a browser keeps the week and marks pages ("private, no-cache"), revalidates them

    def _revalidated(self, url: str, name: str) -> None:
        headers = {"If-None-Match": self.kept[url]} if T.get("revalidate") and url in self.kept else {}
        response = self.client.get(url, name=name, headers=headers)
        if response.status_code == 200 and response.headers.get("ETag"):
            self.kept[url] = response.headers["ETag"]

    @task(7)
    def week(self):
        self._revalidated(f"/diary/{T['child']}?week={T['week']}", "diary week")

    @task(2)
    def marks(self):
        self._revalidated(f"/diary/{T['child']}/marks", "marks page")

    @task(1)
    def previous_week(self):
        self._revalidated(f"/diary/{T['child']}?week={T['previous_week']}", "diary previous week")


class Teacher(FastHttpUser):
    weight = T["teachers"]
    wait_time = between(1, 3)  # typing marks down a column

    def on_start(self):
        _sign_in(self, "teacher")
        grid = self.client.get(T["grid"], name="journal grid").text
        self.csrf = re.search(r'value="([^"]+)" id="jg-csrf"', grid).group(1)
        self.student = T["students"][next(_teachers) % len(T["students"])]  # one row each: no conflicts
        self.version = None

    @task(10)
    def save(self):
        body = {
            "assignment_id": T["assignment"],
            "lesson_id": T["lesson"],
            "student_id": self.student,
            "op": "mark",
            "slot": 3,
            "value": random.choice("345"),
            "version": self.version,
        }
        with self.client.post(
            "/admin/journal/cell", json=body, headers={"X-CSRFToken": self.csrf}, name="save mark", catch_response=True
        ) as response:
            data = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
            cell = data.get("cell") or {}
            self.version = next((m[2] for m in cell.get("m", []) if m[0] == 3), None)
            if response.status_code == 409:
                response.success()  # a stale version (a rerun): the cell's state came back, the next save goes
            elif not data.get("ok"):
                response.failure(f"{response.status_code}: {data.get('error')}")

    @task(1)
    def grid(self):
        self.client.get(T["grid"], name="journal grid")


class Coordinator(FastHttpUser):
    weight = 1
    fixed_count = 1
    wait_time = between(10, 20)

    def on_start(self):
        _sign_in(self, "coordinator")

    @task
    def report(self):
        self.client.get("/admin/control/", name="control report")
