"""The portal navigation's counts, on every page: the notices a family has not seen yet (models/notices: two
queries, "99+" beyond the cap) next to "Дневник"; the unread conversations next to "Сообщения" are
portal/inbox.py's, counted for a family in the round trip of the notices' count."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from models.access import FAMILY_ROLES, Actor
from models.base import utcnow
from models.inbox.reading import unread_statement
from models.notices.feed import badge, unread_count_and

from . import bp


def unread_notices_count() -> int:
    """Once per request; a page that built the notices already (the home page) sets ``g.unread`` itself. A family's
    unread conversations come in the same round trip (``g.inbox_unread``, portal/inbox.py)."""
    if "unread" not in g:
        g.unread = 0
        if family_signed_in():
            actor = Actor.of(current_user)
            g.unread, g.inbox_unread = unread_count_and(actor, utcnow(), *unread_statement(actor))
    return g.unread


def family_signed_in() -> bool:
    return getattr(current_user, "is_authenticated", False) and current_user.has_role(*FAMILY_ROLES)


@bp.app_context_processor  # error pages extend portal/base.html too
def _unread_notices():
    return {"unread_notices": lambda: badge(unread_notices_count())}
