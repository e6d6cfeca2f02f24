"""A parent's consents to personal-data processing (R16, issue 15): for each child, in force or withdrawn; a
withdrawal after a confirmation saying what it does, and consent given again. The rules are
models/accounts/consents.py; what a withdrawal cuts, models/access.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from i18n import error_text
from models.access import Actor
from models.accounts.consents import family_consents, give_consent, withdraw_consent
from models.accounts.invites import CONSENT_WITHDRAWAL, consent_text
from models.base import db, utcnow
from models.errors import AccessDenied, JournalError
from web.errors import refuse_in_portal

from . import bp


def _consents(actor: Actor):
    try:
        return family_consents(actor)
    except AccessDenied as exc:
        abort(403, error_text(exc))


@bp.get("/account/consents")
@login_required
def consents():
    actor = Actor.of(current_user)
    children = _consents(actor)
    version, text = consent_text(actor.school_id)
    return render_template(
        "portal/consents.html", children=children, version=version, text=text, withdrawal=CONSENT_WITHDRAWAL
    )


@bp.route("/account/consents/<int:student_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(student_id: int):
    """GET: the confirmation (whose consent, what withdrawing does); POST: the withdrawal."""
    actor = Actor.of(current_user)
    child = next((c for c in _consents(actor) if c.student_id == student_id), None)  # their own children only
    if child is None:
        abort(403, _("Согласие за этого ребёнка даёт и отзывает только его родитель."))
    if request.method == "POST":
        try:
            withdraw_consent(actor, student_id, now=utcnow())
        except JournalError as exc:
            refuse_in_portal(exc)
        else:
            db.session.commit()
            flash(
                _("Согласие за ребёнка %(name)s отозвано: его дневник вам больше не доступен.", name=child.name),
                "success",
            )
        return redirect(url_for("portal.consents"))
    return render_template("portal/consent_withdraw.html", child=child, withdrawal=CONSENT_WITHDRAWAL)


@bp.post("/account/consents/<int:student_id>/give")
@login_required
def give(student_id: int):
    actor = Actor.of(current_user)
    try:
        give_consent(actor, student_id, now=utcnow(), ip=request.remote_addr)
    except JournalError as exc:
        refuse_in_portal(exc)
    else:
        db.session.commit()
        flash(_("Согласие дано: дневник ребёнка снова доступен."), "success")
    return redirect(url_for("portal.consents"))
