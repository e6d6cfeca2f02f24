"""Codes for every family of a class at once, printed as one letter a family (issue 17). Two doors to one page:
"Мой класс" → "Коды для семей" for the class teacher (their classes), "Доступ" → "Коды для класса" for the operator
and the secretary (any class). Who may, which families get a code and the audit: models/accounts/class_codes.py.

The letters carry the plain codes, which are never stored: the PDF is made in the request that issues them
(bench/bench_class_codes.py: 30 letters in 0.09–0.29 s, the whole POST for 30 families 0.56 s on a loaded
machine) and sent as the answer; a lost file is answered by issuing again with "выдать заново", which revokes the
codes it replaces."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from i18n import LANGUAGE_NAMES
from mailer import public_url
from models.access import CLASS_CODE_OFFICE, CLASS_TEACHERS
from models.accounts.class_codes import HAS_ACCOUNT, HAS_CODE, NO_CODE, class_families, code_classes, issue_class_codes
from models.base import utcnow
from models.school.subgroups import kept_classes
from reports.class_codes import class_code_letters_pdf

from .base import StaffPage, actor, operation, refusal_page
from .forms import to_int, today


class ClassCodesView(StaffPage):
    """The operator's and the secretary's door: any class of the school, picked from a list."""

    roles = CLASS_CODE_OFFICE
    in_my_class = False

    def _classes(self):
        return code_classes(actor(), today())

    @expose("/")
    def index(self):
        classes = self._classes()
        wanted = to_int(request.args.get("class_id"))
        class_id = wanted or (classes[0].id if classes else None)
        found = None
        if class_id is not None:
            with refusal_page():  # someone else's class: 403 with the reason, a class that is not there: 404
                found = class_families(actor(), class_id, now=utcnow())
        return self.render(
            "admin/class_codes.html",
            classes=classes,
            cls=found.cls if found else None,
            found=found,
            in_my_class=self.in_my_class,
            language_names=LANGUAGE_NAMES,
            statuses={"none": NO_CODE, "code": HAS_CODE, "account": HAS_ACCOUNT},
        )

    @expose("/issue", methods=["POST"])
    def issue(self):
        class_id = to_int(request.form.get("class_id"))
        back = url_for(".index", class_id=class_id) if class_id else url_for(".index")
        with operation(forged_aborts=True) as done:
            issued = issue_class_codes(actor(), class_id, now=utcnow(), reissue=request.form.get("reissue") == "1")
            # Made before the commit: codes are issued only together with the letters that carry them.
            pdf = (
                class_code_letters_pdf(
                    issued.letters, portal=public_url("/"), invite_page=public_url(url_for("portal.redeem"))
                )
                if issued.letters
                else None
            )
        if not done:
            return redirect(back, 303)
        if pdf is None:
            flash(
                gettext(
                    "Новых кодов нет: у всех родителей класса %(cls)s есть учётная запись или действующий код. "
                    "Чтобы заменить коды, отметьте «выдать заново тем, у кого код есть».",
                    cls=issued.cls.name,
                ),
                "info",
            )
            return redirect(back, 303)
        flash(
            gettext(
                "Класс %(cls)s: выдано кодов — %(n)s, прежних кодов отозвано — %(revoked)s. Письма скачаны файлом "
                "PDF: распечатайте их, коды больше нигде не показываются.",
                cls=issued.cls.name,
                n=len(issued.letters),
                revoked=issued.revoked,
            ),
            "success",
        )
        return Response(
            pdf,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="codes-class-{issued.cls.id}.pdf"'},
        )


class MyClassCodesView(ClassCodesView):
    """The class teacher's door, among the pages of "Мой класс": their own classes only."""

    roles = CLASS_TEACHERS
    in_my_class = True

    def _classes(self):
        return kept_classes(actor())


def register(admin) -> None:
    from .accounts import ACCESS
    from .my_class import CATEGORY

    admin.add_view(
        MyClassCodesView(
            name=_l("Коды для семей"), category=CATEGORY, endpoint="my_class_codes", url="/admin/my-class/codes"
        )
    )
    admin.add_view(
        ClassCodesView(name=_l("Коды для класса"), category=ACCESS, endpoint="class_codes", url="/admin/class-codes")
    )
