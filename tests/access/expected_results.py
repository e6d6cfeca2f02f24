"""Expected statuses of the reports (columns: tests/access/roles.py ROLES): the period results — the
administration reads the whole school, a class teacher their own classes; the monthly control of the
journal — the administration only; nobody else reaches them."""

from __future__ import annotations

from .roles import ALL, R

READERS = (R, 403, 403, 403, 200, 403, 200, 200, 200)
ADMINISTRATION = (R, 403, 403, 403, 403, 403, 200, 200, 200)

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/results/": READERS,
    "/admin/results/results.xlsx": READERS,
    "/admin/results/results.pdf": READERS,
    "/admin/control/": ADMINISTRATION,
    "/admin/control/report.pdf": ADMINISTRATION,
    "/admin/control/remarks": ALL(405),  # remarks to teachers: POST only
    "/admin/control/remarks/<int:remark_id>/accept": ALL(405),
    "/admin/remarks/<int:remark_id>/fix": ALL(405),  # the teacher, from the home page
}

PARAMS: dict = {"<int:remark_id>": lambda world: 1}
