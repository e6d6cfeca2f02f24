"""What a mark is, decided once (pure: no database, no Flask), for every door that reads, weighs or shows one:
the journal grid and lesson page, the finals sheets, the diary, the marks page, the history, the PDFs and the
imports.

- which grades get marks at all (first grade is taught without marks, R5) and the one refusal when marks are
  set there;
- the special marks (н/а, зач, незач, осв) and every spelling a person types for them;
- a mark's kind of work and weight: the mark's own kind overrides the lesson's, the mark's own weight
  overrides its kind's, and nothing means 1 (the kind also says control work and ФО/СОР/СОЧ);
- how a mark is shown: "5", "н/а", points as "18/20" — or, where a narrow cell shows what is typed back into
  it, compactly as "18".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from models.errors import InvalidInput
from models.i18n import Text, _

# --- marks are given from the second grade on ---------------------------------------------------------------
LAST_UNMARKED_GRADE = 1  # first grade (and a preparatory "0" class) gets no marks at all (R5)


def marks_given(grade: int) -> bool:
    """Does a class of this grade get marks (lesson, period, year)? SQL: ``SchoolClass.gets_marks``."""
    return grade > LAST_UNMARKED_GRADE


def require_marks_given(grade: int) -> None:
    """The one refusal for a mark set in a grade taught without marks."""
    if not marks_given(grade):
        raise InvalidInput(_("В первом классе отметки не ставятся (безотметочное обучение)."))


# --- special marks and their spellings -----------------------------------------------------------------------
# As stored (S2 6.1, R3), whatever the school's language; marked so that a page shows them in the reader's language
# ("сынақ", "pass"), see ``mark_text``, and the reader's spelling is read back (SPECIAL_SPELLINGS).
NOT_ATTESTED, PASS, FAIL, EXEMPT = _("н/а"), _("зач"), _("незач"), _("осв")
SPECIAL_MARKS = (NOT_ATTESTED, PASS, FAIL, EXEMPT)
PASS_MARKS = frozenset({PASS, EXEMPT})  # count as success, stay out of averages
FAILED_SPECIALS = frozenset({NOT_ATTESTED, FAIL})  # count as failures
FIVE_POINT = ("5", "4", "3", "2", "1")
# Every way a teacher types a special mark (lower case, spaces collapsed) → its stored spelling.
SPECIAL_SPELLINGS = {
    "н/а": NOT_ATTESTED,
    "на": NOT_ATTESTED,
    "н\\а": NOT_ATTESTED,
    "н.а.": NOT_ATTESTED,
    "n/a": NOT_ATTESTED,
    "зач": PASS,
    "зач.": PASS,
    "зачёт": PASS,
    "зачет": PASS,
    "незач": FAIL,
    "незач.": FAIL,
    "незачёт": FAIL,
    "незачет": FAIL,
    "осв": EXEMPT,
    "осв.": EXEMPT,
    # as the Kazakh and the English interface show them (translations/*/messages.po)
    "атт. емес": NOT_ATTESTED,
    "атт емес": NOT_ATTESTED,
    "сынақ": PASS,
    "сынақ емес": FAIL,
    "боса": EXEMPT,
    "pass": PASS,
    "fail": FAIL,
    "exempt": EXEMPT,
}


def special_mark(text: str | None) -> str | None:
    """The stored spelling of a typed special mark ("Зачёт" → "зач"), None when the text is not one."""
    return SPECIAL_SPELLINGS.get(" ".join((text or "").split()).lower())


# --- kind of work and weight -----------------------------------------------------------------------------------
class KindOfWork(Protocol):
    weight: Decimal
    is_control: bool
    criteria_kind: str | None


def work_kind_of(own_kind: KindOfWork | None, lesson_kind: KindOfWork | None) -> KindOfWork | None:
    """The kind of work a mark counts as: its own when set, else its lesson's."""
    return own_kind if own_kind is not None else lesson_kind


def mark_weight(own_weight: Decimal | None, kind: KindOfWork | None) -> Decimal:
    """A mark's weight in the average: its own, else its kind of work's, else 1."""
    if own_weight is not None:
        return Decimal(own_weight)
    return Decimal(kind.weight) if kind is not None and kind.weight is not None else Decimal(1)


# --- how a mark is shown -----------------------------------------------------------------------------------------
def points_text(value: Decimal | int | None) -> str:
    """18 → "18", 7.50 → "7.5": how points are shown and typed back."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def mark_text(
    value: int | None = None,
    special: str | None = None,
    points: Decimal | None = None,
    max_points: Decimal | None = None,
    *,
    compact: bool = False,
) -> str:
    """A mark as every page shows it: "5", "н/а", points out of the work's maximum "18/20" (or "7.5/10").
    ``compact``: a journal cell, where points are shown as typed back into it ("18"; the column says out of
    what)."""
    if value is not None:
        return str(value)
    if special is not None:
        return Text(special) if special in SPECIAL_MARKS else special  # "зач", shown "сынақ" to a Kazakh reader
    if points is None:
        return ""
    if compact or max_points is None:
        return points_text(points)
    return f"{points_text(points)}/{points_text(max_points)}"
