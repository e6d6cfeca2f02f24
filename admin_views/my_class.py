"""Staff panel area "Мой класс" (the class teacher): the class list with the parents' contacts and the
monthly "data checked on" stamp; splitting the class into subgroups per subject on one grid; the
students' achievements and year-end results with documents. Every decision is made in models/
(models.school.subgroups, models.school.movement, models.attachments); these views parse forms and show results."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from models import Subject, db
from models.access import CLASS_TEACHERS
from models.attachments import (
    ALLOWED_TEXT,
    KIND_LABELS,
    LEVEL_LABELS,
    MAX_BYTES,
    RESULT_KIND_LABELS,
    RESULT_LABELS,
    attachment_for_download,
    class_achievements,
    class_results,
    delete_record,
    record_achievement,
    record_result,
)
from models.base import utcnow
from models.errors import InvalidInput
from models.i18n import _
from models.reports.control_findings import findings
from models.reports.journal_control import class_control
from models.school.movement import MEDICAL_GROUP_LABELS, class_roster, enrolled_on
from models.school.subgroups import (
    DATA_CHECK_DAYS,
    MAX_GROUPS,
    confirm_class_data,
    data_check_overdue,
    default_split_date,
    kept_classes,
    period_starts,
    split_class,
    subgroup_grid,
)
from models.tables.people import Student
from reports.journal_control import cells, columns

from .base import StaffPage, actor, operation, refusal_page
from .control import fix_url, month_asked
from .forms import ACCEPT_FILES, parse_date, to_int, today, uploaded_file

CATEGORY = lazy_gettext("Мой класс")
TEACHERS = CLASS_TEACHERS


def day_in_year(cls) -> dt.date:
    """Today, or the nearest day of the class's academic year (a past year's class shows its last day)."""
    from models import AcademicYear

    year = db.session.get(AcademicYear, cls.year_id)
    return min(max(today(), year.starts_on), year.ends_on)


class MyClassPage(StaffPage):
    """Shared by the three pages: which of the teacher's classes is open (``?class_id=``)."""

    roles = TEACHERS

    def _classes_and_current(self):
        classes = kept_classes(actor())
        wanted = to_int(request.values.get("class_id"))
        current = next((c for c in classes if c.id == wanted), None) if wanted else (classes[0] if classes else None)
        if wanted and current is None:
            abort(403)  # not the actor's class
        return classes, current


class RosterView(MyClassPage):
    @expose("/")
    def index(self):
        classes, cls = self._classes_and_current()
        roster, overdue, days = [], False, None
        if cls is not None:
            roster = class_roster(actor(), cls.id, day_in_year(cls))
            overdue = data_check_overdue(cls, today())
            days = (today() - cls.data_checked_on).days if cls.data_checked_on else None
        return self.render(
            "admin/my_class/roster.html",
            classes=classes,
            cls=cls,
            roster=roster,
            overdue=overdue,
            days=days,
            check_days=DATA_CHECK_DAYS,
            medical=MEDICAL_GROUP_LABELS,
        )

    @expose("/checked", methods=["POST"])
    def checked(self):
        class_id = to_int(request.form.get("class_id"))
        with operation() as done:
            cls = confirm_class_data(actor(), class_id or 0, today=today())
        if not done:
            return redirect(url_for(".index"))
        flash(
            gettext(
                "Отметка о проверке данных класса %(cls)s поставлена: %(date)s.",
                cls=cls.name,
                date=today().strftime("%d.%m.%Y"),
            ),
            "success",
        )
        return redirect(url_for(".index", class_id=cls.id))


class SubgroupsView(MyClassPage):
    @expose("/", methods=["GET", "POST"])
    def index(self):
        classes, cls = self._classes_and_current()
        if cls is None:
            return self.render("admin/my_class/subgroups.html", classes=classes, cls=None, grid=None)
        subjects = db.session.scalars(
            select(Subject).where(Subject.school_id == cls.school_id).order_by(Subject.name)
        ).all()
        subject_id = to_int(request.values.get("subject_id"))
        groups = min(max(to_int(request.values.get("groups"), 2), 1), MAX_GROUPS)
        on = None
        with operation(commit=False) as good_date:
            on = parse_date(request.values.get("on"))
        on = on or default_split_date(cls, today())
        if request.method == "POST" and good_date:
            choices = {}
            for key, value in request.form.items():
                if key.startswith("student-"):
                    sid, col = to_int(key[8:]), to_int(value)
                    if sid is None or col is None:
                        flash(gettext("Неверные данные формы."), "error")
                        break
                    choices[sid] = col
            else:
                with operation() as done:
                    result = split_class(actor(), cls.id, subject_id, on, choices, group_count=groups)
                if done:
                    flash(
                        gettext(
                            "Деление сохранено с %(date)s: добавлено %(j)s, переведено %(m)s, "
                            "исключено из подгрупп %(l)s.",
                            date=on.strftime("%d.%m.%Y"),
                            j=result.joined,
                            m=result.moved,
                            l=result.left,
                        ),
                        "success",
                    )
                    return redirect(
                        url_for(".index", class_id=cls.id, subject_id=subject_id, on=on.isoformat(), groups=groups)
                    )
        grid = None
        if subject_id:
            with operation(commit=False):
                grid = subgroup_grid(actor(), cls.id, subject_id, on, groups)
        return self.render(
            "admin/my_class/subgroups.html",
            classes=classes,
            cls=cls,
            grid=grid,
            subjects=subjects,
            subject_id=subject_id,
            on=on,
            groups=groups,
            max_groups=MAX_GROUPS,
            periods=period_starts(cls),
        )


class AchievementsView(MyClassPage):
    @expose("/", methods=["GET"])
    def index(self):
        classes, cls = self._classes_and_current()
        return self._page(classes, cls)

    def _page(self, classes, cls, values=None):
        data = {
            "classes": classes,
            "cls": cls,
            "values": values or {},
            "accept": ACCEPT_FILES,
            "allowed_text": ALLOWED_TEXT,
            "max_mb": MAX_BYTES // 2**20,
            "kinds": KIND_LABELS,
            "levels": LEVEL_LABELS,
            "results": RESULT_LABELS,
            "result_kinds": RESULT_KIND_LABELS,
        }
        if cls is not None:
            day = day_in_year(cls)
            data.update(
                achievements=class_achievements(actor(), cls.id),
                results_list=class_results(actor(), cls.id),
                students=db.session.scalars(
                    select(Student)
                    .where(Student.id.in_(enrolled_on(cls.id, day)))
                    .order_by(Student.last_name, Student.first_name)
                ).all(),
                subjects=db.session.scalars(
                    select(Subject).where(Subject.school_id == cls.school_id).order_by(Subject.name)
                ).all(),
                today=today(),
            )
        return self.render("admin/my_class/achievements.html", **data)

    @expose("/add", methods=["POST"])
    def add(self):
        classes, cls = self._classes_and_current()
        if cls is None:
            abort(403)
        f = request.form
        with operation() as done:
            record_achievement(
                actor(),
                cls.id,
                student_id=to_int(f.get("student_id")),
                title=f.get("title"),
                kind=f.get("kind"),
                level=f.get("level"),
                result=f.get("result"),
                on=parse_date(f.get("date")),
                subject_id=to_int(f.get("subject_id")),
                file=uploaded_file(),
                now=utcnow(),
            )
        if not done:
            return self._page(classes, cls, values=f.to_dict())
        flash(gettext("Достижение записано."), "success")
        return redirect(url_for(".index", class_id=cls.id))

    @expose("/result", methods=["POST"])
    def add_result(self):
        classes, cls = self._classes_and_current()
        if cls is None:
            abort(403)
        f = request.form
        with operation() as done:
            mark = to_int(f.get("mark"))
            if f.get("mark") and mark is None:
                raise InvalidInput(_("Отметка — от 1 до 5."))
            record_result(
                actor(),
                cls.id,
                student_id=to_int(f.get("student_id")),
                kind=f.get("kind"),
                title=f.get("title"),
                mark=mark,
                level=f.get("level"),
                comment=f.get("comment"),
                file=uploaded_file(),
                today=today(),
                now=utcnow(),
            )
        if not done:
            return self._page(classes, cls, values={"r_" + k: v for k, v in f.to_dict().items()})
        flash(gettext("Результат записан."), "success")
        return redirect(url_for(".index", class_id=cls.id))

    @expose("/delete", methods=["POST"])
    def delete(self):
        _classes, cls = self._classes_and_current()
        if cls is None:
            abort(403)
        kind, row_id = request.form.get("kind"), to_int(request.form.get("id"))
        with operation() as done:
            delete_record(
                actor(),
                cls.id,
                achievement_id=row_id if kind == "achievement" else None,
                result_id=row_id if kind == "result" else None,
            )
        if done:
            flash(gettext("Запись удалена."), "success")
        return redirect(url_for(".index", class_id=cls.id))

    @expose("/file/<int:attachment_id>")
    def file(self, attachment_id: int):
        from web.files import send_attachment

        with refusal_page():
            att = attachment_for_download(actor(), attachment_id)
        return send_attachment(att)


class ClassControlView(MyClassPage):
    """The monthly control's findings on the class's pages (every teacher's): what the class teacher follows up."""

    @expose("/")
    def index(self):
        classes, cls = self._classes_and_current()
        ctl = None
        if cls is not None:
            with refusal_page():
                ctl = class_control(actor(), cls.id, month_asked(), today=today())
        return self.render(
            "admin/my_class/control.html",
            classes=classes,
            cls=cls,
            ctl=ctl,
            found=findings(ctl) if ctl else [],
            fix_url=fix_url,
            control_columns=columns(),
            control_cells=cells,
        )


def register(admin) -> None:
    admin.add_view(
        RosterView(name=lazy_gettext("Список класса"), category=CATEGORY, endpoint="my_class", url="/admin/my-class")
    )
    admin.add_view(
        SubgroupsView(
            name=lazy_gettext("Подгруппы"),
            category=CATEGORY,
            endpoint="my_class_subgroups",
            url="/admin/my-class/subgroups",
        )
    )
    admin.add_view(
        AchievementsView(
            name=lazy_gettext("Достижения и результаты"),
            category=CATEGORY,
            endpoint="my_class_achievements",
            url="/admin/my-class/achievements",
        )
    )
    admin.add_view(
        ClassControlView(
            name=lazy_gettext("Контроль журнала класса"),
            category=CATEGORY,
            endpoint="my_class_control",
            url="/admin/my-class/control",
        )
    )
