"""Staff panel, "Расписание" → "Дистанционное обучение": the administration switches a day to distance learning
for the whole school, a grade or a class in one step (with the kind and the text of the reason), and undoes a
switch. Every decision is made in models/school/distance.py."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from models.access import DISTANCE_SWITCHERS
from models.base import utcnow
from models.school.distance import switch_page, switch_to_distance, undo_distance

from .base import StaffPage, actor, operation, refusal_page
from .forms import parse_date, today
from .timetable import CATEGORY


class DistanceView(StaffPage):
    roles = DISTANCE_SWITCHERS

    @expose("/")
    def index(self):
        with refusal_page():
            page = switch_page(actor(), today())
        return self.render("admin/distance/index.html", page=page, today=today(), values=request.args)

    @expose("/switch", methods=["POST"])
    def switch(self):
        f = request.form
        with operation() as done:
            row = switch_to_distance(
                actor(),
                day=parse_date(f.get("date")),
                target=f.get("target"),
                kind=f.get("kind"),
                reason=f.get("reason"),
                now=utcnow(),
            )
        if done:
            flash(
                gettext("%(date)s переведён на дистанционное обучение.", date=row.date.strftime("%d.%m.%Y")), "success"
            )
        return redirect(url_for(".index"))

    @expose("/<int:day_id>/undo", methods=["POST"])
    def undo(self, day_id: int):
        with operation(forged_aborts=True) as done:
            day = undo_distance(actor(), day_id)
        if done:
            flash(
                gettext("Переход %(date)s на дистанционное обучение отменён.", date=day.strftime("%d.%m.%Y")),
                "success",
            )
        return redirect(url_for(".index"))


def register(admin) -> None:
    admin.add_view(
        DistanceView(
            name=lazy_gettext("Дистанционное обучение"), category=CATEGORY, endpoint="distance", url="/admin/distance"
        )
    )
