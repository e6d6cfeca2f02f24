"""Every model view's create form reads numbers in ASCII digits and dates inside the calendar's bounds
(admin_views.fields through the model form converter): "٥" is not 5 and the year 9999 is not a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DecimalField, IntegerField

from admin_views.base import ScopedModelView
from admin_views.fields import AsciiDecimalField, AsciiIntegerField, CalendarDateField

GOOD = {
    AsciiIntegerField: ("12", 12),
    AsciiDecimalField: ("1,5", Decimal("1.5")),
    CalendarDateField: ("01.09.2026", dt.date(2026, 9, 1)),
}
BAD = ("٥", "５", "+5", "1e3", "NaN", "9999-12-31", "٢٠٢٦-٠٩-٠١", "31.02.2026", "1" * 30)


def _create_forms(app):
    admin = app.extensions["admin"]
    admin = admin[0] if isinstance(admin, list) else admin
    return [
        (type(view).__name__, view._create_form_class)
        for view in admin._views
        if isinstance(view, ScopedModelView) and view.allow_create
    ]


def _typed_fields(app):
    """(view, field name, field class) of every number or date field of every create form."""
    found = []
    with app.test_request_context():
        for view, form_class in _create_forms(app):
            form = form_class()
            for field in form:
                if isinstance(field, (IntegerField, DecimalField, DateField)):
                    found.append((view, field.name, type(field)))
    return found


def test_the_generated_forms_cover_numbers_and_dates(app):
    kinds = {cls for _view, _name, cls in _typed_fields(app)}
    assert kinds >= {AsciiIntegerField, CalendarDateField}, kinds


def test_no_create_form_keeps_a_field_of_wtforms_own(app):
    assert [(view, name, cls.__name__) for view, name, cls in _typed_fields(app) if cls not in GOOD] == []


@pytest.mark.parametrize("bad", BAD)
def test_every_create_form_refuses_other_digits_and_far_dates(app, bad):
    with app.test_request_context():
        for view, form_class in _create_forms(app):
            form = form_class()
            for field in form:
                if type(field) in GOOD:
                    field.process(MultiDict({field.name: bad}))
                    assert field.data is None and field.process_errors, (view, field.name, bad)
                    typed, value = GOOD[type(field)]
                    field.process(MultiDict({field.name: typed}))
                    assert field.data == value and not field.process_errors, (view, field.name)


@pytest.mark.parametrize("bad", BAD)
def test_comma_decimal_field_reads_ascii_digits_only(app, bad):
    from flask_wtf import FlaskForm

    from admin_views.organisation import CommaDecimalField

    class Form(FlaskForm):
        class Meta:
            csrf = False

        weight = CommaDecimalField()

    with app.test_request_context():
        form = Form(formdata=MultiDict({"weight": bad}))
        assert form.weight.data is None and form.weight.process_errors
        form = Form(formdata=MultiDict({"weight": "1,5"}))
        assert form.weight.data == Decimal("1.5")
