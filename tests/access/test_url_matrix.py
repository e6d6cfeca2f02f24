"""Every URL rule of the app × every role → the expected status. A new route without a row here fails."""

from __future__ import annotations

import pytest

from . import (
    expected_accounts,
    expected_announcements,
    expected_bound_journal,
    expected_consents,
    expected_distance,
    expected_family,
    expected_finals,
    expected_imports,
    expected_inbox,
    expected_jobs,
    expected_journal,
    expected_mail,
    expected_notices,
    expected_organisation,
    expected_results,
    expected_rosters,
    expected_search,
    expected_year,
)
from .roles import ROLES

# Each area of the app keeps its own table of rule → status per role (in the order of ROLES)
# and the values its URL placeholders take.
AREAS = (
    expected_accounts,
    expected_rosters,
    expected_organisation,
    expected_imports,
    expected_inbox,
    expected_journal,
    expected_finals,
    expected_results,
    expected_bound_journal,
    expected_jobs,
    expected_notices,
    expected_announcements,
    expected_distance,
    expected_family,
    expected_mail,
    expected_year,
    expected_consents,
    expected_search,
)
EXPECTED: dict[str, tuple[int, ...]] = {rule: row for area in AREAS for rule, row in area.TABLE.items()}
PARAMS = {name: value for area in AREAS for name, value in area.PARAMS.items()}


def _url(rule: str, world) -> str:
    static = {
        "/static/<path:filename>": "/static/js/admin-csp.js",
        "/admin/static/<path:filename>": "/admin/static/bootstrap/bootstrap4/css/bootstrap.min.css",
    }
    if rule in static:
        return static[rule]
    for placeholder, value in PARAMS.items():
        if placeholder in rule:
            rule = rule.replace(placeholder, str(value(world)))
    assert "<" not in rule, f"add a value for the placeholder of {rule} to PARAMS of its expected_*.py"
    return rule


def test_every_rule_has_an_expected_row(app):
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert rules - set(EXPECTED) == set(), "add the new routes to EXPECTED with a status per role"
    assert set(EXPECTED) - rules == set(), "EXPECTED lists routes that no longer exist"


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_status_per_role(client, login_as, world, role_index, role):
    if role != "anonymous":
        login_as(role)
    mismatches = []
    for rule, statuses in sorted(EXPECTED.items()):
        response = client.get(_url(rule, world))
        if response.status_code != statuses[role_index]:
            mismatches.append(f"{rule}: expected {statuses[role_index]}, got {response.status_code}")
    assert not mismatches, "\n".join(mismatches)


def test_anonymous_redirects_go_to_the_login_page(client, world):
    response = client.get("/admin/invites/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


JUNK = (
    "period=abc&year=-1&week=xyz&date=2026-13-45&kind=zzz&page=-5&sort=99&month=0001-01&teacher=abc"
    "&class=abc&lesson=abc&bell=abc&student=x&q=%27%22%3C&flt1_0=x&fill=1&search=%27%3B--&day=bad&id=abc"
)


@pytest.mark.parametrize("role", ["operator", "coordinator", "classteacher", "parent"])
def test_junk_query_parameters_never_break_a_page(client, login_as, world, role):
    """Every GET route with every parameter a page reads set to nonsense: a page, a refusal or a redirect —
    never a server error."""
    login_as(role)
    broken = []
    for rule in sorted(EXPECTED):
        if "static" in rule:
            continue
        response = client.get(f"{_url(rule, world)}?{JUNK}")
        if response.status_code >= 500:
            broken.append(f"{rule}: {response.status_code}")
    assert not broken, "\n".join(broken)


def test_a_nul_byte_is_refused_before_anything_reads_it(client, login_as, world):
    """PostgreSQL cannot hold NUL in text: a search or a form field with one is a 400, not a server error."""
    login_as("operator")
    assert client.get("/admin/students/?search=%00").status_code == 400
    assert client.post("/admin/control/remarks", data={"text": "a\x00b", "teacher": "1"}).status_code == 400
    assert client.get("/admin/students/?search=Аннова").status_code == 200
