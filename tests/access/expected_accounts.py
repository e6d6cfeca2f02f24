"""Expected statuses of the access and account routes (see test_url_matrix.py for the columns)."""

from __future__ import annotations

from .roles import ALL, F, R


def _read_only_log(prefix: str) -> dict[str, tuple[int, ...]]:
    """The routes of a read-only model view that the operator and the director read."""
    readers = (R, F, F, F, F, F, F, 200, 200)
    closed = (R, F, F, F, F, F, F, R, R)
    return {
        prefix: readers,
        f"{prefix}new/": closed,
        f"{prefix}edit/": closed,
        f"{prefix}details/": closed,
        f"{prefix}export/<export_type>/": readers,
        f"{prefix}ajax/lookup/": (R, F, F, F, F, F, F, 404, 404),
        **{f"{prefix}{name}/": ALL(405) for name in ("action", "ajax/update", "delete")},
    }


# Rule → status of a GET for each role, in the order of ROLES.
TABLE: dict[str, tuple[int, ...]] = {
    "/": ALL(200),
    "/healthz": ALL(200),
    "/login": (200, R, R, R, R, R, R, R, R),
    "/logout": ALL(405),
    "/invite": ALL(200),
    "/language": ALL(405),
    "/account/password": (R, 200, 200, 200, 200, 200, 200, 200, 200),
    "/home": (R, 200, 200, R, R, R, R, R, R),
    "/diary/<int:student_id>": (R, 200, 200, 200, 200, 200, 200, 200, 200),  # own child / own class
    "/diary/<int:student_id>/marks": (R, 200, 200, 200, 200, 200, 200, 200, 200),  # the same readers
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
    "/admin/invites/export/<export_type>/": (R, F, F, F, 200, F, F, 200, 200),  # CSV/XLSX of the scoped list
    "/admin/invites/ajax/lookup/": (R, F, F, F, 404, F, F, 404, 404),
    "/admin/invites/action/": ALL(405),
    "/admin/invites/ajax/update/": ALL(405),
    "/admin/invites/delete/": ALL(405),
    # codes for every family of a class at once (issue 17): the class teacher in "Мой класс" (own classes), the
    # operator and the secretary in "Доступ" (any class); the POSTs answer 405 to a GET
    "/admin/my-class/codes/": (R, F, F, F, 200, F, F, F, F),
    "/admin/my-class/codes/issue": ALL(405),
    "/admin/class-codes/": (R, F, F, F, F, 200, F, F, 200),
    "/admin/class-codes/issue": ALL(405),
    # accounts: operator manages, director reads
    "/admin/users/": (R, F, F, F, F, F, F, 200, 200),
    "/admin/users/block/<int:user_id>": (R, F, F, F, F, F, F, F, 200),
    "/admin/users/roles/<int:user_id>": (R, F, F, F, F, F, F, F, 200),
    "/admin/users/unblock/<int:user_id>": ALL(405),
    "/admin/users/new/": (R, F, F, F, F, F, F, R, R),
    "/admin/users/edit/": (R, F, F, F, F, F, F, R, R),
    "/admin/users/details/": (R, F, F, F, F, F, F, R, R),
    "/admin/users/export/<export_type>/": (R, F, F, F, F, F, F, 200, 200),
    "/admin/users/ajax/lookup/": (R, F, F, F, F, F, F, 404, 404),
    "/admin/users/action/": ALL(405),
    "/admin/users/ajax/update/": ALL(405),
    "/admin/users/delete/": ALL(405),
    # the login log and the log of refused requests (403): operator and director read them
    **_read_only_log("/admin/logins/"),
    **_read_only_log("/admin/refusals/"),
}

PARAMS: dict = {
    "<int:student_id>": lambda world: world.anna.id,  # the parent's own child, the student themself, 5А
    "<int:user_id>": lambda world: world.users["teacher"].id,
    "<export_type>": lambda world: "csv",
}
