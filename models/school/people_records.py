"""The people lists' own records (R9): a student's, a staff member's or a guardian's card, and the link
between a child and a parent, as the staff panel's forms (or any other door) create and change them.

Each operation checks the write right and the rules that need the whole row, puts a new row in the actor's
school and records the change in the audit log; the caller has already filled the row's fields (the form's
validators checked each field) and commits. Movement (admission, transfer, withdrawal) is models/movement.py."""

from __future__ import annotations

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from models.access import Actor, can_edit_contacts, can_manage_rosters, require
from models.audit import AuditEvent
from models.base import db
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.i18n import N_, _
from models.identifiers import parse_iin
from models.tables.people import Guardian, Staff, Student, StudentGuardian, clean_contact

ENTITIES: dict[type, str] = {Student: "student", Staff: "staff", Guardian: "guardian"}


def column_changes(row) -> tuple[dict, dict]:
    """The row's changed columns not yet flushed: (old values, new values), each keyed by column name."""
    state = sa_inspect(row)
    old, new = {}, {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        before = hist.deleted[0] if hist.deleted else None
        after = hist.added[0] if hist.added else None
        if before != after:
            old[attr.key], new[attr.key] = before, after
    return old, new


def save_person(actor: Actor, person: Student | Staff | Guardian, *, is_new: bool) -> None:
    """A card filled in by a form: a new one joins the actor's school; a change of another school's card is
    refused as not found. Created or changed columns go to the audit log (nothing changed, nothing logged)."""
    require(can_manage_rosters(actor))
    entity = ENTITIES[type(person)]
    with db.session.no_autoflush:
        if is_new:
            person.school_id = actor.school_id
        elif person.school_id != actor.school_id:
            raise NotFound(_("Запись не найдена."))
        _check_iin(person)
        old, new = column_changes(person)
    db.session.flush()
    if is_new or new:
        AuditEvent.record(
            actor.user_id,
            f"{entity}.{'create' if is_new else 'update'}",
            entity,
            person.id,
            old=None if is_new else old,
            new=new,
        )


IIN_TAKEN = {
    Student: N_("Обучающийся с ИИН %(iin)s уже есть в школе."),
    Staff: N_("Сотрудник с ИИН %(iin)s уже есть в школе."),
    Guardian: N_("Родитель с ИИН %(iin)s уже есть в школе."),
}


def _check_iin(person: Student | Staff | Guardian) -> None:
    """A person's ИИН: 12 digits with their check digit, one person's of the kind within the school (None: not
    given). The database holds the same uniqueness (a unique constraint per table)."""
    person.iin = parse_iin(person.iin)
    if person.iin is None:
        return
    model = type(person)
    other = select(model.id).where(model.school_id == person.school_id, model.iin == person.iin)
    if person.id is not None:
        other = other.where(model.id != person.id)
    if db.session.scalar(other) is not None:
        raise Conflict(IIN_TAKEN[model], iin=person.iin)


def save_guardian_link(actor: Actor, link: StudentGuardian, *, is_new: bool) -> None:
    """A child–parent link: a new one needs both people, of one school, not linked yet; the pair is the link's
    identity, so a change touches only the relation and the legal representative flag."""
    require(can_manage_rosters(actor))
    with db.session.no_autoflush:
        if is_new:
            student, guardian = link.student, link.guardian
            if student is None or guardian is None:
                raise InvalidInput(_("Выберите обучающегося и родителя."))
            if student.school_id != guardian.school_id:
                raise InvalidInput(_("Обучающийся и родитель из разных школ."))
            if student.school_id != actor.school_id:
                raise NotFound(_("Запись не найдена."))
            linked = db.session.scalar(
                select(StudentGuardian.student_id).where(
                    StudentGuardian.student_id == student.id, StudentGuardian.guardian_id == guardian.id
                )
            )
            if linked is not None:
                raise InvalidInput(
                    _("%(guardian)s уже связан(а) с %(student)s."),
                    guardian=guardian.short_name,
                    student=student.short_name,
                )
        old, new = column_changes(link)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "student_guardian." + ("create" if is_new else "update"),
        "student_guardian",
        link.student_id,
        old=None if is_new else old,
        new={**new, "guardian_id": link.guardian_id},
    )


def remove_guardian_link(actor: Actor, link: StudentGuardian) -> None:
    """A link entered by mistake is removed (the people stay); the audit log keeps what it was."""
    require(can_manage_rosters(actor))
    AuditEvent.record(
        actor.user_id,
        "student_guardian.delete",
        "student_guardian",
        link.student_id,
        old={"guardian_id": link.guardian_id, "relation": link.relation},
    )
    db.session.delete(link)


# --- the families' contact data (the class teacher's page "Контакты семей", any other door) -----------------
CONTACT_FIELDS = {"student": ("address",), "guardian": ("phone", "email", "workplace")}
CONTACT_LABELS = {
    "address": N_("Адрес"),
    "phone": N_("Телефон"),
    "email": N_("Эл. почта"),
    "workplace": N_("Место работы"),
}


def update_contacts(actor: Actor, entity: str, person_id: int | None, values: dict, *, today) -> list[str]:
    """Correct the contact fields of a student (address) or a guardian (phone, e-mail, workplace) with the same
    checks as the secretary's forms (models.tables.people.clean_contact): all or nothing, the changed fields
    audited like a card's change. Who may: models.access.can_edit_contacts. Returns the fields changed."""
    if entity not in CONTACT_FIELDS or not person_id:
        raise NotFound(_("Запись не найдена."))
    if not can_edit_contacts(actor, entity, person_id, today):
        raise AccessDenied(_("Контакты этой семьи исправляет классный руководитель её класса или секретарь."))
    person = db.session.get(Student if entity == "student" else Guardian, person_id)
    cleaned = {}
    for field in CONTACT_FIELDS[entity]:
        if field in values:
            try:
                cleaned[field] = clean_contact(field, values[field])
            except InvalidInput as exc:
                exc.field = field
                raise
    with db.session.no_autoflush:
        for field, value in cleaned.items():
            setattr(person, field, value)
        old, new = column_changes(person)
    db.session.flush()
    if new:
        AuditEvent.record(actor.user_id, f"{entity}.update", entity, person.id, old=old, new=new)
    return sorted(new)
