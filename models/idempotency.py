"""One-time form tokens: a double click, a slow network's retry or a browser's resubmit changes nothing twice.

Every creating form carries a fresh random token (the ``form_token`` hidden field). Submitting it claims the
token by inserting a row with that unique key in the same transaction as the change, so the claim and the
change commit or roll back together: a form refused for bad input can be sent again, a form that did its work
cannot. A second submit of the same token, one after the other or at the same moment (the unique key makes the
twin wait for the first transaction, then fail), raises ``AlreadySubmitted`` carrying where the first one went.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from models.base import CreatedMixin, db
from models.errors import Conflict, InvalidInput
from models.i18n import _

FIELD = "form_token"
_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class FormSubmission(CreatedMixin, db.Model):
    """A form token once submitted, and the page its submit led to (to send a repeat there too)."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    location: Mapped[str | None] = mapped_column(String(1000))


class AlreadySubmitted(Conflict):
    """This form was submitted before: its change is made once; ``location`` is where the first submit led."""

    def __init__(self, location: str | None):
        super().__init__(_("Эта форма уже отправлена; запись создана один раз."))
        self.location = location


def new_token() -> str:
    return secrets.token_urlsafe(24)


def claim(token: str) -> None:
    """Claims ``token`` inside the caller's transaction (its commit keeps the claim, its rollback frees it)."""
    if not _SHAPE.fullmatch(token):
        raise InvalidInput(_("Форма повреждена или устарела: откройте страницу заново и отправьте её ещё раз."))
    try:
        with db.session.begin_nested():
            db.session.add(FormSubmission(token=token))
    except IntegrityError:
        raise AlreadySubmitted(first_location(token)) from None


def first_location(token: str) -> str | None:
    return db.session.scalar(select(FormSubmission.location).where(FormSubmission.token == token))


def record_location(token: str, location: str) -> None:
    """Where the committed submit of ``token`` led (nothing when its change was rolled back: no row)."""
    db.session.execute(
        update(FormSubmission)
        .where(FormSubmission.token == token, FormSubmission.location.is_(None))
        .values(location=location[:1000])
    )
