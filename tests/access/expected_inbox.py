"""Expected statuses of the inbox (columns: tests/access/roles.py ROLES): everyone signed in has a portal
inbox, staff have the panel's; a conversation one is not in (here: none exists) answers 404 and says
nothing; writing to all parents of a class is for class teachers and the administration."""

from __future__ import annotations

from .roles import R

SIGNED_IN = (R, 200, 200, 200, 200, 200, 200, 200, 200)
NOT_THEIRS = (R, 404, 404, 404, 404, 404, 404, 404, 404)
STAFF = (R, 403, 403, 200, 200, 200, 200, 200, 200)
STAFF_NOT_THEIRS = (R, 403, 403, 404, 404, 404, 404, 404, 404)

TABLE: dict[str, tuple[int, ...]] = {
    "/inbox": SIGNED_IN,
    "/inbox/new": SIGNED_IN,
    "/inbox/<int:conversation_id>": NOT_THEIRS,
    "/inbox/<int:conversation_id>/files/<int:attachment_id>": NOT_THEIRS,
    "/admin/inbox/": STAFF,
    "/admin/inbox/new": STAFF,
    "/admin/inbox/<int:conversation_id>": STAFF_NOT_THEIRS,
    "/admin/inbox/<int:conversation_id>/files/<int:attachment_id>": STAFF_NOT_THEIRS,
    "/admin/inbox/class": (R, 403, 403, 403, 200, 403, 200, 200, 200),
}

PARAMS: dict = {"<int:conversation_id>": lambda world: 999_999}
