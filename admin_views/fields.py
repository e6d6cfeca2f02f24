"""Form fields of the staff panel that read numbers and dates by models/parsing.py, and the model form converter
that gives them to every model view's create and edit forms (WTForms' own IntegerField, DecimalField and
DateField take "٥" for 5 and the year 9999)."""

from __future__ import annotations

from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DatePickerWidget
from flask_admin.model.form import converts
from flask_babel import gettext
from wtforms import DateField, DecimalField, IntegerField

from models.parsing import parse_date, parse_decimal, parse_int

DATE_MESSAGE = "Неверная дата: укажите её в виде ДД.ММ.ГГГГ."  # marked in admin_views/forms.py


class _Parsed:
    """A field whose typed text is read by one models/parsing.py function; bad text keeps the text on the form,
    sets no data and gives the field's message."""

    def parse(self, text: str):  # pragma: no cover - each field says how
        raise NotImplementedError

    def message(self) -> str:  # pragma: no cover
        raise NotImplementedError

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.raw_data = valuelist
        self.data = self.parse(" ".join(valuelist).strip())
        if self.data is None:
            raise ValueError(self.message())


class AsciiIntegerField(_Parsed, IntegerField):
    """A whole number in ASCII digits within the database's INTEGER."""

    def parse(self, text):
        return parse_int(text)

    def message(self):
        return gettext("Введите целое число цифрами 0–9.")


class AsciiDecimalField(_Parsed, DecimalField):
    """A decimal in ASCII digits, the decimal point or comma ("1,5")."""

    def parse(self, text):
        return parse_decimal(text)

    def message(self):
        return gettext("Нужно число, например 1,5.")


class CalendarDateField(_Parsed, DateField):
    """A date as 2026-09-01 or 01.09.2026 inside the calendar's bounds (models.parsing.DATE_MIN..DATE_MAX)."""

    def parse(self, text):
        return parse_date(text)

    def message(self):
        return gettext(DATE_MESSAGE)


class StrictModelConverter(AdminModelConverter):
    """Flask-Admin's converter with the fields above for integer, numeric and date columns."""

    @converts("Integer")
    def handle_integer_types(self, column, field_args, **extra):
        return AsciiIntegerField(**field_args)

    @converts("Numeric")
    def handle_decimal_types(self, column, field_args, **extra):
        field_args.setdefault("places", None)
        return AsciiDecimalField(**field_args)

    @converts("Date")
    def convert_date(self, field_args, **extra):
        field_args.setdefault("widget", DatePickerWidget())
        return CalendarDateField(**field_args)
