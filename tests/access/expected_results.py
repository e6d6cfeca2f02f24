"""Expected statuses of the reports (columns: tests/access/roles.py ROLES): the period results — the
administration reads the whole school, a class teacher their own classes; the monthly control of the
journal and the effectiveness of its keeping — the administration only; the control's findings on a class — its
class teacher; nobody else reaches them. Report cards and the parents' letters: as the results."""

from __future__ import annotations

from .roles import ALL, R

READERS = (R, 403, 403, 403, 200, 403, 200, 200, 200)
ADMINISTRATION = (R, 403, 403, 403, 403, 403, 200, 200, 200)

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/results/": READERS,
    "/admin/results/results.xlsx": READERS,
    "/admin/results/results.pdf": READERS,
    # report cards and letters: <int:class_id> is 5А, <int:student_id> Anna (of 5А)
    "/admin/results/report-cards/<int:class_id>": ALL(405),  # a class's: POST only, a background job
    "/admin/results/report-card/<int:student_id>.pdf": READERS,
    "/admin/control/": ADMINISTRATION,
    "/admin/control/report": ALL(405),  # the справка: POST only, a background job
    "/admin/control/remarks": ALL(405),  # remarks to teachers: POST only
    "/admin/control/remarks/<int:remark_id>/accept": ALL(405),
    "/admin/remarks/<int:remark_id>/fix": ALL(405),  # the teacher, from the home page
    # journal-keeping effectiveness per teacher (R31): the administration only, page, XLSX and PDF
    "/admin/effectiveness/": ADMINISTRATION,
    "/admin/effectiveness/effectiveness.xlsx": ADMINISTRATION,
    "/admin/effectiveness/effectiveness.pdf": ADMINISTRATION,
    # the control's findings on one's own class: the class teacher ("Мой класс")
    "/admin/my-class/control/": (R, 403, 403, 403, 200, 403, 403, 403, 403),
}

PARAMS: dict = {"<int:remark_id>": lambda world: 1, "<int:class_id>": lambda world: world.c5a.id}
