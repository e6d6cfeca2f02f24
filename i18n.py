"""Languages of the interface: Russian (source), Kazakh and English. Catalogues live in translations/."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext

from models.errors import JournalError
from models.i18n import Joined, Text

# Each language's own name (never translated: a Kazakh reader looks for "Қазақша").
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def error_text(exc: JournalError) -> str:
    """A domain error in the user's language."""
    return gettext(exc.template, **exc.params) if exc.params else gettext(exc.template)


def text(value):
    """Domain-composed text (models.i18n.Text / Joined) in the user's language; anything else (names,
    codes, numbers: data) unchanged. Templates: ``{{ value|tr }}``."""
    if isinstance(value, Text):
        if not value.params:
            return gettext(value.template)
        return gettext(value.template, **{key: text(v) for key, v in value.params.items()})
    if isinstance(value, Joined):
        return value.separator.join(text(part) for part in value.parts)
    return value


def number(value) -> str:
    """4.25 → "4,25", 2.00 → "2", 76.50 → "76,5", None → "" (a decimal comma, no trailing zeros). Templates:
    ``{{ num(value) }}``."""
    if value is None:
        return ""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{value:f}".replace(".", ",")
