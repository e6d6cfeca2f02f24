"""Expected statuses of the family's subject page (forecast) and the inbox's "bring in the administration" (see
test_url_matrix.py for the columns).

A subject's page opens for whoever reads the child's marks (the parent, the student, the teachers and the
administration of the school): <int:student_id> is Anna, <int:subject_id> maths."""

from __future__ import annotations

from .roles import ALL, R

TABLE: dict[str, tuple[int, ...]] = {
    "/diary/<int:student_id>/subjects/<int:subject_id>": (R, 200, 200, 200, 200, 200, 200, 200, 200),
    # the parents' letter: the family, 5А's class teacher and the administration (a subject teacher: no)
    "/diary/<int:student_id>/letter.pdf": (R, 200, 200, 403, 200, 403, 200, 200, 200),
    # bringing the administration into a thread: POST only (tests/inbox/test_bring_in.py: 404 for a stranger)
    "/inbox/<int:conversation_id>/participants": ALL(405),
    "/admin/inbox/<int:conversation_id>/participants": ALL(405),
}

PARAMS: dict = {"<int:subject_id>": lambda world: world.maths.id}
