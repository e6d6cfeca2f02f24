"""Journal-keeping effectiveness per teacher and month (R31, S2 4.5): a number the school can defend when it
sets incentive pay. Five shares, each in percent, from the monthly control's figures
(models/reports/journal_control.py) and the remarks of the month:

- T, topics in time: lessons recorded by their deadline out of the lessons due (the timetable's, or the recorded
  ones where more were given);
- M, marks in time: marks entered by their deadline out of the marks of the month;
- H, homework: lessons with homework out of the lessons recorded (the first grade gets none and is not counted
  against it);
- S, students with marks: students of the teacher's pages with at least one mark in the month out of all
  (the first grade, without marks, left out);
- R, remarks fixed in time: the teacher's remarks due in the month fixed by their day out of all due.

A share with nothing to measure (no marks, no remarks due) is 100: nothing was missed. The score is
(wT·T + wM·M + wH·H + wS·S + wR·R) / 100 with the school's weights (setting ``effectiveness_weights``, five
whole percents summing to 100), rounded half up to a tenth."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from models.access import Actor, can_control_journal, require
from models.base import db
from models.deadlines import local_day, school_zone
from models.i18n import N_, _
from models.school.settings import get_setting
from models.tables.control import Remark

from .journal_control import Figures, JournalControl, journal_control

COMPONENTS = (
    ("T", N_("Темы уроков в срок")),
    ("M", N_("Отметки в срок")),
    ("H", N_("Домашние задания")),
    ("S", N_("Обучающиеся с отметками")),
    ("R", N_("Замечания исправлены в срок")),
)
HUNDRED = Decimal("100.0")


def share(part: int, whole: int) -> Decimal:
    """part of whole in percent to a tenth; 100 when there is nothing to measure."""
    if whole <= 0:
        return HUNDRED
    return (Decimal(max(part, 0)) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score(shares: tuple[Decimal, ...], weights: tuple[Decimal, ...]) -> Decimal:
    return (sum(w * s for w, s in zip(weights, shares, strict=True)) / 100).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class RemarksDue:
    due: int = 0
    in_time: int = 0


def shares_of(f: Figures, remarks: RemarksDue) -> tuple[Decimal, ...]:
    return (
        share(f.recorded - f.late_topics, max(f.expected, f.recorded)),
        share(f.marks - f.late_marks, f.marks),
        share(f.recorded - f.no_homework, f.recorded),
        share(f.students - f.without_marks, f.students),
        share(remarks.in_time, remarks.due),
    )


@dataclass(frozen=True)
class TeacherScore:
    teacher_id: int
    name: str
    figures: Figures
    remarks: RemarksDue
    shares: tuple[Decimal, ...]
    score: Decimal


@dataclass(frozen=True)
class Effectiveness:
    control: JournalControl
    weights: tuple[Decimal, ...]
    teachers: list[TeacherScore]  # best first, then by name
    components: tuple = COMPONENTS  # (letter, label) of each share, in the weights' order

    @property
    def formula(self) -> str:
        """The formula with the school's weights: "(30·T + 20·M + 20·H + 20·S + 10·R) / 100"."""
        terms = " + ".join(f"{w:f}·{code}" for w, (code, _label) in zip(self.weights, COMPONENTS, strict=True))
        return f"({terms}) / 100"


def remarks_due(school_id: int, tz, first: dt.date, last: dt.date) -> dict[int, RemarksDue]:
    """Per teacher: remarks whose day to fix falls in [first, last], and how many were fixed by that day."""
    due: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for teacher_id, due_on, fixed_at in db.session.execute(
        select(Remark.teacher_id, Remark.due_on, Remark.fixed_at).where(
            Remark.school_id == school_id, Remark.due_on.between(first, last)
        )
    ):
        counts = due[teacher_id]
        counts[0] += 1
        counts[1] += fixed_at is not None and local_day(fixed_at, tz) <= due_on
    return {teacher_id: RemarksDue(n, ok) for teacher_id, (n, ok) in due.items()}


def effectiveness(actor: Actor, month: dt.date, *, today: dt.date) -> Effectiveness:
    require(can_control_journal(actor), _("Эффективность ведения журнала доступна администрации школы."))
    c = journal_control(actor, month, today=today)
    weights = get_setting(actor.school_id, "effectiveness_weights")
    remarks = remarks_due(actor.school_id, school_zone(c.school.timezone), c.first, c.last)
    lines = []
    for t in c.teachers:
        r = remarks.get(t.teacher_id, RemarksDue())
        shares = shares_of(t.figures, r)
        lines.append(TeacherScore(t.teacher_id, t.name, t.figures, r, shares, score(shares, weights)))
    lines.sort(key=lambda line: (-line.score, line.name))
    return Effectiveness(c, weights, lines)
