"""The school's mail server on the settings page (/admin/settings/mail): the operator sets it and sends a test
letter; the administration sees how the letters to families are going (sent, failing with the server's words).
Everything is decided in models/mail/; the sending is mailer.py, run by the queue (tasks.py)."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext

from models.access import can_manage_mail_settings
from models.base import utcnow
from models.mail.delivery import sending_state
from models.mail.preferences import MODE_LABELS
from models.mail.smtp import DEFAULT_PORTS, SECURITY_LABELS, mail_settings, request_test, save_mail_settings

from .base import actor, operation

FIELDS = ("host", "port", "security", "login", "sender")


class MailSettingsPages:
    """Mixed into the settings view (admin_views/organisation.py): its roles open these pages too."""

    @expose("/mail", methods=["GET", "POST"])
    def mail(self):
        a = actor()
        with operation(forged_aborts=True, commit=False):
            row = mail_settings(a)
        editable = can_manage_mail_settings(a)
        values = {key: getattr(row, key) for key in FIELDS} if row else {"security": "starttls", "port": 587}
        if request.method == "POST":
            if not editable:
                return self.inaccessible_callback("mail")
            submitted = {key: request.form.get(key, "") for key in FIELDS}
            submitted["password"] = request.form.get("password", "")
            submitted["forget_password"] = request.form.get("forget_password") == "1"
            with operation() as done:
                save_mail_settings(a, submitted, secret_key=current_app.config["SECRET_KEY"], now=utcnow())
            if done:
                flash(gettext("Настройки почты сохранены."), "success")
                return redirect(url_for(".mail"))
            values = {key: submitted[key] for key in FIELDS}  # the password is never sent back
        return self.render(
            "admin/organisation/mail.html",
            row=row,
            values=values,
            editable=editable,
            security=SECURITY_LABELS,
            ports=DEFAULT_PORTS,
            state=sending_state(a),
            modes=MODE_LABELS,
        )

    @expose("/mail/test", methods=["POST"])
    def mail_test(self):
        a = actor()
        if not can_manage_mail_settings(a):
            return self.inaccessible_callback("mail_test")
        with operation() as done:
            request_test(a, request.form.get("to", ""), now=utcnow())
        if done:
            from tasks import send_test_letter

            send_test_letter(a.school_id)
            flash(gettext("Проверочное письмо поставлено в очередь; результат появится на этой странице."), "info")
        return redirect(url_for(".mail"))
