"""Benchmark of the family's pages on a generated district: the home page ("Что нового", latest marks, homework),
the inbox (list and a thread), the diary week, "Отметки и итоги" and a subject's page with its forecast — server
time through the whole Flask stack in-process (app.test_client, the demo parent signed in) and SQL queries per
page, before and after seeding the audit log and the inbox, so that the query count is seen not to depend on
the number of marks, changes and messages.

    python bench/bench_family.py --database-url URL [--runs 30] [--seed]

``--seed`` writes into the database (use a copy): NOISE audit rows of mark saves for random students of the
whole district and LESSON_NOISE lessons recorded with homework over the last 14 days (what a district's teachers
log in two weeks), CHANGES mark changes and
homework for each of the parent's children since their last visit (more than the navigation's cap of 99), and
CONVERSATIONS conversations of the parent with MESSAGES messages each; then ANALYZE. Without it the pages are
measured on the database as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

PASSWORD = "demo-pass-2026"
NOISE = 300_000
LESSON_NOISE = 100_000
CHANGES = 150
CONVERSATIONS = 300
MESSAGES = 20
CHUNK = 10_000


def _insert(table, rows):
    from models import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start : start + CHUNK])


def _seed(parent, kids, now: dt.datetime) -> dict:
    """Writes the audit rows and conversations described in the module's docstring; returns what it wrote."""
    from sqlalchemy import func, select

    from models import (
        AuditEvent,
        Conversation,
        ConversationParticipant,
        Enrollment,
        Lesson,
        Mark,
        Message,
        Student,
        TeachingAssignment,
        User,
        db,
    )

    rng = random.Random(14)
    low, high = db.session.execute(select(func.min(Student.id), func.max(Student.id))).one()
    last_lesson = db.session.scalar(select(func.max(Lesson.id)))
    audit = AuditEvent.__table__
    rows = []
    for _n in range(NOISE):
        sid, lesson = rng.randint(low, high), rng.randint(1, last_lesson)
        snapshot = {"cell": f"{lesson}/{sid}", "lesson_id": lesson, "mark": "4", "slot": 1, "student_id": sid}
        at = now - dt.timedelta(seconds=rng.randint(60, 14 * 86400))
        rows.append(
            dict(at=at, action="mark.create", entity="mark", entity_id=None, new=json.dumps(snapshot), student_id=sid)
        )
    for _n in range(LESSON_NOISE):  # lessons recorded across the district, with homework
        at = now - dt.timedelta(seconds=rng.randint(60, 14 * 86400))
        snapshot = json.dumps({"homework": "§ 1", "topic": "тема"}, ensure_ascii=False)
        lesson = rng.randint(1, last_lesson)
        rows.append(dict(at=at, action="lesson.create", entity="lesson", entity_id=lesson, new=snapshot))
    since = now - dt.timedelta(days=3)
    for kid in kids:
        marks = db.session.execute(
            select(Mark.id, Mark.lesson_id, Mark.value).where(Mark.student_id == kid.id).limit(CHANGES)
        ).all()
        for i, (mark_id, lesson_id, value) in enumerate(marks):
            old = {"cell": f"{lesson_id}/{kid.id}", "lesson_id": lesson_id, "mark": str(value or 4), "slot": 1}
            new = dict(old, mark="5", comment="пересдача")
            at = since + dt.timedelta(minutes=i + 1)
            rows.append(
                dict(
                    at=at,
                    action="mark.update",
                    entity="mark",
                    entity_id=mark_id,
                    old=json.dumps(old | {"student_id": kid.id}),
                    new=json.dumps(new | {"student_id": kid.id}),
                    student_id=kid.id,
                )
            )
        classes = select(Enrollment.class_id).where(Enrollment.student_id == kid.id)
        lessons = db.session.scalars(
            select(Lesson.id)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .where(TeachingAssignment.class_id.in_(classes), Lesson.date >= since.date() - dt.timedelta(days=20))
            .limit(40)
        ).all()
        for i, lesson_id in enumerate(lessons):
            rows.append(
                dict(
                    at=since + dt.timedelta(minutes=200 + i),
                    action="lesson.update",
                    entity="lesson",
                    entity_id=lesson_id,
                    old=json.dumps({"homework": None, "topic": "тема"}),
                    new=json.dumps({"homework": f"§ {i}, упр. 1–5", "topic": "тема"}),
                    student_id=None,
                )
            )
    keys = ("at", "action", "entity", "entity_id", "old", "new", "student_id")
    _insert(audit, [{key: row.get(key) for key in keys} for row in rows])  # one shape for executemany
    staff_user = db.session.scalar(
        select(User.id).where(User.login == "classteacher", User.school_id == parent.school_id)
    )
    for c in range(CONVERSATIONS):
        started = now - dt.timedelta(hours=c)
        conv = Conversation(
            school_id=parent.school_id,
            subject=f"Вопрос № {c}",
            student_id=kids[c % len(kids)].id,
            created_by_id=parent.id,
            created_at=started,
            last_message_at=started + dt.timedelta(minutes=MESSAGES),
        )
        db.session.add(conv)
        db.session.flush()
        db.session.add_all(
            [
                ConversationParticipant(conversation_id=conv.id, user_id=parent.id, last_read_at=started),
                ConversationParticipant(conversation_id=conv.id, user_id=staff_user, last_read_at=started),
            ]
        )
        _insert(
            Message.__table__,
            [
                dict(
                    conversation_id=conv.id,
                    author_id=parent.id if m % 2 == 0 else staff_user,
                    body=f"Сообщение {m} " + "текст " * 20,
                    sent_at=started + dt.timedelta(minutes=m + 1),
                )
                for m in range(MESSAGES)
            ],
        )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    return {"audit rows": len(rows), "conversations": CONVERSATIONS, "messages": CONVERSATIONS * MESSAGES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", action="store_true", help="write the audit rows and conversations first (a copy!)")
    parser.add_argument("--pages", default="home,inbox,thread,week,marks,subject", help="which pages, in order")
    parser.add_argument("--gc-freeze", action="store_true", help="as the app does by default (see bench/README.md)")
    args = parser.parse_args(argv)

    from bench_pages import _measure, bench_app
    from sqlalchemy import event, func, select

    from models import AuditEvent, Conversation, Lesson, Mark, Message, School, TeachingAssignment, User, db
    from models.access import Actor, children
    from models.base import utcnow

    app = bench_app(args.database_url, gc_freeze=args.gc_freeze)
    queries: list[str] = []
    with app.app_context():
        school_id = db.session.scalar(select(School.id).where(School.code == "demo"))
        parent = db.session.scalar(select(User).where(User.login == "parent", User.school_id == school_id))
        kids = db.session.scalars(children(Actor.of(parent))).all()
        if args.seed:
            print("seeded:", _seed(parent, kids, utcnow()))
        child_id = kids[0].id
        subject_id = db.session.scalar(  # the child's subject with the most marks
            select(TeachingAssignment.subject_id)
            .join(Lesson, Lesson.assignment_id == TeachingAssignment.id)
            .join(Mark, Mark.lesson_id == Lesson.id)
            .where(Mark.student_id == child_id)
            .group_by(TeachingAssignment.subject_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        conv_id = db.session.scalar(  # the parent's conversation with the most messages
            select(Message.conversation_id)
            .where(Message.conversation_id.in_(select(Conversation.id).where(Conversation.created_by_id == parent.id)))
            .group_by(Message.conversation_id)
            .order_by(func.count().desc(), Message.conversation_id.desc())
            .limit(1)
        )
        sizes = {
            "audit rows": db.session.scalar(select(func.count()).select_from(AuditEvent)),
            "messages": db.session.scalar(select(func.count()).select_from(Message)),
        }
        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))

    client = app.test_client()
    assert client.post("/login", data={"login": "parent", "password": PASSWORD}).status_code == 302
    known = {
        "home": "/home",
        "inbox": "/inbox",
        "thread": f"/inbox/{conv_id}",
        "week": f"/diary/{child_id}",
        "marks": f"/diary/{child_id}/marks",
        "subject": f"/diary/{child_id}/subjects/{subject_id}",
    }
    urls = [known[name] for name in args.pages.split(",") if name != "thread" or conv_id is not None]
    print(f"{args.database_url.split(':')[0]}: {sizes}")
    print(f"{'page':<34} {'median':>8} {'p90':>8} {'queries':>8}")
    for url in urls:
        client.get(url)
        median, p90, count = _measure(client, url, args.runs, queries)
        print(f"{url:<34} {median:>6.1f}ms {p90:>6.1f}ms {count:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
