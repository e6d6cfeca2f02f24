"""The diary's page of achievements and year-end results (R6, R7, R20), and the download of the files
the diary links to (those, and homework files of the student's lessons).

Files are only ever sent as downloads: Content-Disposition: attachment, the stored (whitelisted) content
type, nosniff and a sandboxing CSP, so an uploaded file can never run as a page of this site."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from i18n import error_text
from models.access import Actor, require_student
from models.attachments import attachment_for_download, student_portfolio
from models.errors import JournalError
from web.files import send_attachment

from . import bp


@bp.get("/diary/<int:student_id>/achievements")
@login_required
def achievements(student_id: int):
    try:
        portfolio = student_portfolio(Actor.of(current_user), student_id)
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return render_template("portal/achievements.html", p=portfolio)


@bp.get("/diary/<int:student_id>/files/<int:attachment_id>")
@login_required
def student_file(student_id: int, attachment_id: int):
    """A file of the student's achievements, year-end results or lessons' homework."""
    actor = Actor.of(current_user)
    try:
        require_student(actor, student_id)
        att = attachment_for_download(actor, attachment_id, student_id=student_id)
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return send_attachment(att)
