"""Expected statuses of the imports routes (columns: tests/access/roles.py ROLES)."""
from __future__ import annotations

from .roles import ALL, F, R  # noqa: F401

TABLE: dict[str, tuple[int, ...]] = {}
# Values for URL placeholders of these routes: "<int:class_id>": lambda world: world.c5a.id
PARAMS: dict = {}
