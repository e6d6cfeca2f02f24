"""What a family's home page shows of R23: the newest current announcements and the surveys waiting for an
answer (the full lists are the portal's announcements page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.access import Actor
from models.announcements.board import AnnouncementLine, current_announcements
from models.announcements.surveys import SurveyLine, open_surveys
from models.base import db
from models.tables.school import School

HOME_ANNOUNCEMENTS = 3


@dataclass
class Board:
    announcements: list[AnnouncementLine]
    surveys: list[SurveyLine]  # open, asking the actor
    more: bool  # more current announcements than the home page shows

    @property
    def waiting(self) -> list[SurveyLine]:
        return [s for s in self.surveys if not s.answered]


def family_board(actor: Actor, now: dt.datetime, *, limit: int | None = HOME_ANNOUNCEMENTS) -> Board:
    """Five queries whatever the number of announcements and surveys (tests/announcements pins it)."""
    school = db.session.get(School, actor.school_id)  # held: the school's day and zone below ask it, not the database
    shown = current_announcements(actor, now, limit=limit + 1 if limit else None)
    more = limit is not None and len(shown) > limit
    board = Board(shown[:limit] if limit else shown, open_surveys(actor, now), more)
    del school
    return board
