"""Expected statuses of the reports (columns: tests/access/roles.py ROLES): the period results — the
administration reads the whole school, a class teacher their own classes; the monthly control of the
journal and the effectiveness of its keeping — the administration only; the control's findings on a class — its
class teacher; nobody else reaches them."""

from __future__ import annotations

from .roles import ALL, R

READERS = (R, 403, 403, 403, 200, 403, 200, 200, 200)
ADMINISTRATION = (R, 403, 403, 403, 403, 403, 200, 200, 200)

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/results/": READERS,
    "/admin/results/results.xlsx": READERS,
    "/admin/control/": ADMINISTRATION,
    "/admin/control/report.pdf": ADMINISTRATION,
    "/admin/control/remarks": ALL(405),  # remarks to teachers: POST only
    "/admin/control/remarks/<int:remark_id>/accept": ALL(405),
    "/admin/remarks/<int:remark_id>/fix": ALL(405),  # the teacher, from the home page
    # journal-keeping effectiveness per teacher (R31): the administration only, page and XLSX
    "/admin/effectiveness/": ADMINISTRATION,
    "/admin/effectiveness/effectiveness.xlsx": ADMINISTRATION,
    # the control's findings on one's own class: the class teacher ("Мой класс")
    "/admin/my-class/control/": (R, 403, 403, 403, 200, 403, 403, 403, 403),
}

PARAMS: dict = {"<int:remark_id>": lambda world: 1}
