"""The evening rush: gunicorn on loopback serving the project from a generated database, and locust driving
parents who read the diary with pauses, teachers saving marks and the coordinator running the journal-control
report (bench/locustfile.py). Prints per kind of request: the requests, requests/s, p50/p95/p99 and failures.

    python bench/rush.py --database-url URL [--parents 50] [--teachers 10] [--pause 5] [--duration 60]
                         [--workers 4] [--threads 1] [--port 8765] [--locust-python PATH]

Installs bench/requirements.txt (locust, gunicorn) into the running interpreter's environment first when
they are missing; with ``--locust-python`` locust runs from that interpreter (its own virtualenv) instead. The database is one made by bench/generate.py (the demo school's "parent", "teacher" and
"coordinator" accounts); the teachers save slot 3 of one given lesson of the page bench/bench_journal.py
measures, one student's cell each (those cells are cleared first). Bounded: the users, the duration and the
workers are fixed, and everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def _ensure_tools(locust_python: str | None) -> None:
    needed = ("gunicorn",) if locust_python else ("locust", "gunicorn")
    if all(importlib.util.find_spec(m) for m in needed):
        return
    print("rush: installing bench/requirements.txt", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "-r",
            str(ROOT / "bench" / "requirements.txt"),
        ],
        check=True,
    )


def _targets(database_url: str, week: dt.date) -> dict:
    import bench_journal as bj
    from sqlalchemy import delete, select

    from app import create_app
    from models import Lesson, Mark, School, User, db
    from models.access import Actor, children
    from models.base import utcnow
    from models.journal.page import journal_page

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "GC_FREEZE": False})
    with app.app_context():
        school_id = db.session.scalar(select(School.id).where(School.code == "demo"))
        parent = db.session.scalar(select(User).where(User.login == "parent", User.school_id == school_id))
        child_id = db.session.scalars(children(Actor.of(parent))).first().id
        assignment_id = bj._target(db)
        a, _cls, period = bj._subject(assignment_id, db)
        teacher = db.session.scalar(select(User).where(User.staff_id == a.teacher_id))
        page = journal_page(Actor.of(teacher), assignment_id, period.id, now=utcnow())
        lesson_id = db.session.scalar(
            select(Lesson.id)
            .where(Lesson.assignment_id == a.id, Lesson.date.between(period.starts_on, period.ends_on))
            .order_by(Lesson.date.desc())
        )
        students = [s.id for s in page.students]
        db.session.execute(
            delete(Mark).where(Mark.lesson_id == lesson_id, Mark.slot == 3, Mark.student_id.in_(students))
        )
        db.session.commit()
        return {
            "child": child_id,
            "week": week.isoformat(),
            "previous_week": (week - dt.timedelta(days=7)).isoformat(),
            "assignment": assignment_id,
            "lesson": lesson_id,
            "students": students,
            "grid": f"/admin/journal/{assignment_id}?period={period.id}",
        }


def _wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("rush: gunicorn did not answer /healthz")


def _report(stats_csv: Path, duration: int) -> None:
    rows = list(csv.DictReader(stats_csv.open()))
    print(f"\n{'request':<22} {'count':>6} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
    for r in rows:
        print(
            f"{r['Name']:<22} {r['Request Count']:>6} {float(r['Requests/s']):>6.1f} {r['50%']:>5}ms "
            f"{r['95%']:>5}ms {r['99%']:>5}ms {r['Failure Count']:>6}"
        )
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if total and float(total["Requests/s"]):
        print(
            f"measured over {int(total['Request Count']) / float(total['Requests/s']):.0f} s "
            "(from 5 s after the last sign-in to the end)"
        )
    failures = stats_csv.with_name(stats_csv.name.replace("_stats", "_failures"))
    for r in csv.DictReader(failures.open()) if failures.exists() else []:
        print(f"  failure: {r['Name']}: {r['Occurrences']} × {r['Error'][:150]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--parents", type=int, default=50)
    parser.add_argument("--teachers", type=int, default=10)
    parser.add_argument("--pause", type=float, default=5.0, help="a parent's mean pause between pages, seconds")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load after everyone has signed in")
    parser.add_argument(
        "--warmup",
        type=int,
        default=60,
        help="seconds for everyone to start and sign in (statistics start when all have signed in)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--week", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument(
        "--locust-python",
        help="a Python with locust installed, e.g. a virtualenv of its own: locust pins Flask and Werkzeug "
        "versions of its own, which installing it into the project's environment could change",
    )
    parser.add_argument(
        "--no-revalidate",
        action="store_true",
        help="parents never send If-None-Match (a browser keeping nothing): every week and marks page in full",
    )
    args = parser.parse_args(argv)
    _ensure_tools(args.locust_python)
    targets = _targets(args.database_url, args.week)
    targets.update(parents=args.parents, teachers=args.teachers, pause=args.pause, revalidate=not args.no_revalidate)
    host = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": "bench-rush",
        "RUSH_TARGETS": json.dumps(targets),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "30",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_healthy(host)
        users = args.parents + args.teachers + 1
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "rush"
            spawn = max(1, users // 10)  # everyone in within ~10 s
            subprocess.run(
                [
                    args.locust_python or sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(spawn),
                    "--run-time",
                    f"{args.duration + args.warmup}s",
                    "--host",
                    host,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            dialect = args.database_url.split(":", 1)[0]
            print(
                f"rush on {dialect}: {args.parents} parents (pause ~{args.pause:g} s"
                f"{', week and marks pages revalidated' if not args.no_revalidate else ''}), {args.teachers} teachers, "
                f"1 coordinator; gunicorn {args.workers} workers × {args.threads} threads; "
                f"{args.duration + args.warmup} s, statistics from 5 s after the last sign-in"
            )
            _report(Path(f"{prefix}_stats.csv"), args.duration)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
