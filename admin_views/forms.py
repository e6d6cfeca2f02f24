"""Reading values from forms and query strings, shared by the staff panel's areas: whole numbers (bad
input → a default, as for an id in a URL), dates (as a date input sends them, or typed ДД.ММ.ГГГГ) and
uploaded documents (checked by models/attachments.py)."""
from __future__ import annotations

import datetime as dt

from flask import request

from models.attachments import ALLOWED, MAX_BYTES, CheckedFile, check_file
from models.errors import InvalidInput
from models.i18n import _

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]  # a list: WTForms DateField takes a list of formats
ACCEPT_FILES = ",".join("." + ext for ext in ALLOWED)  # the file input's accept attribute


def today() -> dt.date:
    return dt.date.today()


def to_int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def parse_date(value: str | None, *, strict: bool = True) -> dt.date | None:
    """2026-09-01 or 01.09.2026; None when empty; when bad, InvalidInput (``strict``) or None."""
    text = (value or "").strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if not strict:
        return None
    raise InvalidInput(_("Неверная дата: укажите её в виде ДД.ММ.ГГГГ."))


def uploaded_file(name: str = "file") -> CheckedFile | None:
    """The uploaded file checked (type, size, content), or None when no file was chosen."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return check_file(upload.filename, upload.stream.read(MAX_BYTES + 1))
