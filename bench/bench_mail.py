"""Benchmark of the letters to families (issue 14, item 2): the save of one mark with notices on and off, and
the daily digest of a whole school.

    python bench/bench_mail.py --database-url URL [--saves 50] [--rounds 4]

The database is one made by ``bench/generate.py --scale district`` and migrated to 0009m (a copy: the script
writes). The demo school (code "demo") gets a mail server (aiosmtpd on a free loopback port, in this process
or in the sender's) and a parent account for every guardian of its students ("bench-mail-<id>", once), each
subscribed to their children.

1. Save: POST /admin/journal/cell through the whole Flask stack (as bench_journal.py), in rounds that alternate
   "off" (every subscription "none", no sender) and "on" (every subscription "instant", and a sender process
   running mailer.send_due every ``--sender-every`` seconds, 60 as the queue does, 1 as a stress; settle 0).
2. Digest: two marks of the last week per student of the school are logged in the audit log (as set_mark logs
   them) within the last 20 hours; every subscription becomes a digest due now; one run of mailer.send_due
   sends them all. Prints the time, the letters and the queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench", ROOT / "tests" / "mail"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

PASSWORD = "demo-pass-2026"


def _app(url: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "GC_FREEZE": False,
        }
    )


def _setup(db, school_id: int, port: int) -> int:
    """The school's mail server on ``port`` and a subscribed parent account per guardian; returns subscriptions."""
    from sqlalchemy import func, select

    from models import Enrollment, Guardian, MailSubscription, SchoolClass, SchoolMail, StudentGuardian, User, UserRole
    from models.accounts.auth import new_session_token
    from models.base import utcnow

    row = db.session.scalar(select(SchoolMail).where(SchoolMail.school_id == school_id))
    if row is None:
        row = SchoolMail(
            school_id=school_id, host="127.0.0.1", port=port, security="none", sender="diary@bench.example"
        )
        db.session.add(row)
    row.port = port
    password_hash = db.session.scalar(select(User.password_hash).where(User.login == "parent"))
    links = db.session.execute(
        select(StudentGuardian.guardian_id, StudentGuardian.student_id)
        .join(Enrollment, Enrollment.student_id == StudentGuardian.student_id)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(SchoolClass.school_id == school_id)
        .distinct()
    ).all()
    accounts = dict(db.session.execute(select(User.guardian_id, User.id).where(User.guardian_id.is_not(None))).all())
    for guardian_id in {g for g, _s in links} - set(accounts):
        user = User(
            school_id=school_id,
            login=f"bench-mail-{guardian_id}",
            password_hash=password_hash,
            session_token=new_session_token(),
            guardian_id=guardian_id,
            roles=[UserRole(role="parent")],
        )
        db.session.add(user)
        db.session.flush()
        accounts[guardian_id] = user.id
    for guardian in db.session.scalars(select(Guardian).where(Guardian.id.in_({g for g, _s in links}))):
        guardian.email = guardian.email or f"g{guardian.id}@bench.example"
    have = set(db.session.execute(select(MailSubscription.user_id, MailSubscription.student_id)).all())
    now = utcnow()
    for guardian_id, student_id in links:
        if (accounts[guardian_id], student_id) not in have:
            db.session.add(
                MailSubscription(user_id=accounts[guardian_id], student_id=student_id, mode="none", sent_up_to=now)
            )
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(MailSubscription))


def _set_mode(db, mode: str, **values) -> None:
    from sqlalchemy import update

    from models import MailSubscription
    from models.base import utcnow

    db.session.execute(
        update(MailSubscription).values(
            mode=mode,
            sent_up_to=values.pop("sent_up_to", utcnow()),
            pending_up_to=None,
            lease_until=None,
            next_try_at=None,
            attempts=0,
            **values,
        )
    )
    db.session.commit()


def sender_loop(url: str, every: float) -> None:
    """The "on" half: a consumer sending every ``every`` seconds (settle 0) until killed; prints letters sent."""
    import signal

    from smtp_server import LocalSMTP

    from mailer import send_due
    from models import SchoolMail, db

    smtp = LocalSMTP().start()
    app = _app(url)
    totals: dict[str, int] = {}

    def stop(*_args):
        smtp.stop()
        print(json.dumps(totals), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    with app.app_context():
        db.session.execute(db.update(SchoolMail).values(port=smtp.port))
        db.session.commit()
        print("ready", flush=True)
        while True:
            for key, n in send_due(settle=dt.timedelta(0)).items():
                totals[key] = totals.get(key, 0) + n
            db.session.remove()
            time.sleep(every)


def _stats(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def bench_saves(app, url: str, args, assignment_id: int, lesson_id: int, student_id: int, login: str) -> None:
    from bench_journal import post_mark

    from models import db

    client = app.test_client()
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
    version = None
    samples = {"off": [], "on": []}
    sent = {}
    cell = (assignment_id, lesson_id, student_id)

    def saves(kind: str):
        nonlocal version
        for i in range(args.saves):
            elapsed, version = post_mark(client, cell, "45"[i % 2], version)
            samples[kind].append(elapsed)

    for _round in range(args.rounds):
        with app.app_context():
            _set_mode(db, "none")
        saves("off")
        with app.app_context():
            _set_mode(db, "instant")
        sender = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--database-url",
                url,
                "--sender-loop",
                "--sender-every",
                str(args.sender_every),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert sender.stdout.readline().strip() == "ready"
        time.sleep(1.5)  # its first run is over
        saves("on")
        time.sleep(1.5)  # the last save's letter goes
        sender.terminate()
        out = sender.communicate(timeout=60)[0].strip().splitlines()
        for key, n in json.loads(out[-1]).items():
            sent[key] = sent.get(key, 0) + n
    post_mark(client, cell, "", version)
    off, on = _stats(samples["off"]), _stats(samples["on"])
    print(
        f"save, notices off: median {off[0]:.1f} ms, p90 {off[1]:.1f} ms; on (instant, sender every "
        f"{args.sender_every:g} s): "
        f"median {on[0]:.1f} ms, p90 {on[1]:.1f} ms ({(on[0] / off[0] - 1) * 100:+.1f} % at the median); "
        f"{len(samples['off'])} saves each; letters sent meanwhile: {sent}; load average {os.getloadavg()[0]:.1f}"
    )


def bench_digest(app, db, school_id: int) -> None:
    from smtp_server import LocalSMTP
    from sqlalchemy import event, func, select

    from mailer import send_due
    from models import AuditEvent, Enrollment, Lesson, Mark, SchoolClass, TeachingAssignment, User
    from models.audit import _dump
    from models.base import utcnow
    from models.journal.cells import _mark_snapshot
    from models.school_time import zone_of

    smtp = LocalSMTP().start()
    now = utcnow()
    rng = random.Random(14)
    from models import SchoolMail

    db.session.execute(db.update(SchoolMail).values(port=smtp.port))
    today = now.date()
    marks = db.session.scalars(
        select(Mark)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Enrollment, (Enrollment.student_id == Mark.student_id) & (Enrollment.class_id == SchoolClass.id))
        .where(SchoolClass.school_id == school_id, Lesson.date.between(today - dt.timedelta(days=7), today))
    ).all()
    per_student: dict[int, list] = {}
    for mark in marks:
        per_student.setdefault(mark.student_id, []).append(mark)
    teacher = db.session.scalar(select(User.id).where(User.login == "teacher"))
    logged = 0
    for student_marks in per_student.values():
        for mark in rng.sample(student_marks, min(2, len(student_marks))):
            db.session.add(
                AuditEvent(
                    actor_id=teacher,
                    action="mark.create",
                    entity="mark",
                    entity_id=mark.id,
                    new=_dump(_mark_snapshot(mark)),
                    at=now - dt.timedelta(hours=rng.uniform(0.5, 20)),
                )
            )
            logged += 1
    db.session.commit()
    local = now.astimezone(zone_of(school_id))
    _set_mode(
        db,
        "digest",
        digest_at=(local - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0),
        sent_up_to=now - dt.timedelta(days=1),
    )
    subscriptions = db.session.scalar(select(func.count()).select_from(db.metadata.tables["mail_subscriptions"]))
    queries = {"n": 0}

    def count(*_args):
        queries["n"] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    started, cpu = time.perf_counter(), time.process_time()
    counts = send_due(now + dt.timedelta(seconds=30))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    event.remove(db.engine, "before_cursor_execute", count)
    smtp.stop()
    print(
        f"digest: {subscriptions} subscriptions ({len(per_student)} students with marks this week, {logged} marks "
        f"logged in the last 20 h): {counts} in {took:.1f} s ({took / max(1, len(smtp.letters)) * 1000:.1f} ms a "
        f"letter; this process's CPU {cpu:.1f} s, {cpu / max(1, len(smtp.letters)) * 1000:.1f} ms a letter); "
        f"{queries['n']} queries; {len(smtp.letters)} letters received; load average {os.getloadavg()[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--skip-saves", action="store_true")
    parser.add_argument("--skip-digest", action="store_true")
    parser.add_argument("--sender-every", type=float, default=60.0, help="seconds between the sender's runs")
    parser.add_argument("--sender-loop", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sender_loop:
        sender_loop(args.database_url, args.sender_every)
        return 0

    from bench_journal import _subject, _target
    from sqlalchemy import select

    from models import Lesson, User, db

    app = _app(args.database_url)
    with app.app_context():
        assignment_id = _target(db)
        a, cls, period = _subject(assignment_id, db)
        school_id = cls.school_id
        started = time.perf_counter()
        subscriptions = _setup(db, school_id, 2525)
        print(
            f"database: {db.engine.dialect.name}; school {school_id}: {subscriptions} subscriptions "
            f"(set up in {time.perf_counter() - started:.1f} s)"
        )
        lessons = db.session.scalars(
            select(Lesson)
            .where(Lesson.assignment_id == a.id, Lesson.date.between(period.starts_on, period.ends_on))
            .order_by(Lesson.date)
        ).all()
        lesson_id = lessons[len(lessons) // 2].id
        from models import Enrollment

        student_id = db.session.scalar(
            select(Enrollment.student_id).where(Enrollment.class_id == cls.id).order_by(Enrollment.student_id)
        )
        login = db.session.scalar(select(User.login).where(User.staff_id == a.teacher_id))
        db.session.remove()
    if not args.skip_saves:
        bench_saves(app, args.database_url, args, assignment_id, lesson_id, student_id, login)
    if not args.skip_digest:
        with app.app_context():
            bench_digest(app, db, school_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
