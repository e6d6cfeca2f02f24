"""Student movement: admission, transfer between classes, withdrawal (R9, S0 III.2, VI.4, S2 5.4, 5.8).

Every stay in a class is one Enrollment row; movement closes the current stay (``ends_on`` = the last day,
``reason_out``, order number) and opens the next, so the whole history is kept. Nothing is deleted: a
withdrawn student stays in the lists, the journal and the archive with every mark.

Days are inclusive: a stay from ``starts_on`` to ``ends_on`` includes both days. A transfer dated D puts
the student in the new class from D (the old stay ends on D − 1); a withdrawal dated D ends the stay on D.
Operations validate, change, audit and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_manage_rosters, require, student_ids, visible_ids
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, _
from models.roster import stay_during, stay_on
from models.tables.classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from models.tables.people import Guardian, Student, StudentGuardian
from models.tables.school import AcademicYear

ORDER_MAX = 40
NOTE_MAX = 255

REASON_IN_LABELS = {
    "admission": N_("зачисление"),
    "transfer": N_("перевод из другого класса"),
    "promotion": N_("перевод в следующий класс"),
}
REASON_OUT_LABELS = {
    "transfer": N_("перевод в другой класс"),
    "promotion": N_("перевод в следующий класс"),
    "withdrawal": N_("выбытие"),
    "graduation": N_("окончание обучения"),
}
RELATION_LABELS = {
    "mother": N_("мать"),
    "father": N_("отец"),
    "guardian": N_("опекун"),
    "grandparent": N_("бабушка / дедушка"),
    "other": N_("другое"),
}
SEX_LABELS = {"m": N_("мужской"), "f": N_("женский")}
MEDICAL_GROUP_LABELS = {
    "main": N_("основная"),
    "preparatory": N_("подготовительная"),
    "special": N_("специальная"),
    "exempt": N_("освобождён"),
}


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


# --- reading ----------------------------------------------------------------------------------------
@dataclass
class Stay:
    """One line of a student's movement history, ready for a template."""

    class_name: str
    year_name: str
    starts_on: dt.date
    reason_in: str
    order_in: str | None
    ends_on: dt.date | None
    reason_out: str | None
    order_out: str | None
    note: str | None


def history(actor: Actor, student_id: int) -> list[Stay]:
    """The student's stays in classes, oldest first (scoped: nothing for a student the actor can't see)."""
    rows = db.session.execute(
        select(Enrollment, SchoolClass, AcademicYear)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(Enrollment.student_id == student_id, Enrollment.student_id.in_(student_ids(actor)))
        .order_by(Enrollment.starts_on, Enrollment.id)
    ).all()
    return [
        Stay(
            cls.name,
            year.name,
            e.starts_on,
            REASON_IN_LABELS.get(e.reason_in, e.reason_in),
            e.order_in,
            e.ends_on,
            REASON_OUT_LABELS.get(e.reason_out, e.reason_out) if e.reason_out else None,
            e.order_out,
            e.note,
        )
        for e, cls, year in rows
    ]


def current_enrollment(student_id: int) -> Enrollment | None:
    """The open stay (no end date): where the student is now or is going to be."""
    return db.session.scalar(
        select(Enrollment)
        .options(joinedload(Enrollment.school_class))
        .where(Enrollment.student_id == student_id, Enrollment.ends_on.is_(None))
        .order_by(Enrollment.starts_on.desc())
        .limit(1)
    )


@dataclass
class StudentStatus:
    """Where a student is on a date, for list pages: ``state`` is "studying", "upcoming" (admitted from a
    later date), "left" (the last stay has ended) or "never" (no stay at all)."""

    state: str
    class_name: str | None = None
    since: dt.date | None = None
    left_on: dt.date | None = None
    reason_out: str | None = None


def student_statuses(student_ids_: list[int], on: dt.date) -> dict[int, StudentStatus]:
    """Student id → status on ``on``; one query for any number of students (no N+1 on list pages)."""
    found = {sid: StudentStatus("never") for sid in student_ids_}
    if not student_ids_:
        return found
    rows = db.session.execute(
        select(
            Enrollment.student_id,
            Enrollment.starts_on,
            Enrollment.ends_on,
            Enrollment.reason_out,
            SchoolClass.grade,
            SchoolClass.letter,
        )
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(Enrollment.student_id.in_(student_ids_))
        .order_by(Enrollment.student_id, Enrollment.starts_on, Enrollment.id)
    ).all()
    for sid, starts_on, ends_on, reason_out, grade, letter in rows:
        name = f"{grade}{letter}"
        current = found[sid]
        if ends_on is not None and ends_on < on:  # a finished stay
            if current.state in ("never", "left"):
                found[sid] = StudentStatus("left", name, starts_on, ends_on, reason_out)
        elif starts_on <= on:
            found[sid] = StudentStatus("studying", name, starts_on)
        elif current.state != "studying":
            if current.state != "upcoming":
                found[sid] = StudentStatus("upcoming", name, starts_on)
    return found


def can_view_class(actor: Actor, class_id: int) -> bool:
    return (
        db.session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.id == class_id, SchoolClass.id.in_(visible_ids(actor, SchoolClass))
            )
        )
        is not None
    )


def enrolled_on(class_id: int, on: dt.date):
    """A select of the ids of students in the class on ``on``."""
    return select(Enrollment.student_id).where(Enrollment.class_id == class_id, stay_on(Enrollment, on))


def studying_ids(on: dt.date):
    """A select of the ids of students with a stay that has not ended by ``on`` ("обучается")."""
    return select(Enrollment.student_id).where(or_(Enrollment.ends_on.is_(None), Enrollment.ends_on >= on))


@dataclass
class RosterGuardian:
    name: str
    relation: str
    phone: str | None
    email: str | None
    workplace: str | None
    is_legal_representative: bool
    guardian_id: int = 0


@dataclass
class RosterLine:
    number: int
    student: Student
    since: dt.date
    guardians: list[RosterGuardian] = field(default_factory=list)


def class_roster(actor: Actor, class_id: int, on: dt.date, until: dt.date | None = None) -> list[RosterLine]:
    """The class list on a date (or everyone in the class at any time from ``on`` to ``until``) with the
    parents' contacts (two queries whatever the class size)."""
    require(can_view_class(actor, class_id), _("Нет доступа к этому классу."))
    rows = db.session.execute(
        select(Student, Enrollment.starts_on)
        .join(Enrollment, Enrollment.student_id == Student.id)
        .where(
            Enrollment.class_id == class_id, stay_during(Enrollment, on, until) if until else stay_on(Enrollment, on)
        )
        .order_by(Student.last_name, Student.first_name, Student.middle_name, Student.id, Enrollment.starts_on)
    ).all()
    first: dict[int, tuple[Student, dt.date]] = {}
    for student, since in rows:  # a student who left and came back within the range: one line
        first.setdefault(student.id, (student, since))
    lines = [RosterLine(i, s, since) for i, (s, since) in enumerate(first.values(), start=1)]
    by_id = {line.student.id: line for line in lines}
    if by_id:
        links = db.session.scalars(
            select(StudentGuardian)
            .options(joinedload(StudentGuardian.guardian))
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(StudentGuardian.student_id.in_(list(by_id)))
            .order_by(Guardian.last_name, Guardian.first_name)
        ).all()
        for link in links:
            g = link.guardian
            by_id[link.student_id].guardians.append(
                RosterGuardian(
                    g.full_name,
                    RELATION_LABELS.get(link.relation, link.relation),
                    g.phone,
                    g.email,
                    g.workplace,
                    link.is_legal_representative,
                    g.id,
                )
            )
    return lines


# --- checks shared by the operations -------------------------------------------------------------------
def _clean_order(order_no: str | None) -> str:
    order = (order_no or "").strip()
    if not order:
        raise InvalidInput(_("Укажите номер приказа."))
    if len(order) > ORDER_MAX:
        raise InvalidInput(_("Номер приказа длиннее %(n)s символов."), n=ORDER_MAX)
    return order


def _clean_note(note: str | None, *, required_message: str | None = None) -> str | None:
    text = (note or "").strip()
    if not text:
        if required_message:
            raise InvalidInput(required_message)
        return None
    if len(text) > NOTE_MAX:
        raise InvalidInput(_("Примечание длиннее %(n)s символов."), n=NOTE_MAX)
    return text


def _student(actor: Actor, student_id: int) -> Student:
    require(can_manage_rosters(actor), _("Движение обучающихся ведёт секретарь."))
    student = db.session.scalar(select(Student).where(Student.id == student_id, Student.school_id == actor.school_id))
    if student is None:
        raise NotFound(_("Обучающийся не найден."))
    return student


def _class(actor: Actor, class_id: int | None) -> SchoolClass:
    if not class_id:
        raise InvalidInput(_("Выберите класс."))
    cls = db.session.scalar(
        select(SchoolClass).where(SchoolClass.id == class_id, SchoolClass.school_id == actor.school_id)
    )
    if cls is None:
        raise InvalidInput(_("Такого класса в школе нет."))
    return cls


def _inside_year(cls: SchoolClass, on: dt.date | None) -> AcademicYear:
    if on is None:
        raise InvalidInput(_("Укажите дату."))
    year = db.session.get(AcademicYear, cls.year_id)
    if not (year.starts_on <= on <= year.ends_on):
        raise InvalidInput(
            _("Дата %(date)s вне %(year)s учебного года (%(start)s – %(end)s)."),
            date=_fmt(on),
            year=year.name,
            start=_fmt(year.starts_on),
            end=_fmt(year.ends_on),
        )
    year.require_open()
    return year


def _no_overlap(student: Student, starts_on: dt.date, *, ignore_id: int | None = None) -> None:
    """A new open-ended stay from ``starts_on`` must not overlap any other stay of the student."""
    q = (
        select(Enrollment)
        .options(joinedload(Enrollment.school_class))
        .where(Enrollment.student_id == student.id, or_(Enrollment.ends_on.is_(None), Enrollment.ends_on >= starts_on))
        .order_by(Enrollment.starts_on)
    )
    if ignore_id is not None:
        q = q.where(Enrollment.id != ignore_id)
    other = db.session.scalars(q).first()
    if other is None:
        return
    if other.ends_on is None:
        raise Conflict(
            _("%(name)s уже числится в %(cls)s классе с %(date)s. Для смены класса оформите перевод."),
            name=student.short_name,
            cls=other.school_class.name,
            date=_fmt(other.starts_on),
        )
    raise Conflict(
        _("Дата %(date)s пересекается с пребыванием %(name)s в %(cls)s классе (%(start)s – %(end)s)."),
        date=_fmt(starts_on),
        name=student.short_name,
        cls=other.school_class.name,
        start=_fmt(other.starts_on),
        end=_fmt(other.ends_on),
    )


def _open_stay(student: Student) -> Enrollment:
    stay = current_enrollment(student.id)
    if stay is None:
        raise InvalidInput(
            _("%(name)s сейчас не числится ни в одном классе: сначала оформите зачисление."), name=student.short_name
        )
    return stay


def _close_subgroups(student_id: int, class_id: int, last_day: dt.date) -> None:
    """Leaving a class ends the student's subgroup memberships in it on the last day."""
    in_class = select(Subgroup.id).where(Subgroup.class_id == class_id)
    db.session.execute(
        delete(SubgroupMember)
        .where(
            SubgroupMember.student_id == student_id,
            SubgroupMember.subgroup_id.in_(in_class),
            SubgroupMember.starts_on > last_day,
        )
        .execution_options(synchronize_session="fetch")
    )
    for member in db.session.scalars(
        select(SubgroupMember).where(
            SubgroupMember.student_id == student_id,
            SubgroupMember.subgroup_id.in_(in_class),
            or_(SubgroupMember.ends_on.is_(None), SubgroupMember.ends_on > last_day),
        )
    ):
        member.ends_on = last_day


def _snapshot(e: Enrollment) -> dict:
    return {
        "student_id": e.student_id,
        "class_id": e.class_id,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "reason_in": e.reason_in,
        "order_in": e.order_in,
        "reason_out": e.reason_out,
        "order_out": e.order_out,
        "note": e.note,
    }


# --- operations ---------------------------------------------------------------------------------------
def admit(
    actor: Actor,
    student_id: int,
    class_id: int | None,
    *,
    on: dt.date | None,
    order_no: str | None,
    note: str | None = None,
) -> Enrollment:
    """Admission to the school (or re-admission after a withdrawal): a new stay from ``on``."""
    student = _student(actor, student_id)
    order = _clean_order(order_no)
    text = _clean_note(note)
    cls = _class(actor, class_id)
    _inside_year(cls, on)
    _no_overlap(student, on)
    stay = Enrollment(
        student_id=student.id, class_id=cls.id, starts_on=on, reason_in="admission", order_in=order, note=text
    )
    db.session.add(stay)
    db.session.flush()
    AuditEvent.record(actor.user_id, "student.admit", "enrollment", stay.id, new=_snapshot(stay))
    return stay


def transfer(
    actor: Actor,
    student_id: int,
    class_id: int | None,
    *,
    on: dt.date | None,
    order_no: str | None,
    note: str | None = None,
) -> Enrollment:
    """Transfer to another class of the same year from ``on``: the current stay ends the day before."""
    student = _student(actor, student_id)
    order = _clean_order(order_no)
    text = _clean_note(note)
    target = _class(actor, class_id)
    stay = _open_stay(student)
    source = stay.school_class
    if target.id == source.id:
        raise InvalidInput(_("%(name)s уже учится в %(cls)s классе."), name=student.short_name, cls=source.name)
    if target.year_id != source.year_id:
        year = db.session.get(AcademicYear, source.year_id)
        raise InvalidInput(_("Перевести можно только в класс того же учебного года (%(year)s)."), year=year.name)
    _inside_year(target, on)
    if on <= stay.starts_on:
        raise InvalidInput(
            _("Дата перевода должна быть позже начала пребывания в %(cls)s классе (%(date)s)."),
            cls=source.name,
            date=_fmt(stay.starts_on),
        )
    _no_overlap(student, on, ignore_id=stay.id)
    old = _snapshot(stay)
    stay.ends_on = on - dt.timedelta(days=1)
    stay.reason_out = "transfer"
    stay.order_out = order
    _close_subgroups(student.id, source.id, stay.ends_on)
    new = Enrollment(
        student_id=student.id, class_id=target.id, starts_on=on, reason_in="transfer", order_in=order, note=text
    )
    db.session.add(new)
    db.session.flush()
    AuditEvent.record(actor.user_id, "student.transfer", "enrollment", stay.id, old=old, new=_snapshot(stay))
    AuditEvent.record(actor.user_id, "student.transfer", "enrollment", new.id, new=_snapshot(new))
    return new


def withdraw(
    actor: Actor, student_id: int, *, on: dt.date | None, order_no: str | None, note: str | None
) -> Enrollment:
    """Withdrawal from the school; ``on`` is the last day, ``note`` says where the student went.
    The student and every mark stay."""
    student = _student(actor, student_id)
    order = _clean_order(order_no)
    text = _clean_note(note, required_message=_("Укажите, куда выбыл обучающийся (школа, город)."))
    stay = _open_stay(student)
    _inside_year(stay.school_class, on)
    if on < stay.starts_on:
        raise InvalidInput(
            _("Дата выбытия не может быть раньше начала пребывания в %(cls)s классе (%(date)s)."),
            cls=stay.school_class.name,
            date=_fmt(stay.starts_on),
        )
    old = _snapshot(stay)
    stay.ends_on = on
    stay.reason_out = "withdrawal"
    stay.order_out = order
    stay.note = text if not stay.note else f"{stay.note}; {text}"[:NOTE_MAX]
    _close_subgroups(student.id, stay.class_id, on)
    db.session.flush()
    AuditEvent.record(actor.user_id, "student.withdraw", "enrollment", stay.id, old=old, new=_snapshot(stay))
    return stay
