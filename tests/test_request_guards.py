"""Odd input at the edge (issue 11, items 4 and 5): numbers beyond the database's range, dates outside the
calendar, look-alike digits, deep or poisoned JSON and huge forms are refused with a 4xx — never a 500,
never minutes of work. The route tests are generated from the URL map, as tests/access/test_url_matrix.py."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from models.errors import InvalidInput
from models.journal.rules import parse_cell_text, parse_mark
from models.parsing import parse_date, parse_id, parse_int, parse_month
from models.points import parse_points
from models.school.settings import parse_setting
from request_guards import MAX_FORM_PARTS
from tests.access.test_url_matrix import EXPECTED, _url

ROLES = ["operator", "coordinator", "classteacher", "parent"]
HUGE = "9" * 20  # beyond 64 bits: SQLite overflows, PostgreSQL answers NumericValueOutOfRange
WIDE = str(2**31)  # one past the database's INTEGER
FAR_DATE, FAR_MONTH = "9999-12-31", "9999-12"

# Every query parameter a page reads (grep request.args / request.values in admin_views and portal), and
# Flask-Admin's own list parameters.
INT_PARAMS = (
    "period",
    "year",
    "page",
    "page_size",
    "sort",
    "desc",
    "teacher",
    "class",
    "class_id",
    "lesson",
    "bell",
    "student",
    "student_id",
    "subject_id",
    "groups",
    "edit",
    "id",
    "teacher_id",
    "year_id",
    "assignment",
    "kind",
    "fill",
    "only",
    "confirm",
)
DATE_PARAMS = {"week": FAR_DATE, "date": FAR_DATE, "from": FAR_DATE, "day": FAR_DATE, "month": FAR_MONTH}


# --- item 5: one rule for every number a user types -------------------------------------------------------
@pytest.mark.parametrize(
    "typed,expected",
    [
        ("5", 5),
        ("05", 5),
        (" 5 ", 5),
        ("0", 0),
        ("2147483647", 2**31 - 1),
        ("٥", None),
        ("５", None),
        ("²", None),
        ("⁵", None),
        ("+5", None),
        ("5.0", None),
        ("5,0", None),
        ("5e0", None),
        ("-1", None),
        ("", None),
        (None, None),
        (HUGE, None),
        (WIDE, None),
        ("1_000", None),
        ("0x10", None),
    ],
)
def test_whole_numbers_are_ascii_digits_within_the_database_range(typed, expected):
    assert parse_int(typed, low=0) == expected


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("5", (5, None)),
        (" 5 ", (5, None)),
        ("2", (2, None)),
        ("н/а", (None, "н/а")),
        ("٥", None),
        ("５", None),
        ("²", None),
        ("⁵", None),
        ("5 ", (5, None)),
        ("+5", None),
        ("05", None),
        ("5.0", None),
        ("5,0", None),
        ("6", None),
        ("0", None),
        ("55", None),
        (HUGE, None),
    ],
)
def test_a_mark_is_one_of_the_allowed_values_as_typed(typed, expected):
    subject = SimpleNamespace(name="Математика", is_pass_fail=False, is_physical_education=False)
    if expected is None:
        with pytest.raises(InvalidInput):
            parse_mark(typed, subject, 5)
    else:
        assert parse_mark(typed, subject, 5) == expected


@pytest.mark.parametrize("typed", ["٥", "５", "²", "١٠", "٧.٥"])
def test_points_and_cells_refuse_look_alike_digits(typed):
    with pytest.raises(InvalidInput):
        parse_points(typed, Decimal(10))
    _status, minutes, marks = parse_cell_text(f"оп {typed}", criteria=False)
    assert minutes is None and marks == [typed]  # a word, not a number: parse_mark refuses it


@pytest.mark.parametrize(
    "key,typed",
    [
        ("min_marks_for_period", "٣"),
        ("min_marks_for_period", "３"),
        ("min_marks_for_period", HUGE),
        ("rounding_threshold", "٠.٥"),
        ("final_grades", "٩, ١١"),
    ],
)
def test_settings_refuse_look_alike_and_huge_numbers(key, typed):
    with pytest.raises(InvalidInput):
        parse_setting(key, typed)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("2026-09-01", dt.date(2026, 9, 1)),
        ("01.09.2026", dt.date(2026, 9, 1)),
        (" 2026-09-01 ", dt.date(2026, 9, 1)),
        (FAR_DATE, None),
        ("0001-01-01", None),
        ("2026-02-30", None),
        ("٢٠٢٦-٠٩-٠١", None),
        ("２０２６-09-01", None),
        ("2026-9-1", None),
        (HUGE, None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_in_the_calendar_and_in_ascii(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("2026-11", dt.date(2026, 11, 1)),
        ("11.2026", dt.date(2026, 11, 1)),
        ("2026-11-17", dt.date(2026, 11, 1)),
        (FAR_MONTH, None),
        ("2026-13", None),
        ("0000-01", None),
        ("٢٠٢٦-١١", None),
    ],
)
def test_months(typed, expected):
    assert parse_month(typed) == expected


def test_an_id_is_positive():
    assert parse_id("0") is None and parse_id("-3") is None and parse_id("12") == 12


# --- item 4: every route, generated from the URL map ------------------------------------------------------
def _int_rules():
    return sorted(rule for rule in EXPECTED if "<int:" in rule)


def _with_ids(rule: str, world, value: str) -> str:
    """The rule's URL with every <int:…> placeholder set to ``value`` (the others as the matrix sets them)."""
    return _url(re.sub(r"<int:\w+>", value, rule), world)


def _list_filters(app) -> list[str]:
    """flt parameters of every staff model list: each filter of each view gets a huge number."""
    admin = app.extensions["admin"][0]
    return sorted({f"flt0_{key}" for view in admin._views for key in (getattr(view, "_filter_args", None) or {})})


def _odd_queries(app) -> dict[str, str]:
    filters = _list_filters(app)
    huge = {**{name: HUGE for name in (*INT_PARAMS, *filters)}, **DATE_PARAMS}
    wide = {**{name: WIDE for name in (*INT_PARAMS, *filters)}, **DATE_PARAMS}
    arabic = {**{name: "٥" for name in (*INT_PARAMS, *filters)}, **{name: "٢٠٢٦-٠٩-٠١" for name in DATE_PARAMS}}
    return {
        "huge": urlencode(huge),
        "wide": urlencode(wide),
        "arabic": urlencode(arabic),
        "negative": urlencode({name: "-" + HUGE for name in (*INT_PARAMS, *filters)}),
        "dates-low": urlencode({name: "0001-01-01" for name in (*DATE_PARAMS, *filters)}),
    }


def _server_errors(responses) -> list[str]:
    return [f"{what}: {response.status_code}" for what, response in responses if response.status_code >= 500]


@pytest.mark.parametrize("role", ROLES)
def test_a_20_digit_id_in_any_path_is_not_found(client, login_as, world, role):
    login_as(role)
    for value in (HUGE, WIDE, "٥"):
        for rule in _int_rules():
            response = client.get(_with_ids(rule, world, value))
            assert response.status_code in (302, 404, 405), f"{rule} with {value}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_out_of_range_numbers_and_dates_in_every_query_parameter(app, client, login_as, world, role):
    login_as(role)
    responses = []
    for name, query in _odd_queries(app).items():
        for rule in sorted(EXPECTED):
            if "static" not in rule:
                responses.append((f"{rule} [{name}]", client.get(f"{_url(rule, world)}?{query}")))
    assert not _server_errors(responses), "\n".join(_server_errors(responses))


def _post_rules(app) -> list[str]:
    return sorted({r.rule for r in app.url_map.iter_rules() if "POST" in r.methods and "static" not in r.rule})


def _deep(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


JSON_BODIES = {
    "huge int": json.dumps(
        {
            "lesson_id": int(HUGE),
            "student_id": int(HUGE),
            "assignment_id": int(HUGE),
            "version": int(HUGE),
            "slot": int(HUGE),
            "op": "mark",
            "value": "5",
        }
    ),
    "wide int": json.dumps(
        {
            "lesson_id": 2**31,
            "student_id": 2**31,
            "assignment_id": 2**31,
            "op": "attendance",
            "value": "н",
            "minutes": HUGE,
        }
    ),
    "float id": json.dumps({"lesson_id": 1e308, "student_id": 1.5, "assignment_id": 1, "op": "mark"}),
    "deep": _deep(5000),  # beyond Python's recursion limit, under the size limit
    "large": json.dumps({"op": "mark", "comment": "x" * 100_000}),
    "nested": _deep(50),
    "nul": json.dumps(
        {"lesson_id": 1, "student_id": 1, "assignment_id": 1, "op": "mark", "value": "5\x00", "comment": "a\x00b"}
    ),
    "nan": '{"lesson_id": NaN, "student_id": Infinity, "assignment_id": 1, "op": "mark"}',
    "not json": "{'a': 1",
}


@pytest.mark.parametrize("role", ROLES)
def test_every_json_endpoint_refuses_odd_bodies(app, client, login_as, world, role):
    login_as(role)
    responses = []
    for rule in _post_rules(app):
        url = _with_ids(rule, world, str(world.lesson_5a.id))
        for name, body in JSON_BODIES.items():
            responses.append((f"{rule} [{name}]", client.post(url, data=body, content_type="application/json")))
    assert not _server_errors(responses), "\n".join(_server_errors(responses))


def test_the_journal_keystroke_answers_400_in_json(client, login_as, world):
    login_as("teacher")
    for name in ("huge int", "deep", "nested", "nul", "nan", "not json"):
        response = client.post("/admin/journal/cell", data=JSON_BODIES[name], content_type="application/json")
        assert response.status_code == 400, name
        assert response.get_json()["ok"] is False, name
    assert (
        client.post("/admin/journal/cell", data=JSON_BODIES["large"], content_type="application/json").status_code
        == 413
    )
    nul = client.post("/admin/journal/cell", data=JSON_BODIES["nul"], content_type="application/json")
    assert "символ" in nul.get_json()["error"]


@pytest.mark.parametrize("role", ROLES)
def test_odd_numbers_and_dates_in_every_form(app, client, login_as, world, role):
    """Every POST route with every field it may read set to a huge number, a look-alike digit or a far date."""
    login_as(role)
    fields = {
        name: HUGE
        for name in (
            *INT_PARAMS,
            "save_one",
            "confirm_one",
            "line_id",
            "entry_id",
            "bell_id",
            "assignment_id",
            "weekday",
            "substitution_id",
            "work_kind_id",
            "plan_item_id",
            "version",
            "mark",
            "position",
            "hours",
            "minutes",
        )
    }
    fields.update(
        {
            f"mark-{HUGE}": "5",
            f"reason-{HUGE}": "x",
            f"c-{HUGE}-{HUGE}": "5",
            f"row-{HUGE}": "1",
            f"sub-{HUGE}": HUGE,
            f"student-{HUGE}": HUGE,
            f"v-{HUGE}-1": "٥",
            f"o-{HUGE}-{HUGE}": "{}",
        }
    )
    fields.update(DATE_PARAMS)
    responses = []
    for rule in _post_rules(app):
        url = _with_ids(rule, world, str(world.lesson_5a.id))
        responses.append((rule, client.post(url, data=fields)))
    assert not _server_errors(responses), "\n".join(_server_errors(responses))


def test_a_form_of_100000_fields_is_refused_while_it_is_parsed(app, client, login_as, world):
    login_as("operator")
    body = "&".join(f"f{i}=x" for i in range(100_000))  # ~1 MB, under the body limit
    for rule in _post_rules(app):
        url = _with_ids(rule, world, str(world.lesson_5a.id))
        response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in (400, 405, 413), f"{rule}: {response.status_code}"
    assert (
        client.post("/admin/control/remarks", data=body, content_type="application/x-www-form-urlencoded").status_code
        == 400
    )
    within = "&".join(f"f{i}=x" for i in range(MAX_FORM_PARTS - 10))
    response = client.post("/admin/control/remarks", data=within, content_type="application/x-www-form-urlencoded")
    assert "полей" not in response.get_data(as_text=True)


def test_a_multipart_form_of_many_parts_is_refused(client, login_as, world):
    login_as("operator")
    data = {f"f{i}": "x" for i in range(MAX_FORM_PARTS + 10)}
    response = client.post("/admin/control/remarks", data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 413)


def test_a_nul_byte_anywhere_is_refused(client, login_as, world):
    login_as("operator")
    assert client.get("/admin/students/?search=%00").status_code == 400
    assert client.get("/admin/students/?sea%00rch=1").status_code == 400
    assert client.get("/admin/students/%00").status_code in (400, 404)
    assert client.post("/admin/control/remarks", data={"text": "a\x00b", "teacher": "1"}).status_code == 400
    assert client.post("/admin/control/remarks", data={"te\x00xt": "ab"}).status_code == 400
