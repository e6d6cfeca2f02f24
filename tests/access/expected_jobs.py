"""Expected statuses of the background jobs routes ("Мои задания"; columns: tests/access/roles.py ROLES).

Every staff member has the page; a job id they may not see (here: one that does not exist) is sent back to
the list with a message (302).
"""

from __future__ import annotations

from .roles import ALL, F, R  # noqa: F401

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/jobs/": (R, F, F, 200, 200, 200, 200, 200, 200),
    "/admin/jobs/status": (R, F, F, 200, 200, 200, 200, 200, 200),
    "/admin/jobs/<int:job_id>/download": (R, F, F, R, R, R, R, R, R),
    "/admin/jobs/<int:job_id>/retry": ALL(405),
    "/admin/jobs/new/<job_kind>": ALL(405),
}
PARAMS: dict = {
    "<int:job_id>": lambda world: 987654,
    "<job_kind>": lambda world: "backup",
}
