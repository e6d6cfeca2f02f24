"""Expected statuses of the organisation and timetable routes (columns: tests/access/roles.py ROLES).

Organisation (years, periods, classes, bells, subjects, the curriculum, teaching load and its check, kinds of work,
attendance reasons, settings): the administration (coordinator, director, operator) opens the pages, only
the operator writes. The class timetable: every staff role reads the classes they may see (classteacher
and teacher: 5А), the operator edits. Substitutions: the administration reads, the operator assigns."""

from __future__ import annotations

from .roles import ALL, F, R

ADMIN_READ = (R, F, F, F, F, F, 200, 200, 200)
OPERATOR_FORM = (R, F, F, F, F, F, R, R, 200)  # create forms: others go back to the list
NO_ID = (R, F, F, F, F, F, R, R, R)  # details/edit without ?id= go back to the list
LOOKUP = (R, F, F, F, F, F, 404, 404, 404)  # no ajax field of that name
STAFF_READ = (R, F, F, 200, 200, 200, 200, 200, 200)


def _model_view(endpoint: str, *, writable: bool = True) -> dict[str, tuple[int, ...]]:
    base = f"/admin/{endpoint}/"
    return {
        base: ADMIN_READ,
        base + "new/": OPERATOR_FORM if writable else NO_ID,
        base + "edit/": NO_ID,
        base + "details/": NO_ID,
        base + "export/<export_type>/": ADMIN_READ,  # CSV/XLSX of the list (admin_views/base.py)
        base + "ajax/lookup/": LOOKUP,
        base + "action/": ALL(405),
        base + "ajax/update/": ALL(405),
        base + "delete/": ALL(405),
    }


TABLE: dict[str, tuple[int, ...]] = {
    **_model_view("years"),
    **_model_view("periods"),
    **_model_view("bells"),
    **_model_view("subjects"),
    **_model_view("assignments"),
    **_model_view("classes", writable=False),
    **_model_view("work-kinds"),
    **_model_view("attendance-reasons"),
    "/admin/curriculum/": ADMIN_READ,
    "/admin/load-check/": ADMIN_READ,
    "/admin/settings/": ADMIN_READ,
    "/admin/settings/scheme": ALL(405),  # POST only
    # the timetable: the week grid of a class (5А), changes by POST only
    "/admin/timetable/": STAFF_READ,
    "/admin/timetable/place": ALL(405),
    "/admin/timetable/change": ALL(405),
    "/admin/timetable/move": ALL(405),
    "/admin/my-week/": (R, F, F, 200, 200, F, F, F, F),  # a teacher's own week
    "/admin/substitutions/": ADMIN_READ,
    "/admin/substitutions/save": ALL(405),
    "/admin/substitutions/cancel": ALL(405),
}
# Values for URL placeholders of these routes (<export_type> is shared with expected_accounts.py).
PARAMS: dict = {}
