"""The printouts made when a school year goes to the archive: the bound class journal of every class of the year
for the whole year (the legal paper copy, reports/bound_journal.py), written under the archive directory and
sealed with the year's rows (models/school/seal.py: each file's SHA-256 is a row of the seal). Kept for as long
as the school keeps the archive — unlike the files of jobs, which are deleted after a week.

Directory: ``ARCHIVE_DIR`` (config or environment), else instance/archive/. A printout is named relative to it:
``year-<id>/<sealed moment>/<class>.pdf``; a second archiving of the same year writes a new folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _

import config as config_module
from models.base import db, expect_writes
from models.jobs import write_file_atomically


def archive_dir() -> Path:
    configured = (has_app_context() and current_app.config.get("ARCHIVE_DIR")) or os.environ.get("ARCHIVE_DIR")
    if configured:
        return Path(configured)
    return (Path(current_app.instance_path) if has_app_context() else config_module.INSTANCE_DIR) / "archive"


def printout_path(name: str) -> Path | None:
    """The file of a sealed printout (None for a name that would leave the archive directory)."""
    root = archive_dir().resolve()
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path != root else None


def file_digest(name: str) -> str | None:
    """The SHA-256 of a sealed printout as it is now; None when the file is gone."""
    path = printout_path(name)
    if path is None or not path.is_file():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def year_printouts(actor, year_id: int, *, now: dt.datetime, progress: Callable[[float], None]) -> list[dict]:
    """Build and write the year's printouts, one class after another (each read in a transaction of its own and
    released before the next, as the bound journal job does); returns what the seal records of each."""
    from models.reports.bound_journal import bound_journal, year_volume_classes
    from reports.bound_journal import bound_journal_pdf

    with expect_writes(False):
        classes = [(cls.id, cls.name) for cls in year_volume_classes(actor, year_id)]
        db.session.rollback()
    folder = f"year-{year_id}/{now:%Y%m%d-%H%M%S}"
    directory = archive_dir() / folder
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for number, (class_id, class_name) in enumerate(classes):
        with expect_writes(False):
            volume = bound_journal(actor, class_id, None, now=now)
            title = _("Классный журнал %(cls)s, учебный год %(year)s", cls=class_name, year=volume.year.name)
            pdf = bound_journal_pdf(volume)
            db.session.rollback()
        name = f"{class_name}.pdf".replace("/", "-").replace(" ", "")
        write_file_atomically(directory, name, lambda out, data=pdf: out.write(data))
        made.append(
            {
                "class_id": class_id,
                "title": title,
                "file": f"{folder}/{name}",
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "bytes": len(pdf),
            }
        )
        progress((number + 1) / len(classes))
    return made
