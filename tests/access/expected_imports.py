"""Expected statuses of the imports routes (columns: tests/access/roles.py ROLES).

The operator imports everything, the secretary the student lists (the templates below are those of
students). A preview token that is not this session's own is sent back to the imports page (302).
"""

from __future__ import annotations

from .roles import ALL, F, R  # noqa: F401

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/imports/": (R, F, F, F, F, 200, F, F, 200),
    "/admin/imports/template/<import_kind>/<template_format>": (R, F, F, F, F, 200, F, F, 200),
    "/admin/imports/preview/<import_token>": (R, F, F, F, F, R, F, F, R),
    "/admin/imports/upload/<import_kind>": ALL(405),
    "/admin/imports/confirm/<import_token>": ALL(405),
    "/admin/imports/cancel/<import_token>": ALL(405),
}
# Values for URL placeholders of these routes.
PARAMS: dict = {
    "<import_kind>": lambda world: "students",
    "<template_format>": lambda world: "xlsx",
    "<import_token>": lambda world: "x" * 43,  # well-formed, but no session knows it
}
