"""Expected statuses of the family home's notices and a mark's history (see test_url_matrix.py for the columns).

A mark's history opens for whoever reads the child's diary (the parent, the student, their teachers and the
administration): <int:student_id> is Anna, <int:lesson_id> her maths lesson in 5А."""

from __future__ import annotations

from .roles import ALL, R

TABLE: dict[str, tuple[int, ...]] = {
    "/home/seen": ALL(405),
    "/diary/<int:student_id>/lessons/<int:lesson_id>/marks": (R, 200, 200, 200, 200, 200, 200, 200, 200),
}

PARAMS: dict = {}
