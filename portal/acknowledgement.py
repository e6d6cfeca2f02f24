"""The parent's signature under a week of the child's diary (the paper diary's "подпись родителя"): one button
on the diary's week; signing twice keeps the first signature (models/journal/diary_ack.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import school_clock
from i18n import error_text
from models.access import Actor
from models.base import db, utcnow
from models.errors import JournalError
from models.journal.diary_ack import acknowledge_week
from models.parsing import parse_date

from . import bp


@bp.post("/diary/<int:student_id>/acknowledge")
@login_required
def acknowledge(student_id: int):
    day = parse_date(request.form.get("week") or "")
    if day is None:
        abort(400, _("Неверная дата."))
    try:
        row, new = acknowledge_week(Actor.of(current_user), student_id, day, today=school_clock.today(), now=utcnow())
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    db.session.commit()
    if new:
        flash(_("Неделя подписана: классный руководитель увидит, что вы её просмотрели."), "success")
    return redirect(url_for("portal.diary", student_id=student_id, week=row.week_start.isoformat()) + "#week-ack")
