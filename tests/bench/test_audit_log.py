"""bench/audit_log.py writes the events the journal would have written: the same snapshots (so the notices and a
cell's history read them as they read the journal's own), only for what was recorded up to the moment given."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select, text

from bench import audit_log
from models.access import Actor
from models.audit import AuditEvent
from models.journal.cells import set_attendance, set_mark
from models.journal.lessons import save_lesson
from models.notices.feed import family_notices
from models.tables.journal import Mark

NOW = dt.datetime(2026, 9, 8, 15, 0, tzinfo=dt.UTC)


def _events(db_session, until):
    rows = []
    for statement in audit_log.selects(db_session.get_bind().dialect.name):
        rows += db_session.execute(text(statement), {"now": until}).all()
    return {
        (entity, entity_id): (action, student_id, class_id, json.loads(new))
        for _a, _u, action, entity, entity_id, _o, new, student_id, class_id in rows
    }


def test_the_snapshots_are_the_journals_own(db_session, world):
    teacher = Actor.of(world.users["teacher"])
    lesson = save_lesson(
        teacher,
        world.a_maths_5a.id,
        date=dt.date(2026, 9, 8),
        topic='Дроби "в столбик"',
        work_kind_id=world.regular.id,
        homework="№ 12,\nс. 40",
        now=NOW,
    )
    set_mark(teacher, lesson.id, world.anna.id, 1, "5", None, comment='Молодец, "отлично"', now=NOW)
    set_mark(teacher, lesson.id, world.vera.id, 1, "н/а", None, now=NOW)
    set_attendance(teacher, lesson.id, world.vera.id, "late", None, 10, now=NOW)
    db_session.flush()
    journal = {
        (e.entity, e.entity_id): (e.action, e.student_id, e.class_id, json.loads(e.new))
        for e in db_session.scalars(select(AuditEvent).where(AuditEvent.entity.in_(("mark", "attendance", "lesson"))))
    }
    written = _events(db_session, NOW + dt.timedelta(days=1))
    assert {key: written[key] for key in journal} == journal
    assert len(journal) == 4


def test_nothing_after_the_moment_and_the_family_reads_it(db_session, world):
    parent = Actor.of(world.users["parent"])
    at = {"first": NOW, "later": NOW + dt.timedelta(hours=2)}
    for slot, moment in enumerate(at.values(), start=2):  # rows as a loader writes them: no events
        db_session.add(
            Mark(lesson_id=world.lesson_5a.id, student_id=world.anna.id, slot=slot, value=slot + 1, created_at=moment)
        )
    db_session.flush()
    assert audit_log.fill(db_session, NOW + dt.timedelta(hours=1)) >= 1
    assert audit_log.fill(db_session, NOW + dt.timedelta(hours=3)) == 0  # once only
    notices = family_notices(parent, NOW + dt.timedelta(hours=3))[0].notices
    assert [(n.action, n.new, n.day) for n in notices if n.action.startswith("mark")] == [
        ("mark.create", "3", world.lesson_5a.date)
    ]
