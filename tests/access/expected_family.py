"""Expected statuses of the family's subject page (forecast) and the inbox's "bring in the administration" (see
test_url_matrix.py for the columns).

A subject's page opens for whoever reads the child's marks (the parent, the student, the teachers and the
administration of the school): <int:student_id> is Anna, <int:subject_id> maths."""

from __future__ import annotations

from .roles import R

TABLE: dict[str, tuple[int, ...]] = {
    "/diary/<int:student_id>/subjects/<int:subject_id>": (R, 200, 200, 200, 200, 200, 200, 200, 200),
}

PARAMS: dict = {"<int:subject_id>": lambda world: world.maths.id}
