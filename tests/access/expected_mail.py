"""Expected statuses of the e-mail pages (see test_url_matrix.py for the columns).

The school's mail server and the sending state are a part of the settings page: the administration reads, the
operator changes (POST only). A family's e-mail choices: a parent's page (a student account has no address of
its own in the school's records); staff are refused."""

from __future__ import annotations

from .roles import ALL, F, R

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/settings/mail": (R, F, F, F, F, F, 200, 200, 200),
    "/admin/settings/mail/test": ALL(405),
    "/mail": (R, F, 200, F, F, F, F, F, F),
}

PARAMS: dict = {}
