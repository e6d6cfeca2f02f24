"""Every request bounded and checked at the edge, before a view reads it.

- Forms: at most MAX_FORM_PARTS fields, URL-encoded or multipart (Werkzeug counts only multipart parts),
  so a 100,000-field post is refused while it is parsed instead of keeping a worker busy for minutes.
- Ids in paths: the ``int`` converter takes ASCII digits within the database's INTEGER (a 20-digit id is a
  404, "٥" is not a number).
- JSON bodies: small, at most MAX_JSON_DEPTH deep, whole numbers within 64 bits, no NaN, no NUL.
- NUL characters: never part of what a user types, and PostgreSQL cannot store them in text.
- Last line: an OverflowError or a value the database refuses as out of range is a 400, never a 500.
Numbers and dates inside values are read with models.parsing (ASCII digits, bounded ranges).
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from flask import Flask, abort, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask.wrappers import Request
from flask_admin.model import filters as admin_filters
from flask_babel import gettext
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser
from werkzeug.routing import IntegerConverter

from models import db
from models.parsing import INT_MAX, parse_date, parse_int

MAX_FORM_PARTS = 10_000  # the largest page (a term's journal grid) posts a few thousand fields
MAX_FORM_MEMORY_SIZE = 1024 * 1024  # one text field of a multipart form
MAX_JSON_BYTES = 64 * 1024  # a keystroke of the journal is well under 1 KB
MAX_JSON_DEPTH = 8
JSON_INT_LIMIT = 2**63  # wider than any column; views read ids with models.parsing.parse_id


class _TooManyFields(BadRequest):
    pass


class BoundedFormDataParser(FormDataParser):
    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        try:
            items = parse_qsl(
                stream.read().decode(),
                keep_blank_values=True,
                errors="werkzeug.url_quote",
                max_num_fields=self.max_form_parts,
            )
        except ValueError:  # more fields than max_form_parts (parse_qsl counts before it decodes any)
            raise _TooManyFields() from None
        return stream, self.cls(items), self.cls()


class BoundedRequest(Request):
    form_data_parser_class = BoundedFormDataParser


class BoundedIntConverter(IntegerConverter):
    """<int:…> as ASCII digits within the database's INTEGER; anything else does not match (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = INT_MAX, signed: bool = False
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
        if signed:
            self.regex = r"-?[0-9]{1,10}"


class UnsafeJSON(ValueError):
    pass


def _check_json(value) -> None:
    """Depth, NUL characters and whole numbers of a parsed JSON document, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise UnsafeJSON("too deep")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, str) and "\x00" in item:
            raise UnsafeJSON("NUL")
        elif isinstance(item, int) and not -JSON_INT_LIMIT <= item < JSON_INT_LIMIT:
            raise UnsafeJSON("number out of range")


def _refuse_constant(name: str):
    raise UnsafeJSON(name)


class GuardedJSONProvider(DefaultJSONProvider):
    """Parses with the limits of _check_json; NaN and Infinity are not numbers a form sends."""

    def loads(self, s, **kwargs):
        if len(s) > MAX_JSON_BYTES:
            raise UnsafeJSON("too large")
        kwargs.setdefault("parse_constant", _refuse_constant)
        kwargs.setdefault("parse_int", lambda text: int(text) if len(text) <= 20 else _refuse_constant(text))
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise UnsafeJSON("too deep") from None
        _check_json(value)
        return value


def _unsafe_json_cause(exc: BaseException) -> UnsafeJSON | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, UnsafeJSON):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _bad_request(message: str):
    if request.is_json:
        return jsonify(ok=False, error=message), 400
    abort(400, message)


_DATE_IN_FILTER = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DATE_FILTERS = (
    admin_filters.BaseDateFilter,
    admin_filters.BaseDateBetweenFilter,
    admin_filters.BaseDateTimeFilter,
    admin_filters.BaseDateTimeBetweenFilter,
)


def filter_value_fits(flt, value: str) -> bool:
    """A staff list filter's value that Flask-Admin accepted (int() and strptime() take "٥" and the year
    9999) and that is also a number or a date models.parsing accepts."""
    if isinstance(flt, admin_filters.BaseIntFilter):
        return parse_int(value) is not None
    if isinstance(flt, admin_filters.BaseIntListFilter):
        return all(parse_int(part) is not None for part in value.split(",") if part.strip())
    if isinstance(flt, _DATE_FILTERS):
        return value.isascii() and all(parse_date(day) for day in _DATE_IN_FILTER.findall(value))
    if isinstance(flt, (admin_filters.BaseFloatFilter, admin_filters.BaseFloatListFilter)):
        return value.isascii()
    return True


def init_request_guards(app: Flask) -> None:
    """Call before any blueprint or view is registered: the converter applies to rules added after it."""
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = GuardedJSONProvider(app)
    app.config["MAX_FORM_PARTS"] = MAX_FORM_PARTS  # Flask's default (1000) is below a journal grid
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_FORM_MEMORY_SIZE

    @app.before_request
    def _check_input():
        """NUL characters anywhere in the address, the query, a form or a JSON body; a JSON body that is
        too large, too deep or not JSON. Refused before anything reads them. The message is translated only for a
        refusal: translating picks the user's language, which loads the signed-in user (a query), and a
        stylesheet or a script must not pay for that."""

        def nul() -> str:
            return gettext("Недопустимые символы в запросе.")

        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
        ):
            abort(400, nul())
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.is_json:
            request.max_content_length = MAX_JSON_BYTES
            try:
                request.get_json()
            except BadRequest as exc:
                nul_inside = "NUL" in str(_unsafe_json_cause(exc))
                return _bad_request(nul() if nul_inside else gettext("Неверный запрос: данные не в том виде."))
            return None
        try:
            fields = request.form
        except _TooManyFields:
            return _bad_request(
                gettext("Слишком много полей в форме: не больше %(n)s.", n=current_app.config["MAX_FORM_PARTS"])
            )
        if any("\x00" in key or "\x00" in value for key, value in fields.items(multi=True)) or any(
            "\x00" in (upload.filename or "") for upload in request.files.values()
        ):
            abort(400, nul())
        return None

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _out_of_range(exc):
        """A number or a date beyond what Python or the database can hold: bad input, nothing written."""
        db.session.rollback()
        current_app.logger.warning("input out of range reached %s: %s", request.path, exc)
        return app.handle_http_exception(BadRequest(gettext("Число или дата вне допустимого диапазона.")))
