"""Expected statuses of distance learning days and the parents' weekly signatures (columns: roles.py ROLES).

The administration switches days ("/admin/distance/"); the class teacher and the administration read the
signatures of a class; every change is a POST (a GET answers 405)."""

from __future__ import annotations

from .roles import ALL, F, R

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/distance/": (R, F, F, F, F, F, 200, 200, 200),
    "/admin/distance/switch": ALL(405),
    "/admin/distance/<int:day_id>/undo": ALL(405),
    "/admin/journal/<int:assignment_id>/lesson/<int:lesson_id>/distance": ALL(405),
    "/admin/my-class/signatures/": (R, F, F, F, 200, F, 200, 200, 200),
    "/diary/<int:student_id>/acknowledge": ALL(405),
}

PARAMS: dict = {"<int:day_id>": lambda world: 999_999}
