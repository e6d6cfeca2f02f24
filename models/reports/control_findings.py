"""What the monthly control finds wrong on a journal page (R29), each finding with the place to fix it: the
journal page itself or its thematic plan. One rule table (``RULES``) read by the control page, its справка and
the class teacher's view of their class, so that the three never disagree. The figures are
models/reports/journal_control.py's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from models.i18n import N_, Text

from .journal_control import Figures, JournalControl, PageLine

JOURNAL, PLAN = "journal", "plan"  # where a finding is fixed: the page's grid, the page's thematic plan


@dataclass(frozen=True)
class Rule:
    code: str
    applies: Callable[[Figures], bool]
    message: str
    values: Callable[[Figures], dict]
    fix: str = JOURNAL
    lessons: Callable[[Figures], list] | None = None  # the lessons to fix, each with its own link


RULES = (
    Rule(
        "unrecorded",
        lambda f: f.unrecorded > 0,
        N_("Не записано уроков по расписанию: %(n)s"),
        lambda f: {"n": f.unrecorded},
    ),
    Rule(
        "late_topics",
        lambda f: f.late_topics > 0,
        N_("Темы уроков записаны после срока: %(n)s"),
        lambda f: {"n": f.late_topics},
    ),
    Rule(
        "late_marks",
        lambda f: f.late_marks > 0,
        N_("Отметки выставлены после срока: %(n)s"),
        lambda f: {"n": f.late_marks},
    ),
    Rule(
        "no_homework",
        lambda f: f.no_homework > 0,
        N_("Уроков без домашнего задания: %(n)s"),
        lambda f: {"n": f.no_homework},
    ),
    Rule(
        "no_attendance",
        lambda f: f.no_attendance > 0,
        N_("Посещаемость не отмечена на уроках: %(n)s"),
        lambda f: {"n": f.no_attendance},
        lessons=lambda f: f.no_attendance_lessons,
    ),
    Rule(
        "few_marks",
        lambda f: f.few_marks > 0,
        N_("Уроков, где отметки получили меньше %(expected)s обучающихся: %(n)s"),
        lambda f: {"n": f.few_marks, "expected": f.marks_expected},
    ),
    Rule(
        "without_marks",
        lambda f: f.marked and f.without_marks > 0,
        N_("Без отметок за месяц: %(n)s из %(students)s обучающихся"),
        lambda f: {"n": f.without_marks, "students": f.students},
    ),
    Rule("no_plan", lambda f: f.plan_hours == 0, N_("Нет тематического планирования"), lambda f: {}, PLAN),
    Rule(
        "plan_hours",
        lambda f: f.plan_hours > 0 and f.curriculum_hours > 0 and f.plan_hours != f.curriculum_hours,
        N_("Часов в тематическом планировании: %(plan)s, по учебному плану: %(curriculum)s"),
        lambda f: {"plan": f.plan_hours, "curriculum": f.curriculum_hours},
        PLAN,
    ),
    Rule(
        "no_plan_line",
        lambda f: f.no_plan_line > 0,
        N_("Уроков без темы из тематического планирования: %(n)s"),
        lambda f: {"n": f.no_plan_line},
    ),
    Rule(
        "behind",
        lambda f: f.behind > 0,
        N_("Отставание от программы с начала года: дано %(given)s уроков из %(planned)s по расписанию"),
        lambda f: {"given": f.given_to_date, "planned": f.planned_to_date},
    ),
    Rule(
        "control_works",
        lambda f: f.control_missing > 0,
        N_("Контрольных работ проведено %(held)s, по тематическому планированию к этому дню — %(due)s"),
        lambda f: {"held": f.control_held, "due": f.control_due},
    ),
    Rule(
        "substitutions",
        lambda f: f.bad_substitutions > 0,
        N_("Замены не записаны заменявшим учителем: %(n)s из %(total)s"),
        lambda f: {"n": f.bad_substitutions, "total": f.substitutions},
    ),
    Rule(
        "unregistered",
        lambda f: f.unregistered > 0,
        N_("Уроков, проведённых другим учителем без оформленной замены: %(n)s"),
        lambda f: {"n": f.unregistered},
    ),
)


@dataclass(frozen=True)
class Finding:
    code: str
    text: Text
    fix: str  # JOURNAL or PLAN
    assignment_id: int
    page: str  # "5А · Математика"
    teacher: str
    lessons: tuple[tuple[int, dt.date], ...] = ()  # (lesson id, date): each fixed on its lesson's page


def page_findings(line: PageLine, teacher: str) -> list[Finding]:
    f, page = line.figures, line.assignment
    return [
        Finding(
            rule.code,
            Text(rule.message, **rule.values(f)),
            rule.fix,
            page.id,
            page.title,
            teacher,
            tuple(rule.lessons(f)) if rule.lessons else (),
        )
        for rule in RULES
        if rule.applies(f)
    ]


def findings(c: JournalControl, *, teacher_id: int | None = None) -> list[Finding]:
    """Every finding of the month, teacher by teacher (one teacher's when ``teacher_id`` is given)."""
    return [
        finding
        for t in c.teachers
        if teacher_id is None or t.teacher_id == teacher_id
        for line in t.pages
        for finding in page_findings(line, t.name)
    ]


def finding_counts(c: JournalControl) -> dict[int, int]:
    """teacher id → how many findings their pages have: the control page's badges, without the findings' texts
    (a school's 58 teachers have ~2,900 findings; the page lists one teacher's)."""
    return {t.teacher_id: sum(rule.applies(line.figures) for line in t.pages for rule in RULES) for t in c.teachers}
