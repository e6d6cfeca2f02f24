"""What the last import wrote, field by field, so that a re-import keeps what people corrected by hand.

Every import records, for each field of each row it creates or matches, the value the file gave
(``ImportBaseline``). On the next import a field whose database value differs from the file's is
either an ordinary update (the database still holds what the last import wrote, or no import ever
wrote it) or a manual edit (the database differs from what the last import wrote: someone changed it
since). A manual edit is kept unless the operator chose to apply the file's value for that field
(``overwrite``, keys ``entity:key:attr``). Applied updates are audited row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from models.audit import AuditEvent
from models.base import db


class ImportBaseline(db.Model):
    """The value an import last gave one field of one row (normalised, see ``canon``)."""

    __tablename__ = "import_baselines"
    __table_args__ = (
        UniqueConstraint("entity", "entity_key", "field"),
        Index("ix_import_baselines_school_entity", "school_id", "entity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(40))  # "student", "guardian", "student_guardian"…
    entity_key: Mapped[str] = mapped_column(String(40))  # the row's id ("12"; "12-5" for a composite key)
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(Text)


def canon(value: object) -> str | None:
    """A value as compared and recorded: empty is None, dates ISO, numbers without trailing zeros."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


# Fields compared in their own way (a phone by its digits): (entity, attr) → normaliser.
FIELD_NORMS: dict[tuple[str, str], Callable[[object], str | None]] = {}


def norm_of(entity: str, attr: str) -> Callable[[object], str | None]:
    return FIELD_NORMS.get((entity, attr), canon)


@dataclass
class FieldChange:
    """One field of one existing row that the file would change."""

    entity: str
    entity_key: str
    attr: str
    label: str  # a Russian label marked with N_
    old: object  # as shown (str or Msg)
    new: object
    old_norm: str | None
    new_norm: str | None
    manual: bool = False  # changed by hand since the last import
    apply: bool = True  # the file's value will be written

    @property
    def key(self) -> str:
        return f"{self.entity}:{self.entity_key}:{self.attr}"


@dataclass
class Tracker:
    """One analysis's view of the baselines: loaded per entity, consulted per field, saved on apply."""

    school_id: int
    overwrite: frozenset[str] = frozenset()
    loaded: dict[str, dict[tuple[str, str], tuple[int, str | None]]] = field(default_factory=dict)
    pending: dict[tuple[str, str, str], str | None] = field(default_factory=dict)  # values to record
    changes: dict[str, FieldChange] = field(default_factory=dict)  # FieldChange.key → change

    def baselines(self, entity: str) -> dict[tuple[str, str], tuple[int, str | None]]:
        if entity not in self.loaded:
            self.loaded[entity] = {
                (b.entity_key, b.field): (b.id, b.value)
                for b in db.session.execute(
                    select(
                        ImportBaseline.id, ImportBaseline.entity_key, ImportBaseline.field, ImportBaseline.value
                    ).where(ImportBaseline.school_id == self.school_id, ImportBaseline.entity == entity)
                )
            }
        return self.loaded[entity]

    def propose(
        self,
        report,
        entity: str,
        obj,
        attr: str,
        new: object,
        label: str,
        *,
        key: str | None = None,
        shown: tuple[object, object] | None = None,
    ) -> bool:
        """Whether the file's ``new`` value of ``obj.attr`` is to be written; the change (kept or applied) goes to
        the row's report. ``None``: the file gives no value, the database keeps its own."""
        if new is None:
            return False
        key = key or str(obj.id)
        norm = norm_of(entity, attr)
        old = getattr(obj, attr)
        old_norm, new_norm = norm(old), norm(new)
        change = FieldChange(entity, key, attr, label, *(shown or (old, new)), old_norm, new_norm)
        earlier = self.changes.get(change.key)
        if earlier is not None:  # the same row met again in the file (a parent of siblings)
            return earlier.apply
        if old_norm != new_norm:
            base = self.baselines(entity).get((key, attr))
            change.manual = base is not None and base[1] != old_norm
            change.apply = not change.manual or change.key in self.overwrite
            self.changes[change.key] = change
            report.field(change)
        if old_norm == new_norm or change.apply:
            # Kept manual edits leave the last import's value as the reference: they stay manual edits.
            self.pending[(entity, key, attr)] = new_norm
        return old_norm != new_norm and change.apply

    def diff(self, report, entity: str, obj, values: dict[str, object], labels: dict[str, str]) -> dict[str, object]:
        """The attributes of ``obj`` that ``values`` will change (None values: not given, kept)."""
        return {attr: new for attr, new in values.items() if self.propose(report, entity, obj, attr, new, labels[attr])}

    def note(self, entity: str, key: object, values: dict[str, object]) -> None:
        """Values an import writes without a comparison (a new row): the reference for the next import."""
        for attr, value in values.items():
            if value is not None:
                self.pending[(entity, str(key), attr)] = norm_of(entity, attr)(value)

    @property
    def kept(self) -> int:
        return sum(1 for c in self.changes.values() if not c.apply)

    def apply_updates(self, actor_id: int | None, kind: str, entity: str, updates, *, key=None, entity_id=None) -> None:
        """Writes ``updates`` ([(obj, {attr: value})]) and audits each row: old and new values, and which of
        them replaced a manual edit at the operator's choice."""
        for obj, values in updates:
            if not values:
                continue
            row_key = key(obj) if key else str(obj.id)
            old = {attr: canon(getattr(obj, attr)) for attr in values}
            for attr, value in values.items():
                setattr(obj, attr, value)
            new = {attr: canon(value) for attr, value in values.items()}
            overwritten = sorted(
                attr
                for attr in values
                if (c := self.changes.get(f"{entity}:{row_key}:{attr}")) is not None and c.manual
            )
            if overwritten:
                new["manual_edits_overwritten"] = overwritten
            AuditEvent.record(
                actor_id, f"import.{kind}.update", entity, entity_id(obj) if entity_id else obj.id, old=old, new=new
            )

    def save(self) -> None:
        """Records the file's values as the reference for the next import (only those that differ)."""
        inserts, updates = [], []
        for (entity, key, attr), value in self.pending.items():
            found = self.baselines(entity).get((key, attr))
            if found is None:
                inserts.append(
                    {"school_id": self.school_id, "entity": entity, "entity_key": key, "field": attr, "value": value}
                )
            elif found[1] != value:
                updates.append({"id": found[0], "value": value})
        if inserts:
            db.session.execute(insert(ImportBaseline), inserts)
        if updates:
            db.session.execute(update(ImportBaseline), updates)
