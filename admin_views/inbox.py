"""Staff panel area "Сообщения" (R22): the inbox with search, a new conversation with anyone of the school,
a thread with replies and files, and "write to all parents of a class" (the class teacher their classes,
the administration a class, a grade or the school). Every decision is models/inbox."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from models import SchoolClass, db
from models.access import INBOX_BROADCASTERS, broadcast_class_ids
from models.base import utcnow, write_unit
from models.errors import InvalidInput
from models.i18n import _
from models.inbox.reading import contact_groups, inbox, mark_read, message_file, thread
from models.inbox.writing import add_participant, reply, start_conversation, write_to_class_parents
from models.parsing import parse_id, parse_int
from web.files import send_attachment

from .base import StaffPage, actor, operation, refusal_page
from .forms import ACCEPT_FILES, today, uploaded_file


class InboxView(StaffPage):
    def is_visible(self) -> bool:
        return (
            False  # not in the main menu: the inbox: on the right of the bar, with the unread count (journal_base.html)
        )

    @expose("/")
    def index(self):
        query = request.args.get("q", "")
        return self.render(
            "admin/inbox/list.html",
            lines=inbox(actor(), query),
            q=query,
            new_url=url_for(".new"),
            class_url=url_for(".to_class") if actor().has(*INBOX_BROADCASTERS) else None,
            thread_url=lambda cid: url_for(".conversation", conversation_id=cid),
        )

    @expose("/new", methods=["GET", "POST"])
    def new(self):
        if request.method == "POST":
            with operation() as done:
                conv = start_conversation(
                    actor(),
                    recipient_id=parse_id(request.form.get("to")),
                    student_id=None,
                    subject=request.form.get("subject"),
                    body=request.form.get("body"),
                    file=uploaded_file(),
                    today=today(),
                    now=utcnow(),
                )
            if done:
                flash(gettext("Сообщение отправлено."), "success")
                return redirect(url_for(".conversation", conversation_id=conv.id), 303)
        return self.render(
            "admin/inbox/new.html", groups=contact_groups(actor(), today()), form=request.form, accept=ACCEPT_FILES
        )

    @expose("/<int:conversation_id>", methods=["GET", "POST"])
    def conversation(self, conversation_id: int):
        if request.method == "POST":
            with operation(forged_aborts=True) as done:
                reply(actor(), conversation_id, body=request.form.get("body"), file=uploaded_file(), now=utcnow())
            if done:
                return redirect(url_for(".conversation", conversation_id=conversation_id), 303)
        with refusal_page():
            page = thread(actor(), conversation_id)
        if request.method == "GET":
            with write_unit(db.session):
                mark_read(actor(), conversation_id, now=utcnow())
        return self.render(
            "admin/inbox/thread.html",
            t=page,
            form=request.form,
            accept=ACCEPT_FILES,
            back_url=url_for(".index"),
            add_url=url_for(".add", conversation_id=conversation_id),
            file_url=lambda cid, aid: url_for(".file", conversation_id=cid, attachment_id=aid),
        )

    @expose("/<int:conversation_id>/participants", methods=["POST"])
    def add(self, conversation_id: int):
        """A participant brings the administration (or a colleague) into the thread."""
        with operation(forged_aborts=True) as done:
            add_participant(actor(), conversation_id, parse_id(request.form.get("user")), today=today())
        if done:
            flash(gettext("Приглашённый теперь видит всю переписку."), "success")
        return redirect(url_for(".conversation", conversation_id=conversation_id), 303)

    @expose("/<int:conversation_id>/files/<int:attachment_id>")
    def file(self, conversation_id: int, attachment_id: int):
        with refusal_page():
            att = message_file(actor(), conversation_id, attachment_id)
        return send_attachment(att)

    @expose("/class", methods=["GET", "POST"])
    def to_class(self):
        a = actor()
        if not a.has(*INBOX_BROADCASTERS):
            abort(403)
        if request.method == "POST":
            target = request.form.get("target", "")
            kind, _sep, value = target.partition(":")
            with operation() as done:
                sent = (
                    write_to_class_parents(
                        a,
                        class_id=parse_id(value) if kind == "class" else None,
                        grade=parse_int(value, low=0, high=12) if kind == "grade" else None,
                        subject=request.form.get("subject"),
                        body=request.form.get("body"),
                        file=uploaded_file(),
                        today=today(),
                        now=utcnow(),
                    )
                    if kind in ("class", "grade", "school")
                    else _no_target()
                )
            if done:
                flash(
                    gettext(
                        "Отправлено семьям: %(n)s. Без учётной записи родителей: %(m)s.",
                        n=sent.conversations,
                        m=sent.without_account,
                    ),
                    "success",
                )
                return redirect(url_for(".index"), 303)
        classes = db.session.scalars(
            select(SchoolClass)
            .where(SchoolClass.id.in_(broadcast_class_ids(a)))
            .order_by(SchoolClass.grade, SchoolClass.letter)
        ).all()
        grades = sorted({c.grade for c in classes}) if a.whole_school else []
        return self.render(
            "admin/inbox/to_class.html",
            classes=classes,
            grades=grades,
            whole_school=a.whole_school,
            form=request.form,
            accept=ACCEPT_FILES,
        )


def _no_target():
    raise InvalidInput(_("Выберите класс, параллель или школу."))


def register(admin) -> None:
    admin.add_view(InboxView(name=lazy_gettext("Сообщения"), endpoint="inbox", url="/admin/inbox"))
