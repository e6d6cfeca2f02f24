"""The audit log a school's journal would have written by now, for a generated database.

The generator (demo/generator.py) loads marks, absences and lessons directly, so its audit log is empty, while a
real school's holds an event for every mark, absence and lesson the teachers recorded. The statements that read
the log (a family's notices on every portal page, a cell's history) must be measured against a log of that size:
this writes one "create" event per mark, absence and lesson recorded up to ``now``, with the snapshot keys the
journal writes (models/journal/cells.py, models/journal/lessons.py), the student's id and the lesson's class, in
three INSERT … SELECT statements. Used by bench/generate.py; ``python bench/generate.py --help`` says how to skip
it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text


def _json_text(dialect: str, expression: str) -> str:
    """A text column as a JSON string literal (quotes and newlines escaped), or null."""
    quoted = f"to_json({expression})::text" if dialect == "postgresql" else f"json_quote({expression})"
    return f"COALESCE({quoted}, 'null')"


def _number(expression: str) -> str:
    return f"COALESCE(CAST({expression} AS TEXT), 'null')"


def selects(dialect: str) -> list[str]:
    """The events as the journal would have written them, by SELECTs of (at, actor_id, action, entity, entity_id,
    old, new, student_id, class_id) over marks, absences and lessons recorded up to ``:now``."""
    cell = "'\"cell\": \"' || CAST(x.lesson_id AS TEXT) || '/' || CAST(x.student_id AS TEXT) || '\", '"
    ids = "'\"lesson_id\": ' || CAST(x.lesson_id AS TEXT) || ', '"
    student = "'\"student_id\": ' || CAST(x.student_id AS TEXT)"
    mark_value = "COALESCE(CAST(x.value AS TEXT), x.special, CAST(x.points AS TEXT))"
    mark = (
        f"'{{' || {cell} || '\"comment\": ' || {_json_text(dialect, 'x.comment')} || ', ' || {ids}"
        f" || '\"mark\": ' || {_json_text(dialect, mark_value)} || ', \"slot\": ' || CAST(x.slot AS TEXT) || ', '"
        f" || {student} || ', \"work_kind_id\": ' || {_number('x.work_kind_id')} || '}}'"
    )
    absence = (
        f"'{{' || {cell} || {ids} || '\"minutes_late\": ' || {_number('x.minutes_late')}"
        f" || ', \"reason_id\": ' || {_number('x.reason_id')} || ', \"status\": ' || {_json_text(dialect, 'x.status')}"
        f" || ', ' || {student} || '}}'"
    )
    lesson = (
        f"'{{\"bell_id\": ' || {_number('x.bell_id')} || ', \"date\": \"' || CAST(x.date AS TEXT) || '\", '"
        f" || '\"homework\": ' || {_json_text(dialect, 'x.homework')} || ', \"max_points\": null, '"
        f" || '\"plan_item_id\": ' || {_number('x.plan_item_id')} || ', \"topic\": ' || {_json_text(dialect, 'x.topic')}"
        f" || ', \"work_kind_id\": ' || {_number('x.work_kind_id')} || '}}'"
    )
    return [
        f"SELECT x.created_at, x.author_id, 'mark.create', 'mark', x.id, NULL, {mark}, x.student_id, NULL "
        "FROM marks x WHERE x.created_at <= :now ORDER BY x.created_at, x.id",
        f"SELECT x.recorded_at, x.recorded_by_id, 'attendance.create', 'attendance', x.id, NULL, {absence}, "
        "x.student_id, NULL FROM attendance x WHERE x.recorded_at <= :now ORDER BY x.recorded_at, x.id",
        f"SELECT x.recorded_at, NULL, 'lesson.create', 'lesson', x.id, NULL, {lesson}, NULL, t.class_id "
        "FROM lessons x JOIN teaching_assignments t ON t.id = x.assignment_id WHERE x.recorded_at <= :now "
        "ORDER BY x.recorded_at, x.id",
    ]


def fill(session, now: dt.datetime) -> int:
    """Write the log once (nothing when it already holds marks' events); the number of events written."""
    if session.execute(text("SELECT 1 FROM audit_events WHERE entity = 'mark' LIMIT 1")).first():
        return 0
    insert = "INSERT INTO audit_events (at, actor_id, action, entity, entity_id, old, new, student_id, class_id) "
    written = 0
    for statement in selects(session.get_bind().dialect.name):
        written += session.execute(text(insert + statement), {"now": now}).rowcount
    session.commit()
    return written
