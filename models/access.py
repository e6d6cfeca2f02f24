"""Who may see and change what. The one place every door asks: staff panel, portal, exports, CLI.

``can_*`` answer yes/no, ``require_*`` raise AccessDenied, ``*_ids`` and ``scoped`` return selects
limited to what the actor may see. Everything is also limited to the actor's school.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, false, literal, or_, select, union

from models.base import db, known, remember, transaction_memo
from models.errors import AccessDenied
from models.i18n import _
from models.roster import stay_on
from models.tables.accounts import STAFF_ROLES, Consent, InviteCode, LoginEvent, RefusedRequest, User
from models.tables.classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from models.tables.curriculum import TeachingAssignment
from models.tables.people import Guardian, Staff, Student, StudentGuardian
from models.tables.timetable import Substitution, TimetableEntry

# Role sets: the staff panel's `roles` / `writer_roles` and the rules below all take them from here.
WHOLE_SCHOOL = frozenset({"operator", "director", "coordinator"})
ADMINISTRATION = WHOLE_SCHOOL  # the administration reads (and controls) the whole school
ROSTER_ROLES = WHOLE_SCHOOL | {"secretary"}
FAMILY_ROLES = frozenset({"parent", "student"})
TEACHING_ROLES = frozenset({"teacher", "class_teacher"})  # may write in a journal page that is theirs
CLASS_TEACHERS = frozenset({"class_teacher"})
JOURNAL_READERS = TEACHING_ROLES | ADMINISTRATION  # the journal, its pages and period marks
CLASS_OVERSIGHT = CLASS_TEACHERS | ADMINISTRATION  # weekly attendance, period results of a class
ACCOUNT_READERS = frozenset({"operator", "director"})  # accounts, the login and refusal logs
INVITE_READERS = ACCOUNT_READERS | CLASS_TEACHERS
ACCOUNT_WRITERS = frozenset({"operator"})
INVITE_ISSUERS = ACCOUNT_WRITERS | CLASS_TEACHERS
# Codes for every family of a class at once (issue 17): the class teacher their own class, the operator and the
# secretary (who keeps the families' records) any class of the school.
CLASS_CODE_OFFICE = frozenset({"operator", "secretary"})
CLASS_CODE_ISSUERS = CLASS_CODE_OFFICE | CLASS_TEACHERS
CONSENT_READERS = ROSTER_ROLES | CLASS_TEACHERS  # the register of consents (a class teacher: their classes)


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the rules see them (no Flask, no request)."""

    user_id: int | None
    school_id: int | None
    roles: frozenset[str]
    staff_id: int | None = None
    guardian_id: int | None = None
    student_id: int | None = None

    @classmethod
    def of(cls, user: User | None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", True) or getattr(user, "id", None) is None:
            return ANONYMOUS
        return cls(
            user.id, user.school_id, frozenset(user.role_names), user.staff_id, user.guardian_id, user.student_id
        )

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return self.has(*STAFF_ROLES)

    @property
    def whole_school(self) -> bool:
        return self.has(*WHOLE_SCHOOL)


ANONYMOUS = Actor(None, None, frozenset())


def can_view_own_week(actor: Actor) -> bool:
    """A teacher's own week timetable (their lessons and the substitutions they take)."""
    return actor.staff_id is not None and actor.has(*TEACHING_ROLES)


# --- classes -------------------------------------------------------------------------------------
def class_ids(actor: Actor) -> Select:
    """Classes the actor sees: the whole school for the administration and secretary, else own classes."""
    q = select(SchoolClass.id).where(SchoolClass.school_id == actor.school_id)
    if actor.has(*ROSTER_ROLES):
        return q
    own = [SchoolClass.class_teacher_id == actor.staff_id] if actor.has("class_teacher") and actor.staff_id else []
    if actor.has("teacher") and actor.staff_id:
        own.append(
            SchoolClass.id.in_(
                select(TeachingAssignment.class_id).where(TeachingAssignment.id.in_(assignment_ids(actor)))
            )
        )
    return q.where(or_(*own)) if own else q.where(false())


def taught_class_ids(actor: Actor) -> Select:
    """Classes where the actor is the class teacher (for family codes, subgroups, attendance reasons)."""
    if not (actor.has("class_teacher") and actor.staff_id):
        return select(SchoolClass.id).where(false())
    return select(SchoolClass.id).where(
        SchoolClass.class_teacher_id == actor.staff_id, SchoolClass.school_id == actor.school_id
    )


# --- teaching assignments (journal pages) ----------------------------------------------------------
def assignment_ids(actor: Actor, on: dt.date | None = None) -> Select:
    """Journal pages the actor may open: own load, what they substitute, their class's pages
    (class teacher, read), or the whole school (administration)."""
    base = (
        select(TeachingAssignment.id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(SchoolClass.school_id == actor.school_id)
    )
    if actor.whole_school:
        return base
    conditions = []
    if actor.staff_id and actor.has("teacher", "class_teacher"):
        conditions.append(TeachingAssignment.teacher_id == actor.staff_id)
        substituted = (
            select(TimetableEntry.assignment_id)
            .join(Substitution, Substitution.entry_id == TimetableEntry.id)
            .where(Substitution.substitute_id == actor.staff_id)
        )
        if on is not None:
            substituted = substituted.where(Substitution.date == on)
        conditions.append(TeachingAssignment.id.in_(substituted))
    if actor.has("class_teacher") and actor.staff_id:
        conditions.append(SchoolClass.class_teacher_id == actor.staff_id)
    return base.where(or_(*conditions)) if conditions else base.where(false())


def is_assignment_teacher(actor: Actor, assignment: TeachingAssignment) -> bool:
    """The assignment's own teacher: writes its journal page any day, sets its period marks."""
    return actor.staff_id is not None and actor.has(*TEACHING_ROLES) and assignment.teacher_id == actor.staff_id


@dataclass(frozen=True)
class JournalWriteRight:
    """ "May write" in one journal page (R19), decided once: the journal page builder carries it, the grid
    view and template read it, and the operations ask ``can_edit_assignment`` (the same rule for one day).
    Only the assignment's own teacher, or a substitute on the day of the substitution, writes; nobody while
    the period is closed or the year archived (``read_only``)."""

    own: bool
    substitute_dates: tuple[dt.date, ...] = ()
    read_only: bool = False

    def on(self, day: dt.date) -> bool:
        return not self.read_only and (self.own or day in self.substitute_dates)

    @property
    def anywhere(self) -> bool:
        return not self.read_only and (self.own or bool(self.substitute_dates))

    @property
    def adds_lessons(self) -> bool:
        """A lesson on a date of one's choosing: the own teacher only (a substitute fills their day's)."""
        return not self.read_only and self.own


def journal_write_right(
    actor: Actor, assignment: TeachingAssignment, substitutes: list[tuple[dt.date, int]], *, read_only: bool
) -> JournalWriteRight:
    """``substitutes``: (date, substitute staff id) of the page's substitutions already loaded."""
    own = is_assignment_teacher(actor, assignment)
    dates = sorted(
        {
            day
            for day, who in substitutes
            if actor.staff_id is not None and who == actor.staff_id and actor.has(*TEACHING_ROLES)
        }
    )
    return JournalWriteRight(own, tuple(dates), read_only)


def can_edit_assignment(actor: Actor, assignment: TeachingAssignment, on: dt.date) -> bool:
    """The write right of ``journal_write_right`` for one day (the state of the year and the period is the
    operation's own check); the administration reads and controls (R19)."""
    if actor.staff_id is None or not actor.has(*TEACHING_ROLES):
        return False
    if is_assignment_teacher(actor, assignment):
        return True
    return (
        db.session.scalar(
            select(literal(1))
            .select_from(Substitution)
            .join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
            .where(
                TimetableEntry.assignment_id == assignment.id,
                Substitution.date == on,
                Substitution.substitute_id == actor.staff_id,
            )
            .limit(1)
        )
        is not None
    )


# --- students ---------------------------------------------------------------------------------------
# The students' statements depend on the actor alone (its roles and ids; the rows are read when they run): each is
# built once per actor and kept, since every family page asks them several times and building them cost more than
# running them. Actor is frozen, so it is the key; a statement is immutable, so sharing it is safe.
_PER_ACTOR = 4096
per_actor = functools.lru_cache(maxsize=_PER_ACTOR)  # a statement built from an Actor alone, kept per actor


@per_actor
def student_ids(actor: Actor) -> Select:
    """Students the actor may see (R17, R19): a parent their children, a student themself,
    a teacher the students of their classes and subgroups, a class teacher their class, the
    administration and secretary the whole school."""
    if actor.has(*ROSTER_ROLES):
        return select(Student.id).where(Student.school_id == actor.school_id)
    parts = []
    if actor.has("parent") and actor.guardian_id:
        parts.append(consented_children(actor))
    if actor.has("student") and actor.student_id:
        parts.append(select(literal(actor.student_id)))
    if actor.is_staff and actor.staff_id:
        parts.append(select(Enrollment.student_id).where(Enrollment.class_id.in_(class_ids(actor))))
    if not parts:
        return select(Student.id).where(false())
    return select(Student.id).where(Student.school_id == actor.school_id, Student.id.in_(union(*parts)))


@functools.lru_cache(maxsize=_PER_ACTOR)
def _student_check(actor: Actor) -> Select:
    return _membership(student_ids(actor))


def can_view_student(actor: Actor, student_id: int) -> bool:
    """Asked once a transaction (models.base.transaction_memo): a family page's validator and the page ask it both."""
    if known(("student", actor, student_id)) is not None:
        return True
    return transaction_memo(
        ("may see student", actor, student_id), lambda: _is_member(student_id, _student_check(actor))
    )


def require_student(actor: Actor, student_id: int) -> None:
    student_checked(actor, student_id, can_view_student(actor, student_id))


def may_see_student(actor: Actor):
    """EXISTS: the student bound as ``member`` is one the actor may see. For a statement that checks access in the
    round trip that reads (a page's validator); it reports the answer with ``student_checked``."""
    return _student_check(actor).exists()


def student_checked(actor: Actor, student_id: int, allowed: bool) -> None:
    """The answer to "may the actor see this student" (can_view_student's, or a statement's that carried
    ``may_see_student``), kept for the transaction; a refusal is raised, with the one message every door gives."""
    remember(("may see student", actor, student_id), allowed)
    if not allowed:
        raise AccessDenied(_("Нет доступа к данным этого обучающегося."))


@per_actor
def _visible_student(actor: Actor) -> Select:
    return select(Student).where(Student.id == bindparam("member"), may_see_student(actor))


def visible_student(actor: Actor, student_id: int) -> Student:
    """The student whose data the actor asks for, loaded with the check in one statement (require_student and
    then the row), once a transaction."""
    student = known(("student", actor, student_id))
    if student is None:
        student = db.session.scalar(_visible_student(actor), {"member": student_id})
        student_checked(actor, student_id, student is not None)
        remember(("student", actor, student_id), student)
    return student


@functools.lru_cache(maxsize=_PER_ACTOR)
def children(actor: Actor) -> Select:
    """The students whose diary the actor reads in the portal: own children, or themself."""
    return (
        select(Student).where(Student.id.in_(student_ids(actor))).order_by(Student.last_name, Student.first_name)
        if actor.has(*FAMILY_ROLES)
        else select(Student).where(false())
    )


# --- consent to personal-data processing (R16, issue 15) -----------------------------------------------
# The consent text says it: once a parent withdraws their consent for a child, their access to that child's
# diary ends (every door reads the child through student_ids); consenting again restores it. The school keeps
# its legal records. A consent is in force while the account has a row for the child not withdrawn; withdrawn
# means rows exist and all are withdrawn (no row at all: an account older than the register, not cut).
def withdrawn_child_ids(user_id: int | None) -> Select:
    """Students for whom the account withdrew its consent and has not given it again."""
    withdrawn = select(Consent.student_id).where(
        Consent.user_id == (user_id or 0), Consent.student_id.is_not(None), Consent.withdrawn_at.is_not(None)
    )
    in_force = select(Consent.student_id).where(
        Consent.user_id == (user_id or 0), Consent.student_id.is_not(None), Consent.withdrawn_at.is_(None)
    )
    return withdrawn.except_(in_force)


def guardian_child_ids(actor: Actor) -> Select:
    """The parent's children as the school records them, consent or not (whose consent they may give or withdraw)."""
    if not (actor.has("parent") and actor.guardian_id):
        return select(StudentGuardian.student_id).where(false())
    return select(StudentGuardian.student_id).where(StudentGuardian.guardian_id == actor.guardian_id)


def consented_children(actor: Actor) -> Select:
    """The parent's children whose diary they read: those whose consent they have not withdrawn."""
    return guardian_child_ids(actor).where(StudentGuardian.student_id.not_in(withdrawn_child_ids(actor.user_id)))


def can_manage_consent(actor: Actor, student_id: int) -> bool:
    """A parent withdraws, or gives again, the consent for their own child (the school's link, not the consent)."""
    return actor.user_id is not None and _in(student_id, guardian_child_ids(actor))


def can_view_consents(actor: Actor) -> bool:
    """The register of consents: the operator, the secretary and the administration (the whole school), a class
    teacher (their classes); its page and its PDF ask the same."""
    return actor.school_id is not None and actor.has(*CONSENT_READERS)


def consent_class_ids(actor: Actor) -> Select:
    """Classes whose families' consents the actor reads."""
    if not can_view_consents(actor):
        return select(SchoolClass.id).where(false())
    if actor.has(*ROSTER_ROLES):
        return select(SchoolClass.id).where(SchoolClass.school_id == actor.school_id)
    return taught_class_ids(actor)


# --- people and invitations ---------------------------------------------------------------------
def guardian_ids(actor: Actor) -> Select:
    if actor.has(*ROSTER_ROLES):
        return select(Guardian.id).where(Guardian.school_id == actor.school_id)
    if actor.has("parent") and actor.guardian_id:
        return select(literal(actor.guardian_id))
    return (
        select(StudentGuardian.guardian_id).where(StudentGuardian.student_id.in_(student_ids(actor)))
        if actor.is_staff
        else select(Guardian.id).where(false())
    )


def staff_ids(actor: Actor) -> Select:
    if actor.is_staff:
        return select(Staff.id).where(Staff.school_id == actor.school_id)
    return select(Staff.id).where(false())


def _family_of_classes(classes: Select, on: dt.date | None):
    current = Enrollment.class_id.in_(classes)
    if on is not None:
        current = current & stay_on(Enrollment, on)
    students = select(Enrollment.student_id).where(current)
    guardians = select(StudentGuardian.guardian_id).where(StudentGuardian.student_id.in_(students))
    return students, guardians


def can_issue_invite(
    actor: Actor,
    role: str,
    *,
    staff_id: int | None = None,
    student_id: int | None = None,
    guardian_id: int | None = None,
    on: dt.date | None = None,
) -> bool:
    """Staff codes come from the operator; parents' and students' codes from the class teacher of
    the child's current class (or the operator) (R15)."""
    if role in STAFF_ROLES:
        if not (actor.has("operator") and staff_id):
            return False
        return db.session.scalar(select(Staff.school_id).where(Staff.id == staff_id)) == actor.school_id
    if role == "student" and student_id:
        scope = student_ids(actor) if actor.has("operator") else _family_of_classes(taught_class_ids(actor), on)[0]
        return _in(student_id, scope)
    if role == "parent" and guardian_id:
        scope = guardian_ids(actor) if actor.has("operator") else _family_of_classes(taught_class_ids(actor), on)[1]
        return _in(guardian_id, scope)
    return False


def class_code_class_ids(actor: Actor) -> Select:
    """Classes whose families the actor may issue codes to at once: any class of the school for the operator
    and the secretary, their own classes for a class teacher, none for anyone else."""
    if actor.has(*CLASS_CODE_OFFICE):
        return select(SchoolClass.id).where(SchoolClass.school_id == actor.school_id)
    return taught_class_ids(actor)


def can_issue_class_codes(actor: Actor, class_id: int) -> bool:
    return _in(class_id, class_code_class_ids(actor))


def _membership(ids: Select) -> Select:
    """Is the bound ``member`` one of ``ids``? One row or none."""
    sub = ids.subquery()
    return select(literal(1)).select_from(sub).where(list(sub.c)[0] == bindparam("member")).limit(1)


def _is_member(value: int, membership: Select) -> bool:
    return db.session.scalar(membership, {"member": value}) is not None


def _in(value: int, ids: Select) -> bool:
    return _is_member(value, _membership(ids))


def invite_ids(actor: Actor) -> Select:
    """The register of issued codes: the operator sees the school's, a class teacher those of their class's families."""
    q = select(InviteCode.id).where(InviteCode.school_id == actor.school_id)
    if actor.has(*ACCOUNT_READERS):
        return q
    if actor.has("class_teacher"):
        students, guardians = _family_of_classes(taught_class_ids(actor), None)
        return q.where(
            or_(
                InviteCode.student_id.in_(students),
                InviteCode.guardian_id.in_(guardians),
                InviteCode.issued_by_id == actor.user_id,
            )
        )
    return q.where(false())


def subgroup_ids(actor: Actor) -> Select:
    return select(Subgroup.id).where(Subgroup.class_id.in_(class_ids(actor)))


def subgroup_member_ids(actor: Actor) -> Select:
    return select(SubgroupMember.id).where(SubgroupMember.subgroup_id.in_(subgroup_ids(actor)))


def job_ids(actor: Actor) -> Select:
    """Background jobs (models/jobs.py): one's own, and the school-wide ones of one's school for its operator."""
    from .jobs import SCHOOL_WIDE, Job

    visible = Job.owner_id == (actor.user_id or 0)
    if actor.has("operator") and actor.school_id:
        visible = or_(visible, (Job.school_id == actor.school_id) & Job.kind.in_(SCHOOL_WIDE))
    return select(Job.id).where(visible)


def can_start_job(actor: Actor, kind: str) -> bool:
    """Who may ask for a job of a kind: the same people who may do the thing inline."""
    if kind == "backup":
        return actor.has("operator")
    if kind == "invite_register":
        return actor.has("operator", "director", "class_teacher")
    if kind == "import":
        return actor.has("operator", "secretary")
    if kind == "report_cards":  # a class's report cards or letters: as the results
        return can_view_results(actor)
    if kind == "year_seal":  # verifying; archiving and sealing are the operator's (models/school/organisation.py)
        return can_view_seals(actor)
    if kind == "journal_class_pdf":  # the bound class journal: whose classes, can_print_class_journal
        return can_view_results(actor)
    if kind == "year_rollover":  # the operator's (models/school/rollover.py)
        return actor.has("operator")
    if kind == "control_report":  # the справка of the journal control: as the control itself
        return can_control_journal(actor)
    return actor.is_staff


def require(condition: bool, message: str = _("Недостаточно прав для этого действия.")) -> None:
    if not condition:
        raise AccessDenied(message)


def user_ids(actor: Actor) -> Select:
    """Accounts: the operator manages the school's; the director reads them; everyone else only their own."""
    if actor.has(*ACCOUNT_READERS):
        return select(User.id).where(User.school_id == actor.school_id)
    return select(User.id).where(User.id == actor.user_id)


def login_event_ids(actor: Actor) -> Select:
    return _account_log_ids(actor, LoginEvent)


def refused_request_ids(actor: Actor) -> Select:
    return _account_log_ids(actor, RefusedRequest)


def _account_log_ids(actor: Actor, model) -> Select:
    """The login log and the log of refused requests: the school's accounts, for the operator and director."""
    return (
        select(model.id).where(model.user_id.in_(user_ids(actor)))
        if actor.has(*ACCOUNT_READERS)
        else select(model.id).where(false())
    )


# The select of visible ids per model: the staff panel, exports and ajax lookups all scope through this.
SCOPES = {
    Student: student_ids,
    Guardian: guardian_ids,
    Staff: staff_ids,
    SchoolClass: class_ids,
    TeachingAssignment: assignment_ids,
    InviteCode: invite_ids,
    Subgroup: subgroup_ids,
    SubgroupMember: subgroup_member_ids,
    User: user_ids,
    LoginEvent: login_event_ids,
    RefusedRequest: refused_request_ids,
}


def scoped(actor: Actor, model) -> Select:
    """select(model) limited to the rows the actor may see; models without a rule: nothing."""
    rule = SCOPES.get(model)
    if rule is None:
        return select(model).where(false())
    return select(model).where(model.id.in_(rule(actor)))


def visible_ids(actor: Actor, model) -> Select:
    rule = SCOPES.get(model)
    return rule(actor) if rule else select(model.id).where(false())


# --- rosters, movement and the class teacher's records (appended by the rosters / my-class areas) ------
# The secretary keeps the lists and the movement; the operator, who loads them at the start of the year
# (imports), may correct them too. The director and the coordinator read.
ROSTER_WRITERS = frozenset({"secretary", "operator"})


def can_manage_rosters(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*ROSTER_WRITERS)


# The year rollover (issue 18): the secretary decides what happens to a student the year's marks leave in doubt
# (promoted, repeating, leaving); the operator reads these decisions on the preview and runs the rollover.
ROLLOVER_DECIDERS = frozenset({"secretary"})
ROLLOVER_READERS = ROLLOVER_DECIDERS | {"operator", "director"}


def can_decide_rollover(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*ROLLOVER_DECIDERS)


def can_read_rollover_decisions(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*ROLLOVER_READERS)


def can_read_identifiers(actor: Actor) -> bool:
    """A person's state identifier (the ИИН of a student, a staff member, a guardian) in full: those who keep the
    cards, the secretary and the operator; everybody else sees it masked."""
    return can_manage_rosters(actor)


def iin_for(actor: Actor, iin: str | None) -> str:
    """A person's ИИН as the actor reads it, the one masking rule of every list, card and export: in full for
    can_read_identifiers, else "••••••••0017" (models.identifiers.mask_iin)."""
    from models.identifiers import mask_iin

    return (iin or "") if can_read_identifiers(actor) else mask_iin(iin)


def enrollment_ids(actor: Actor) -> Select:
    """Stays in classes: those of the classes the actor sees (the whole school for the rosters roles)."""
    if actor.is_staff:
        return select(Enrollment.id).where(Enrollment.class_id.in_(class_ids(actor)))
    return select(Enrollment.id).where(Enrollment.student_id.in_(student_ids(actor)))


def can_keep_class(actor: Actor, class_id: int) -> bool:
    """The class teacher keeps their own class: subgroups, the data-checked stamp, achievements."""
    return _in(class_id, taught_class_ids(actor))


def achievement_ids(actor: Actor) -> Select:
    from models.tables.achievements import Achievement

    return select(Achievement.id).where(Achievement.student_id.in_(student_ids(actor)))


def student_result_ids(actor: Actor) -> Select:
    from models.tables.achievements import StudentResult

    return select(StudentResult.id).where(StudentResult.student_id.in_(student_ids(actor)))


def student_lesson_ids(students: Select) -> Select:
    """Lessons the given students belonged to: of their class on a date they were enrolled in it, and for a
    subgroup's page only on a date they were in the subgroup (models/roster.py's rule)."""
    from models.tables.journal import Lesson

    in_subgroup = (
        select(SubgroupMember.id)
        .where(
            SubgroupMember.subgroup_id == TeachingAssignment.subgroup_id,
            SubgroupMember.student_id == Enrollment.student_id,
            stay_on(SubgroupMember, Lesson.date),
        )
        .exists()
    )
    return (
        select(Lesson.id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Enrollment, (Enrollment.class_id == TeachingAssignment.class_id) & stay_on(Enrollment, Lesson.date))
        .where(Enrollment.student_id.in_(students), or_(TeachingAssignment.subgroup_id.is_(None), in_subgroup))
    )


def lesson_ids(actor: Actor) -> Select:
    """Lessons the actor may read: staff those of the journal pages they open; a parent or a student the
    lessons their children (or they) belonged to."""
    from models.tables.journal import Lesson

    parts = []
    if actor.is_staff:
        parts.append(select(Lesson.id).where(Lesson.assignment_id.in_(assignment_ids(actor))))
    if actor.has(*FAMILY_ROLES):
        parts.append(student_lesson_ids(student_ids(actor)))
    if not parts:
        return select(Lesson.id).where(false())
    return parts[0] if len(parts) == 1 else select(Lesson.id).where(Lesson.id.in_(union(*parts)))


def attachment_ids(actor: Actor) -> Select:
    """Files the actor may download: of achievements and year-end results of the students they see, and
    homework files of the lessons they may read, files of the conversations they take part in."""
    from models.tables.journal import Attachment

    return select(Attachment.id).where(
        or_(
            Attachment.achievement_id.in_(achievement_ids(actor)),
            Attachment.result_id.in_(student_result_ids(actor)),
            Attachment.lesson_id.in_(lesson_ids(actor)),
            Attachment.message_id.in_(message_ids(actor)),
        )
    )


def message_ids(actor: Actor) -> Select:
    from models.tables.messaging import Message

    return select(Message.id).where(Message.conversation_id.in_(conversation_ids(actor)))


def _register_roster_scopes() -> None:
    from models.tables.achievements import Achievement, StudentResult
    from models.tables.journal import Attachment

    SCOPES.update(
        {
            Enrollment: enrollment_ids,
            Achievement: achievement_ids,
            StudentResult: student_result_ids,
            Attachment: attachment_ids,
        }
    )


_register_roster_scopes()


# --- organisation of the school and the timetable (appended by the organisation / timetable areas) ---
# School-wide dictionaries (years, periods, bells, subjects, the curriculum, kinds of work, attendance
# reasons, settings): everyone on staff reads their school's; the operator writes. The timetable: the
# administration and the secretary read the whole school's, teachers that of their classes and what
# they substitute.
ORGANISATION_WRITERS = frozenset({"operator"})


def can_manage_organisation(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*ORGANISATION_WRITERS)


def _school_dictionary(model):
    def rule(actor: Actor) -> Select:
        if not actor.is_staff:
            return select(model.id).where(false())
        return select(model.id).where(model.school_id == actor.school_id)

    rule.__name__ = f"{model.__tablename__}_ids"
    return rule


def _year_dictionary(model):
    def rule(actor: Actor) -> Select:
        from models.tables.school import AcademicYear

        if not actor.is_staff:
            return select(model.id).where(false())
        return select(model.id).where(
            model.year_id.in_(select(AcademicYear.id).where(AcademicYear.school_id == actor.school_id))
        )

    rule.__name__ = f"{model.__tablename__}_ids"
    return rule


def timetable_entry_ids(actor: Actor) -> Select:
    """Timetable entries: the whole school's for the administration and the secretary; a teacher's
    classes' (own load, classes they teach or keep) and the lessons they substitute."""
    if not actor.is_staff:
        return select(TimetableEntry.id).where(false())
    in_classes = select(TimetableEntry.id).join(
        TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id
    )
    if actor.has(*ROSTER_ROLES):
        return in_classes.join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id).where(
            SchoolClass.school_id == actor.school_id
        )
    return in_classes.where(
        or_(TeachingAssignment.class_id.in_(class_ids(actor)), TeachingAssignment.id.in_(assignment_ids(actor)))
    )


def substitution_ids(actor: Actor) -> Select:
    if not actor.is_staff:
        return select(Substitution.id).where(false())
    conditions = [Substitution.entry_id.in_(timetable_entry_ids(actor))]
    if actor.staff_id and not actor.has(*ROSTER_ROLES):
        conditions.append(Substitution.substitute_id == actor.staff_id)
    return select(Substitution.id).where(or_(*conditions))


def can_view_class_timetable(actor: Actor, class_id: int) -> bool:
    return actor.is_staff and _in(class_id, class_ids(actor))


# Correcting a class's timetable: the operator always (everything); the class teacher of that very class as the
# school's setting "class_teacher_timetable" allows ("moves": move its lessons within the week; "load": also
# place, replace and remove them within the class's teaching load). models/school/timetable.py applies it.
TIMETABLE_FULL = "full"
TIMETABLE_LOAD = "load"
TIMETABLE_MOVES = "moves"
CLASS_TEACHER_TIMETABLE_RIGHTS = (TIMETABLE_MOVES, TIMETABLE_LOAD)


def class_timetable_right(actor: Actor, school_class: SchoolClass, class_teacher_setting: str) -> str | None:
    """What ``actor`` may change in the timetable of ``school_class``: TIMETABLE_FULL, TIMETABLE_LOAD,
    TIMETABLE_MOVES or None (read only). ``class_teacher_setting``: the school's "class_teacher_timetable"."""
    if actor.school_id is None or school_class.school_id != actor.school_id:
        return None
    if can_manage_organisation(actor):
        return TIMETABLE_FULL
    if (
        class_teacher_setting in CLASS_TEACHER_TIMETABLE_RIGHTS
        and actor.has("class_teacher")
        and actor.staff_id is not None
        and school_class.class_teacher_id == actor.staff_id
    ):
        return class_teacher_setting
    return None


def _register_organisation_scopes() -> None:
    from models.tables.curriculum import CurriculumItem, Subject
    from models.tables.journal import AttendanceReason, WorkKind
    from models.tables.school import AcademicYear, Bell, Period, Setting

    SCOPES.update(
        {
            AcademicYear: _school_dictionary(AcademicYear),
            Bell: _school_dictionary(Bell),
            Subject: _school_dictionary(Subject),
            WorkKind: _school_dictionary(WorkKind),
            AttendanceReason: _school_dictionary(AttendanceReason),
            Setting: _school_dictionary(Setting),
            Period: _year_dictionary(Period),
            CurriculumItem: _year_dictionary(CurriculumItem),
            TimetableEntry: timetable_entry_ids,
            Substitution: substitution_ids,
        }
    )


_register_organisation_scopes()


# --- period marks, the thematic plan, the class teacher's weekly attendance (appended by the finals area) --
# Period and year marks are set by the assignment's own teacher (not a substitute: they fill in single
# lessons); the coordinator and the operator close and reopen periods. The thematic plan is written by the
# assignment's teacher (or the operator, who loads plans at the start of the year). Attendance reasons of
# a class are confirmed weekly by its class teacher (or the operator).
PERIOD_CLOSERS = frozenset({"coordinator", "operator"})


def can_set_period_marks(actor: Actor, assignment: TeachingAssignment) -> bool:
    return is_assignment_teacher(actor, assignment)


def can_close_periods(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*PERIOD_CLOSERS)


def can_edit_plan(actor: Actor, assignment: TeachingAssignment) -> bool:
    if can_set_period_marks(actor, assignment):
        return True
    return actor.has("operator") and _in(assignment.id, assignment_ids(actor))


def can_confirm_attendance(actor: Actor, class_id: int) -> bool:
    if _in(class_id, taught_class_ids(actor)):
        return True
    return actor.has("operator") and _in(
        class_id, select(SchoolClass.id).where(SchoolClass.school_id == actor.school_id)
    )


def can_review_attendance(actor: Actor, class_id: int) -> bool:
    """The weekly attendance page: those who confirm, and the administration (read)."""
    if can_confirm_attendance(actor, class_id):
        return True
    return actor.whole_school and _in(class_id, select(SchoolClass.id).where(SchoolClass.school_id == actor.school_id))


# --- distance learning and the diary's weekly signature (R23) ----------------------------------------------
DISTANCE_SWITCHERS = ADMINISTRATION  # switch a day of the school, a grade or a class to distance learning


def can_switch_distance(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*DISTANCE_SWITCHERS)


def can_acknowledge_diary(actor: Actor, student_id: int) -> bool:
    """A parent signs a week of their own child's diary (a student or staff never sign for a parent)."""
    return actor.has("parent") and actor.guardian_id is not None and _in(student_id, consented_children(actor))


def acknowledgement_class_ids(actor: Actor) -> Select:
    """Classes whose parents' signatures the actor reads: own classes (class teacher), the whole school
    (administration) — the same classes as a period's results."""
    return results_class_ids(actor)


# --- results of a period (R30) -------------------------------------------------------------------------------
def results_class_ids(actor: Actor) -> Select:
    """Classes whose period results the actor reads: the whole school for the administration, own classes
    for a class teacher."""
    if actor.whole_school:
        return select(SchoolClass.id).where(SchoolClass.school_id == actor.school_id)
    return taught_class_ids(actor)


def can_view_results(actor: Actor) -> bool:
    return actor.school_id is not None and (
        actor.whole_school or (actor.has("class_teacher") and actor.staff_id is not None)
    )


def can_print_report_card(actor: Actor, student_id: int) -> bool:
    """A student's report card and the parents' letter: the family its own child; the class teacher of the
    student's class and the administration, as the period results."""
    if actor.has(*FAMILY_ROLES) and can_view_student(actor, student_id):
        return True
    return can_view_results(actor) and _in(
        student_id, select(Enrollment.student_id).where(Enrollment.class_id.in_(results_class_ids(actor)))
    )


# The bound class journal (the paper copy of a class's whole journal for a period or a year): the same people
# as a period's results — the administration any class of the school, a class teacher their own classes.
bound_journal_class_ids = results_class_ids


def can_print_class_journal(actor: Actor, class_id: int) -> bool:
    return can_view_results(actor) and _in(class_id, bound_journal_class_ids(actor))


# --- control of the journal (R29) ------------------------------------------------------------------------------
REMARK_AUTHORS = frozenset({"coordinator", "director"})


def can_control_journal(actor: Actor) -> bool:
    """The monthly control of the journal and its remarks are read by the administration."""
    return actor.school_id is not None and actor.whole_school


def can_see_class_control(actor: Actor, class_id: int | None) -> bool:
    """The control's findings on one class's pages: the administration, and the class teacher of that class."""
    if can_control_journal(actor):
        return class_id is not None and _in(class_id, class_ids(actor))
    return class_id is not None and _in(class_id, taught_class_ids(actor))


def can_write_remarks(actor: Actor) -> bool:
    """Remarks to teachers are written and taken off by the coordinator or the director."""
    return actor.school_id is not None and actor.user_id is not None and actor.has(*REMARK_AUTHORS)


# --- the inbox (R22) ------------------------------------------------------------------------------
# Who may start a conversation with whom, the one rule: a parent with their children's teachers, class
# teachers and the administration; a student with their teachers and class teacher; staff with anyone of
# their school. Never a family with another family or a student: families only ever reach staff. Blocked
# accounts are nobody's contact and write nowhere. Nobody reads a conversation they are not a participant of
# (the administration included: it sees a thread when a participant adds it, models/inbox).
INBOX_BROADCASTERS = CLASS_TEACHERS | ADMINISTRATION  # "write to all parents of a class"


def _active_users(actor: Actor) -> Select:
    return select(User.id).where(
        User.school_id == actor.school_id, User.blocked_at.is_(None), User.id != (actor.user_id or 0)
    )


def message_contact_ids(actor: Actor, on: dt.date, student_id: int | None = None) -> Select:
    """User ids the actor may start a conversation with on ``on``; for a family, ``student_id`` narrows the
    teachers to that child's (the administration stays)."""
    from models.tables.accounts import UserRole

    if actor.user_id is None or actor.school_id is None:
        return select(User.id).where(false())
    if actor.is_staff and actor.staff_id:
        return _active_users(actor)
    if not actor.has(*FAMILY_ROLES):
        return select(User.id).where(false())
    students = student_ids(actor)
    if student_id is not None:
        students = students.where(Student.id == student_id)
    classes = select(Enrollment.class_id).where(Enrollment.student_id.in_(students), stay_on(Enrollment, on))
    teachers = union(
        select(TeachingAssignment.teacher_id).where(TeachingAssignment.class_id.in_(classes)),
        select(SchoolClass.class_teacher_id).where(SchoolClass.id.in_(classes)),
    )
    staff_users = User.staff_id.in_(select(Staff.id).where(Staff.id.in_(teachers)))
    if actor.has("parent"):
        administration = User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(ADMINISTRATION)))
        return _active_users(actor).where(User.staff_id.is_not(None), or_(staff_users, administration))
    return _active_users(actor).where(staff_users)


def can_message(actor: Actor, user_id: int, on: dt.date, student_id: int | None = None) -> bool:
    return _in(user_id, message_contact_ids(actor, on, student_id))


def thread_administration_ids(actor: Actor) -> Select:
    """Whom a participant of a conversation may bring into it: the administration of the school (its active
    accounts with an administration role), whoever the participant is — a parent, a student, a teacher. From
    then on the administrator reads the whole thread (models.inbox.writing.add_participant). The one way the
    administration reads a conversation."""
    from models.tables.accounts import UserRole

    if actor.user_id is None or actor.school_id is None:
        return select(User.id).where(false())
    return _active_users(actor).where(
        User.staff_id.is_not(None), User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(ADMINISTRATION)))
    )


def can_bring_in(actor: Actor, user_id: int, on: dt.date) -> bool:
    """A participant brings into a conversation the administration, or someone they may write to."""
    return _in(user_id, thread_administration_ids(actor)) or can_message(actor, user_id, on)


def conversation_ids(actor: Actor) -> Select:
    """Conversations the actor takes part in: the only ones they read."""
    from models.tables.messaging import ConversationParticipant

    return select(ConversationParticipant.conversation_id).where(
        ConversationParticipant.user_id == (actor.user_id or 0)
    )


def broadcast_class_ids(actor: Actor) -> Select:
    """Classes whose parents the actor writes to at once: the class teacher their own classes, the
    administration every class of the school (a class, a grade or all)."""
    if actor.has(*ADMINISTRATION):
        return select(SchoolClass.id).where(SchoolClass.school_id == actor.school_id)
    return taught_class_ids(actor)


# --- announcements and surveys (R23) ----------------------------------------------------------------------
# Who publishes to whom, the one rule: the administration to the school, a grade, a class, or the staff only; a
# class teacher to their own classes. Each edits (and reads the results of) what they published; the
# administration all of the school's. Families read what is addressed to the class or grade their child is in
# today, or to the whole school, and to their role (parents, students); staff the school's announcements for
# everyone or for the staff. A survey is answered by the parents or the students it asks.
PUBLISHERS = INBOX_BROADCASTERS  # the classes each may publish to: broadcast_class_ids


def can_publish(actor: Actor, *, audience: str, class_id: int | None, grade: int | None) -> bool:
    if actor.user_id is None or actor.school_id is None:
        return False
    if class_id is not None:
        return audience != "staff" and _in(class_id, broadcast_class_ids(actor))
    return actor.whole_school


def managed_ids(actor: Actor, model) -> Select:
    """Announcements or surveys (``model``) the actor edits and whose answers they read."""
    q = select(model.id).where(model.school_id == actor.school_id)
    if actor.whole_school:
        return q
    if actor.has(*CLASS_TEACHERS) and actor.user_id is not None:
        return q.where(model.author_id == actor.user_id, model.class_id.in_(taught_class_ids(actor)))
    return q.where(false())


def _family_audiences(actor: Actor) -> list[str]:
    return [role + "s" for role in ("parent", "student") if actor.has(role)]


def _reaches_families(actor: Actor, model, on: dt.date):
    """``model`` (Announcement or Survey) addressed to the classes or grades of the actor's children (or the
    actor) on ``on``, or to the whole school."""
    classes = select(Enrollment.class_id).where(Enrollment.student_id.in_(student_ids(actor)), stay_on(Enrollment, on))
    grades = select(SchoolClass.grade).where(SchoolClass.id.in_(classes))
    return (model.school_id == actor.school_id) & or_(
        model.class_id.in_(classes),
        model.class_id.is_(None) & or_(model.grade.is_(None), model.grade.in_(grades)),
    )


def announcement_ids(actor: Actor, on: dt.date) -> Select:
    """Announcements the actor reads (any window: the reading code keeps to the published ones); what one
    publishes one reads through ``managed_ids``."""
    from models.tables.messaging import Announcement

    parts = []
    if actor.is_staff:
        school_wide = Announcement.class_id.is_(None) & Announcement.grade.is_(None)
        parts.append(school_wide & Announcement.audience.in_(("all", "staff")))
    audiences = _family_audiences(actor)
    if audiences:
        parts.append(_reaches_families(actor, Announcement, on) & Announcement.audience.in_(["all", *audiences]))
    if not parts:
        return select(Announcement.id).where(false())
    return select(Announcement.id).where(Announcement.school_id == actor.school_id, or_(*parts))


def respondent_survey_ids(actor: Actor, on: dt.date) -> Select:
    """Surveys that ask the actor (any window: answering keeps to the open ones)."""
    from models.tables.messaging import Survey

    audiences = _family_audiences(actor)
    if not audiences:
        return select(Survey.id).where(false())
    return select(Survey.id).where(_reaches_families(actor, Survey, on), Survey.audience.in_(audiences))


# --- e-mail to families (models/mail/) -----------------------------------------------------------
def can_view_mail_settings(actor: Actor) -> bool:
    """The school's mail server and the sending state: the administration reads them (a settings page)."""
    return actor.has(*ADMINISTRATION)


def can_manage_mail_settings(actor: Actor) -> bool:
    """Only the operator changes the mail server or sends a test letter, like every other school setting."""
    return can_manage_organisation(actor)


def can_choose_mail(actor: Actor) -> bool:
    """A parent chooses the letters about their children (to the e-mail of their guardian record); a student's
    own account has no address of its own in the school's records, so it has no such choice."""
    return actor.has("parent") and actor.guardian_id is not None


# --- the archive's seals, the families' contacts, the backups (appended by the year-records area) --------
# The administration reads the seals of archived years and verifies them; the operator archives, seals and
# takes a year out of the archive (can_manage_organisation). The backups are the operator's.
SEAL_READERS = ADMINISTRATION


def can_view_seals(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*SEAL_READERS)


# The families' contact data (phones, e-mail, workplace, address): the secretary and the operator correct any
# of their school; a class teacher those of the students in their class on the day and of these students'
# guardians — not another class's, and never the movement (admission, transfer, withdrawal stay the secretary's).
def contact_ids(actor: Actor, on: dt.date) -> tuple[Select, Select]:
    """(student ids, guardian ids) whose contacts the actor may correct on the day ``on``."""
    if can_manage_rosters(actor):
        return student_ids(actor), guardian_ids(actor)
    if actor.has("class_teacher") and actor.staff_id:
        return _family_of_classes(taught_class_ids(actor), on)
    nobody = select(literal(0)).where(false())
    return nobody, nobody


def can_edit_contacts(actor: Actor, entity: str, person_id: int, on: dt.date) -> bool:
    students, guardians = contact_ids(actor, on)
    return _in(person_id, students if entity == "student" else guardians)


def can_manage_backups(actor: Actor) -> bool:
    """The backups page (schedule, "keep N", the log of backups) is the operator's, as the school's settings are."""
    return can_manage_organisation(actor)


# --- the bin: removed students, classes, lessons, teaching assignments (models/school/removal.py) -------------
# A lesson is removed by whoever may write on its journal page that day (today's rules) or by the operator; a
# student, a class or a teaching assignment by the operator. Only the operator sees the bin and restores.
REMOVERS = ORGANISATION_WRITERS


def can_remove_lesson(actor: Actor, assignment: TeachingAssignment, on: dt.date) -> bool:
    return can_edit_assignment(actor, assignment, on) or (
        actor.has(*REMOVERS) and actor.school_id == assignment.school_class.school_id
    )


def can_remove_records(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*REMOVERS)


def can_restore_removed(actor: Actor) -> bool:
    return actor.school_id is not None and actor.has(*REMOVERS)
