"""The thematic plan (КТП, R2): lines on screen, import from CSV/XLSX with a preview and an all-or-nothing
write, hours against the curriculum, lessons linked to plan lines, coverage of the program."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from models import AuditEvent, CurriculumItem, Lesson, PlanItem, TimetableEntry, db
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound, PeriodClosed
from models.school.plan_coverage import coverage
from models.school.plan_import import apply_import, preview_import
from models.school.plans import (
    delete_line,
    hours_check,
    link_lesson,
    link_unlinked_lessons,
    plan_page,
    save_line,
    suggest_plan_item,
)

TODAY = dt.date(2026, 10, 20)


def _topics(assignment_id):
    return [
        (i.position, i.topic, i.hours)
        for i in db.session.scalars(
            select(PlanItem).where(PlanItem.assignment_id == assignment_id).order_by(PlanItem.position)
        )
    ]


@pytest.fixture()
def teacher(actor_of):
    return actor_of("teacher")


# --- lines on screen ------------------------------------------------------------------------------------
def test_lines_are_added_inserted_moved_and_deleted(fin, world, teacher):
    a = world.a_maths_5a.id
    save_line(teacher, a, section="Натуральные числа", topic="Ряд чисел", hours="2")
    save_line(teacher, a, topic="Сложение", hours=1, work_kind_id=fin.regular.id)
    third = save_line(teacher, a, topic="Контрольная работа № 1", hours=1, work_kind_id=fin.test.id)
    assert _topics(a) == [(1, "Ряд чисел", 2), (2, "Сложение", 1), (3, "Контрольная работа № 1", 1)]
    save_line(teacher, a, position=2, topic="Вычитание")  # inserted, the others move down
    assert [t for _p, t, _h in _topics(a)] == ["Ряд чисел", "Вычитание", "Сложение", "Контрольная работа № 1"]
    save_line(teacher, a, line_id=third.id, position=1, topic="Входная контрольная", hours=1)  # moved to the top
    assert _topics(a) == [(1, "Входная контрольная", 1), (2, "Ряд чисел", 2), (3, "Вычитание", 1), (4, "Сложение", 1)]
    delete_line(teacher, a, third.id)
    assert [p for p, _t, _h in _topics(a)] == [1, 2, 3]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "plan_item")).all()
    assert actions.count("plan_item.create") == 4 and "plan_item.delete" in actions


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"topic": "  "}, "Тема"),
        ({"topic": "x", "hours": "0"}, "Часы"),
        ({"topic": "x", "hours": "1,5"}, "Часы"),
        ({"topic": "x", "hours": "abc"}, "Часы"),
        ({"topic": "x", "work_kind_id": "999999"}, "вид работы"),
        ({"topic": "x" * 1001}, "Тема"),
    ],
)
def test_bad_lines_are_refused(fin, world, teacher, fields, message):
    with pytest.raises(InvalidInput, match=message):
        save_line(teacher, world.a_maths_5a.id, **fields)


def test_a_line_with_lessons_is_not_deleted(fin, world, teacher):
    line = save_line(teacher, world.a_maths_5a.id, topic="Натуральные числа")
    link_lesson(teacher, world.lesson_5a.id, line.id)
    with pytest.raises(Conflict, match="привязаны уроки"):
        delete_line(teacher, world.a_maths_5a.id, line.id)


@pytest.mark.parametrize(
    "who,error", [("classteacher", AccessDenied), ("coordinator", AccessDenied), ("other_teacher", NotFound)]
)
def test_only_the_teacher_or_the_operator_writes_the_plan(fin, world, actor_of, who, error):
    with pytest.raises(error):
        save_line(actor_of(who), world.a_maths_5a.id, topic="Тема")
    assert save_line(actor_of("operator"), world.a_maths_5a.id, topic="Тема").position == 1


def test_an_archived_year_is_read_only(fin, world, teacher):
    world.year.archived_at = dt.datetime(2027, 8, 31, tzinfo=dt.UTC)
    with pytest.raises(PeriodClosed):
        save_line(teacher, world.a_maths_5a.id, topic="Тема")


# --- hours against the curriculum ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "curriculum,weeks,plan_hours,status,difference",
    [
        ("5", 34, 170, "ok", 0),
        ("5", 34, 160, "under", -10),
        ("5", 34, 175, "over", 5),
        ("0.5", 34, 17, "ok", 0),
        (None, 34, 170, "no_curriculum", None),
        ("5", 34, 0, "empty", -170),
        ("4", 33, 132, "ok", 0),
    ],
)
def test_plan_hours_are_compared_with_the_curriculum(fin, world, curriculum, weeks, plan_hours, status, difference):
    if curriculum is not None:
        fin.add(
            CurriculumItem(
                year_id=world.year.id, grade=5, subject_id=world.maths.id, hours_per_week=D(curriculum), weeks=weeks
            )
        )
    check = hours_check(world.a_maths_5a, plan_hours)
    assert check.status == status
    assert check.difference == (None if difference is None else D(difference))
    assert check.mismatch is (status != "ok")


def test_the_page_shows_the_mismatch_and_the_load(fin, world, teacher, actor_of):
    fin.add(CurriculumItem(year_id=world.year.id, grade=5, subject_id=world.maths.id, hours_per_week=D(4), weeks=34))
    save_line(teacher, world.a_maths_5a.id, topic="Тема", hours=10)
    page = plan_page(teacher, world.a_maths_5a.id, today=TODAY)
    assert page.hours.plan_hours == 10 and page.hours.curriculum_hours == D(136) and page.hours.status == "under"
    assert page.hours.load_differs  # the load says 5 hours a week, the curriculum 4
    assert page.can_edit and page.suggestion.topic == "Тема"
    assert not plan_page(actor_of("classteacher"), world.a_maths_5a.id, today=TODAY).can_edit  # reads 5А's pages


# --- import ------------------------------------------------------------------------------------------------
CSV_OK = (
    "№;Раздел;Тема;Часы;Вид работы\n"
    "1;Натуральные числа;Ряд натуральных чисел;2;\n"
    "2;Натуральные числа;Сложение;1;Работа на уроке\n"
    "3;Натуральные числа;Контрольная работа № 1;1;test\n"
)


def _xlsx(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "filename,content",
    [
        ("ктп.csv", CSV_OK.encode("utf-8")),
        ("ктп.csv", CSV_OK.encode("utf-8-sig")),
        ("ктп.csv", CSV_OK.replace(";", ",").encode("cp1251")),
        (
            "ктп.xlsx",
            _xlsx(
                [
                    ["№", "Раздел", "Тема", "Часы", "Вид работы"],
                    [1, "Натуральные числа", "Ряд натуральных чисел", 2, None],
                    [2, "Натуральные числа", "Сложение", 1, "Работа на уроке"],
                    [None, None, None, None, None],
                    [3, "Натуральные числа", "Контрольная работа № 1", 1.0, "Контрольная работа"],
                ]
            ),
        ),
    ],
)
def test_import_previews_then_writes_everything(fin, world, teacher, filename, content):
    a = world.a_maths_5a.id
    preview = preview_import(teacher, a, filename, content)
    assert preview.ok and (preview.new, preview.changed, preview.removed) == (3, 0, 0)
    assert preview.parsed.hours == 4 and _topics(a) == []  # nothing written yet
    apply_import(teacher, a, preview.text)
    assert _topics(a) == [(1, "Ряд натуральных чисел", 2), (2, "Сложение", 1), (3, "Контрольная работа № 1", 1)]
    kinds = db.session.scalars(
        select(PlanItem.work_kind_id).where(PlanItem.assignment_id == a).order_by(PlanItem.position)
    ).all()
    assert kinds == [None, fin.regular.id, fin.test.id]


@pytest.mark.parametrize(
    "text,row,message",
    [
        ("№;Раздел;Тема;Часы\n1;А;;1\n", 2, "Тема"),
        ("№;Раздел;Тема;Часы\n1;А;Тема;0\n", 2, "Часы"),
        ("№;Раздел;Тема;Часы;Вид работы\n1;А;Тема;1;Пляски\n", 2, "Неизвестный вид работы"),
        ("№;Раздел;Тема;Часы\n1;А;Тема;1\n1;А;Другая;1\n", 3, "повторяется"),
        ("Раздел;Часы\nА;1\n", 1, "Нет столбца «Тема»"),
        ("", 0, "пуст"),
    ],
)
def test_import_with_errors_writes_nothing(fin, world, teacher, text, row, message):
    a = world.a_maths_5a.id
    save_line(teacher, a, topic="Старая тема")
    preview = preview_import(teacher, a, "plan.csv", text.encode())
    assert not preview.ok
    assert any(r == row and message in (t % p if p else t) for r, t, p in preview.parsed.errors), preview.parsed.errors
    with pytest.raises(InvalidInput):
        apply_import(teacher, a, text)
    assert [t for _p, t, _h in _topics(a)] == ["Старая тема"]


def test_reimport_keeps_lesson_links_by_number_and_reports_lost_ones(fin, world, teacher):
    a = world.a_maths_5a.id
    apply_import(teacher, a, CSV_OK)
    first, second, third = db.session.scalars(
        select(PlanItem).where(PlanItem.assignment_id == a).order_by(PlanItem.position)
    ).all()
    link_lesson(teacher, world.lesson_5a.id, first.id)
    extra = fin.lesson(dt.date(2026, 9, 8))
    link_lesson(teacher, extra.id, third.id)
    new = "№;Раздел;Тема;Часы\n1;Числа;Ряд натуральных чисел (уточнено);2\n2;Числа;Сложение;1\n"
    preview = preview_import(teacher, a, "plan.csv", new.encode())
    assert (preview.new, preview.changed, preview.same, preview.removed, preview.unlinked_lessons) == (0, 2, 0, 1, 1)
    apply_import(teacher, a, preview.text)
    db.session.expire_all()
    assert _topics(a) == [(1, "Ряд натуральных чисел (уточнено)", 2), (2, "Сложение", 1)]
    assert db.session.get(Lesson, world.lesson_5a.id).plan_item_id == first.id  # the same line, updated
    assert db.session.get(Lesson, extra.id).plan_item_id is None


def test_import_refuses_other_file_types(fin, world, teacher):
    with pytest.raises(InvalidInput, match="CSV или XLSX"):
        preview_import(teacher, world.a_maths_5a.id, "plan.docx", b"PK")
    with pytest.raises(InvalidInput, match="XLSX"):
        preview_import(teacher, world.a_maths_5a.id, "plan.xlsx", b"not a zip")


# --- lessons along the plan ---------------------------------------------------------------------------
def test_the_next_line_follows_the_hours_of_each_line(fin, world, teacher):
    a = world.a_maths_5a.id
    apply_import(teacher, a, CSV_OK)  # lines of 2, 1 and 1 hours
    lines = db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == a).order_by(PlanItem.position)).all()
    taken = []
    for day in range(4):
        lesson = fin.lesson(dt.date(2026, 9, 14) + dt.timedelta(days=day))
        suggestion = suggest_plan_item(a)
        taken.append(suggestion.position)
        link_lesson(teacher, lesson.id, suggestion.id)
    assert taken == [1, 1, 2, 3]
    assert suggest_plan_item(a) is None  # the plan is through
    assert [line.position for line in lines] == [1, 2, 3]


def test_linking_checks_the_plan_the_lesson_and_closed_periods(fin, world, teacher, actor_of):
    line = save_line(teacher, world.a_maths_5a.id, topic="Тема")
    other = save_line(actor_of("classteacher"), world.a_russian_5a.id, topic="Чужая тема")
    with pytest.raises(InvalidInput, match="не из плана"):
        link_lesson(teacher, world.lesson_5a.id, other.id)
    with pytest.raises(AccessDenied):
        link_lesson(actor_of("classteacher"), world.lesson_5a.id, line.id)
    with pytest.raises(Conflict):
        link_lesson(teacher, world.lesson_5a.id, line.id, version=world.lesson_5a.version + 5)
    fin.q1.closed_at = dt.datetime(2026, 10, 27, tzinfo=dt.UTC)
    with pytest.raises(PeriodClosed):
        link_lesson(teacher, world.lesson_5a.id, line.id)
    fin.q1.closed_at = None
    lesson = link_lesson(teacher, world.lesson_5a.id, line.id)
    assert lesson.plan_item_id == line.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lesson.plan_link")).one()
    assert event.entity_id == lesson.id


def test_unlinked_lessons_are_linked_in_order(fin, world, teacher):
    a = world.a_maths_5a.id
    apply_import(teacher, a, CSV_OK)
    for day in (8, 9, 10):
        fin.lesson(dt.date(2026, 9, day))
    assert link_unlinked_lessons(teacher, a, today=TODAY) == 4  # 07.09 and the three above
    lessons = db.session.scalars(select(Lesson).where(Lesson.assignment_id == a).order_by(Lesson.date)).all()
    positions = {i.id: i.position for i in db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == a))}
    assert [positions[lesson.plan_item_id] for lesson in lessons] == [1, 1, 2, 3]


# --- coverage ---------------------------------------------------------------------------------------------
def test_coverage_counts_given_against_timetabled_lessons(fin, world, teacher):
    a = world.a_maths_5a
    # Monday and Wednesday at bell 1 from 01.09.2026
    for weekday in (1, 3):
        fin.add(
            TimetableEntry(assignment_id=a.id, weekday=weekday, bell_id=world.bell.id, valid_from=dt.date(2026, 9, 1))
        )
    for day in (dt.date(2026, 9, 2), dt.date(2026, 9, 9)):  # + the world's lesson on Monday 07.09
        fin.lesson(day)
    fin.lesson(dt.date(2026, 11, 9))  # in the future of TODAY: not given yet
    apply_import(teacher, a.id, CSV_OK)
    link_lesson(
        teacher,
        world.lesson_5a.id,
        db.session.scalars(select(PlanItem.id).where(PlanItem.assignment_id == a.id, PlanItem.position == 1)).one(),
    )
    report = coverage([a.id], today=dt.date(2026, 9, 10))[a.id]
    # planned 01.09–10.09: Wed 2, Mon 7, Wed 9 = 3 lessons; given 3
    assert (report.year_to_date.planned, report.year_to_date.given, report.year_to_date.percent) == (3, 3, D(100))
    assert report.period.id == fin.q1.id and report.period_to_date.planned == 3
    # the whole quarter 01.09–25.10: 7 Mondays (7.09 … 19.10) + 8 Wednesdays (2.09 … 21.10) = 15
    assert report.period_total.planned == 15 and report.period_total.given == 3
    assert report.period_total.behind == 12 and report.from_timetable
    assert (report.plan_hours, report.plan_hours_covered, report.lessons_without_line) == (4, 1, 2)
    later = coverage([a.id], today=dt.date(2026, 11, 12), period_id=fin.q2.id)[a.id]
    assert later.period.id == fin.q2.id and later.period_to_date.given == 1
    assert later.period_to_date.planned == 2  # 05.11 (Thu) … 12.11: Monday 9th and Wednesday 11th


def test_without_a_timetable_planned_lessons_come_from_the_weekly_hours(fin, world):
    # 5 hours a week; 01.09–11.09.2026 has 9 weekdays → 9 / 5 · 5 = 9 lessons
    report = coverage([world.a_maths_5a.id], today=dt.date(2026, 9, 11))[world.a_maths_5a.id]
    assert not report.from_timetable and report.year_to_date.planned == 9 and report.year_to_date.given == 1


def test_coverage_of_many_assignments_reads_a_fixed_number_of_queries(fin, world, count_queries):
    ids = [world.a_maths_5a.id, world.a_russian_5a.id, world.a_maths_6b.id]
    coverage(ids[:1], today=TODAY)
    with count_queries() as one:
        coverage(ids[:1], today=TODAY)
    with count_queries() as three:
        reports = coverage(ids, today=TODAY)
    assert set(reports) == set(ids) and three.count == one.count


def test_topics_with_separators_survive_the_preview_round_trip(fin, world, teacher):
    a = world.a_maths_5a.id
    text = '№,Раздел,Тема,Часы\n1,"Дроби; проценты","Сложение дробей, вычитание; задачи",2\n'
    preview = preview_import(teacher, a, "plan.csv", text.encode())
    assert preview.ok
    apply_import(teacher, a, preview.text)
    assert _topics(a) == [(1, "Сложение дробей, вычитание; задачи", 2)]
