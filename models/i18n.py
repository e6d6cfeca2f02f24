"""Marking user-facing text of the domain for translation, without importing Flask.

The interface's source language is Russian: messages are written in Russian and marked with ``_``
so that ``pybabel extract`` finds them; the web layer translates them at display time into the
user's language (Kazakh, English) with flask_babel.gettext. Placeholders use ``%(name)s`` and are
passed separately (see JournalError), so the text stays a stable catalogue key.

Text the domain composes from a message and values ("опоздание 7 мин", "12 КБ") is a ``Text``: a
``str`` holding the Russian result (so it prints, compares and sorts as before) that also keeps its
template and params; templates show it with the ``tr`` filter (``i18n.text``) in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel import support
from markupsafe import Markup, escape

# How a page shows composed text in the reader's language: installed by the web layer (i18n.install_template_gettext),
# so that a Text printed in a template without ``|tr`` (a period's name inside a message) is translated too.
_shown: Callable[[str], str] | None = None


def install_renderer(render: Callable[[str], str]) -> None:
    global _shown
    _shown = render


def _html(value: str) -> Markup:
    """Jinja's autoescape asks a value for its ``__html__``: composed text answers in the reader's language."""
    shown = str(value)
    if _shown is not None:
        try:
            shown = _shown(value)
        except RuntimeError:  # no application context (a script): the Russian text
            pass
    return escape(shown)


def _(message: str) -> str:
    return message


N_ = _  # for module-level constants (labels, choices)


class Text(str):
    """``Text(_("%(n)s КБ"), n=12)``: the Russian text "12 КБ", translatable later by i18n.text.
    Params may themselves be Text (translated too) or plain values (data, shown as they are)."""

    template: str
    params: dict

    def __new__(cls, template: str, **params) -> Text:
        self = super().__new__(cls, template % params if params else template)
        self.template = template
        self.params = params
        return self

    def __reduce__(self):  # copy and pickle keep the template
        return (_text, (self.template, self.params))

    __html__ = _html


class Joined(str):
    """Parts (Text or plain data) joined by a separator: "07.09.2026; «Дроби»; д/з: № 5"."""

    parts: tuple
    separator: str

    def __new__(cls, separator: str, parts) -> Joined:
        parts = tuple(parts)
        self = super().__new__(cls, separator.join(parts))
        self.parts = parts
        self.separator = separator
        return self

    def __reduce__(self):
        return (Joined, (self.separator, self.parts))

    __html__ = _html


def _text(template: str, params: dict) -> Text:
    return Text(template, **params)


# --- a message in every language of the interface (what a person may type back: a column's name) -------------
_CATALOGUES = Path(__file__).resolve().parent.parent / "translations"


@cache
def _catalogue(lang: str) -> support.Translations:
    return support.Translations.load(str(_CATALOGUES), [lang], domain="messages")


@cache
def in_every_language(message: str) -> frozenset[str]:
    """``message`` (Russian, the source) and its translation in each catalogue: "Фамилия", "Тегі", "Last name"."""
    languages = sorted(p.name for p in _CATALOGUES.iterdir() if (p / "LC_MESSAGES" / "messages.mo").exists())
    return frozenset({message, *(_catalogue(lang).gettext(message) for lang in languages)})


def end_sentence(sentence: str) -> str:
    """A sentence closed by one full stop: a text ending in a name's initials ("… Иванова И.И.") keeps its own
    and gets no second one ("И.И..")."""
    sentence = sentence.rstrip()
    return sentence if sentence.endswith((".", "!", "?", "…")) else sentence + "."
