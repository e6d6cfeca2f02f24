"""Bulk imports from CSV and XLSX (R13): staff, classes, students with guardians, teaching load, bells,
timetable.

Two steps, the same code under both: ``preview`` reads the file and the database and reports every
row (will be added / will be updated / unchanged / error) without writing anything; ``commit``
does the same analysis again (it never trusts an earlier preview) and, only when no row has an
error and the analysis is the one the operator saw (``Preview.fingerprint``), writes the whole plan
inside a savepoint and audits it row by row; the caller commits. Running the same file twice changes
nothing the second time: rows are matched by natural keys. A field corrected by hand since the last
import is kept unless the operator chose the file's value for it (``tracking``).

Who imports: the operator everything, the secretary the student lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from types import ModuleType

from sqlalchemy.exc import DBAPIError, IntegrityError

from models.access import Actor, require
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput
from models.i18n import _
from models.school.imports import bells, classes, load, staff, students, timetable
from models.school.imports.common import (
    ERROR,
    MAX_BYTES,
    MAX_ROWS,
    NEW,
    SAME,
    STATUSES,
    UPDATE,
    Column,
    Context,
    Msg,
    Preview,
    RowReport,
    default_year,
    read_table,
    school_years,
)
from models.school.imports.common import (
    show as show_value,
)
from models.school.imports.tracking import FieldChange, ImportBaseline, Tracker
from models.tables.school import AcademicYear

# In the order a school loads them at the start of a year.
KINDS: dict[str, ModuleType] = {m.KEY: m for m in (staff, classes, students, load, bells, timetable)}
NEEDS_YEAR = frozenset({"classes", "students", "load", "timetable"})

__all__ = [
    "KINDS",
    "NEEDS_YEAR",
    "MAX_BYTES",
    "MAX_ROWS",
    "NEW",
    "UPDATE",
    "SAME",
    "ERROR",
    "STATUSES",
    "Column",
    "Msg",
    "Preview",
    "RowReport",
    "ImportRejected",
    "can_import",
    "kinds_for",
    "preview",
    "commit",
    "template",
    "school_years",
    "default_year",
    "file_digest",
    "show_value",
    "FieldChange",
    "ImportBaseline",
    "PreviewOutdated",
]


class ImportRejected(InvalidInput):
    """The file has errors: nothing was written. ``preview`` tells which rows."""

    def __init__(self, result: Preview):
        super().__init__(
            _("В файле есть ошибки — ничего не записано. Исправьте строки с ошибками и загрузите файл снова.")
        )
        self.preview = result


class PreviewOutdated(Conflict):
    """The data changed since the preview the operator confirmed: nothing was written; ``preview`` is the new one."""

    def __init__(self, result: Preview):
        super().__init__(
            _(
                "Данные изменились после проверки файла — ничего не записано. Просмотрите новую проверку "
                "и подтвердите снова."
            )
        )
        self.preview = result


def can_import(actor: Actor, kind: str) -> bool:
    module = KINDS.get(kind)
    return module is not None and actor.school_id is not None and actor.has(*module.ROLES)


def kinds_for(actor: Actor) -> list[ModuleType]:
    return [m for key, m in KINDS.items() if can_import(actor, key)]


def template(kind: str) -> tuple[list[Msg], list[object]]:
    """The header row and one example row of a kind's template, the words as messages for the reader's language
    (names, choices: every language's spelling is read back, ``Column.names`` and ``parse_choice``)."""
    columns = [c for c in KINDS[kind].COLUMNS if c.in_template]
    examples = [Msg(c.example) if isinstance(c.example, str) and c.example else c.example for c in columns]
    return [c.label for c in columns], examples


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _context(actor: Actor, kind: str, year_id: int | None, today: dt.date, overwrite=()) -> Context:
    require(can_import(actor, kind), _("Этот импорт вам недоступен."))
    year = None
    if kind in NEEDS_YEAR:
        year = db.session.get(AcademicYear, year_id) if year_id else None
        if year is None or year.school_id != actor.school_id:
            raise InvalidInput(_("Выберите учебный год, в который загружаются данные."))
        year.require_open()
    return Context(
        actor=actor,
        school_id=actor.school_id,
        year=year,
        today=today,
        tracker=Tracker(actor.school_id, frozenset(overwrite)),
    )


def _analyse(
    actor: Actor, kind: str, data: bytes, filename: str, year_id: int | None, today: dt.date, overwrite=()
) -> tuple[Preview, Context]:
    ctx = _context(actor, kind, year_id, today, overwrite)
    module = KINDS[kind]
    table = read_table(data, filename, module.COLUMNS)
    if table.errors:
        return Preview(kind, [], table.errors, None, ctx.year), ctx
    with db.session.no_autoflush:
        reports, plan = module.analyse(ctx, table)
    return Preview(kind, reports, [], plan, ctx.year, ctx.tracker), ctx


def preview(actor: Actor, kind: str, data: bytes, filename: str, *, year_id: int | None, today: dt.date) -> Preview:
    """Every row's fate, read-only: fields changed by hand since the last import are shown as kept."""
    return _analyse(actor, kind, data, filename, year_id, today)[0]


def commit(
    actor: Actor,
    kind: str,
    data: bytes,
    filename: str,
    *,
    year_id: int | None,
    today: dt.date,
    ip_address: str | None = None,
    expected: str | None = None,
    overwrite=(),
) -> Preview:
    """Analyses the file again and writes all of it, or nothing (ImportRejected, PreviewOutdated when
    ``expected`` is not the fingerprint of this analysis, Conflict). ``overwrite``: keys
    (``FieldChange.key``) of manual edits to replace with the file's values. Flushes; the caller commits."""
    result, ctx = _analyse(actor, kind, data, filename, year_id, today, overwrite)
    if not result.ok:
        raise ImportRejected(result)
    if expected is not None and expected != result.fingerprint:
        raise PreviewOutdated(result)
    counts = result.counts
    try:
        with db.session.begin_nested():
            KINDS[kind].apply(ctx, result.plan)
            ctx.tracker.save()
            AuditEvent.record(
                actor.user_id,
                f"import.{kind}",
                "import",
                None,
                new={
                    "file": filename,
                    "sha256": file_digest(data),
                    "year": ctx.year.name if ctx.year else None,
                    "rows": len(result.rows),
                    "added": counts[NEW],
                    "updated": counts[UPDATE],
                    "unchanged": counts[SAME],
                    "manual_edits_kept": result.kept,
                    "manual_edits_overwritten": sorted(
                        c.key for c in ctx.tracker.changes.values() if c.manual and c.apply
                    ),
                },
                ip_address=ip_address,
            )
            db.session.flush()
    except (IntegrityError, DBAPIError) as exc:
        raise Conflict(
            _(
                "Запись не удалась: данные в базе изменились во время импорта (%(reason)s). Ничего не "
                "записано — загрузите файл снова."
            ),
            reason=type(exc.orig).__name__ if exc.orig else "",
        ) from exc
    return result
