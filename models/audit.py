"""The append-only audit log: who changed what, when, from where, old and new values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import DDL, DateTime, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from models.base import db, utcnow

# Entities whose rows belong to one student (their snapshot names it): the event keeps the student's id.
STUDENT_ENTITIES = ("mark", "attendance", "period_mark")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # The history of one row (a journal cell, an account) is looked up by entity and id.
    # A family's notices and a journal cell's history are looked up by the student and the moment.
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("ix_audit_events_student_at", "student_id", "at"),
        Index("ix_audit_events_class_at", "class_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # "mark.create", "mark.update", "user.block"…
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    old: Mapped[str | None] = mapped_column(Text)  # JSON
    new: Mapped[str | None] = mapped_column(Text)  # JSON
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # The student whose journal row changed (STUDENT_ENTITIES), copied from the row's snapshot.
    student_id: Mapped[int | None] = mapped_column(Integer)
    # The class whose journal a lesson belongs to, on the events the journal's lesson writers record (save, distance
    # link, "all present"; not the bin's remove/restore): a family's homework notices by class and moment.
    class_id: Mapped[int | None] = mapped_column(Integer)

    @classmethod
    def record(
        cls,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: int | None,
        old: dict[str, Any] | None = None,
        new: dict[str, Any] | None = None,
        ip_address: str | None = None,
        class_id: int | None = None,
    ) -> AuditEvent:
        snapshot = new or old or {}
        event_ = cls(
            student_id=snapshot.get("student_id") if entity in STUDENT_ENTITIES else None,
            class_id=class_id,
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            old=_dump(old),
            new=_dump(new),
            ip_address=ip_address,
        )
        db.session.add(event_)
        return event_

    def __str__(self) -> str:
        return f"{self.action} {self.entity}#{self.entity_id}"


class snapshot_value(FunctionElement):  # noqa: N801  (used as a SQL function)
    """One top-level key of a JSON snapshot column as text (NULL when absent or null), in SQL on both databases:
    ``snapshot_value(AuditEvent.new, "homework")``."""

    type = Text()
    inherit_cache = True
    name = "snapshot_value"


@compiles(snapshot_value, "sqlite")
def _snapshot_value_sqlite(element, compiler, **kw):
    column, key = list(element.clauses)
    return f"json_extract({compiler.process(column, **kw)}, '$.' || {compiler.process(key, **kw)})"


@compiles(snapshot_value, "postgresql")
def _snapshot_value_postgresql(element, compiler, **kw):
    column, key = list(element.clauses)
    return f"(CAST({compiler.process(column, **kw)} AS JSON) ->> {compiler.process(key, **kw)})"


def _dump(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, default=str, sort_keys=True)


# The database itself refuses to change or delete an audit row, whichever door the SQL comes through.
# (The initial migration keeps its own frozen copy of these statements.)
APPEND_ONLY_SQLITE = [
    f"CREATE TRIGGER audit_events_no_{op.lower()} BEFORE {op} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    for op in ("UPDATE", "DELETE")
]
APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'restrict_violation'; END; "
    "$$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]
DROP_APPEND_ONLY_SQLITE = [
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
]
DROP_APPEND_ONLY_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
]

for _sql in APPEND_ONLY_SQLITE:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in APPEND_ONLY_POSTGRESQL:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
