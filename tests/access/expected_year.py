"""Expected statuses of the year-records routes (columns: tests/access/roles.py ROLES).

"Архив и печати": the administration reads the seals (and downloads the printouts made at archiving) and starts their
verification (a job); only the operator's forms
archive, seal or restore (POST only).
The class teacher's contacts of their class's families: the class teacher's page (a class that is not theirs:
403). "Резервные копии": the operator's page. "Корзина" (removed students, classes, lessons, teaching assignments): the
operator's page, the operator alone restores (the POSTs per role: tests/access/test_bin_doors.py).
The year rollover: the operator's preview and run; the secretary's decisions, read by the director and the operator."""

from __future__ import annotations

from .roles import ALL, F, R

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/year-seals/": (R, F, F, F, F, F, 200, 200, 200),
    "/admin/year-seals/restore": ALL(405),
    "/admin/year-seals/seal": ALL(405),
    "/admin/year-seals/verify": ALL(405),
    # a printout sealed at archiving: the administration's (none in the matrix world: 404), others refused first
    "/admin/year-seals/printout/<int:seal_id>/<int:number>": (R, F, F, F, F, F, 404, 404, 404),
    "/admin/my-class/contacts/": (R, F, F, F, 200, F, F, F, F),
    "/admin/my-class/contacts/save": ALL(405),
    "/admin/backups/": (R, F, F, F, F, F, F, F, 200),
    "/admin/backups/settings": ALL(405),
    "/admin/rollover/": (R, F, F, F, F, F, F, F, 200),
    "/admin/rollover/run": ALL(405),
    "/admin/bin/": (R, F, F, F, F, F, F, F, 200),
    "/admin/bin/restore": ALL(405),
    "/admin/rollover-decisions/": (R, F, F, F, F, 200, F, 200, 200),
    "/admin/rollover-decisions/save": ALL(405),
}
PARAMS: dict = {"<int:seal_id>": lambda world: 999_999, "<int:number>": lambda world: 1}
