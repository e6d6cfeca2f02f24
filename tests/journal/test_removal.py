"""The bin (models/school/removal.py, issue 18 item 5): a removed student, class, lesson or teaching assignment
comes back with every row it carried, ids kept; marks are audited both ways; what conflicts or points at something
gone is refused with a message and nothing changes; archived years are untouched; only the operator restores."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import func, select

from models import (
    Attachment,
    Attendance,
    AuditEvent,
    DiaryAcknowledgement,
    Lesson,
    Mark,
    PeriodMark,
    RemovedRecord,
    SchoolClass,
    Student,
    TeachingAssignment,
    db,
)
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound, YearArchived
from models.journal.cells import set_mark
from models.journal.lessons import delete_lesson, lesson_removal, save_lesson
from models.school.removal import CARRIED, bin_lines, remove, remove_record, restore

from .conftest import MONDAY, NOW, WEDNESDAY, at

D = dt.date


def _state() -> dict[str, list[tuple]]:
    """Every row of every table the bin carries, ordered by primary key: what must come back exactly."""
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in CARRIED:
            order = list(table.primary_key.columns)
            state[table.name] = [tuple(r) for r in db.session.execute(select(table).order_by(*order))]
    return state


def _audit(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


@pytest.fixture()
def full(jw, actor_of, db_session):
    """5А's maths lesson on Monday carries anna's 5 and vera's 4 (slot 2: 3), vera's absence, a homework file;
    vera has a period mark, a parent's signature and 5А's Wednesday lesson; anna's English in the subgroup."""
    teacher = actor_of("teacher")
    set_mark(teacher, jw.lesson_5a.id, jw.vera.id, 1, "4", None, now=NOW)
    set_mark(teacher, jw.lesson_5a.id, jw.vera.id, 2, "3", None, now=NOW)
    db_session.add(Attendance(lesson_id=jw.lesson_5a.id, student_id=jw.vera.id, status="absent"))
    content = b"%PDF-1.4 homework"
    db_session.add(
        Attachment(
            school_id=jw.school.id,
            lesson_id=jw.lesson_5a.id,
            filename="dz.pdf",
            content_type="application/pdf",
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
        )
    )
    db_session.add(
        PeriodMark(student_id=jw.vera.id, subject_id=jw.maths.id, period_id=jw.q1.id, kind="period", value=4)
    )
    db_session.add(DiaryAcknowledgement(guardian_id=jw.g_parent.id, student_id=jw.vera.id, week_start=MONDAY))
    jw.wed = save_lesson(
        teacher,
        jw.a_maths_5a.id,
        date=WEDNESDAY,
        topic="Дроби",
        work_kind_id=jw.regular.id,
        bell_id=jw.bell.id,
        now=NOW,
    )
    set_mark(teacher, jw.wed.id, jw.vera.id, 1, "5", None, now=NOW)
    db_session.commit()
    return jw


def _root(full, kind):
    return {
        "lesson": lambda: full.lesson_5a,
        "assignment": lambda: full.a_maths_5a,
        "class": lambda: full.c5a,
        "student": lambda: full.vera,
    }[kind]()


# (kind, the table of the row, what goes with it at least: table → rows)
KINDS = [
    ("lesson", Lesson, {"marks": 3, "attendance": 1, "attachments": 1}),
    ("assignment", TeachingAssignment, {"lessons": 2, "marks": 4, "timetable_entries": 2, "substitutions": 1}),
    ("class", SchoolClass, {"enrollments": 4, "subgroups": 1, "teaching_assignments": 5, "lessons": 2, "marks": 4}),
    ("student", Student, {"marks": 3, "attendance": 1, "enrollments": 1, "period_marks": 1}),
]


@pytest.mark.parametrize("kind,model,carried", KINDS, ids=[k[0] for k in KINDS])
def test_remove_then_restore_gives_back_every_row_with_its_id(full, actor_of, kind, model, carried):
    operator = actor_of("operator")
    root = _root(full, kind)
    root_id = root.id
    marks_before = db.session.scalar(select(func.count(Mark.id)))
    before = _state()

    record = remove(operator, kind, root_id, reason="по ошибке")
    db.session.commit()
    assert db.session.get(model, root_id) is None
    summary = json.loads(record.summary)
    for table, at_least in carried.items():
        assert summary.get(table, 0) >= at_least, (table, summary)
    gone = marks_before - db.session.scalar(select(func.count(Mark.id)))
    assert gone == summary.get("marks", 0)
    assert len(_audit("mark.delete")) == gone
    assert [e.entity_id for e in _audit(f"{kind}.remove")] == [root_id]
    line = next(line for line in bin_lines(operator) if line.id == record.id)
    assert line.kind == kind and line.removed_by == "Операторова О.И. (operator)" and line.reason == "по ошибке"

    restore(operator, record.id)
    db.session.commit()
    db.session.expire_all()
    assert _state() == before
    assert len(_audit("mark.restore")) == gone
    assert [e.entity_id for e in _audit(f"{kind}.restore")] == [root_id]
    assert record.restored_at is not None and all(line.id != record.id for line in bin_lines(operator))
    with pytest.raises(Conflict):
        restore(operator, record.id)  # once only


def test_new_rows_after_a_restore_take_new_ids(full, actor_of):
    """Restored ids were issued by the sequences before: new rows (PostgreSQL's sequences too) never collide."""
    operator, teacher = actor_of("operator"), actor_of("teacher")
    record = remove(operator, "assignment", full.a_maths_5a.id)
    db.session.commit()
    restore(operator, record.id)
    db.session.commit()
    lesson = save_lesson(
        teacher, full.a_maths_5a.id, date=D(2026, 9, 14), topic="Новый", work_kind_id=full.regular.id, now=NOW
    )
    set_mark(teacher, lesson.id, full.anna.id, 1, "5", None, now=NOW)
    db.session.commit()
    mark = db.session.scalar(select(Mark).where(Mark.lesson_id == lesson.id))
    assert lesson.id > full.wed.id and mark.value == 5
    assert mark.id > max(db.session.scalars(select(Mark.id).where(Mark.lesson_id != lesson.id)))


# --- the journal's door: confirmation and who may remove ------------------------------------------------------
def test_a_lesson_with_marks_goes_only_when_confirmed_and_the_refusal_names_what(full, actor_of):
    teacher = actor_of("teacher")
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        delete_lesson(teacher, full.a_maths_5a.id, full.lesson_5a.id, expected_version=None, now=NOW)
    assert "отметки: 3" in str(refused.value) and "посещаемость: 1" in str(refused.value)
    db.session.rollback()
    assert _state() == before
    assert "отметки: 3" in lesson_removal(teacher, full.lesson_5a)
    record = delete_lesson(
        teacher, full.a_maths_5a.id, full.lesson_5a.id, expected_version=None, now=NOW, confirmed=True
    )
    db.session.commit()
    assert record.kind == "lesson" and db.session.get(Lesson, full.lesson_5a.id) is None


# (who, may remove 5А's Monday maths lesson)
LESSON_REMOVERS = [
    ("teacher", True),  # the page's teacher
    ("operator", True),  # the operator, who restores too
    ("other_teacher", False),  # not their page, no substitution that day
    ("classteacher", False),
    ("coordinator", False),
    ("director", False),
    ("secretary", False),
]


@pytest.mark.parametrize("who,allowed", LESSON_REMOVERS)
def test_who_removes_a_lesson(full, actor_of, who, allowed):
    a = actor_of(who)
    assert (lesson_removal(a, full.lesson_5a) is not None) == allowed
    if allowed:
        delete_lesson(a, full.a_maths_5a.id, full.lesson_5a.id, expected_version=None, now=NOW, confirmed=True)
        assert db.session.get(Lesson, full.lesson_5a.id) is None
    else:
        with pytest.raises((AccessDenied, NotFound)):
            delete_lesson(a, full.a_maths_5a.id, full.lesson_5a.id, expected_version=None, now=NOW, confirmed=True)


# (who, may remove a student / class / assignment, may restore)
RECORD_ROLES = [
    ("operator", True),
    ("director", False),
    ("coordinator", False),
    ("secretary", False),
    ("teacher", False),
    ("classteacher", False),
    ("parent", False),
]


@pytest.mark.parametrize("who,allowed", RECORD_ROLES)
def test_only_the_operator_removes_records_and_restores(full, actor_of, who, allowed):
    a = actor_of(who)
    record = remove(actor_of("teacher"), "lesson", full.wed.id)  # the teacher's own lesson, restored by others
    db.session.commit()
    if allowed:
        restore(a, record.id)
        remove_record(a, "assignment", full.a_russian_5a.id)
        return
    with pytest.raises(AccessDenied):
        restore(a, record.id)
    with pytest.raises(AccessDenied):
        remove_record(a, "assignment", full.a_russian_5a.id)
    with pytest.raises(AccessDenied):
        bin_lines(a)


# --- refusals -------------------------------------------------------------------------------------------------
def test_a_student_with_an_account_is_not_removed(full, actor_of):
    before = _state()
    with pytest.raises(Conflict) as refused:
        remove_record(actor_of("operator"), "student", full.anna.id)
    assert "учётные записи" in str(refused.value)
    db.session.rollback()
    assert _state() == before


def test_a_lesson_in_the_removed_slot_blocks_the_restore(full, actor_of):
    operator, teacher = actor_of("operator"), actor_of("teacher")
    record = remove(operator, "lesson", full.wed.id)
    db.session.commit()
    newer = save_lesson(
        teacher,
        full.a_maths_5a.id,
        date=WEDNESDAY,
        topic="Заново",
        work_kind_id=full.regular.id,
        bell_id=full.bell.id,
        now=NOW,
    )
    db.session.commit()
    before = _state()
    with pytest.raises(Conflict) as refused:
        restore(operator, record.id)
    assert "Заново" in str(refused.value)
    db.session.rollback()
    assert _state() == before and db.session.get(RemovedRecord, record.id).restored_at is None
    remove(teacher, "lesson", newer.id)
    restore(operator, record.id)
    assert db.session.get(Lesson, full.wed.id).topic == "Дроби"


def test_what_a_restore_points_at_must_be_back_first(full, actor_of):
    """Vera's marks on Monday's lesson left with her; the lesson left after: she comes back after the lesson."""
    operator = actor_of("operator")
    vera = remove(operator, "student", full.vera.id)
    lesson = remove(operator, "lesson", full.lesson_5a.id)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        restore(operator, vera.id)
    assert "уроки журнала" in str(refused.value)
    db.session.rollback()
    restore(operator, lesson.id)
    restore(operator, vera.id)
    db.session.commit()
    assert {m.value for m in db.session.scalars(select(Mark).where(Mark.student_id == full.vera.id))} == {3, 4, 5}


def test_an_archived_year_is_neither_removed_from_nor_restored_into(full, actor_of):
    operator = actor_of("operator")
    record = remove(operator, "lesson", full.wed.id)
    full.year.archived_at = at(D(2027, 6, 30))
    db.session.commit()
    with pytest.raises(YearArchived):
        remove(operator, "assignment", full.a_maths_5a.id)
    with pytest.raises(YearArchived):
        restore(operator, record.id)
    assert bin_lines(operator) == []  # the bin keeps the open years' rows


def test_another_schools_operator_finds_nothing(full, actor_of):
    record = remove(actor_of("operator"), "lesson", full.wed.id)
    db.session.commit()
    foreign = actor_of("foreign_operator")
    with pytest.raises(NotFound):
        remove_record(foreign, "class", full.c5a.id)
    with pytest.raises(NotFound):
        restore(foreign, record.id)
    assert bin_lines(foreign) == []
