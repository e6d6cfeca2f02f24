"""Expected statuses of announcements and surveys (R23; columns: tests/access/roles.py ROLES). Everyone on staff
reads the school's announcements; the administration and class teachers publish and run surveys. Families have
the portal's page; an announcement, a file or a survey one may not read (here: none exists) answers 404 and
says nothing. tests/announcements/test_pages.py opens real ones of another family and another class."""

from __future__ import annotations

from .roles import R

STAFF = (R, 403, 403, 200, 200, 200, 200, 200, 200)
PUBLISHERS = (R, 403, 403, 403, 200, 403, 200, 200, 200)
PUBLISHERS_NOT_THEIRS = (R, 403, 403, 403, 404, 403, 404, 404, 404)
STAFF_NOT_THEIRS = (R, 403, 403, 404, 404, 404, 404, 404, 404)
SIGNED_IN = (R, 200, 200, 200, 200, 200, 200, 200, 200)
NOT_THEIRS = (R, 404, 404, 404, 404, 404, 404, 404, 404)

TABLE: dict[str, tuple[int, ...]] = {
    "/admin/announcements/": STAFF,
    "/admin/announcements/new": PUBLISHERS,
    "/admin/announcements/<int:announcement_id>": (R, 403, 403, 403, 404, 403, 404, 404, 404),
    "/admin/announcements/<int:announcement_id>/files/<int:attachment_id>": STAFF_NOT_THEIRS,
    "/admin/surveys/": PUBLISHERS,
    "/admin/surveys/new": PUBLISHERS,
    "/admin/surveys/<int:survey_id>": PUBLISHERS_NOT_THEIRS,
    "/admin/surveys/<int:survey_id>/results": PUBLISHERS_NOT_THEIRS,
    "/admin/surveys/<int:survey_id>/results.xlsx": PUBLISHERS_NOT_THEIRS,
    "/announcements": SIGNED_IN,
    "/announcements/<int:announcement_id>/files/<int:attachment_id>": NOT_THEIRS,
    "/surveys/<int:survey_id>": NOT_THEIRS,
}

PARAMS: dict = {"<int:announcement_id>": lambda world: 999_999, "<int:survey_id>": lambda world: 999_999}
