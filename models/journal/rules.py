"""What a journal cell may hold and how a teacher types it (R1–R5): mark slots, text limits,
attendance codes, the marks allowed per subject and grade, a cell typed as text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from models.errors import InvalidInput
from models.i18n import N_, Text, _
from models.marks import EXEMPT, FAIL, FIVE_POINT, NOT_ATTESTED, PASS, marks_given, require_marks_given, special_mark
from models.parsing import is_digits
from models.points import is_number, points_text
from models.tables.curriculum import Subject
from models.tables.journal import ATTENDANCE_CODES  # noqa: F401 - the codes' one place, read from here too

SLOTS = (1, 2, 3)
SCHOOL_DAYS = (1, 2, 3, 4, 5, 6)  # ISO weekdays on which lessons may be given: Monday to Saturday
MAX_TOPIC = 500
MAX_HOMEWORK = 2000
MAX_COMMENT = 500
MAX_MINUTES_LATE = 90
ATTENDANCE_LABELS = {"absent": N_("отсутствовал(а)"), "late": N_("опоздал(а)")}
# Keys and words a teacher types for attendance (Russian and Latin keyboard layouts).
_STATUS_WORDS = {
    "": None,
    "absent": "absent",
    "н": "absent",
    "n": "absent",
    "ж": "absent",
    "abs": "absent",
    "a": "absent",
    "late": "late",
    "оп": "late",
    "кеш": "late",
    "к": "late",
    "о": "late",
    "o": "late",
    "l": "late",
}
# The abbreviations teachers in Kazakhstan use: ФО/СОР/СОЧ in Russian, ҚБ/БЖБ/ТЖБ in Kazakh (shown by locale).
CRITERIA_CODES = {"fo": Text(N_("ФО")), "sor": Text(N_("СОР")), "soch": Text(N_("СОЧ"))}
WEEKDAY_SHORT = (N_("Пн"), N_("Вт"), N_("Ср"), N_("Чт"), N_("Пт"), N_("Сб"), N_("Вс"))


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


# --- marks as the teacher types them ---------------------------------------------------------------------
def allowed_marks(subject: Subject, grade: int) -> tuple[str, ...]:
    """What may be put in a cell of this subject and grade: nothing in the first grade (R5); pass/fail on
    pass/fail subjects; the 5-point scale elsewhere; "осв" (exempt) in PE; "н/а" wherever marks are."""
    if not marks_given(grade):
        return ()
    if subject.is_pass_fail:
        return (PASS, FAIL, NOT_ATTESTED)
    if subject.is_physical_education:
        return (*FIVE_POINT, NOT_ATTESTED, EXEMPT, PASS, FAIL)
    return (*FIVE_POINT, NOT_ATTESTED)


def canonical_mark(text: str, *, points: bool = True) -> str:
    """A typed mark in its stored spelling ("N/A" → "н/а", "осв." → "осв", and as ``points`` "7,50" → "7.5");
    unknown text is returned as is. A 5-point mark is not respelled: "05" and "5.0" are not the mark 5."""
    word = " ".join((text or "").split()).lower()
    if points and is_number(word):
        return points_text(Decimal(word.replace(",", ".")))
    return special_mark(word) or word


def parse_mark(text: str, subject: Subject, grade: int) -> tuple[int | None, str | None]:
    """(value, special) of a typed mark, or InvalidInput with a message naming what is allowed."""
    word = canonical_mark(text, points=False)
    require_marks_given(grade)
    allowed = allowed_marks(subject, grade)
    if word not in allowed:
        raise InvalidInput(
            _("«%(value)s» — не отметка по предмету «%(subject)s». Допустимо: %(allowed)s."),
            value=(text or "").strip()[:20],
            subject=subject.name,
            allowed=", ".join(allowed),
        )
    return (int(word), None) if is_digits(word) else (None, word)


def parse_status(text: str | None) -> str | None:
    word = " ".join((text or "").split()).lower()
    if word not in _STATUS_WORDS:
        raise InvalidInput(_("Посещаемость: «н» — отсутствовал(а), «оп» — опоздал(а), пусто — был(а) на уроке."))
    return _STATUS_WORDS[word]


# Late: "оп" (Russian), "кеш"/"к" (Kazakh), "late"/"l" (English), with the minutes: "оп10", "кеш10".
_LATE_TOKEN = re.compile(r"^(?:оп|о|op|o|кеш|к|late|l)(\d{1,2})?$", re.ASCII)
_ABSENT_TOKENS = ("н", "n", "ж", "abs", "a")  # Russian, its Latin key, Kazakh, English


def parse_cell_text(text: str, *, criteria: bool = False) -> tuple[str | None, int | None, list[str]]:
    """A cell typed as text, as in the plain (script-free) grid: "н", "оп", "оп10" (late 10 minutes),
    "5", "5/4", "н 5", "н/а". Returns (attendance status, minutes late, marks in order).
    ``criteria``: points, one result per cell ("18", "7,5", "18/20", "н 6"; see models.points)."""
    raw = (text or "").strip().lower()
    raw = raw.replace("н/а", "\x00").replace("n/a", "\x00")
    status, minutes, marks = None, None, []
    for token in (t for t in re.split(r"[\s;]+" if criteria else r"[\s/,;]+", raw) if t):
        if token == "\x00":
            marks.append(NOT_ATTESTED)
            continue
        late = _LATE_TOKEN.match(token)
        word_status = _STATUS_WORDS.get(token) if token in _ABSENT_TOKENS else ("late" if late else None)
        if word_status is not None:
            if status is not None:
                raise InvalidInput(_("В клетке может быть только одна отметка посещаемости («н» или «оп»)."))
            status = word_status
            if late and late.group(1):
                minutes = int(late.group(1))
            continue
        marks.append(canonical_mark(token, points=criteria))
    if len(marks) > len(SLOTS):
        raise InvalidInput(_("В одной клетке не больше %(n)s отметок."), n=len(SLOTS))
    if criteria and len(marks) > 1:
        raise InvalidInput(_ONE_RESULT)
    return status, minutes, marks


_ONE_RESULT = _("При критериальном оценивании в клетке один результат: баллы за работу урока.")
