"""Every URL rule of the app × every role → the expected status. A new route without a row here fails."""
from __future__ import annotations

import pytest

ROLES = ("anonymous", "student", "parent", "teacher", "classteacher", "secretary", "coordinator", "director",
         "operator")
ALL = lambda code: (code,) * len(ROLES)  # noqa: E731
R = 302  # redirect: to the login page for anonymous, or to the list for a missing id
F = 403

# Rule → status of a GET for each role, in the order of ROLES.
EXPECTED: dict[str, tuple[int, ...]] = {
    "/": ALL(200),
    "/healthz": ALL(200),
    "/login": (200, R, R, R, R, R, R, R, R),
    "/logout": ALL(405),
    "/invite": ALL(200),
    "/account/password": (R, 200, 200, 200, 200, 200, 200, 200, 200),
    "/home": (R, 200, 200, R, R, R, R, R, R),
    "/diary/<int:student_id>": (R, 200, 200, 200, 200, 200, 200, 200, 200),  # own child / own class
    "/static/<path:filename>": ALL(200),
    "/admin/static/<path:filename>": ALL(200),
    "/admin/": (R, F, F, 200, 200, 200, 200, 200, 200),
    # invitation codes: operator (staff), class teacher (own class's families), director reads
    "/admin/invites/": (R, F, F, F, 200, F, F, 200, 200),
    "/admin/invites/issue/": (R, F, F, F, 200, F, F, F, 200),
    "/admin/invites/register.pdf": (R, F, F, F, 200, F, F, 200, 200),
    "/admin/invites/new/": (R, F, F, F, R, F, F, R, R),
    "/admin/invites/edit/": (R, F, F, F, R, F, F, R, R),
    "/admin/invites/details/": (R, F, F, F, R, F, F, R, R),
    "/admin/invites/export/<export_type>/": (R, F, F, F, R, F, F, R, R),
    "/admin/invites/ajax/lookup/": (R, F, F, F, 404, F, F, 404, 404),
    "/admin/invites/action/": ALL(405),
    "/admin/invites/ajax/update/": ALL(405),
    "/admin/invites/delete/": ALL(405),
    # accounts: operator manages, director reads
    "/admin/users/": (R, F, F, F, F, F, F, 200, 200),
    "/admin/users/block/<int:user_id>": (R, F, F, F, F, F, F, F, 200),
    "/admin/users/roles/<int:user_id>": (R, F, F, F, F, F, F, F, 200),
    "/admin/users/unblock/<int:user_id>": ALL(405),
    "/admin/users/new/": (R, F, F, F, F, F, F, R, R),
    "/admin/users/edit/": (R, F, F, F, F, F, F, R, R),
    "/admin/users/details/": (R, F, F, F, F, F, F, R, R),
    "/admin/users/export/<export_type>/": (R, F, F, F, F, F, F, R, R),
    "/admin/users/ajax/lookup/": (R, F, F, F, F, F, F, 404, 404),
    "/admin/users/action/": ALL(405),
    "/admin/users/ajax/update/": ALL(405),
    "/admin/users/delete/": ALL(405),
    # login log: operator and director
    "/admin/logins/": (R, F, F, F, F, F, F, 200, 200),
    "/admin/logins/new/": (R, F, F, F, F, F, F, R, R),
    "/admin/logins/edit/": (R, F, F, F, F, F, F, R, R),
    "/admin/logins/details/": (R, F, F, F, F, F, F, R, R),
    "/admin/logins/export/<export_type>/": (R, F, F, F, F, F, F, R, R),
    "/admin/logins/ajax/lookup/": (R, F, F, F, F, F, F, 404, 404),
    "/admin/logins/action/": ALL(405),
    "/admin/logins/ajax/update/": ALL(405),
    "/admin/logins/delete/": ALL(405),
}


def _url(rule: str, world) -> str:
    values = {
        "<int:student_id>": world.anna.id,  # the parent's own child, the student themself, 5А for staff
        "<int:user_id>": world.users["teacher"].id,
        "<export_type>": "csv",
    }
    static = {"/static/<path:filename>": "/static/js/admin-csp.js",
              "/admin/static/<path:filename>": "/admin/static/bootstrap/bootstrap4/css/bootstrap.min.css"}
    if rule in static:
        return static[rule]
    for placeholder, value in values.items():
        rule = rule.replace(placeholder, str(value))
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
