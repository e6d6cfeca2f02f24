"""The coordinator's monthly control of the journal (models/reports/journal_control.py, /admin/control/): lessons the
timetable expects against those recorded, topics and marks entered after the school's deadlines, lessons
without homework, students without marks or with one; per page and per teacher; first grade without mark
figures; the administration only; fixed queries; the page and the printable справка.

jw: maths 5А timetabled Mondays and Wednesdays at bell 1 from 01.09; its lesson of Monday 07.09 (homework,
anna's 5, recorded that day); 5А on 16.09: anna, vera, gleb (from 14.09) — dina left after 10.09."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from models import Mark, db
from models.access import Actor
from models.errors import AccessDenied
from models.i18n import end_sentence
from models.reports.journal_control import journal_control

from .conftest import at

SEP, TODAY = dt.date(2026, 9, 1), dt.date(2026, 9, 16)


@pytest.fixture(autouse=True)
def recorded_in_time(jw, world):
    """The world's lesson of 07.09 and anna's 5 entered that day (the world is built at the time of the run)."""
    world.lesson_5a.recorded_at = world.lesson_5a.homework_recorded_at = at(dt.date(2026, 9, 7))
    for mark in db.session.query(Mark).filter_by(lesson_id=world.lesson_5a.id):
        mark.created_at = at(dt.date(2026, 9, 7))
    db.session.commit()


def _control(world, who="coordinator", month=SEP, today=TODAY):
    return journal_control(Actor.of(world.users[who]), month, today=today)


def _page(c, assignment):
    return next(p.figures for t in c.teachers for p in t.pages if p.assignment.id == assignment.id)


def test_expected_recorded_and_students(jw, world):
    f = _page(_control(world), world.a_maths_5a)
    # Wednesday 02.09, Monday 07.09, Wednesday 09.09, Monday 14.09, Wednesday 16.09
    assert (f.expected, f.recorded, f.unrecorded, f.late_topics, f.no_homework) == (5, 1, 4, 0, 0)
    assert (f.marks, f.late_marks, f.students, f.without_marks, f.one_mark) == (1, 0, 3, 2, 1)
    assert (str(f.without_marks_pct), str(f.one_mark_pct)) == ("66.7", "33.3")


def test_late_topics_late_marks_and_missing_homework(jw, world, lesson_of):
    late = lesson_of(world.a_maths_5a, dt.date(2026, 9, 14), recorded_at=at(dt.date(2026, 9, 15)))
    db.session.add(Mark(lesson_id=late.id, student_id=world.vera.id, value=4, created_at=at(dt.date(2026, 9, 16))))
    test = lesson_of(world.a_maths_5a, dt.date(2026, 9, 9), kind=world.test_kind, homework="§ 3")
    db.session.add(Mark(lesson_id=test.id, student_id=world.vera.id, value=3, created_at=at(dt.date(2026, 9, 10))))
    db.session.commit()
    f = _page(_control(world), world.a_maths_5a)
    assert (f.recorded, f.unrecorded, f.late_topics, f.no_homework) == (3, 2, 1, 1)
    assert (f.marks, f.late_marks) == (3, 1)  # the test's mark a day later is in time for grade 5
    assert (f.without_marks, f.one_mark) == (1, 1)  # gleb; anna (vera has two)


def test_teachers_sum_their_pages_and_the_first_grade_has_no_mark_figures(jw, world, lesson_of):
    lesson_of(world.a_russian_1a, dt.date(2026, 9, 8))
    c = _control(world)
    teacher = next(t for t in c.teachers if t.name == world.s_teacher.short_name)
    first = _page(c, world.a_russian_1a)
    assert first.without_marks_pct is None and not first.marked and first.no_homework == 0
    assert teacher.figures.recorded == 2 and teacher.figures.students == 3  # the first grader is not counted
    assert c.total.recorded == sum(t.figures.recorded for t in c.teachers)


def test_a_month_to_come_and_the_current_month_up_to_today(jw, world):
    assert _control(world, month=dt.date(2026, 12, 1)).teachers == []
    c = _control(world, today=dt.date(2026, 9, 8))
    assert (c.first, c.last) == (SEP, dt.date(2026, 9, 8))
    assert _page(c, world.a_maths_5a).expected == 2


@pytest.mark.parametrize("who", ["teacher", "classteacher", "secretary", "parent"])
def test_only_the_administration(jw, world, who):
    with pytest.raises(AccessDenied):
        _control(world, who)


def test_a_fixed_number_of_queries(jw, world, lesson_of, count_queries):
    _control(world)
    db.session.expire_all()
    with count_queries() as few:
        _control(world)
    for n in range(5):
        lesson = lesson_of(world.a_maths_5a, dt.date(2026, 9, 2 + n))
        db.session.add(Mark(lesson_id=lesson.id, student_id=world.anna.id, value=4, created_at=at(lesson.date)))
    lesson_of(world.a_maths_6b, dt.date(2026, 9, 14))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        _control(world)
    # 23 with the checks of issue 16; each check is now one grouped statement over all pages (lessons of the month
    # and since the year began, marks per student and per lesson, plan hours and control lines, rosters, logins);
    # +1: the lessons without attendance taken, listed with their links; -4: who used the system, counted by the
    # database in one statement (models/accounts/activity.py) instead of five reads of rows
    assert many.count == few.count == 15  # the database counts lessons and marks per page, whatever their number


def test_the_server_compiles_the_report_before_its_workers_fork(jw, world, app):
    """app.warm_up runs the report's statements for no school in the server's master: a worker's first report then
    compiles none of them (~45 ms it took), whatever the school, the month or the day."""
    from sqlalchemy import event
    from sqlalchemy.engine.default import CACHE_HIT

    from models.reports.journal_control import compile_statements

    engine = app.extensions["test_engine"]
    engine._compiled_cache.clear()  # as a new process starts
    seen: list[tuple[str, object]] = []

    def _on_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, context.cache_hit))

    event.listen(engine, "before_cursor_execute", _on_execute)
    try:
        compile_statements()
        compiled = {statement for statement, _hit in seen}
        seen.clear()
        _control(world)
        _control(world, month=dt.date(2026, 10, 1), today=dt.date(2026, 10, 20))  # another month and day
    finally:
        event.remove(engine, "before_cursor_execute", _on_execute)
    report = [(statement, hit) for statement, hit in seen if statement in compiled]
    assert len(report) == 2 * 10  # the report's nine statements and the usage one, twice
    assert all(hit is CACHE_HIT for _statement, hit in report)


def _moscow(*moment: int) -> dt.datetime:
    """A moment on the school's clock, stored in UTC as the application stores every moment."""
    return dt.datetime(*moment, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(dt.UTC)


def test_late_means_after_the_deadline_day_ends_in_the_school_zone(jw, world, lesson_of):
    """The database compares each entry with the first moment after its deadline day in the school's zone
    (Moscow, UTC+3): 23:59 on the deadline day is in time, 00:00 the next day is late; a control work in grade 6
    has three days, an ordinary mark none."""
    lesson = lesson_of(world.a_maths_5a, dt.date(2026, 9, 14), recorded_at=_moscow(2026, 9, 15, 0, 0))
    in_time = lesson_of(world.a_maths_5a, dt.date(2026, 9, 9))
    in_time.recorded_at = _moscow(2026, 9, 9, 23, 59)
    test = lesson_of(world.a_maths_6b, dt.date(2026, 9, 7), kind=world.test_kind)
    late_test = lesson_of(world.a_maths_6b, dt.date(2026, 9, 2), kind=world.test_kind)
    db.session.add_all(
        [
            Mark(lesson_id=lesson.id, student_id=world.vera.id, value=4, created_at=_moscow(2026, 9, 14, 23, 59)),
            Mark(lesson_id=lesson.id, student_id=world.gleb.id, value=4, created_at=_moscow(2026, 9, 15, 0, 0)),
            Mark(lesson_id=test.id, student_id=world.boris.id, value=5, created_at=_moscow(2026, 9, 10, 23, 59)),
            Mark(lesson_id=late_test.id, student_id=world.boris.id, value=5, created_at=_moscow(2026, 9, 6, 0, 0)),
        ]
    )
    db.session.commit()
    c = _control(world)
    f = _page(c, world.a_maths_5a)
    assert (f.late_topics, f.marks, f.late_marks) == (1, 3, 1)
    g = _page(c, world.a_maths_6b)
    assert (g.marks, g.late_marks) == (3, 2)  # with the world's 3, entered when the test runs: late


def test_the_page_and_the_pdf(client, login_as, jw, world, control_pdf):
    login_as("coordinator")
    html = client.get("/admin/control/?month=2026-09").get_data(as_text=True)
    assert "сентябрь 2026" in html and 'id="control-table"' in html and 'id="usage-table"' in html
    html = client.get(f"/admin/control/?month=2026-09&teacher={world.s_teacher.id}").get_data(as_text=True)
    assert "5А · Математика" in html  # the teacher's pages, opened
    for month in ("garbage", "0001-01", "9999-12"):  # this month
        assert client.get(f"/admin/control/?month={month}").status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(control_pdf("2026-09"))).pages)
    assert "Справка по итогам проверки" in text and world.s_teacher.short_name in text
    login_as("teacher")
    assert client.get("/admin/control/").status_code == 403


def test_the_справка_is_a_job_of_the_administration_in_its_owners_language(client, login_as, jw, world, control_pdf):
    """Dozens of pages for a school's month: printed in the background, in the language of whoever ordered it; a
    teacher cannot order it, a GET orders nothing."""
    from sqlalchemy import func, select

    from models.jobs import Job

    login_as("teacher")
    assert client.post("/admin/control/report", data={"month": "2026-09"}).status_code == 403
    login_as("coordinator")
    assert client.get("/admin/control/report?month=2026-09").status_code == 405
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert client.post("/language", data={"lang": "kk", "next": "/admin/control/"}).status_code == 302
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(control_pdf("2026-09"))).pages)
    assert "Электрондық журналдың жүргізілуін тексеру қорытындысы бойынша анықтама" in text
    assert "Справка по итогам" not in text and world.s_teacher.short_name in text
    (job,) = client.get("/admin/jobs/status").get_json()["jobs"]  # named with its month, in Kazakh
    assert job["kind_label"] == "Журналды тексеру қорытындысы бойынша анықтама (PDF): 2026 ж. қыркүйек"


def test_the_справка_closes_a_list_of_names_with_one_full_stop(client, login_as, jw, world, control_pdf):
    """Issue 17: "Замечания …: Математикова М.И.." — the names end with initials, the sentence gets no second
    full stop; every flagged name is printed whole."""
    login_as("coordinator")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(control_pdf("2026-09"))).pages)
    sentence = text.split("Замечания по срокам и полноте записей: ")[1].split(" Выявлено")[0]
    assert ".." not in text
    assert world.s_teacher.short_name in sentence and sentence.endswith(".")
    assert all(name.endswith(".") for name in sentence.split(", "))  # Фамилия И.О. — whole, the stop its own


@pytest.mark.parametrize(
    "given,expected",
    [
        ("Замечания: Иванова И.И.", "Замечания: Иванова И.И."),
        ("Замечания: Иванова И.И. ", "Замечания: Иванова И.И."),
        ("Замечания: Иванов", "Замечания: Иванов."),
        ("Remarks: Ivanova I.I.", "Remarks: Ivanova I.I."),
        ("Готово!", "Готово!"),
    ],
)
def test_end_sentence(given, expected):
    assert end_sentence(given) == expected
