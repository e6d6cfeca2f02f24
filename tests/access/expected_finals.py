"""Expected statuses of the period-marks, periods, thematic-plan and weekly-attendance routes (columns:
tests/access/roles.py ROLES).

Period marks and the КТП are read by whoever may open the journal page (``teacher`` teaches maths in 5А;
``classteacher`` keeps 5А and reads its pages; the administration reads everything); the secretary, parents
and students never reach them. Closing periods is the coordinator's and the operator's (the director reads
the page). The weekly attendance page is the class teacher's (the administration reads). POST-only routes
answer 405 to a GET."""

from __future__ import annotations

from .roles import ALL, F, R

READERS = (R, F, F, 200, 200, F, 200, 200, 200)
ADMINISTRATION = (R, F, F, F, F, F, 200, 200, 200)

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/finals/": READERS,  # the actor's journal pages with links to marks and КТП
    "/admin/finals/<int:assignment_id>": READERS,  # maths 5А, the current period
    "/admin/finals/periods/": ADMINISTRATION,
    "/admin/finals/periods/<int:period_id>/close": ALL(405),
    "/admin/finals/periods/<int:period_id>/reopen": ALL(405),
    "/admin/plan/": (R, F, F, R, R, F, R, R, R),  # sent to the list of pages
    "/admin/plan/template.csv": READERS,
    "/admin/plan/<int:assignment_id>": READERS,
    "/admin/plan/<int:assignment_id>/line": ALL(405),
    "/admin/plan/<int:assignment_id>/delete": ALL(405),
    "/admin/plan/<int:assignment_id>/import": ALL(405),
    "/admin/plan/<int:assignment_id>/import/confirm": ALL(405),
    "/admin/plan/<int:assignment_id>/link": ALL(405),
    "/admin/attendance/": (R, F, F, F, R, F, R, R, R),  # sent to the week page
    "/admin/attendance/week": (R, F, F, F, 200, F, 200, 200, 200),
}

PARAMS: dict = {
    "<int:assignment_id>": lambda world: world.a_maths_5a.id,
    "<int:period_id>": lambda world: world.q1.id,
}
