"""Staff panel area: my_class (being built)."""
from __future__ import annotations


def register(admin) -> None:
    """Adds this area's views to the staff panel."""
