"""The staff panel's global search (issue 17): one box finds classes, students (with their class), staff and
guardians, each only where the actor may see them — the same selects of visible ids every list of the panel
scopes by (models.access: ``class_ids``, ``student_ids``, ``staff_ids``, ``guardian_ids``).

Names match case-insensitively, Cyrillic included, on SQLite and PostgreSQL alike: ``lower()`` is Python's on
SQLite (models.base registers it on connect), PostgreSQL's own is Unicode-aware; "ё" counts as "е" on both
sides. Every word of the query must appear in the surname, the first name or the patronymic ("иван пет" finds
Петров Иван); surnames that start with the first word come first. A class is found by its name ("5А", "5 а",
"5a" with a Latin letter, or a bare grade "5"), in the years not archived, newest first.

Each result names the places it leads to (``Target``: a kind of page and its ids); the web layer turns them into
links. The first place is the one a click on the name opens; which places are offered depends on the role, so a
result never leads to a page that would refuse the actor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select

from models.access import (
    JOURNAL_READERS,
    ROSTER_ROLES,
    ROSTER_WRITERS,
    Actor,
    class_ids,
    guardian_ids,
    staff_ids,
    student_ids,
    taught_class_ids,
)
from models.base import db
from models.i18n import N_, Text, _
from models.school.imports.common import class_key, norm_text, parse_class_name
from models.tables.classes import Enrollment, SchoolClass
from models.tables.people import Guardian, Staff, Student, StudentGuardian
from models.tables.school import AcademicYear

MIN_LENGTH = 2  # fewer characters find too much to be of use (a bare grade number is the exception)
MAX_LENGTH = 100  # longer text is cut: no name is that long
PAGE_LIMIT = 20  # results of each kind on the results page
SUGGEST_LIMIT = 4  # results of each kind in the bar's dropdown

CLASSES, STUDENTS, STAFF, GUARDIANS = "classes", "students", "staff", "guardians"
KIND_TITLES = {
    CLASSES: N_("Классы"),
    STUDENTS: N_("Обучающиеся"),
    STAFF: N_("Сотрудники"),
    GUARDIANS: N_("Родители"),
}
# What a result may lead to (the web layer knows the pages): the student's card and movement, the class's roster
# (the class teacher's own page, or the list of its students), its journal pages and timetable, a person's card,
# a teacher's journal pages (their load).
STUDENT_CARD, MOVEMENT = "student_card", "movement"
MY_CLASS, CLASS_STUDENTS, CLASS_JOURNAL, CLASS_TIMETABLE = "my_class", "class_students", "class_journal", "timetable"
STAFF_CARD, TEACHER_PAGES, GUARDIAN_CARD = "staff_card", "teacher_pages", "guardian_card"


@dataclass(frozen=True)
class Target:
    page: str
    id: int
    year_id: int | None = None  # a class's journal pages are those of its year


@dataclass
class Found:
    kind: str
    id: int
    title: str
    detail: str  # the class of a student, a teacher's position, a parent's children (Text where composed)
    targets: list[Target]  # the first is where the title leads


@dataclass
class Group:
    kind: str
    items: list[Found]
    cut: bool  # more were found than shown

    @property
    def title(self) -> str:
        return KIND_TITLES[self.kind]


@dataclass
class SearchResult:
    query: str
    limit: int
    too_short: bool = False
    groups: list[Group] = field(default_factory=list)

    @property
    def nothing_found(self) -> bool:
        return bool(self.query) and not self.too_short and not self.groups

    @property
    def cut(self) -> bool:
        return any(g.cut for g in self.groups)


def clean_query(text: str | None) -> str:
    """The query as searched: spaces collapsed, at most MAX_LENGTH characters."""
    return " ".join((text or "").split())[:MAX_LENGTH].strip()


def search(actor: Actor, text: str | None, today: dt.date, limit: int = PAGE_LIMIT) -> SearchResult:
    """Classes, students, staff and guardians the actor may see that match ``text``, at most ``limit`` of each."""
    query = clean_query(text)
    result = SearchResult(query, limit)
    if not actor.is_staff or actor.school_id is None:
        return result
    if not query:
        return result  # the empty form: nothing asked, nothing to say
    class_name = parse_class_name(query)
    if class_name is not None:
        groups = [_classes(actor, class_name, limit)]
    else:
        words = name_words(query)
        if len("".join(words)) < MIN_LENGTH:  # "а", or "%а": one letter left to search by
            result.too_short = True
            return result
        groups = [
            _students(actor, words, today, limit),
            _staff(actor, words, today, limit),
            _guardians(actor, words, limit),
        ]
    result.groups = [g for g in groups if g.items]
    return result


# --- matching names ---------------------------------------------------------------------------------------
def name_words(query: str) -> list[str]:
    """The words names are searched by: lower case, "ё" as "е", punctuation dropped ("Иванова А.А." → иванова,
    а, а), and with it LIKE's wildcards (no name holds "%" or "_"); hyphens and apostrophes stay."""
    return re.sub(r"[^\w'-]|_", " ", norm_text(query)).split()


def _norm(column):
    """The column as the query is compared with it: lower case, "ё" as "е"."""
    return func.replace(func.lower(column), "ё", "е")


def _name_matches(model, words: list[str]):
    """Every word appears in one of the person's names."""
    names = (_norm(model.last_name), _norm(model.first_name), _norm(model.middle_name))
    return [or_(*(name.like(f"%{w}%") for name in names)) for w in words]


def _name_order(model, words: list[str]):
    """Surnames starting with the first word first, then by name (a stable order for the cut)."""
    return (
        case((_norm(model.last_name).like(f"{words[0]}%"), 0), else_=1),
        model.last_name,
        model.first_name,
        model.id,
    )


def _people(model, visible, words: list[str], limit: int) -> tuple[list, bool]:
    rows = db.session.scalars(
        select(model)
        .where(model.id.in_(visible), *_name_matches(model, words))
        .order_by(*_name_order(model, words))
        .limit(limit + 1)
    ).all()
    return rows[:limit], len(rows) > limit


# --- students ------------------------------------------------------------------------------------------------
def _students(actor: Actor, words: list[str], today: dt.date, limit: int) -> Group:
    students, cut = _people(Student, student_ids(actor), words, limit)
    classes = student_classes([s.id for s in students], today)
    targets = [STUDENT_CARD] + ([MOVEMENT] if actor.has(*ROSTER_WRITERS) else [])
    items = [
        Found(STUDENTS, s.id, s.full_name, classes.get(s.id, _("без класса")), [Target(t, s.id) for t in targets])
        for s in students
    ]
    return Group(STUDENTS, items, cut)


def student_classes(student_ids_: list[int], today: dt.date) -> dict[int, str]:
    """Each student's class as a result shows it: the class today ("5А"); else the nearest stay, past ("5А до
    31.05.2026") or coming ("5А с 01.09.2027"). Students never enrolled are left out."""
    if not student_ids_:
        return {}
    rows = db.session.execute(
        select(Enrollment, SchoolClass)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(Enrollment.student_id.in_(student_ids_))
        .order_by(Enrollment.starts_on, Enrollment.id)
    ).all()
    shown: dict[int, tuple[int, str]] = {}  # student → (rank: 0 today, 1 coming, 2 past; text)
    for stay, cls in rows:
        if stay.starts_on <= today and (stay.ends_on is None or stay.ends_on >= today):
            choice = (0, cls.name)
        elif stay.starts_on > today:
            choice = (1, Text(_("%(name)s с %(date)s"), name=cls.name, date=stay.starts_on.strftime("%d.%m.%Y")))
        else:
            choice = (2, Text(_("%(name)s до %(date)s"), name=cls.name, date=stay.ends_on.strftime("%d.%m.%Y")))
        held = shown.get(stay.student_id)
        # the latest past stay (rows come in date order), the earliest coming one, today's above all
        if held is None or choice[0] < held[0] or (choice[0] == held[0] == 2):
            shown[stay.student_id] = choice
    return {sid: text for sid, (_rank, text) in shown.items()}


# --- staff ---------------------------------------------------------------------------------------------------
def _staff(actor: Actor, words: list[str], today: dt.date, limit: int) -> Group:
    people, cut = _people(Staff, staff_ids(actor), words, limit)
    pages = actor.whole_school  # the administration opens anyone's journal pages (their load)
    items = []
    for p in people:
        detail = p.position
        if p.left_on is not None and p.left_on < today:
            detail = Text(
                _("%(position)s, уволен(а) %(date)s"), position=p.position, date=p.left_on.strftime("%d.%m.%Y")
            )
        targets = [Target(STAFF_CARD, p.id)] + ([Target(TEACHER_PAGES, p.id)] if pages else [])
        items.append(Found(STAFF, p.id, p.full_name, detail, targets))
    return Group(STAFF, items, cut)


# --- guardians -----------------------------------------------------------------------------------------------
def _guardians(actor: Actor, words: list[str], limit: int) -> Group:
    people, cut = _people(Guardian, guardian_ids(actor), words, limit)
    children: dict[int, list[str]] = {}
    if people:
        for guardian_id, child in db.session.execute(
            select(StudentGuardian.guardian_id, Student)
            .join(Student, Student.id == StudentGuardian.student_id)
            .where(
                StudentGuardian.guardian_id.in_([p.id for p in people]),
                Student.id.in_(student_ids(actor)),
            )
            .order_by(Student.last_name, Student.first_name, Student.id)
        ):
            children.setdefault(guardian_id, []).append(child.short_name)
    items = [
        Found(GUARDIANS, p.id, p.full_name, ", ".join(children.get(p.id, [])), [Target(GUARDIAN_CARD, p.id)])
        for p in people
    ]
    return Group(GUARDIANS, items, cut)


# --- classes -------------------------------------------------------------------------------------------------
def _classes(actor: Actor, class_name: tuple[int, str], limit: int) -> Group:
    grade, letter = class_key(*class_name)
    rows = db.session.execute(
        select(SchoolClass, AcademicYear.name)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(
            SchoolClass.id.in_(class_ids(actor)),
            SchoolClass.grade == grade,
            AcademicYear.archived_at.is_(None),
        )
        .order_by(AcademicYear.starts_on.desc(), SchoolClass.letter, SchoolClass.id)
    ).all()
    # the letter is compared here: SQLite's upper() knows no Cyrillic, and a Latin "A" may stand for "А"
    found = [(c, year) for c, year in rows if not letter or class_key(c.grade, c.letter)[1] == letter]
    kept = {cid for (cid,) in db.session.execute(taught_class_ids(actor))} if found else set()
    items = [
        Found(CLASSES, c.id, c.name, Text(_("%(year)s учебный год"), year=year), class_targets(actor, c, kept))
        for c, year in found[:limit]
    ]
    return Group(CLASSES, items, len(found) > limit)


def class_targets(actor: Actor, cls: SchoolClass, kept: set[int]) -> list[Target]:
    """Where a class leads the actor: the class teacher to their own class's page, the secretary and the
    administration to its students, journal readers to its journal pages, everyone on staff to its timetable."""
    targets = []
    if cls.id in kept:
        targets.append(Target(MY_CLASS, cls.id))
    if actor.has(*ROSTER_ROLES):
        targets.append(Target(CLASS_STUDENTS, cls.id))
    if actor.has(*JOURNAL_READERS):
        targets.append(Target(CLASS_JOURNAL, cls.id, cls.year_id))
    targets.append(Target(CLASS_TIMETABLE, cls.id))
    return targets
