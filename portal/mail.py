"""A parent's e-mail choices (R21): per child no letters, a letter at once, or a daily digest at a chosen time,
to the address of their record. The rules are models/mail/preferences.py; letters go from the queue (mailer.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from i18n import error_text
from models.access import Actor
from models.base import db, utcnow
from models.errors import AccessDenied, JournalError
from models.mail.preferences import MODE_LABELS, mail_choices, save_mail_choices
from models.parsing import parse_id
from web.errors import refuse_in_portal

from . import bp


@bp.route("/mail", methods=["GET", "POST"])
@login_required
def mail_settings():
    actor = Actor.of(current_user)
    try:
        choices = mail_choices(actor)
    except AccessDenied as exc:
        abort(403, error_text(exc))
    submitted = None
    if request.method == "POST":
        wanted = {}
        for key in request.form:
            if key.startswith("mode-"):
                student_id = parse_id(key[5:])
                if student_id is None:
                    abort(400, _("Неверный номер обучающегося."))
                wanted[student_id] = (request.form.get(key, ""), request.form.get(f"at-{key[5:]}", ""))
        try:
            changed = save_mail_choices(actor, request.form.get("email", ""), wanted, now=utcnow())
        except JournalError as exc:
            refuse_in_portal(exc)
            submitted = request.form
        else:
            db.session.commit()
            flash(_("Настройки писем сохранены.") if changed else _("Изменений нет."), "success")
            return redirect(url_for("portal.mail_settings"))
    return render_template("portal/mail.html", choices=choices, modes=MODE_LABELS, submitted=submitted)
