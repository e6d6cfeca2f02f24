"""Languages of the interface: Russian (source), Kazakh and English. Catalogues live in translations/."""
from __future__ import annotations

from flask_babel import gettext

from models.errors import JournalError

LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def error_text(exc: JournalError) -> str:
    """A domain error in the user's language."""
    return gettext(exc.template, **exc.params) if exc.params else gettext(exc.template)
