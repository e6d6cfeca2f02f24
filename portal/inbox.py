"""The families' inbox (R22): the list with search, a new conversation with a person the rule allows (per
child), a thread with replies and files. Every decision is models/inbox; these views parse and show."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import school_clock
from i18n import error_text
from models.access import Actor
from models.attachments import ALLOWED, MAX_BYTES, check_file
from models.base import db, utcnow, write_unit
from models.errors import JournalError
from models.idempotency import FIELD, AlreadySubmitted, claim, record_location
from models.inbox.reading import contact_groups, inbox, mark_read, message_file, thread, unread_count
from models.inbox.writing import add_participant, reply, start_conversation
from models.parsing import parse_id
from web.errors import refuse_in_portal
from web.files import send_attachment

from . import bp
from .navigation import family_signed_in, unread_notices_count

ACCEPT_FILES = ",".join("." + ext for ext in ALLOWED)


@bp.app_context_processor
def _inbox_counter():
    """The unread counter of the navigation (portal navbar and staff menu)."""

    return {"inbox_unread": inbox_unread}


def inbox_unread() -> int:
    """Once per request (the diary's ETag counts it too); a family's with the notices' count (portal/navigation.py)."""
    if "inbox_unread" not in g:
        if family_signed_in() and "unread" not in g:
            unread_notices_count()
        else:
            signed_in = getattr(current_user, "is_authenticated", False)
            g.inbox_unread = unread_count(Actor.of(current_user)) if signed_in else 0
    return g.inbox_unread


def _uploaded():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return check_file(upload.filename, upload.stream.read(MAX_BYTES + 1))


def _once(change, fallback: str = "portal.inbox"):
    """Runs a creating POST once per form token (models/idempotency.py); a refusal is shown in the user's
    language and nothing is changed. A repeat goes where the first went (else to ``fallback``)."""
    token = request.form.get(FIELD) or ""
    try:
        claim(token)
        location = change()
    except AlreadySubmitted as exc:
        db.session.rollback()
        flash(error_text(exc), "warning")
        return redirect(exc.location or url_for(fallback), 303)
    except JournalError as exc:
        refuse_in_portal(exc)
        return None
    record_location(token, location)
    db.session.commit()
    return redirect(location, 303)


@bp.get("/inbox", endpoint="inbox")
@login_required
def inbox_list():
    query = request.args.get("q", "")
    prefix = url_for("portal.inbox_thread", conversation_id=0)[:-1]  # one url_for for every line of the list
    return render_template(
        "portal/inbox/list.html",
        lines=inbox(Actor.of(current_user), query),
        q=query,
        new_url=url_for("portal.inbox_new"),
        thread_url=lambda cid: f"{prefix}{cid}",
    )


@bp.route("/inbox/new", methods=["GET", "POST"])
@login_required
def inbox_new():
    actor = Actor.of(current_user)
    if request.method == "POST":

        def change():
            recipient, student = request.form.get("to", ""), None
            if ":" in recipient:  # "<student id>:<user id>": a family writes about one child
                student, recipient = recipient.split(":", 1)
            conv = start_conversation(
                actor,
                recipient_id=parse_id(recipient),
                student_id=parse_id(student) if student else None,
                subject=request.form.get("subject"),
                body=request.form.get("body"),
                file=_uploaded(),
                today=school_clock.today(),
                now=utcnow(),
            )
            flash(_("Сообщение отправлено."), "success")
            return url_for("portal.inbox_thread", conversation_id=conv.id)

        done = _once(change)
        if done is not None:
            return done
    groups = contact_groups(actor, school_clock.today())
    return render_template("portal/inbox/new.html", groups=groups, form=request.form, accept=ACCEPT_FILES)


@bp.route("/inbox/<int:conversation_id>", methods=["GET", "POST"])
@login_required
def inbox_thread(conversation_id: int):
    actor = Actor.of(current_user)
    if request.method == "POST":

        def change():
            reply(actor, conversation_id, body=request.form.get("body"), file=_uploaded(), now=utcnow())
            return url_for("portal.inbox_thread", conversation_id=conversation_id)

        done = _once(change)
        if done is not None:
            return done
    try:
        page = thread(actor, conversation_id)
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    if request.method == "GET":
        with write_unit(db.session):
            mark_read(actor, conversation_id, now=utcnow())
    return render_template(
        "portal/inbox/thread.html",
        t=page,
        form=request.form,
        accept=ACCEPT_FILES,
        back_url=url_for("portal.inbox"),
        add_url=url_for("portal.inbox_add", conversation_id=conversation_id),
        file_url=lambda cid, aid: url_for("portal.inbox_file", conversation_id=cid, attachment_id=aid),
    )


@bp.post("/inbox/<int:conversation_id>/participants")
@login_required
def inbox_add(conversation_id: int):
    """A participant brings the administration into the thread (repeating it changes nothing)."""
    try:
        add_participant(
            Actor.of(current_user), conversation_id, parse_id(request.form.get("user")), today=school_clock.today()
        )
    except JournalError as exc:
        refuse_in_portal(exc)
    else:
        db.session.commit()
        flash(_("Приглашённый теперь видит всю переписку."), "success")
    return redirect(url_for("portal.inbox_thread", conversation_id=conversation_id), 303)


@bp.get("/inbox/<int:conversation_id>/files/<int:attachment_id>")
@login_required
def inbox_file(conversation_id: int, attachment_id: int):
    try:
        att = message_file(Actor.of(current_user), conversation_id, attachment_id)
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return send_attachment(att)
