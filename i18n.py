"""Languages of the interface: Russian (source), Kazakh and English. Catalogues live in translations/."""

from __future__ import annotations

from decimal import Decimal

from flask import g, has_app_context
from flask_babel import get_translations, gettext

from models.errors import JournalError
from models.i18n import Joined, Text, install_renderer

# Each language's own name (never translated: a Kazakh reader looks for "Қазақша").
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def error_text(exc: JournalError) -> str:
    """A domain error in the user's language (its composed values too: a period's name, a kind of work)."""
    return _gettext(exc.template, **{k: text(v) for k, v in exc.params.items()})


def text(value):
    """Domain-composed text (models.i18n.Text / Joined) in the user's language; anything else (names,
    codes, numbers: data) unchanged. Templates: ``{{ value|tr }}``."""
    if isinstance(value, Text):
        return _gettext(value.template, **{key: text(v) for key, v in value.params.items()})
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


def _translations():
    """The request's catalogue, looked up once per locale (flask_babel resolves the domain, the locale and its
    cache on every call: ~200 calls on a journal grid, a tenth of its time)."""
    request_globals = g._get_current_object()
    locale = getattr(getattr(request_globals, "_flask_babel", None), "babel_locale", None)
    cached = getattr(request_globals, "_translations", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()  # resolves the locale when nothing did yet
    request_globals._translations = (request_globals._flask_babel.babel_locale, translations)
    return translations


def _gettext(template: str, **params) -> str:
    """flask_babel.gettext through the request's catalogue (``_translations``): a marks page composes ~40 texts."""
    if not has_app_context():
        return gettext(template, **params)
    translated = _translations().ugettext(template)
    return translated % params if params else translated


def install_template_gettext(app) -> None:
    """Templates' _() and ngettext() through the request's catalogue (the same messages, looked up faster);
    composed text (a period's name) shown in the reader's language wherever a template prints it."""
    install_renderer(text)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
