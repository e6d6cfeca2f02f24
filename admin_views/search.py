"""The staff panel's global search (issue 17): the box in the bar (journal_base.html) sends ``?q=`` here; the page
lists what models/school/search.py finds, grouped by kind, each a link to where the user goes next. ``suggest``
answers the bar's dropdown (static/js/staff-search.js) with the first few, as JSON, under the same rule."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from i18n import text
from models.school import search as rule
from models.school.search import Found, Target, search

from .base import StaffPage, actor
from .forms import today

# Where each kind of place a result leads to is, and the word of its secondary link.
PAGES = {
    rule.STUDENT_CARD: (lambda t: url_for("students.details_view", id=t.id), _l("Карточка")),
    rule.MOVEMENT: (lambda t: url_for("students.movement_view", student_id=t.id), _l("Движение")),
    rule.MY_CLASS: (lambda t: url_for("my_class.index", class_id=t.id), _l("Мой класс")),
    # the students' list filtered by the class today (its first filter, ClassNowFilter: admin_views/rosters.py)
    rule.CLASS_STUDENTS: (lambda t: url_for("students.index_view", flt0_0=t.id), _l("Список")),
    rule.CLASS_JOURNAL: (lambda t: url_for("journal.index", **{"class": t.id, "year": t.year_id}), _l("Журнал")),
    rule.CLASS_TIMETABLE: (lambda t: url_for("timetable.index", class_id=t.id), _l("Расписание")),
    rule.STAFF_CARD: (lambda t: url_for("staff.details_view", id=t.id), _l("Карточка")),
    rule.TEACHER_PAGES: (lambda t: url_for("journal.index", teacher=t.id), _l("Страницы журнала")),
    rule.GUARDIAN_CARD: (lambda t: url_for("guardians.details_view", id=t.id), _l("Карточка")),
}


TOO_SHORT = _l("Введите не меньше двух букв: часть фамилии или имени, или класс, например «5А».")
NOTHING = _l("Ничего не найдено.")


def message(found) -> str | None:
    """What the page and the dropdown say instead of results (None: there are results, or nothing was asked)."""
    if found.too_short:
        return str(TOO_SHORT)
    return str(NOTHING) if found.nothing_found else None


def link(target: Target) -> tuple[str, str]:
    """(url, word) of a place."""
    url, word = PAGES[target.page]
    return url(target), str(word)


def _shown(found: Found) -> dict:
    links = [link(t) for t in found.targets]
    return {
        "title": found.title,
        "detail": text(found.detail),
        "url": links[0][0],
        "more": links[1:],
    }


class SearchView(StaffPage):
    """Every staff role searches; what each finds is decided by the rule."""

    def is_visible(self) -> bool:
        return False  # not a menu item: the box in the bar leads here

    @expose("/")
    def index(self):
        found = search(actor(), request.args.get("q"), today(), rule.PAGE_LIMIT)
        groups = [(gettext(g.title), g.kind, [_shown(f) for f in g.items], g.cut) for g in found.groups]
        return self.render("admin/search/index.html", found=found, groups=groups, message=message(found))

    @expose("/suggest")
    def suggest(self):
        found = search(actor(), request.args.get("q"), today(), rule.SUGGEST_LIMIT)
        items = [
            {"kind": gettext(g.title), **{k: v for k, v in _shown(f).items() if k != "more"}}
            for g in found.groups
            for f in g.items
        ]
        return jsonify(
            query=found.query,
            items=items,
            message=message(found),
            all_url=url_for(".index", q=found.query) if found.query else None,
            all_label=gettext("Все результаты"),
        )


def register(admin) -> None:
    admin.add_view(SearchView(name=_l("Поиск"), endpoint="search", url="/admin/search"))
