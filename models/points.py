"""Criteria-based marks as a teacher types them (Kazakhstan, R3): a cell holds the points a student got
for the lesson's work, out of the lesson's maximum (СОР, СОЧ: the work's own maximum; formative work
(ФО): models.grading.FORMATIVE_SCALE unless the lesson says otherwise). Pure: no database, no Flask.

Points are typed with a decimal point or comma ("7,5"), or as "got/out of" ("18/20") when the second
number is the lesson's maximum; a cell holds one result (the plain grid's "/" is not a separator here).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from models.errors import InvalidInput
from models.grading import FORMATIVE_SCALE
from models.i18n import _
from models.marks import points_text

CRITERIA = "criteria"
MAX_LESSON_POINTS = Decimal(100)
_NUMBER = re.compile(r"^\d{1,4}(?:[.,]\d{1,2})?$", re.ASCII)  # ASCII digits: not "٥" or "５"
_OUT_OF = re.compile(r"^(\d{1,4}(?:[.,]\d{1,2})?)/(\d{1,4}(?:[.,]\d{1,2})?)$", re.ASCII)


def is_number(text: str) -> bool:
    return bool(_NUMBER.match((text or "").strip()))


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def lesson_scale(max_points: Decimal | None) -> Decimal:
    """What a lesson's points are out of."""
    return Decimal(max_points) if max_points is not None else FORMATIVE_SCALE


def parse_points(text: str, out_of: Decimal) -> Decimal:
    """The points typed for a work marked out of ``out_of``; InvalidInput with the allowed range."""
    raw = " ".join((text or "").split())
    number = raw
    match = _OUT_OF.match(raw)
    if match:
        number = match.group(1)
        if _decimal(match.group(2)) != out_of:
            raise InvalidInput(
                _("«%(value)s»: эта работа оценивается из %(max)s баллов."), value=raw[:20], max=points_text(out_of)
            )
    if not _NUMBER.match(number):
        raise InvalidInput(
            _("«%(value)s» — не балл: введите число от 0 до %(max)s (дробная часть через точку или запятую)."),
            value=raw[:20],
            max=points_text(out_of),
        )
    points = _decimal(number)
    if points > out_of:
        raise InvalidInput(
            _("Балл %(value)s больше максимума работы (%(max)s)."), value=points_text(points), max=points_text(out_of)
        )
    return points


def parse_max_points(raw: str | None) -> Decimal | None:
    """The maximum of a lesson's work as typed on the lesson form ('' → None)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = _decimal(text) if _NUMBER.match(text) else None
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        value = None
    if value is None or value < 1 or value > MAX_LESSON_POINTS:
        raise InvalidInput(_("Максимальный балл — число от 1 до %(n)s."), n=points_text(MAX_LESSON_POINTS))
    return value
