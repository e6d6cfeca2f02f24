"""Numbers and dates as a user types them, read the same way everywhere (pure: no Flask, no database).

A number is ASCII digits (optionally a leading "-" where negatives make sense) inside the range the caller
and the database accept: Python's int() and str.isdigit() also take "٥", "５", "²", "+5" and 5000-digit
strings, which must never become a mark, an id or an SQL parameter the database cannot hold. A date is
2026-09-01 or 01.09.2026 between DATE_MIN and DATE_MAX, so that any arithmetic on it stays in the calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

INT_MAX = 2**31 - 1  # the database's INTEGER: every id, version and counter column
INT_MIN = -(2**31)
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)  # far from date.max: a year or a week added to it stays a date

_INT = re.compile(r"-?[0-9]{1,18}", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]{1,12}(?:[.,][0-9]{1,6})?", re.ASCII)
_DATES = (
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII), ("y", "m", "d")),
    (re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", re.ASCII), ("d", "m", "y")),
)
_MONTHS = (
    (re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII), ("y", "m")),
    (re.compile(r"([0-9]{1,2})\.([0-9]{4})", re.ASCII), ("m", "y")),
)


def is_digits(text: str | None) -> bool:
    """ "5" and "05" but not "٥", "５", "²", "+5", "5 " or "": what str.isdigit() should have meant."""
    return bool(text) and text.isascii() and text.isdigit()


def parse_int(value, default=None, *, low: int = INT_MIN, high: int = INT_MAX):
    """A whole number typed in ASCII digits (surrounding spaces ignored, "-" only when ``low`` < 0) within
    [low, high]; anything else — another script's digits, "+5", "5.0", out of range, not text — is ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value if low <= value <= high else default
    if not isinstance(value, str):
        return default
    text = value.strip()
    if not _INT.fullmatch(text) or (text.startswith("-") and low >= 0):
        return default
    number = int(text)
    return number if low <= number <= high else default


def parse_decimal(value, default=None, *, low: Decimal | None = None, high: Decimal | None = None):
    """A decimal typed in ASCII digits with a point or a comma ("1,5", "-2.25"; up to 12 digits before and 6
    after) within [low, high]; anything else — "٥", "1e3", "NaN", "1 000" — is ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        number = Decimal(value.strip().replace(",", "."))
    else:
        return default
    if not number.is_finite() or (low is not None and number < low) or (high is not None and number > high):
        return default
    return number


def parse_id(value) -> int | None:
    """A row id from a form, a query string or JSON: a positive database INTEGER, else None."""
    return parse_int(value, low=1)


def _fields(patterns, text: str) -> dict[str, int] | None:
    for pattern, names in patterns:
        match = pattern.fullmatch(text)
        if match:
            return {name: int(part) for name, part in zip(names, match.groups())}
    return None


def parse_date(value) -> dt.date | None:
    """2026-09-01 or 01.09.2026 within [DATE_MIN, DATE_MAX]; None when not such a date."""
    if isinstance(value, dt.date):
        return value if DATE_MIN <= value <= DATE_MAX else None
    parts = _fields(_DATES, value.strip()) if isinstance(value, str) else None
    if parts is None:
        return None
    try:
        day = dt.date(parts["y"], parts["m"], parts["d"])
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def parse_month(value) -> dt.date | None:
    """A month as 2026-09 or 09.2026 (or any date in it): its first day, within the calendar's bounds."""
    if not isinstance(value, str):
        return None
    parts = _fields(_MONTHS, value.strip())
    if parts is None:
        day = parse_date(value)
        return day.replace(day=1) if day else None
    if not 1 <= parts["m"] <= 12:
        return None
    return parse_date(dt.date(parts["y"], parts["m"], 1)) if parts["y"] >= 1 else None


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(value, default=None):
    """An e-mail address as typed (surrounding spaces ignored, at most 255 characters, no line breaks or
    spaces inside); anything else is ``default``."""
    text = value.strip() if isinstance(value, str) else ""
    return text if EMAIL.match(text) and len(text) <= 255 else default
