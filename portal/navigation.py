"""The portal navigation's counts, on every page: the notices a family has not seen yet (models/notices: two
queries, "99+" beyond the cap) next to "Дневник"; the unread conversations next to "Сообщения" are
portal/inbox.py's."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from models.access import FAMILY_ROLES, Actor
from models.base import utcnow
from models.notices.feed import badge, unread_count

from . import bp


def unread_notices_count() -> int:
    """Once per request; a page that built the notices already (the home page) sets ``g.unread`` itself."""
    if "unread" not in g:
        signed_in = getattr(current_user, "is_authenticated", False) and current_user.has_role(*FAMILY_ROLES)
        g.unread = unread_count(Actor.of(current_user), utcnow()) if signed_in else 0
    return g.unread


@bp.app_context_processor  # error pages extend portal/base.html too
def _unread_notices():
    return {"unread_notices": lambda: badge(unread_notices_count())}
