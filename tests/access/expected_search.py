"""Expected statuses of the staff search (columns: tests/access/roles.py ROLES).

Every staff role has the results page and its dropdown's JSON (what each finds is the rule's:
tests/search/test_search_rules.py); students and parents never reach /admin/.
"""

from __future__ import annotations

from .roles import F, R

STAFF_ONLY = (R, F, F, 200, 200, 200, 200, 200, 200)
TABLE: dict[str, tuple[int, ...]] = {
    "/admin/search/": STAFF_ONLY,
    "/admin/search/suggest": STAFF_ONLY,
}
PARAMS: dict = {}
