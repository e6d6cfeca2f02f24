"""Marking user-facing text of the domain for translation, without importing Flask.

The interface's source language is Russian: messages are written in Russian and marked with ``_``
so that ``pybabel extract`` finds them; the web layer translates them at display time into the
user's language (Kazakh, English) with flask_babel.gettext. Placeholders use ``%(name)s`` and are
passed separately (see JournalError), so the text stays a stable catalogue key.
"""
from __future__ import annotations


def _(message: str) -> str:
    return message


N_ = _  # for module-level constants (labels, choices)
