"""Expected statuses of the bound class journal (columns: tests/access/roles.py ROLES): ordering a class's volume
is for those who read its results — the administration any class, a class teacher their own classes; the order
itself is a POST (the file is then downloaded from "Мои задания", expected_jobs.py)."""

from __future__ import annotations

from .roles import ALL, F, R

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/bound-journal/": (R, F, F, F, 200, F, 200, 200, 200),
    "/admin/bound-journal/order": ALL(405),
}
PARAMS: dict = {}
