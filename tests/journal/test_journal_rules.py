"""The journal's rules in the domain (models/journal/page.py): the scale, the first grade, closed periods and
archived years, the roster on the date, dates outside the period, who may write (the substitute on the day
only), deadlines and late flags, conflicts on stale versions, and the audit of every change."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from models import AcademicYear, Attendance, AuditEvent, Lesson, Mark, Period, PlanItem, Setting, db
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound, PeriodClosed
from models.journal.cells import read_cell, save_cell, save_cell_parts, set_attendance, set_mark
from models.journal.history import cell_history
from models.journal.lessons import delete_lesson, save_lesson
from models.journal.page import journal_page
from models.journal.rules import allowed_marks, parse_cell_text

from .conftest import MONDAY, NOW, WEDNESDAY, at

D = dt.date


def _marks(lesson_id, student_id):
    return [
        (m.slot, m.display)
        for m in db.session.scalars(
            select(Mark).where(Mark.lesson_id == lesson_id, Mark.student_id == student_id).order_by(Mark.slot)
        )
    ]


def _audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


# --- the scale ---------------------------------------------------------------------------------------------
SCALE = [
    # (subject, typed, stored or None when refused)
    ("maths", "5", "5"),
    ("maths", "1", "1"),
    ("maths", " 3 ", "3"),
    ("maths", "н/а", "н/а"),
    ("maths", "N/A", "н/а"),
    ("maths", "0", None),
    ("maths", "6", None),
    ("maths", "5+", None),
    ("maths", "4-", None),
    ("maths", "пять", None),
    ("maths", "зач", None),
    ("maths", "осв", None),
    ("maths", "10", None),
    ("maths", "<b>", None),
    ("elective", "зач", "зач"),
    ("elective", "незач", "незач"),
    ("elective", "н/а", "н/а"),
    ("elective", "5", None),
    ("elective", "осв", None),
    ("pe", "4", "4"),
    ("pe", "осв", "осв"),
    ("pe", "осв.", "осв"),
    ("pe", "зач", "зач"),
    ("pe", "6", None),
]


@pytest.mark.parametrize("subject,typed,stored", SCALE)
def test_marks_follow_the_scale_of_the_subject(jw, lesson_of, actor_of, subject, typed, stored):
    assignment = {"maths": jw.a_maths_5a, "elective": jw.a_elective_5a, "pe": jw.a_pe_5a}[subject]
    lesson = lesson_of(assignment, MONDAY) if subject != "maths" else jw.lesson_5a
    if stored is None:
        with pytest.raises(InvalidInput) as exc:
            set_mark(actor_of("teacher"), lesson.id, jw.vera.id, 1, typed, None, now=NOW)
        assert "Допустимо" in exc.value.message
        assert _marks(lesson.id, jw.vera.id) == []
    else:
        cell = set_mark(actor_of("teacher"), lesson.id, jw.vera.id, 1, typed, None, now=NOW)
        assert [m.shown for m in cell.marks] == [stored]


def test_allowed_marks_table(jw):
    assert allowed_marks(jw.maths, 5) == ("5", "4", "3", "2", "1", "н/а")
    assert allowed_marks(jw.maths, 1) == ()
    assert allowed_marks(jw.elective, 9) == ("зач", "незач", "н/а")


def test_three_slots_per_cell_and_no_fourth(jw, actor_of):
    teacher = actor_of("teacher")
    set_mark(teacher, jw.lesson_5a.id, jw.vera.id, 1, "5", None, now=NOW)
    set_mark(teacher, jw.lesson_5a.id, jw.vera.id, 2, "4", None, now=NOW)
    cell = set_mark(teacher, jw.lesson_5a.id, jw.vera.id, 3, "3", None, comment="  устно  ", now=NOW)
    assert cell.text == "5/4/3" and cell.mark_in(3).comment == "устно"
    with pytest.raises(InvalidInput):
        set_mark(teacher, jw.lesson_5a.id, jw.vera.id, 4, "5", None, now=NOW)


# --- first grade ------------------------------------------------------------------------------------------
def test_first_grade_gets_lessons_and_attendance_but_no_marks(jw, actor_of):
    teacher = actor_of("teacher")
    lesson = save_lesson(
        teacher, jw.a_russian_1a.id, date=MONDAY, topic="Звуки и буквы", work_kind_id=jw.regular.id, now=at(MONDAY)
    )
    with pytest.raises(InvalidInput) as exc:
        set_mark(teacher, lesson.id, jw.first_grader.id, 1, "5", None, now=NOW)
    assert "первом классе" in exc.value.message
    with pytest.raises(InvalidInput):
        save_cell(teacher, lesson.id, jw.first_grader.id, "н 5", None, now=NOW)
    cell = set_attendance(teacher, lesson.id, jw.first_grader.id, "н", None, now=NOW)
    assert cell.text == "н"


# --- closed period, archived year ----------------------------------------------------------------------------
def _close_q1(jw):
    jw.q1.closed_at = at(D(2026, 10, 27))
    db.session.commit()


def _archive(jw):
    jw.year.archived_at = at(D(2027, 6, 30))
    db.session.commit()


@pytest.mark.parametrize("freeze", [_close_q1, _archive], ids=["closed period", "archived year"])
@pytest.mark.parametrize("operation", ["mark", "attendance", "lesson", "new lesson", "delete lesson"])
def test_closed_period_and_archived_year_are_read_only(jw, actor_of, lesson_of, freeze, operation):
    teacher = actor_of("teacher")
    empty = lesson_of(jw.a_maths_5a, WEDNESDAY)
    freeze(jw)
    with pytest.raises(PeriodClosed):
        if operation == "mark":
            set_mark(teacher, jw.lesson_5a.id, jw.vera.id, 1, "4", None, now=NOW)
        elif operation == "attendance":
            set_attendance(teacher, jw.lesson_5a.id, jw.vera.id, "absent", None, now=NOW)
        elif operation == "lesson":
            save_lesson(
                teacher,
                jw.a_maths_5a.id,
                lesson_id=jw.lesson_5a.id,
                date=MONDAY,
                topic="Другая тема",
                work_kind_id=jw.regular.id,
                now=NOW,
            )
        elif operation == "new lesson":
            save_lesson(
                teacher, jw.a_maths_5a.id, date=D(2026, 9, 14), topic="Тема", work_kind_id=jw.regular.id, now=NOW
            )
        else:
            delete_lesson(teacher, jw.a_maths_5a.id, empty.id, expected_version=None, now=NOW)


def test_a_closed_period_does_not_freeze_the_next_one(jw, actor_of):
    _close_q1(jw)
    lesson = save_lesson(
        actor_of("teacher"),
        jw.a_maths_5a.id,
        date=D(2026, 11, 9),
        topic="Дроби",
        work_kind_id=jw.regular.id,
        now=at(D(2026, 11, 9)),
    )
    cell = set_mark(actor_of("teacher"), lesson.id, jw.anna.id, 1, "4", None, now=at(D(2026, 11, 9)))
    assert cell.text == "4"


# --- the roster on the date --------------------------------------------------------------------------------
ROSTER = [
    # (assignment, student, lesson date, allowed)
    ("maths", "anna", MONDAY, True),
    ("maths", "boris", MONDAY, False),  # 6Б
    ("maths", "gleb", MONDAY, False),  # joins 5А on 14.09
    ("maths", "gleb", D(2026, 9, 14), True),
    ("maths", "dina", MONDAY, True),  # in 5А until 10.09
    ("maths", "dina", D(2026, 9, 14), False),
    ("english", "anna", MONDAY, True),  # in subgroup 1
    ("english", "vera", MONDAY, False),  # 5А, but not in the subgroup
    ("maths", "first_grader", MONDAY, False),
]


@pytest.mark.parametrize("subject,who,day,allowed", ROSTER)
def test_only_students_of_the_class_or_subgroup_on_the_date(jw, actor_of, lesson_of, subject, who, day, allowed):
    assignment = jw.a_maths_5a if subject == "maths" else jw.a_english_g1
    lesson = lesson_of(assignment, day) if (subject, day) != ("maths", MONDAY) else jw.lesson_5a
    student = getattr(jw, who)
    teacher = actor_of("teacher")
    if allowed:
        assert set_attendance(teacher, lesson.id, student.id, "late", None, now=NOW).attendance.status == "late"
    else:
        with pytest.raises(InvalidInput) as exc:
            set_mark(teacher, lesson.id, student.id, 1, "4", None, now=NOW)
        assert "не числится" in exc.value.message
        with pytest.raises(InvalidInput):
            set_attendance(teacher, lesson.id, student.id, "absent", None, now=NOW)


def test_a_lesson_of_another_page_is_refused(jw, actor_of):
    with pytest.raises(InvalidInput) as exc:
        set_mark(actor_of("teacher"), jw.lesson_5a.id, jw.anna.id, 1, "4", None, now=NOW, assignment_id=jw.a_pe_5a.id)
    assert "другой странице" in exc.value.message


def test_a_lesson_of_another_school_is_not_found(jw, actor_of):
    with pytest.raises(NotFound):
        set_mark(actor_of("foreign_operator"), jw.lesson_5a.id, jw.anna.id, 1, "4", None, now=NOW)


def test_marks_wait_until_the_lesson_has_been_given(jw, actor_of):
    lesson = save_lesson(
        actor_of("teacher"),
        jw.a_maths_5a.id,
        date=D(2026, 9, 21),
        topic="Будущий урок",
        work_kind_id=jw.regular.id,
        homework="№ 5",
        now=NOW,
    )
    with pytest.raises(InvalidInput) as exc:
        set_mark(actor_of("teacher"), lesson.id, jw.anna.id, 1, "5", None, now=NOW)
    assert "ещё не прошёл" in exc.value.message


# --- lessons: topic, kind, plan, dates ------------------------------------------------------------------------
LESSON_INPUT = [
    # (changes to a valid lesson, error class or None, message part)
    ({}, None, ""),
    ({"topic": "   \n\t "}, InvalidInput, "тему урока"),
    ({"topic": None}, InvalidInput, "тему урока"),
    ({"topic": "x" * 501}, InvalidInput, "500"),
    ({"work_kind_id": None}, InvalidInput, "вид работы"),
    ({"work_kind_id": "foreign"}, InvalidInput, "вид работы"),
    ({"plan_item_id": "other"}, InvalidInput, "тематического плана"),
    ({"date": D(2026, 10, 28)}, InvalidInput, "не входит ни в один"),  # autumn holidays: between the quarters
    ({"date": D(2027, 6, 15)}, InvalidInput, "не входит ни в один"),
    ({"date": D(2026, 9, 13)}, InvalidInput, "воскресенье"),
    ({"date": None}, InvalidInput, "дату"),
    ({"date": D(2026, 9, 12)}, None, ""),  # an extra lesson on a Saturday, not in the timetable
    ({"date": D(2026, 9, 15)}, None, ""),  # a moved lesson on a Tuesday
]


@pytest.mark.parametrize("changes,error,part", LESSON_INPUT)
def test_lesson_input(jw, actor_of, db_session, changes, error, part):
    other_item = PlanItem(assignment_id=jw.a_russian_5a.id, position=1, topic="Чужая тема")
    db_session.add(other_item)
    db_session.flush()
    values = {
        "date": D(2026, 9, 14),
        "topic": "  Сложение   дробей  ",
        "work_kind_id": jw.regular.id,
        "homework": "  № 101  ",
        "plan_item_id": None,
    }
    values.update(changes)
    if values["work_kind_id"] == "foreign":
        values["work_kind_id"] = jw.foreign_kind.id
    if values["plan_item_id"] == "other":
        values["plan_item_id"] = other_item.id
    if error is None:
        lesson = save_lesson(actor_of("teacher"), jw.a_maths_5a.id, now=NOW, **values)
        assert lesson.topic == "Сложение дробей" and lesson.homework == "№ 101"
        assert _audit("lesson.create")[-1].entity_id == lesson.id
    else:
        with pytest.raises(error) as exc:
            save_lesson(actor_of("teacher"), jw.a_maths_5a.id, now=NOW, **values)
        assert part in exc.value.message


def test_lesson_links_to_a_plan_line_of_its_page_and_edits_are_versioned(jw, actor_of, db_session):
    item = PlanItem(assignment_id=jw.a_maths_5a.id, position=1, topic="Натуральные числа", work_kind_id=None)
    db_session.add(item)
    db_session.flush()
    teacher = actor_of("teacher")
    lesson = save_lesson(
        teacher,
        jw.a_maths_5a.id,
        lesson_id=jw.lesson_5a.id,
        expected_version=jw.lesson_5a.version,
        date=MONDAY,
        topic="Натуральные числа и шкалы",
        work_kind_id=jw.test_kind.id,
        plan_item_id=item.id,
        homework="№ 14",
        now=NOW,
    )
    assert lesson.plan_item_id == item.id and lesson.version == 2
    update = _audit("lesson.update")[-1]
    assert json.loads(update.old)["topic"] == "Натуральные числа"
    assert json.loads(update.new)["topic"] == "Натуральные числа и шкалы"
    with pytest.raises(Conflict) as exc:  # a second tab still showing version 1
        save_lesson(
            teacher,
            jw.a_maths_5a.id,
            lesson_id=lesson.id,
            expected_version=1,
            date=MONDAY,
            topic="Старая вкладка",
            work_kind_id=jw.regular.id,
            now=NOW,
        )
    assert "Натуральные числа и шкалы" in exc.value.message


def test_two_lessons_at_the_same_bell_are_a_conflict(jw, actor_of):
    with pytest.raises(Conflict) as exc:
        save_lesson(
            actor_of("teacher"),
            jw.a_maths_5a.id,
            date=MONDAY,
            bell_id=jw.bell.id,
            topic="Ещё один",
            work_kind_id=jw.regular.id,
            now=NOW,
        )
    assert "Натуральные числа" in exc.value.message
    second = save_lesson(
        actor_of("teacher"),
        jw.a_maths_5a.id,
        date=MONDAY,
        bell_id=jw.bell2.id,
        topic="Сдвоенный",
        work_kind_id=jw.regular.id,
        now=NOW,
    )
    assert second.id != jw.lesson_5a.id


def test_moving_a_lesson_keeps_its_marks_only_where_the_students_are(jw, actor_of):
    teacher = actor_of("teacher")
    # anna has a 5 on 07.09; she is in 5А all year: moving to 08.09 is fine
    moved = save_lesson(
        teacher,
        jw.a_maths_5a.id,
        lesson_id=jw.lesson_5a.id,
        date=D(2026, 9, 8),
        bell_id=jw.bell.id,
        topic=jw.lesson_5a.topic,
        work_kind_id=jw.regular.id,
        now=NOW,
    )
    assert moved.date == D(2026, 9, 8)
    set_attendance(teacher, moved.id, jw.dina.id, "absent", None, now=NOW)  # dina left after 10.09
    with pytest.raises(InvalidInput):
        save_lesson(
            teacher,
            jw.a_maths_5a.id,
            lesson_id=moved.id,
            date=D(2026, 9, 14),
            topic=moved.topic,
            work_kind_id=jw.regular.id,
            now=NOW,
        )


def test_delete_lesson_with_marks_only_when_confirmed(jw, actor_of, lesson_of):
    teacher = actor_of("teacher")
    with pytest.raises(InvalidInput):
        delete_lesson(teacher, jw.a_maths_5a.id, jw.lesson_5a.id, expected_version=None, now=NOW)
    empty = lesson_of(jw.a_maths_5a, WEDNESDAY, topic="По ошибке")
    delete_lesson(teacher, jw.a_maths_5a.id, empty.id, expected_version=empty.version, now=NOW)
    assert db.session.get(Lesson, empty.id) is None
    assert json.loads(_audit("lesson.remove")[-1].old)["topic"] == "По ошибке"


# --- who writes --------------------------------------------------------------------------------------------
WRITERS = [
    # (who, lesson day, may write)
    ("teacher", MONDAY, True),
    ("teacher", WEDNESDAY, True),  # own page, even on the day of the substitution
    ("other_teacher", WEDNESDAY, True),  # the substitute, on the day
    ("other_teacher", MONDAY, False),  # …and not on another day
    ("classteacher", MONDAY, False),  # class teacher of 5А reads maths, does not write
    ("coordinator", MONDAY, False),
    ("director", MONDAY, False),
    ("operator", MONDAY, False),
    ("secretary", MONDAY, False),
    ("parent", MONDAY, False),
    ("student", MONDAY, False),
]


@pytest.mark.parametrize("who,day,may", WRITERS)
def test_only_the_teacher_or_the_substitute_on_the_day_writes(jw, actor_of, lesson_of, who, day, may):
    lesson = jw.lesson_5a if day == MONDAY else lesson_of(jw.a_maths_5a, day, bell=jw.bell)
    actor = actor_of(who)
    if may:
        assert set_mark(actor, lesson.id, jw.vera.id, 1, "4", None, now=NOW).text == "4"
        assert (
            save_lesson(
                actor,
                jw.a_maths_5a.id,
                lesson_id=lesson.id,
                date=day,
                bell_id=lesson.bell_id,
                topic="Исправленная тема",
                work_kind_id=jw.regular.id,
                now=NOW,
            ).topic
            == "Исправленная тема"
        )
    else:
        with pytest.raises(AccessDenied):
            set_mark(actor, lesson.id, jw.vera.id, 1, "4", None, now=NOW)
        with pytest.raises((AccessDenied, NotFound)):
            save_lesson(
                actor,
                jw.a_maths_5a.id,
                lesson_id=lesson.id,
                date=day,
                topic="Чужая тема",
                work_kind_id=jw.regular.id,
                now=NOW,
            )


def test_a_lesson_recorded_by_the_substitute_is_linked_to_the_substitution(jw, actor_of):
    lesson = save_lesson(
        actor_of("other_teacher"),
        jw.a_maths_5a.id,
        date=WEDNESDAY,
        bell_id=jw.bell.id,
        topic="Замена: решение задач",
        work_kind_id=jw.regular.id,
        now=at(WEDNESDAY),
    )
    assert lesson.substitution_id == jw.substitution.id
    assert lesson.taught_by_id == jw.s_other_teacher.id
    with pytest.raises(AccessDenied):  # the substitute cannot move it to a day they do not substitute
        save_lesson(
            actor_of("other_teacher"),
            jw.a_maths_5a.id,
            lesson_id=lesson.id,
            date=D(2026, 9, 10),
            topic="Замена",
            work_kind_id=jw.regular.id,
            now=NOW,
        )


# --- conflicts -------------------------------------------------------------------------------------------
def test_second_writer_with_a_stale_version_gets_a_conflict_with_the_current_value(jw, actor_of):
    teacher = actor_of("teacher")
    mark = db.session.scalar(select(Mark).where(Mark.lesson_id == jw.lesson_5a.id, Mark.student_id == jw.anna.id))
    seen = mark.version
    cell = set_mark(teacher, jw.lesson_5a.id, jw.anna.id, 1, "4", seen, now=NOW)  # tab 1
    assert cell.marks[0].version == seen + 1
    with pytest.raises(Conflict) as exc:  # tab 2, still showing the 5
        set_mark(teacher, jw.lesson_5a.id, jw.anna.id, 1, "3", seen, now=NOW)
    assert "«4»" in exc.value.message
    assert exc.value.cell.text == "4"
    assert _marks(jw.lesson_5a.id, jw.anna.id) == [(1, "4")]


def test_writing_into_a_cell_seen_empty_that_was_filled_meanwhile_is_a_conflict(jw, actor_of):
    with pytest.raises(Conflict) as exc:
        set_mark(actor_of("teacher"), jw.lesson_5a.id, jw.anna.id, 1, "3", None, now=NOW)
    assert "«5»" in exc.value.message
    set_attendance(actor_of("teacher"), jw.lesson_5a.id, jw.vera.id, "absent", None, now=NOW)
    with pytest.raises(Conflict) as exc:
        set_attendance(actor_of("teacher"), jw.lesson_5a.id, jw.vera.id, "late", None, now=NOW)
    assert "«н»" in exc.value.message


def test_deleting_a_mark_somebody_already_deleted_is_a_conflict(jw, actor_of):
    teacher = actor_of("teacher")
    mark = db.session.scalar(select(Mark).where(Mark.lesson_id == jw.lesson_5a.id, Mark.student_id == jw.anna.id))
    version = mark.version
    set_mark(teacher, jw.lesson_5a.id, jw.anna.id, 1, "", version, now=NOW)
    with pytest.raises(Conflict) as exc:
        set_mark(teacher, jw.lesson_5a.id, jw.anna.id, 1, "4", version, now=NOW)
    assert "пусто" in exc.value.message


# --- audit and history -----------------------------------------------------------------------------------------
def test_every_change_is_audited_and_the_history_shows_it(jw, actor_of):
    teacher = actor_of("teacher")
    lesson, anna = jw.lesson_5a, jw.anna
    mark = db.session.scalar(select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == anna.id))
    cell = set_mark(teacher, lesson.id, anna.id, 1, "4", mark.version, comment="у доски", now=NOW)
    cell = set_mark(teacher, lesson.id, anna.id, 2, "5", None, work_kind_id=jw.dictation.id, now=NOW)
    cell = set_mark(teacher, lesson.id, anna.id, 1, "", cell.mark_in(1).version, now=NOW)
    cell = set_attendance(teacher, lesson.id, anna.id, "оп", None, minutes_late=7, now=NOW)
    set_attendance(teacher, lesson.id, anna.id, "", cell.attendance.version, now=NOW)

    deleted = _audit("mark.delete")[-1]
    assert deleted.actor_id == jw.users["teacher"].id
    assert json.loads(deleted.old)["mark"] == "4" and json.loads(deleted.old)["comment"] == "у доски"
    assert deleted.new is None
    trail = cell_history(actor_of("classteacher"), lesson.id, anna.id)  # the class teacher reads it
    assert [line.action for line in trail.lines] == [
        "mark.update",
        "mark.create",
        "mark.delete",
        "attendance.create",
        "attendance.delete",
    ]
    assert trail.lines[0].old == "5" and trail.lines[0].new == "4; «у доски»"
    assert trail.lines[1].new == "5 (№ 2); Диктант"
    assert trail.lines[3].new == "оп 7 мин"
    assert "Математикова" in trail.lines[0].who
    assert trail.cell.text == "5"
    assert cell_history(actor_of("teacher"), lesson.id, jw.vera.id).lines == []  # another cell: nothing


def test_history_is_for_readers_of_the_page_only(jw, actor_of):
    with pytest.raises(AccessDenied):
        cell_history(actor_of("secretary"), jw.lesson_5a.id, jw.anna.id)
    with pytest.raises(NotFound):
        cell_history(actor_of("foreign_operator"), jw.lesson_5a.id, jw.anna.id)


def test_unchanged_values_write_nothing(jw, actor_of):
    mark = db.session.scalar(select(Mark).where(Mark.lesson_id == jw.lesson_5a.id, Mark.student_id == jw.anna.id))
    before = len(_audit("mark.update"))
    cell = set_mark(actor_of("teacher"), jw.lesson_5a.id, jw.anna.id, 1, "5", mark.version, now=NOW)
    assert cell.marks[0].version == mark.version and len(_audit("mark.update")) == before


# --- deadlines and late flags ----------------------------------------------------------------------------------
LATE = [
    # (kind, entered on, marks_deadline_days setting or None, late?)
    ("regular", MONDAY, None, False),  # the same day
    ("regular", D(2026, 9, 8), None, True),  # next day: after the default deadline (same day)
    ("regular", D(2026, 9, 8), 1, False),  # the school allows one day
    ("test", D(2026, 9, 8), None, False),  # tests in grade 5: 1 day
    ("test", D(2026, 9, 9), None, True),
]


@pytest.mark.parametrize("kind,entered,days,late", LATE)
def test_marks_after_the_deadline_are_accepted_and_flagged_late(
    jw, actor_of, lesson_of, db_session, kind, entered, days, late
):
    if days is not None:
        db_session.add(Setting(school_id=jw.school.id, key="marks_deadline_days", value=str(days)))
        db_session.commit()
    lesson = lesson_of(jw.a_maths_5a, MONDAY, bell=jw.bell2, kind=jw.test_kind if kind == "test" else jw.regular)
    cell = set_mark(actor_of("teacher"), lesson.id, jw.vera.id, 1, "4", None, now=at(entered, 20))
    assert cell.marks[0].late is late


def test_a_mark_entered_just_before_midnight_in_moscow_is_on_time(jw, actor_of, lesson_of):
    lesson = lesson_of(jw.a_maths_5a, MONDAY, bell=jw.bell2)
    late_evening = dt.datetime(2026, 9, 7, 20, 30, tzinfo=dt.UTC)  # 23:30 in Moscow
    assert set_mark(actor_of("teacher"), lesson.id, jw.vera.id, 1, "4", None, now=late_evening).late is False


def test_lessons_and_homework_recorded_late_are_flagged(jw, actor_of):
    teacher = actor_of("teacher")
    on_time = save_lesson(
        teacher,
        jw.a_maths_5a.id,
        date=D(2026, 9, 14),
        bell_id=jw.bell.id,
        topic="Вовремя",
        work_kind_id=jw.regular.id,
        homework="№ 1",
        now=at(D(2026, 9, 14)),
    )
    late = save_lesson(
        teacher,
        jw.a_maths_5a.id,
        date=WEDNESDAY,
        bell_id=jw.bell.id,
        topic="Задним числом",
        work_kind_id=jw.regular.id,
        now=at(D(2026, 9, 11)),
    )
    late = save_lesson(
        teacher,
        jw.a_maths_5a.id,
        lesson_id=late.id,
        date=WEDNESDAY,
        bell_id=jw.bell.id,
        topic=late.topic,
        work_kind_id=jw.regular.id,
        homework="№ 2",
        now=at(D(2026, 9, 12)),
    )
    page = journal_page(teacher, jw.a_maths_5a.id, now=NOW)
    assert (page.column_for(on_time.id).late_topic, page.column_for(on_time.id).late_homework) == (False, False)
    assert (page.column_for(late.id).late_topic, page.column_for(late.id).late_homework) == (True, True)


# --- cells typed as text (the plain form) ------------------------------------------------------------------------
PARSE = [
    ("", (None, None, [])),
    ("5", (None, None, ["5"])),
    ("5/4", (None, None, ["5", "4"])),
    ("н", ("absent", None, [])),
    ("N", ("absent", None, [])),
    ("оп", ("late", None, [])),
    ("оп10", ("late", 10, [])),
    ("н 5", ("absent", None, ["5"])),
    ("н/а", (None, None, ["н/а"])),
    ("4 н/а", (None, None, ["4", "н/а"])),
    ("l 3", ("late", None, ["3"])),
]


@pytest.mark.parametrize("text,parsed", PARSE)
def test_parse_cell_text(text, parsed):
    assert parse_cell_text(text) == parsed


@pytest.mark.parametrize("text", ["н оп", "5/4/3/2", "н н"])
def test_parse_cell_text_refuses_nonsense(text):
    with pytest.raises(InvalidInput):
        parse_cell_text(text)


def test_save_cell_writes_only_what_differs_from_what_was_seen(jw, actor_of):
    teacher = actor_of("teacher")
    seen = read_cell(teacher, jw.lesson_5a.id, jw.anna.id).state()
    cell = save_cell(teacher, jw.lesson_5a.id, jw.anna.id, "н 5/4", seen, now=NOW)
    assert cell.text == "н 5/4"
    assert len(_audit("mark.update")) == 0  # the 5 stayed as it was
    cell = save_cell(teacher, jw.lesson_5a.id, jw.anna.id, "4", cell.state(), now=NOW)
    assert cell.text == "4" and [m.slot for m in cell.marks] == [1]
    with pytest.raises(Conflict):  # the page was stale: it showed the cell as it was at the start
        save_cell(teacher, jw.lesson_5a.id, jw.anna.id, "3", seen, now=NOW)


def test_save_cell_parts_sets_kind_comment_and_minutes(jw, actor_of):
    teacher = actor_of("teacher")
    seen = read_cell(teacher, jw.lesson_5a.id, jw.anna.id).state()
    cell = save_cell_parts(
        teacher,
        jw.lesson_5a.id,
        jw.anna.id,
        seen,
        status="late",
        minutes_late="12",
        marks={1: ("5", jw.dictation.id, "без ошибок"), 2: ("н/а", None, "")},
        now=NOW,
    )
    assert cell.attendance.minutes_late == 12
    assert (cell.mark_in(1).work_kind_id, cell.mark_in(1).comment, cell.mark_in(1).weight) == (
        jw.dictation.id,
        "без ошибок",
        jw.dictation.weight,
    )
    assert cell.mark_in(2).shown == "н/а"
    assert (
        save_cell_parts(
            teacher,
            jw.lesson_5a.id,
            jw.anna.id,
            cell.state(),
            status="late",
            minutes_late="12",
            marks={1: ("5", jw.dictation.id, "без ошибок"), 2: ("н/а", None, "")},
            now=NOW,
        )
        is None
    )
    with pytest.raises(InvalidInput):
        save_cell_parts(
            teacher, jw.lesson_5a.id, jw.anna.id, cell.state(), status="late", minutes_late="300", marks={}, now=NOW
        )


def test_attendance_rows_keep_the_reason_when_the_teacher_changes_absent_to_late(jw, actor_of, db_session):
    from models import AttendanceReason

    reason = AttendanceReason(school_id=jw.school.id, code="ill", name="по болезни")
    db_session.add(reason)
    db_session.flush()
    cell = set_attendance(actor_of("teacher"), jw.lesson_5a.id, jw.vera.id, "absent", None, now=NOW)
    row = db.session.get(Attendance, cell.attendance.id)
    row.reason_id = reason.id
    db_session.commit()
    cell = set_attendance(actor_of("teacher"), jw.lesson_5a.id, jw.vera.id, "late", row.version, now=NOW)
    assert cell.attendance.status == "late" and cell.attendance.reason == "по болезни"


def test_periods_of_other_years_are_not_found(jw, actor_of, db_session):
    year = AcademicYear(school_id=jw.school.id, name="2027/2028", starts_on=D(2027, 9, 1), ends_on=D(2028, 5, 31))
    db_session.add(year)
    db_session.flush()
    other = Period(
        year_id=year.id, scheme="quarter", number=1, name="1 четверть", starts_on=D(2027, 9, 1), ends_on=D(2027, 10, 25)
    )
    db_session.add(other)
    db_session.commit()
    with pytest.raises(NotFound):
        journal_page(actor_of("teacher"), jw.a_maths_5a.id, other.id, now=NOW)
