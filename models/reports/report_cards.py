"""Report cards (табель, R32) and the parents' information letter for a period (issue 16): per student, or for a
class with every student on a page of their own. Each student's marks are ``report_card`` — the same builder as
the family's marks page — with the lessons missed in the period (``results.absences_between``), the class
teacher who signs, and the family's language: the language a parent chose for their account, else the school's.

Who prints: the class teacher of the class and the administration (as the period results); the family downloads
its own child's letter. Checked by ``models.access.can_print_report_card``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from models.access import Actor, can_print_report_card, require, results_class_ids
from models.base import db
from models.errors import NotFound
from models.finals.proposals import reference_day
from models.finals.sheet import sheet_periods
from models.i18n import _
from models.reports.report_card import ReportCard, report_card
from models.reports.results import Absences, absences_between
from models.roster import stay_on
from models.tables.accounts import User
from models.tables.classes import Enrollment, SchoolClass
from models.tables.people import Student, StudentGuardian
from models.tables.school import School

KINDS = ("card", "letter")  # the табель of the year; the letter for a period


@dataclass
class StudentReport:
    card: ReportCard
    absences: Absences  # in the card's period
    year_absences: Absences  # in the year up to today (the табель's)
    class_teacher: str  # who signs, "" when the class has none
    language: str  # ru / kk / en: the family's


def _refused() -> str:
    return _("Табели и письма родителям печатают классный руководитель и администрация; семья — своего ребёнка.")


def family_languages(student_ids: list[int], school: School) -> dict[int, str]:
    """Each student's family language: a parent's account's chosen language (the first parent by account id),
    else the school's language. One query."""
    rows = db.session.execute(
        select(StudentGuardian.student_id, User.locale)
        .join(User, User.guardian_id == StudentGuardian.guardian_id)
        .where(StudentGuardian.student_id.in_(student_ids or [0]), User.blocked_at.is_(None))
        .order_by(User.id)
    ).all()
    chosen: dict[int, str] = {}
    for student_id, locale in rows:
        chosen.setdefault(student_id, locale)
    return {sid: chosen.get(sid) or school.language for sid in student_ids}


def _reports(cards: list[ReportCard], today: dt.date) -> list[StudentReport]:
    if not cards:
        return []
    period, year = cards[0].period, cards[0].year
    ids = [c.student.id for c in cards]
    absences = absences_between(ids, period.starts_on, period.ends_on)
    year_absences = absences_between(ids, year.starts_on, min(today, year.ends_on))
    school = db.session.get(School, cards[0].student.school_id)
    languages = family_languages(ids, school)
    return [
        StudentReport(
            card,
            absences.get(card.student.id, Absences()),
            year_absences.get(card.student.id, Absences()),
            card.school_class.class_teacher.full_name if card.school_class.class_teacher else "",
            languages[card.student.id],
        )
        for card in cards
    ]


def student_report(actor: Actor, student_id: int, *, today: dt.date, period_id: int | None = None) -> StudentReport:
    require(can_print_report_card(actor, student_id), _refused())
    return _reports([report_card(actor, student_id, today=today, period_id=period_id)], today)[0]


def printable_class(actor: Actor, class_id: int | None) -> SchoolClass:
    """The class whose report cards the actor may print (checked before a job is started for it)."""
    cls = db.session.scalars(
        select(SchoolClass).where(SchoolClass.id == class_id, SchoolClass.id.in_(results_class_ids(actor)))
    ).first()
    if cls is None:
        if class_id is None or db.session.get(SchoolClass, class_id) is None:
            raise NotFound(_("Класс не найден."))
        require(False, _refused())
    return cls


def class_reports(
    actor: Actor, class_id: int, *, today: dt.date, period_id: int | None = None
) -> tuple[SchoolClass, list[StudentReport]]:
    """Every student of the class on the period's last day (today while it runs), by name. ~0.1 s a student:
    a whole class is a background job (tasks.py)."""
    cls = printable_class(actor, class_id)
    periods = sheet_periods(cls)
    period = next((p for p in periods if p.id == period_id), None) if period_id is not None else None
    if period_id is not None and period is None:
        raise NotFound(_("Этот период не относится к классу."))
    on = reference_day(period, today) if period else today
    students = db.session.scalars(
        select(Student)
        .join(Enrollment, Enrollment.student_id == Student.id)
        .where(Enrollment.class_id == cls.id, stay_on(Enrollment, on))
        .order_by(Student.last_name, Student.first_name)
    ).all()
    cards = [report_card(actor, s.id, today=today, year_id=cls.year_id, period_id=period_id) for s in students]
    return cls, _reports(cards, today)
