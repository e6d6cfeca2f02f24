"""The parent's weekly signature under the diary (the paper diary's "подпись родителя"): one button on the
diary's week marks the week of a child's diary as seen — once per parent, child and week (a unique constraint:
a double click or two tabs leave one row) — and the class teacher sees, for their class and a week, who signed
and when. Who may sign or read is decided in models/access.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Date, bindparam, select

from models.access import Actor, acknowledgement_class_ids, can_acknowledge_diary, require
from models.base import add_unique, db
from models.errors import AccessDenied, InvalidInput, NotFound
from models.i18n import _
from models.journal.diary import monday_of
from models.roster import stay_during
from models.school.movement import RELATION_LABELS
from models.tables.classes import Enrollment, SchoolClass
from models.tables.journal import DiaryAcknowledgement
from models.tables.people import Guardian, Student, StudentGuardian
from models.tables.school import AcademicYear

_WEEK = dt.timedelta(days=6)


_SIGNATURE = select(DiaryAcknowledgement).where(  # built once: every diary week of a parent asks it
    DiaryAcknowledgement.guardian_id == bindparam("guardian"),
    DiaryAcknowledgement.student_id == bindparam("student"),
    DiaryAcknowledgement.week_start == bindparam("monday", type_=Date),
)


def acknowledgement(actor: Actor, student_id: int, day: dt.date) -> DiaryAcknowledgement | None:
    """The actor's own signature under the week of ``day`` (None when not signed, or not a parent of the child)."""
    if not actor.has("parent") or actor.guardian_id is None:
        return None
    week = {"guardian": actor.guardian_id, "student": student_id, "monday": monday_of(day)}
    return db.session.scalar(_SIGNATURE, week)


def acknowledge_week(
    actor: Actor, student_id: int, day: dt.date, *, today: dt.date, now: dt.datetime
) -> tuple[DiaryAcknowledgement, bool]:
    """Sign the week of ``day`` of the child's diary; (the signature, whether it is new). Signing again returns
    the first signature unchanged. A week that has not begun cannot be signed."""
    if not can_acknowledge_diary(actor, student_id):
        raise AccessDenied(_("Подписать дневник может только родитель обучающегося."))
    monday = monday_of(day)
    if monday > today:
        raise InvalidInput(_("Эта неделя ещё не началась: подписать её нельзя."))
    existing = acknowledgement(actor, student_id, monday)
    if existing is not None:
        return existing, False
    row = DiaryAcknowledgement(
        guardian_id=actor.guardian_id,
        student_id=student_id,
        week_start=monday,
        user_id=actor.user_id,
        acknowledged_at=now,
    )
    if not add_unique(row):  # the same parent in another tab, a moment earlier
        return acknowledgement(actor, student_id, monday), False
    return row, True


@dataclass
class ParentSign:
    name: str
    relation: str | None
    at: dt.datetime | None  # None: not signed


@dataclass
class StudentSigns:
    name: str
    parents: list[ParentSign] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return any(p.at is not None for p in self.parents)


@dataclass
class ClassSigns:
    cls: SchoolClass
    monday: dt.date
    students: list[StudentSigns]

    @property
    def sunday(self) -> dt.date:
        return self.monday + _WEEK

    @property
    def signed(self) -> int:
        return sum(1 for s in self.students if s.signed)


def signature_classes(actor: Actor, day: dt.date) -> list[SchoolClass]:
    """The classes whose signatures the actor reads, of the academic year of ``day`` (else the latest year)."""
    visible = (
        select(SchoolClass)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.id.in_(acknowledgement_class_ids(actor)))
    )
    classes = db.session.scalars(
        visible.where(AcademicYear.starts_on <= day, AcademicYear.ends_on >= day).order_by(
            SchoolClass.grade, SchoolClass.letter
        )
    ).all()
    if classes:
        return list(classes)
    latest = db.session.scalar(visible.with_only_columns(AcademicYear.id).order_by(AcademicYear.starts_on.desc()))
    return list(
        db.session.scalars(
            visible.where(AcademicYear.id == latest).order_by(SchoolClass.grade, SchoolClass.letter)
        ).all()
    )


def class_acknowledgements(actor: Actor, class_id: int, day: dt.date) -> ClassSigns:
    """The class's students of the week of ``day`` (in the class on at least one of its days), each with their
    parents and when each signed. Four queries whatever the size of the class."""
    require(class_id is not None)
    cls = db.session.scalar(
        select(SchoolClass).where(SchoolClass.id == class_id, SchoolClass.id.in_(acknowledgement_class_ids(actor)))
    )
    if cls is None:
        raise NotFound(_("Класс не найден или недоступен."))
    monday = monday_of(day)
    students = db.session.scalars(
        select(Student)
        .join(Enrollment, Enrollment.student_id == Student.id)
        .where(Enrollment.class_id == cls.id, stay_during(Enrollment, monday, monday + _WEEK))
        .order_by(Student.last_name, Student.first_name, Student.id)
        .distinct()
    ).all()
    ids = [s.id for s in students]
    links = defaultdict(list)
    signs = {}
    if ids:
        for link, guardian in db.session.execute(
            select(StudentGuardian, Guardian)
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(StudentGuardian.student_id.in_(ids))
            .order_by(Guardian.last_name, Guardian.first_name)
        ):
            links[link.student_id].append((guardian, link.relation))
        signs = {
            (a.student_id, a.guardian_id): a.acknowledged_at
            for a in db.session.scalars(
                select(DiaryAcknowledgement).where(
                    DiaryAcknowledgement.student_id.in_(ids), DiaryAcknowledgement.week_start == monday
                )
            )
        }
    rows = [
        StudentSigns(
            s.full_name,
            [
                ParentSign(g.full_name, RELATION_LABELS.get(relation), signs.get((s.id, g.id)))
                for g, relation in links[s.id]
            ],
        )
        for s in students
    ]
    return ClassSigns(cls, monday, rows)
