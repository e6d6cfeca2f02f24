"""Reading values from forms and query strings, shared by the staff panel's areas: whole numbers (bad
input → a default, as for an id in a URL), dates (as a date input sends them, or typed ДД.ММ.ГГГГ) and
uploaded documents (checked by models/attachments.py)."""

from __future__ import annotations

import datetime as dt

from flask import request

import school_clock
from models.attachments import ALLOWED, MAX_BYTES, CheckedFile, check_file
from models.errors import InvalidInput
from models.i18n import _
from models.parsing import parse_date as parse_day
from models.parsing import parse_int

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]  # a list: WTForms DateField takes a list of formats
ACCEPT_FILES = ",".join("." + ext for ext in ALLOWED)  # the file input's accept attribute


today = school_clock.today  # the school's calendar day (models/school_time.py), never the server's


to_int = parse_int  # ASCII digits within the database's INTEGER, else the default


def parse_date(value: str | None, *, strict: bool = True) -> dt.date | None:
    """2026-09-01 or 01.09.2026 (models.parsing); None when empty; when bad, InvalidInput (``strict``) or None."""
    text = (value or "").strip()
    day = parse_day(text) if text else None
    if day is not None or not text or not strict:
        return day
    raise InvalidInput(_("Неверная дата: укажите её в виде ДД.ММ.ГГГГ."))


def uploaded_file(name: str = "file") -> CheckedFile | None:
    """The uploaded file checked (type, size, content), or None when no file was chosen."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return check_file(upload.filename, upload.stream.read(MAX_BYTES + 1))


def uploaded_files(name: str = "files") -> list[CheckedFile]:
    """Every file chosen in a multiple file input, each checked as ``uploaded_file`` checks one."""
    return [
        check_file(upload.filename, upload.stream.read(MAX_BYTES + 1))
        for upload in request.files.getlist(name)
        if upload is not None and upload.filename
    ]
