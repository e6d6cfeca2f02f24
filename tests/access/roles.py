"""Columns of the URL matrix and shorthands used by the expected_*.py tables."""

ROLES = (
    "anonymous",
    "student",
    "parent",
    "teacher",
    "classteacher",
    "secretary",
    "coordinator",
    "director",
    "operator",
)
R = 302  # redirect: to the login page for anonymous, or to the list for a missing id
F = 403


def ALL(code: int) -> tuple[int, ...]:  # noqa: N802
    return (code,) * len(ROLES)
