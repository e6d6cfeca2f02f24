"""Expected statuses of the period-results report (columns: tests/access/roles.py ROLES): the administration
reads the whole school, a class teacher their own classes; nobody else reaches it."""
from __future__ import annotations

from .roles import R

READERS = (R, 403, 403, 403, 200, 403, 200, 200, 200)

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/results/": READERS,
    "/admin/results/results.xlsx": READERS,
}

PARAMS: dict = {}
