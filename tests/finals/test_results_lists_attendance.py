"""Results of a period, issue 16 item 3: the lists of students by standing with names, lessons missed with and
without a good reason per student, class and school, the provisional results of a running period from the current
marks (the school's rounding), and the page's every table in the XLSX and the PDF.

Every expected figure is computed by hand in the comments from MISSION.md's definitions: качество знаний = share of
the graded students with only 4s and 5s, успеваемость = share with no 2s and no н/а, percentages to one decimal
rounded half up; by marks, СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n1)/N."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models import Attendance, Enrollment, PeriodMark, Student, db
from models.access import Actor
from models.reports.results import period_results

AFTER_Q1 = dt.date(2026, 11, 2)  # Q1: 01.09–25.10.2026, ended
IN_Q2 = dt.date(2026, 11, 20)  # Q2: 05.11–28.12.2026, running


def _student(fin, world, last, first):
    s = fin.add(
        Student(
            school_id=world.school.id,
            last_name=last,
            first_name=first,
            birth_date=dt.date(2015, 1, 1),
            sex="f",
            personal_file_no=f"{last}-{first}",
        )
    )
    fin.add(Enrollment(student_id=s.id, class_id=world.c5a.id, starts_on=world.q1.starts_on, reason_in="admission"))
    return s


@pytest.fixture()
def school(fin, world):
    """5А: anna 5, 5 (отличница); vera 4, 3 (одна «3», по русскому); gleb 4, 5 (хорошист); dina н/а по математике,
    3 по русскому (неуспевающая, н/а). 6Б: boris 2 по математике (неуспевающий)."""
    fin.gleb = _student(fin, world, "Глебов", "Глеб")
    fin.dina = _student(fin, world, "Динова", "Дина")
    maths, russian = (world.maths, world.a_maths_5a), (world.russian, world.a_russian_5a)
    for student, (subject, assignment), value in (
        (world.anna, maths, 5),
        (world.anna, russian, 5),
        (world.vera, maths, 4),
        (world.vera, russian, 3),
        (fin.gleb, maths, 4),
        (fin.gleb, russian, 5),
        (fin.dina, maths, "н/а"),
        (fin.dina, russian, 3),
        (world.boris, (world.maths, world.a_maths_6b), 2),
    ):
        fin.add(
            PeriodMark(
                student_id=student.id,
                subject_id=subject.id,
                period_id=fin.q1.id,
                kind="period",
                value=value if isinstance(value, int) else None,
                special=None if isinstance(value, int) else value,
                assignment_id=assignment.id,
            )
        )
    db.session.commit()
    return fin


def _results(world, today=AFTER_Q1, period=None, who="coordinator"):
    return period_results(Actor.of(world.users[who]), period.id if period else None, today=today)


def test_standings_and_their_measures(world, school):
    r = _results(world)
    c5a, c6b = r.classes
    assert not r.provisional
    assert dict(c5a.standings.counts) == {"excellent": 1, "one_three": 1, "good": 1, "failing": 1}
    # by students: success 3 of 4 = 75.0; quality (anna, gleb) 2 of 4 = 50.0
    assert (c5a.standings.success, c5a.standings.quality) == (D("75.0"), D("50.0"))
    # by marks of 5А: 5 5 4 3 4 5 н/а 3 — 8 marks, success 7/8 = 87.5, quality 5/8 = 62.5,
    # СОУ (3·100 + 2·64 + 2·36)/8 = 500/8 = 62.5, average of the 7 numbers 29/7 = 4.142… → 4.14
    assert (c5a.marks.success, c5a.marks.quality, c5a.marks.sou, c5a.marks.average) == (
        D("87.5"),
        D("62.5"),
        D("62.5"),
        D("4.14"),
    )
    # the school: 5 students, failing dina and boris: success 3/5 = 60.0, quality 2/5 = 40.0
    assert (r.school.students, r.school.success, r.school.quality) == (5, D("60.0"), D("40.0"))
    assert c6b.standings.counts["failing"] == 1


def test_the_lists_name_the_students_and_their_subjects(world, school):
    r = _results(world)
    named = {key: [(s.class_name, s.student.full_name, s.subjects) for s in lines] for key, lines in r.lists.items()}
    assert named == {
        "excellent": [("5А", world.anna.full_name, [])],
        "good": [("5А", school.gleb.full_name, [])],
        "one_three": [("5А", world.vera.full_name, ["Русский язык"])],
        "failing": [("5А", school.dina.full_name, ["Математика"]), ("6Б", world.boris.full_name, ["Математика"])],
        "not_attested": [("5А", school.dina.full_name, ["Математика"])],
    }


def test_a_class_teacher_lists_own_class_only(world, school):
    r = _results(world, who="classteacher")
    assert {s.class_name for lines in r.lists.values() for s in lines} == {"5А"}


@pytest.fixture()
def absences(school, world):
    """Q1: anna 2 lessons ill; vera ill 1, unexcused 1, no reason yet 1 and late once; boris no reason 1.
    After Q1 (10.11) anna misses one more: not in Q1."""
    ill, bad = school.illness, school.unexcused
    for student, day, status, reason in (
        (world.anna, dt.date(2026, 9, 14), "absent", ill),
        (world.anna, dt.date(2026, 9, 15), "absent", ill),
        (world.vera, dt.date(2026, 9, 14), "absent", ill),
        (world.vera, dt.date(2026, 10, 1), "absent", bad),
        (world.vera, dt.date(2026, 10, 2), "absent", None),
        (world.vera, dt.date(2026, 10, 5), "late", None),
        (world.anna, dt.date(2026, 11, 10), "absent", None),
    ):
        lesson = school.lesson(day)
        school.add(
            Attendance(
                lesson_id=lesson.id,
                student_id=student.id,
                status=status,
                minutes_late=5 if status == "late" else None,
                reason_id=reason.id if reason else None,
            )
        )
    lesson = school.lesson(dt.date(2026, 10, 6), assignment=world.a_maths_6b)
    school.add(Attendance(lesson_id=lesson.id, student_id=world.boris.id, status="absent"))
    db.session.commit()
    return school


def test_lessons_missed_per_student_class_and_school(world, absences):
    r = _results(world)
    per_student = [(s.student.full_name, s.absences.missed, s.absences.excused, s.absences.unexcused) for s in r.absent]
    assert per_student == [
        (world.anna.full_name, 2, 2, 0),
        (world.vera.full_name, 3, 1, 2),  # the late arrival is not a missed lesson
        (world.boris.full_name, 1, 0, 1),
    ]
    c5a, c6b = r.classes
    assert [(a.missed, a.excused, a.unexcused) for a in (c5a.absences, c6b.absences, r.school_absences)] == [
        (5, 3, 2),
        (1, 0, 1),
        (6, 3, 3),
    ]
    # Q2 running, up to 20.11: anna's absence of 10.11 only
    q2 = _results(world, today=IN_Q2, period=absences.q2)
    assert [(s.student.full_name, s.absences.unexcused) for s in q2.absent] == [(world.anna.full_name, 1)]


@pytest.mark.parametrize(
    "threshold,vera_maths,vera_standing,quality",
    [
        # vera's maths 3 and 4: average 3.5 → 4 from 0.5 up (хорошистка), stays 3 with 0.6 (одна «3»)
        ("0.5", 4, "good", D("66.7")),
        ("0.6", 3, "one_three", D("33.3")),
    ],
)
def test_provisional_results_from_current_marks(world, absences, threshold, vera_maths, vera_standing, quality):
    """Q2 runs on 20.11. anna: maths 5 (regular) and 4 (a test, weight 2): (5 + 8)/3 = 4.33 → 4; russian 5 →
    хорошистка. vera: maths 3, 4 → 3.5; russian 4. boris: maths 2, 2, 3 → 2.33 → 2, неуспевающий. gleb and dina
    have no marks yet: без отметок (not н/а). A mark after today (25.11) is not counted."""
    school = absences
    school.setting("rounding_threshold", threshold)
    m1, m2, m3 = (school.lesson(dt.date(2026, 11, d)) for d in (9, 16, 17))
    test_lesson = school.lesson(dt.date(2026, 11, 18), kind=school.test)
    ru = school.lesson(dt.date(2026, 11, 10), assignment=world.a_russian_5a)
    later = school.lesson(dt.date(2026, 11, 25))
    school.mark(m1, world.anna, 5)
    school.mark(test_lesson, world.anna, 4)
    school.mark(ru, world.anna, 5)
    school.mark(m2, world.vera, 3)
    school.mark(m3, world.vera, 4)
    school.mark(ru, world.vera, 4)
    school.mark(later, world.vera, 2)
    b1, b2, b3 = (school.lesson(dt.date(2026, 11, d), assignment=world.a_maths_6b) for d in (9, 10, 11))
    for lesson, value in ((b1, 2), (b2, 2), (b3, 3)):
        school.mark(lesson, world.boris, value)
    db.session.commit()

    r = _results(world, today=IN_Q2)
    assert r.period.id == school.q1.id  # the default stays the period that ended last
    r = _results(world, today=IN_Q2, period=school.q2)
    assert r.provisional and r.missing == 0
    c5a, c6b = r.classes
    assert c5a.standings.counts == Counter(["good", vera_standing, "not_graded", "not_graded"])
    assert c6b.standings.counts["failing"] == 1
    # the school: graded anna, vera, boris; good: anna (+ vera) of 3
    assert (r.school.graded, r.school.quality) == (3, quality)
    maths = next(s for s in r.subjects if s.name == "Математика")
    # anna 4, vera's maths, boris 2
    assert maths.marks.counts == Counter([4, vera_maths, 2])
    assert [s.student.full_name for s in r.lists["failing"]] == [world.boris.full_name]


def test_exempt_only_stays_exempt_while_the_period_runs(world, fin):
    lesson = fin.lesson(dt.date(2026, 11, 9))
    fin.mark(lesson, world.vera, special="осв")
    db.session.commit()
    r = _results(world, today=IN_Q2, period=fin.q2)
    assert r.classes[0].standings.counts["not_graded"] == 2  # осв counts as neither grade nor failure


def test_the_page_shows_the_lists_and_attendance(client, login_as, world, absences):
    login_as("coordinator")
    html = client.get(f"/admin/results/?period={absences.q1.id}").get_data(as_text=True)
    assert 'id="results-lists"' in html and 'id="results-attendance"' in html and 'id="results-absent"' in html
    assert world.vera.full_name in html and "results-provisional" not in html
    html = client.get(f"/admin/results/?period={absences.q2.id}").get_data(as_text=True)
    assert 'id="results-provisional"' in html


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_the_xlsx_holds_every_table(client, login_as, world, absences):
    login_as("coordinator")
    response = client.get(f"/admin/results/results.xlsx?period={absences.q1.id}")
    assert response.status_code == 200
    sheets = _sheets(response.data)
    assert list(sheets) == [
        "По классам",
        "По предметам",
        "По учителям",
        "Пропуски по классам",
        "Пропуски по обучающимся",
        "Списки обучающихся",
    ]
    by_class = sheets["По классам"]
    assert by_class[1][:2] == ("5А", 4) and by_class[-1][:2] == ("Итого", 5)
    assert by_class[-1][8:10] == (60, 40)  # success and quality of the school, typed numbers
    assert sheets["Пропуски по классам"][1:] == [("5А", 4, 5, 3, 2), ("6Б", 1, 1, 0, 1), ("Итого", 5, 6, 3, 3)]
    assert sheets["Пропуски по обучающимся"][2] == ("5А", world.vera.full_name, 3, 1, 2)
    assert ("с одной «3»", "5А", world.vera.full_name, "Русский язык") in sheets["Списки обучающихся"]
    assert ("не аттестованы (н/а)", "5А", absences.dina.full_name, "Математика") in sheets["Списки обучающихся"]
    assert sheets["По предметам"][0][0] == "Предмет" and sheets["По учителям"][0][0] == "Учитель"


def test_a_name_that_looks_like_a_formula_stays_text(client, login_as, world, absences):
    absences.gleb.last_name = "=HYPERLINK(1)"
    db.session.commit()
    login_as("coordinator")
    sheets = _sheets(client.get(f"/admin/results/results.xlsx?period={absences.q1.id}").data)
    names = [row[2] for row in sheets["Списки обучающихся"][1:]]
    assert any(n.startswith("'=HYPERLINK(1)") for n in names)


def test_the_pdf_prints_the_tables_with_cyrillic_intact(client, login_as, world, absences):
    absences.gleb.first_name = '<img src="file:///etc/passwd">'
    db.session.commit()
    login_as("classteacher")
    response = client.get(f"/admin/results/results.pdf?period={absences.q1.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(pdf_text.split())
    for expected in ("Итоги периода", "Пропуски по классам", "Списки обучающихся", "Верова Вера", "Русский язык"):
        assert expected in flat
    assert "<img" in flat  # printed as typed
    assert "6Б" not in flat  # the class teacher's own class only


def test_the_pdf_and_xlsx_of_a_running_period_say_provisional(client, login_as, world, fin):
    login_as("coordinator")
    response = client.get(f"/admin/results/results.pdf?period={fin.q2.id}")
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Предварительные итоги" in flat


def test_provisional_results_take_a_fixed_number_of_queries(world, fin, count_queries):
    lesson = fin.lesson(dt.date(2026, 11, 9))
    fin.mark(lesson, world.anna, 5)
    db.session.commit()
    _results(world, today=IN_Q2, period=fin.q2)
    db.session.expire_all()
    with count_queries() as small:
        _results(world, today=IN_Q2, period=fin.q2)
    for i in range(4):
        s = _student(fin, world, f"Новый{i}", "Ян")
        fin.mark(fin.lesson(dt.date(2026, 11, 10 + i), assignment=world.a_russian_5a), s, 4)
        fin.add(Attendance(lesson_id=lesson.id, student_id=s.id, status="absent"))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as big:
        r = _results(world, today=IN_Q2, period=fin.q2)
    assert r.classes[0].standings.counts["good"] == 4 and r.classes[0].absences.unexcused == 4
    assert big.count == small.count
