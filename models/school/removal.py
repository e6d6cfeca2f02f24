"""The bin ("Корзина", issue 18 item 5): removing a student, a class, a lesson or a teaching assignment keeps it
restorable with everything that hangs on it for its school year.

``remove`` follows the foreign keys down from the removed row and takes every dependent row of the tables in
``CARRIED`` (marks, attendance, period marks, enrollments, subgroups and their members, homework files, plan lines,
timetable entries…) into one JSON snapshot (``RemovedRecord``), then deletes them, in the caller's transaction.
A reference from any other table (an account, an invite, a message, an announcement) refuses the removal and names
it. ``restore`` re-inserts every row with its original id in one savepoint, refusing clearly when something now
conflicts (a lesson in the same slot, a class with the same name) or a row it points to is gone. Audit events
stay where they are (they carry ids, not foreign keys); marks are audited one by one (mark.delete / mark.restore)
and the record itself both ways (<kind>.remove / <kind>.restore). Archived years are read-only: nothing of theirs
is removed or restored."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import LargeBinary, and_, delete, insert, select, tuple_
from sqlalchemy.exc import IntegrityError

from models.access import Actor, can_remove_records, can_restore_removed, require
from models.audit import AuditEvent
from models.base import db, utcnow
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, _
from models.marks import mark_text
from models.school.organisation import references_text
from models.tables.accounts import User
from models.tables.classes import Enrollment, SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Lesson
from models.tables.people import Staff, Student
from models.tables.records import RemovedRecord
from models.tables.school import AcademicYear

# Tables whose rows go with a removed row when they point at it (directly or through another carried row).
CARRIED = frozenset(
    {
        "students",
        "school_classes",
        "teaching_assignments",
        "lessons",
        "marks",
        "attendance",
        "attachments",
        "period_marks",
        "enrollments",
        "subgroups",
        "subgroup_members",
        "plan_items",
        "timetable_entries",
        "substitutions",
        "remarks",
        "achievements",
        "student_results",
        "student_guardians",
        "diary_acknowledgements",
        "notice_seen",
        "mail_subscriptions",
        "cancelled_days",
    }
)
KIND_TABLES = {"student": Student, "class": SchoolClass, "lesson": Lesson, "assignment": TeachingAssignment}
KIND_LABELS = {
    "student": N_("Обучающийся"),
    "class": N_("Класс"),
    "lesson": N_("Урок"),
    "assignment": N_("Учебная нагрузка"),
}
MAX_REASON = 500
_CHUNK = 500


# --- rows as JSON and back ----------------------------------------------------------------------------------
def _dump_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _load_value(column, value):
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    kind = column.type.python_type
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    return value


def _key(table, row: dict) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def _tables():
    return {t.name: t for t in db.metadata.sorted_tables}


# --- collecting what goes -----------------------------------------------------------------------------------
@dataclass
class _Collected:
    rows: dict[str, dict[tuple, dict]]
    blocked: list[str]

    def count(self, table: str) -> int:
        return len(self.rows.get(table, {}))

    def summary(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in sorted(self.rows.items()) if rows}


def _collect(root_table, root_id: int) -> _Collected:
    """Every carried row under the root (following foreign keys to ``id``), and the other tables that point at it."""
    rows: dict[str, dict[tuple, dict]] = {}
    blocked: list[str] = []
    root = db.session.execute(select(root_table).where(root_table.c.id == root_id)).mappings().one()
    rows[root_table.name] = {(root_id,): dict(root)}
    frontier = [(root_table, [root_id])]
    while frontier:
        table, ids = frontier.pop()
        for other in db.metadata.sorted_tables:
            for fk in other.foreign_keys:
                if fk.column.table is not table or fk.column.name != "id":
                    continue
                for start in range(0, len(ids), _CHUNK):
                    chunk = ids[start : start + _CHUNK]
                    if other.name not in CARRIED:
                        if (
                            other.name not in blocked
                            and db.session.execute(select(fk.parent).where(fk.parent.in_(chunk)).limit(1)).first()
                        ):
                            blocked.append(other.name)
                        continue
                    have = rows.setdefault(other.name, {})
                    new_ids = []
                    for found in db.session.execute(select(other).where(fk.parent.in_(chunk))).mappings():
                        key = _key(other, found)
                        if key not in have:
                            have[key] = dict(found)
                            if "id" in other.c:
                                new_ids.append(found["id"])
                    if new_ids:
                        frontier.append((other, new_ids))
    return _Collected(rows, blocked)


def _mark_audit(row: dict) -> dict:
    return {
        "cell": f"{row['lesson_id']}/{row['student_id']}",
        "lesson_id": row["lesson_id"],
        "student_id": row["student_id"],
        "slot": row["slot"],
        "mark": mark_text(row["value"], row["special"], row["points"], row["max_points"]),
        "comment": row["comment"],
        "work_kind_id": row["work_kind_id"],
    }


def _label_and_year(kind: str, obj) -> tuple[str, int | None]:
    if kind == "lesson":
        a = obj.assignment
        return f"{obj.date:%d.%m.%Y} {a.school_class.name} {a.subject.name}: {obj.topic}", a.year_id
    if kind == "assignment":
        return f"{obj.school_class.name} {obj.subject.name} — {obj.teacher.short_name}", obj.year_id
    if kind == "class":
        return obj.name, obj.year_id
    year_id = db.session.scalar(
        select(SchoolClass.year_id)
        .join(Enrollment, Enrollment.class_id == SchoolClass.id)
        .where(Enrollment.student_id == obj.id)
        .order_by(Enrollment.starts_on.desc(), Enrollment.id.desc())
        .limit(1)
    )
    return obj.full_name, year_id


def _school_of(kind: str, obj) -> int:
    if kind == "lesson":
        return obj.assignment.school_class.school_id
    if kind == "assignment":
        return obj.school_class.school_id
    return obj.school_id


def _require_open_year(year_id: int | None) -> None:
    if year_id is not None:
        db.session.get(AcademicYear, year_id).require_open()


def removal_summary(kind: str, entity_id: int) -> dict[str, int]:
    """What would go with the row, by table (the journal's confirmation names it before a click removes it)."""
    collected = _collect(KIND_TABLES[kind].__table__, entity_id)
    return {name: n for name, n in collected.summary().items() if name != KIND_TABLES[kind].__tablename__}


def remove(actor: Actor, kind: str, entity_id: int, *, reason: str | None = None) -> RemovedRecord:
    """Take the row and everything carried under it into the bin and delete them (flushed; the caller commits).
    The caller has decided that ``actor`` may remove it (models.access: the journal's writer for a lesson, the
    operator otherwise)."""
    model = KIND_TABLES.get(kind)
    obj = db.session.get(model, entity_id) if model is not None else None
    if obj is None or _school_of(kind, obj) != actor.school_id:
        raise NotFound(_("Запись не найдена."))
    label, year_id = _label_and_year(kind, obj)
    _require_open_year(year_id)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(_("Причина длиннее %(n)s знаков."), n=MAX_REASON)
    db.session.flush()
    collected = _collect(model.__table__, entity_id)
    if collected.blocked:
        raise Conflict(
            _("Удалить нельзя: запись используется (%(where)s)."),
            where=references_text(collected.blocked),
        )
    tables = _tables()
    snapshot = {
        name: [{k: _dump_value(v) for k, v in row.items()} for row in rows.values()]
        for name, rows in collected.rows.items()
        if rows
    }
    record = RemovedRecord(
        school_id=actor.school_id,
        year_id=year_id,
        kind=kind,
        entity_id=entity_id,
        label=label[:255],
        summary=json.dumps(collected.summary(), sort_keys=True),
        snapshot=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
        reason=reason,
        removed_by_id=actor.user_id,
        removed_at=utcnow(),
    )
    db.session.add(record)
    _forget(collected)
    for table in reversed(db.metadata.sorted_tables):
        keys = list(collected.rows.get(table.name, {}))
        pk = list(table.primary_key.columns)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            where = pk[0].in_([k[0] for k in chunk]) if len(pk) == 1 else tuple_(*pk).in_(chunk)
            db.session.execute(delete(tables[table.name]).where(where))
    db.session.flush()
    for row in collected.rows.get("marks", {}).values():
        AuditEvent.record(actor.user_id, "mark.delete", "mark", row["id"], old=_mark_audit(row))
    AuditEvent.record(
        actor.user_id,
        f"{kind}.remove",
        kind,
        entity_id,
        old={
            **snapshot[model.__tablename__][0],
            "label": label,
            "rows": collected.summary(),
            "reason": reason,
            "removed_record_id": record.id,
        },
    )
    return record


def _forget(collected: _Collected) -> None:
    """Drop the ORM objects of rows about to be deleted with SQL, so that no later flush writes them back."""
    for obj in list(db.session.identity_map.values()):
        table = getattr(type(obj), "__table__", None)
        if table is None or table.name not in collected.rows:
            continue
        key = tuple(getattr(obj, c.key) for c in type(obj).__mapper__.primary_key)
        if key in collected.rows[table.name]:
            db.session.expunge(obj)


# --- the bin ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BinLine:
    id: int
    kind: str
    kind_label: str
    label: str
    year: str | None
    rows: str
    reason: str | None
    removed_by: str | None
    removed_at: dt.datetime


def require_bin(actor: Actor) -> None:
    require(can_restore_removed(actor), _("Корзину ведёт администратор (оператор)."))


def bin_lines(actor: Actor) -> list[BinLine]:
    """Removed rows of the school's open years, newest first (the operator's "Корзина")."""
    require_bin(actor)
    rows = db.session.execute(
        select(RemovedRecord, AcademicYear.name, User.login, Staff)
        .outerjoin(AcademicYear, AcademicYear.id == RemovedRecord.year_id)
        .outerjoin(User, User.id == RemovedRecord.removed_by_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(
            RemovedRecord.school_id == actor.school_id,
            RemovedRecord.restored_at.is_(None),
            AcademicYear.archived_at.is_(None),
        )
        .order_by(RemovedRecord.removed_at.desc(), RemovedRecord.id.desc())
    ).all()
    return [
        BinLine(
            r.id,
            r.kind,
            KIND_LABELS[r.kind],
            r.label,
            year,
            references_text({t: n for t, n in json.loads(r.summary).items() if t != KIND_TABLES[r.kind].__tablename__}),
            r.reason,
            f"{staff.short_name} ({login})" if staff is not None else login,
            r.removed_at,
        )
        for r, year, login, staff in rows
    ]


def _missing_parents(rows: dict[str, list[dict]]) -> list[str]:
    """Tables (outside the snapshot) of rows the snapshot points at that are gone now."""
    tables = _tables()
    wanted: dict[str, set] = {}
    for name, table_rows in rows.items():
        for fk in tables[name].foreign_keys:
            target = fk.column.table.name
            ids = {r[fk.parent.name] for r in table_rows if r[fk.parent.name] is not None}
            ids -= {r[fk.column.name] for r in rows.get(target, [])}
            if ids:
                wanted.setdefault(target, set()).update(ids)
    missing = []
    for target, ids in sorted(wanted.items()):
        column = tables[target].c.id
        ids = list(ids)
        found = set()
        for start in range(0, len(ids), _CHUNK):
            found.update(db.session.scalars(select(column).where(column.in_(ids[start : start + _CHUNK]))))
        if found != set(ids):
            missing.append(target)
    return missing


def _occupied(kind: str, root: dict):
    """A row that now holds the removed row's place (its id or one of its unique keys), or None."""
    model = KIND_TABLES[kind]
    table = model.__table__
    found = db.session.get(model, root["id"])
    if found is not None:
        return found
    for constraint in table.constraints:
        columns = getattr(constraint, "columns", None)
        if constraint.__class__.__name__ != "UniqueConstraint" or any(root[c.name] is None for c in columns):
            continue
        found = db.session.scalars(select(model).where(and_(*(c == root[c.name] for c in columns)))).first()
        if found is not None:
            return found
    return None


def restore(actor: Actor, record_id: int) -> RemovedRecord:
    """Put the removed rows back with their original ids (flushed; the caller commits)."""
    require_bin(actor)
    record = db.session.scalar(
        select(RemovedRecord).where(RemovedRecord.id == record_id, RemovedRecord.school_id == actor.school_id)
    )
    if record is None:
        raise NotFound(_("Запись в корзине не найдена."))
    if record.restored_at is not None:
        raise Conflict(_("«%(label)s» уже восстановлено."), label=record.label)
    _require_open_year(record.year_id)
    tables = _tables()
    stored = json.loads(record.snapshot)
    rows = {
        name: [{k: _load_value(tables[name].c[k], v) for k, v in row.items()} for row in table_rows]
        for name, table_rows in stored.items()
    }
    root_table = KIND_TABLES[record.kind].__tablename__
    taken = _occupied(record.kind, rows[root_table][0])
    if taken is not None:
        raise Conflict(
            _("Восстановить нельзя: на месте «%(label)s» уже есть «%(taken)s». Удалите или измените её сначала."),
            label=record.label,
            taken=str(taken),
        )
    missing = _missing_parents(rows)
    if missing:
        raise Conflict(
            _(
                "Восстановить нельзя: нет записей, на которые ссылается «%(label)s» (%(where)s). Восстановите их сначала."
            ),
            label=record.label,
            where=references_text(missing),
        )
    try:
        with db.session.begin_nested():
            for table in db.metadata.sorted_tables:
                if rows.get(table.name):
                    db.session.execute(insert(table), rows[table.name])
    except IntegrityError:
        raise Conflict(
            _("Восстановить нельзя: часть записей «%(label)s» совпадает с уже существующими."), label=record.label
        ) from None
    record.restored_at = utcnow()
    record.restored_by_id = actor.user_id
    for row in rows.get("marks", []):
        AuditEvent.record(actor.user_id, "mark.restore", "mark", row["id"], new=_mark_audit(row))
    AuditEvent.record(
        actor.user_id,
        f"{record.kind}.restore",
        record.kind,
        record.entity_id,
        new={
            **stored[root_table][0],
            "label": record.label,
            "rows": json.loads(record.summary),
            "removed_record_id": record.id,
        },
    )
    db.session.flush()
    return record


def remove_record(actor: Actor, kind: str, entity_id: int, *, reason: str | None = None) -> RemovedRecord:
    """The staff panel's "delete" of a student, a class or a teaching assignment: the operator's, into the bin."""
    require(can_remove_records(actor), _("Удалять обучающихся, классы и учебную нагрузку может только оператор."))
    if kind not in ("student", "class", "assignment"):
        raise InvalidInput(_("Такую запись удалить нельзя."))
    return remove(actor, kind, entity_id, reason=reason)
