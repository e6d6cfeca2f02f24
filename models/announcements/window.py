"""What announcements and surveys share: the target (the school, a grade, a class, the staff only) and the
window of days (from, until inclusive) on the school's calendar, stored as the moments it begins and ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models.access import Actor, broadcast_class_ids, can_publish, require
from models.base import db
from models.deadlines import local_day
from models.errors import InvalidInput
from models.i18n import Text, _
from models.parsing import parse_id, parse_int
from models.school_time import school_today, zone_of
from models.tables.classes import SchoolClass
from models.tables.school import AcademicYear

TITLE_MAX = 255
BODY_MAX = 10_000


@dataclass(frozen=True)
class Target:
    class_id: int | None = None
    grade: int | None = None

    @property
    def code(self) -> str:
        """The value of the form's choice: ``school``, ``grade:5`` or ``class:12``."""
        if self.class_id is not None:
            return f"class:{self.class_id}"
        return f"grade:{self.grade}" if self.grade is not None else "school"


def parse_target(value: str | None) -> Target:
    kind, _sep, rest = (value or "").partition(":")
    if kind == "school":
        return Target()
    if kind == "class" and parse_id(rest) is not None:
        return Target(class_id=parse_id(rest))
    if kind == "grade" and parse_int(rest, low=0, high=12) is not None:
        return Target(grade=parse_int(rest, low=0, high=12))
    raise InvalidInput(_("Выберите, кому адресовано: школе, параллели или классу."))


def check_target(actor: Actor, audience: str, target: Target) -> None:
    """The one rule of models/access.py, with the reason in the user's words."""
    if audience == "staff" and target != Target():
        raise InvalidInput(_("Объявление только для сотрудников адресуется всей школе."))
    require(
        can_publish(actor, audience=audience, class_id=target.class_id, grade=target.grade),
        _("Публиковать для этого адресата вам нельзя: классный руководитель пишет только своему классу."),
    )


def target_choices(actor: Actor, now: dt.datetime) -> list[tuple[str, Text]]:
    """The targets the actor may publish to, as (code, label): the classes of the years not over yet."""
    classes = db.session.scalars(
        select(SchoolClass)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == actor.school_id, AcademicYear.ends_on >= school_today(actor, now))
        .order_by(SchoolClass.grade, SchoolClass.letter)
    ).all()
    choices: list[tuple[str, Text]] = []
    if can_publish(actor, audience="all", class_id=None, grade=None):
        choices.append(("school", Text(_("Вся школа"))))
        grades = sorted({c.grade for c in classes})
        choices += [(f"grade:{g}", Text(_("Параллель %(grade)s классов"), grade=g)) for g in grades]
    mine = set(db.session.scalars(broadcast_class_ids(actor)))
    return choices + [(f"class:{c.id}", Text(_("Класс %(name)s"), name=c.name)) for c in classes if c.id in mine]


def target_label(target: Target, class_name: str | None) -> Text:
    if target.class_id is not None:
        return Text(_("Класс %(name)s"), name=class_name or "")
    if target.grade is not None:
        return Text(_("Параллель %(grade)s классов"), grade=target.grade)
    return Text(_("Вся школа"))


def text_field(value: str | None, *, blank: str, limit: int, too_long: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(blank)
    if len(text) > limit:
        raise InvalidInput(too_long, n=limit)
    return text


def window(actor: Actor, first: dt.date | None, last: dt.date | None, now: dt.datetime):
    """(start, end) moments of the days ``first``..``last`` (inclusive) on the school's calendar: no first day is
    now; no last day is open-ended."""
    tz = zone_of(actor.school_id)
    if first is not None and last is not None and last < first:
        raise InvalidInput(_("Последний день раньше первого."))
    start = now if first is None else dt.datetime.combine(first, dt.time(0), tz).astimezone(dt.UTC)
    end = None if last is None else dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz).astimezone(dt.UTC)
    if end is not None and end <= now and first is None:
        raise InvalidInput(_("Последний день уже прошёл."))
    return start, end


def days(tz: ZoneInfo, start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.date | None, dt.date | None]:
    """The window's first and last day on the school's calendar ``tz`` (models.school_time.zone_of: once per
    list, it loads the school)."""
    return local_day(start, tz), local_day(end - dt.timedelta(seconds=1), tz) if end is not None else None


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands stored moments back without a zone."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def is_live(start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime) -> bool:
    return (start is None or aware(start) <= now) and (end is None or now < aware(end))
