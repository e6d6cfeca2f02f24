"""Staff panel, "Мой класс" → "Подписи родителей": for a class and a week, which parents signed the week of
their child's diary and when (models/journal/diary_ack.py). The class teacher sees their classes, the
administration every class."""

from __future__ import annotations

import datetime as dt

from flask import abort, request
from flask_admin import expose
from flask_babel import lazy_gettext

from models.access import CLASS_OVERSIGHT
from models.journal.diary import monday_of
from models.journal.diary_ack import class_acknowledgements, signature_classes

from .base import StaffPage, actor, operation, refusal_page
from .forms import parse_date, to_int, today
from .my_class import CATEGORY


class SignaturesView(StaffPage):
    roles = CLASS_OVERSIGHT

    @expose("/")
    def index(self):
        day = None
        with operation(commit=False):
            day = parse_date(request.args.get("week"))
        day = day or today()
        classes = signature_classes(actor(), day)
        wanted = to_int(request.args.get("class_id"))
        cls = next((c for c in classes if c.id == wanted), None) if wanted else (classes[0] if classes else None)
        if wanted and cls is None:
            abort(403)  # not a class the actor reads
        signs = None
        if cls is not None:
            with refusal_page():
                signs = class_acknowledgements(actor(), cls.id, day)
        monday = monday_of(day)
        return self.render(
            "admin/my_class/signatures.html",
            classes=classes,
            cls=cls,
            signs=signs,
            monday=monday,
            previous=monday - dt.timedelta(days=7),
            following=monday + dt.timedelta(days=7),
        )


def register(admin) -> None:
    admin.add_view(
        SignaturesView(
            name=lazy_gettext("Подписи родителей"),
            category=CATEGORY,
            endpoint="my_class_signatures",
            url="/admin/my-class/signatures",
        )
    )
