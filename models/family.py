"""The children an account reads in the portal as every family page's navigation shows them: each one's name,
current class (the switcher) and the moment the account has seen their notices up to (the "new" badge,
models/notices/feed.py). One statement a transaction, asked by both."""

from __future__ import annotations

from sqlalchemy import Row, Select, and_

from models.access import Actor, children, per_actor
from models.base import db, transaction_memo
from models.tables.classes import Enrollment, SchoolClass
from models.tables.notices import NoticeSeen
from models.tables.people import Student


@per_actor
def _family_statement(actor: Actor) -> Select:
    """The children (or the student themself), in name order, with the class of each open enrolment and the
    account's "seen up to" moment: built once per actor."""
    return (
        children(actor)
        .with_only_columns(
            Student.id,
            Student.last_name,
            Student.first_name,
            Student.middle_name,
            SchoolClass.grade,
            SchoolClass.letter,
            NoticeSeen.seen_at,
        )
        .outerjoin(Enrollment, and_(Enrollment.student_id == Student.id, Enrollment.ends_on.is_(None)))
        .outerjoin(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .outerjoin(NoticeSeen, and_(NoticeSeen.student_id == Student.id, NoticeSeen.user_id == (actor.user_id or 0)))
    )


def family_rows(actor: Actor) -> list[Row]:
    """(id, last_name, first_name, middle_name, grade, letter, seen_at) of each child; a child with several open
    enrolments comes once for each (the callers keep one). Kept for the transaction (models.base.transaction_memo):
    a page's navigation count and its switcher run it once."""
    return transaction_memo(("family", actor), lambda: db.session.execute(_family_statement(actor)).all())
