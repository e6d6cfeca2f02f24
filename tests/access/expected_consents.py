"""Expected statuses of the consents to personal-data processing (see test_url_matrix.py for the columns).

The register (page and PDF, one rule: models.access.can_view_consents): the secretary, the administration and
the operator the whole school, the class teacher their classes. The parent's consents page and the withdrawal's
confirmation for their own child (<int:student_id> is Anna, the parent's daughter); giving consent again is a
POST only."""

from __future__ import annotations

from .roles import ALL, F, R

REGISTER = (R, F, F, F, 200, 200, 200, 200, 200)
TABLE: dict[str, tuple[int, ...]] = {
    "/admin/consents/": REGISTER,
    "/admin/consents/register.pdf": REGISTER,
    "/account/consents": (R, F, 200, F, F, F, F, F, F),
    "/account/consents/<int:student_id>/withdraw": (R, F, 200, F, F, F, F, F, F),
    "/account/consents/<int:student_id>/give": ALL(405),
}

PARAMS: dict = {}
