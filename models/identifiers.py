"""Personal identifiers a jurisdiction gives its people (pure: no Flask, no database).

Kazakhstan: the ИИН (individual identification number, ЖСН in Kazakh) — 12 digits, the last one a check
digit: the first eleven digits weighted 1, 2, …, 11, summed, modulo 11; a remainder of 10 means weighting them
again 3, 4, …, 11, 1, 2; a second 10 means no number is issued with these eleven digits.
"""

from __future__ import annotations

import re

from models.errors import InvalidInput
from models.i18n import _

IIN_LENGTH = 12
_IIN = re.compile(r"[0-9]{12}", re.ASCII)
_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_check_digit(first_eleven: str) -> int | None:
    """The check digit of an ИИН's first eleven digits; None when no number ends them."""
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def parse_iin(text: str | None) -> str | None:
    """An ИИН as typed ("900101 300 012" or with dashes: spaces and dashes dropped), or None when empty;
    InvalidInput saying what is wrong otherwise."""
    raw = re.sub(r"[\s-]+", "", text or "")
    if not raw:
        return None
    if not _IIN.fullmatch(raw):
        raise InvalidInput(_("ИИН — 12 цифр, у вас: «%(value)s»."), value=(text or "").strip()[:20])
    if iin_check_digit(raw[:11]) != int(raw[11]):
        raise InvalidInput(_("ИИН %(value)s: не сходится контрольная цифра — проверьте, нет ли опечатки."), value=raw)
    return raw


def mask_iin(iin: str | None) -> str:
    """What a reader who does not need the number sees: "••••••••0012"."""
    return "•" * (IIN_LENGTH - 4) + iin[-4:] if iin else ""
