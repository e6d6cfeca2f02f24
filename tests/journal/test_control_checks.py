"""The checks the regulations add to the monthly control (issue 16, item 4) and the journal-keeping
effectiveness (item 5), each against values computed by hand.

jw (tests/journal/conftest.py): maths 5А Mon and Wed at bell 1 from 01.09 (02, 07, 09, 14, 16.09 up to
16.09: five lessons expected); the world's lesson of 07.09 (anna's 5, no attendance entry, no plan line);
on 16.09 5А is anna, vera, gleb; `other_teacher` substitutes maths 5А on Wednesday 09.09 (bell 1)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from models import Attendance, CurriculumItem, Mark, PlanItem, Remark, Setting, db
from models.access import Actor
from models.errors import AccessDenied, InvalidInput
from models.reports.control_findings import PLAN, RULES, finding_counts, findings
from models.reports.effectiveness import RemarksDue, remarks_due, score, share, shares_of
from models.reports.journal_control import Figures, class_control, journal_control, marks_expected
from models.school.settings import parse_setting

from .conftest import at
from .test_journal_control import _moscow

TODAY, SEP = dt.date(2026, 9, 16), dt.date(2026, 9, 1)


def _page(c, assignment):
    return next(p.figures for t in c.teachers for p in t.pages if p.assignment.id == assignment.id)


def _control(world, who="coordinator"):
    return journal_control(Actor.of(world.users[who]), SEP, today=TODAY)


def _set(world, key, value):
    db.session.add(Setting(school_id=world.school.id, key=key, value=value))
    db.session.commit()


@pytest.mark.parametrize(
    ("per_25", "students", "expected"),
    [(4, 25, 4), (5, 25, 5), (4, 26, 5), (4, 12, 2), (4, 3, 1), (4, 0, 0), (0, 25, 0)],
)
def test_marks_expected_in_proportion_to_the_roster(per_25, students, expected):
    """ceil(per_25 × students / 25): 4×26/25 = 4.16 → 5; 4×12/25 = 1.92 → 2; 4×3/25 = 0.48 → 1."""
    assert marks_expected(per_25, students) == expected


@pytest.mark.parametrize(
    ("setting", "expected", "few"),
    [("0", 0, 0), ("4", 1, 1), ("25", 3, 2)],  # 3 students: ceil(4·3/25) = 1, ceil(25·3/25) = 3
)
def test_lessons_with_few_marks_and_without_attendance(jw, world, lesson_of, setting, expected, few):
    """07.09: anna marked (1 student), nobody absent; 14.09: nobody marked, vera absent."""
    _set(world, "control_marks_per_lesson", setting)
    monday = lesson_of(world.a_maths_5a, dt.date(2026, 9, 14))
    db.session.add(Attendance(lesson_id=monday.id, student_id=world.vera.id, status="absent"))
    db.session.commit()
    f = _page(_control(world), world.a_maths_5a)
    assert (f.recorded, f.no_attendance, f.marks_expected, f.few_marks) == (2, 1, expected, few)


def test_the_programme_against_the_plan_and_the_curriculum(jw, world, lesson_of):
    """Plan of maths 5А: hours 1, 2 (control), 1, 3, 1 (control) = 8 h; the control lines start after 1 and 7
    hours. The timetable expects 5 lessons up to 16.09, so the first control work is due, the second is not.
    Curriculum: grade 5 maths 2 h × 34 weeks = 68 h."""
    f = _page(_control(world), world.a_maths_5a)
    assert (f.plan_hours, f.curriculum_hours, f.no_plan_line) == (0, 0, 0)  # no plan: the finding is "no plan"
    for position, hours, kind in (
        (1, 1, None),
        (2, 2, world.test_kind),
        (3, 1, None),
        (4, 3, None),
        (5, 1, world.test_kind),
    ):
        db.session.add(
            PlanItem(
                assignment_id=world.a_maths_5a.id,
                position=position,
                topic=f"Тема {position}",
                hours=hours,
                work_kind_id=kind.id if kind else None,
            )
        )
    db.session.add(
        CurriculumItem(year_id=world.year.id, grade=5, subject_id=world.maths.id, hours_per_week=D(2), weeks=34)
    )
    db.session.commit()
    f = _page(_control(world), world.a_maths_5a)
    assert (f.plan_hours, f.curriculum_hours) == (8, 68)
    assert (f.planned_to_date, f.given_to_date, f.behind) == (5, 1, 4)
    assert (f.control_due, f.control_held, f.control_missing) == (1, 0, 1)
    assert f.no_plan_line == 1  # the world's lesson of 07.09
    lesson_of(world.a_maths_5a, dt.date(2026, 9, 14), kind=world.test_kind)
    f = _page(_control(world), world.a_maths_5a)
    assert (f.given_to_date, f.behind, f.control_held, f.control_missing) == (2, 3, 1, 0)


@pytest.mark.parametrize(
    ("recorded", "bad"),
    [
        (None, 1),  # nothing recorded on 09.09
        ("absent_teacher", 1),  # recorded by the teacher who was absent, not linked to the substitution
        ("substitute", 0),  # the substitute's lesson at the substituted bell
        ("substitute_no_bell", 0),  # the substitute's lesson without a bell
    ],
)
def test_substitutions_recorded_by_the_substitute(jw, world, lesson_of, recorded, bad):
    if recorded is not None:
        lesson = lesson_of(
            world.a_maths_5a, dt.date(2026, 9, 9), bell=None if recorded.endswith("no_bell") else world.bell
        )
        if recorded.startswith("substitute"):
            lesson.taught_by_id, lesson.substitution_id = world.s_other_teacher.id, world.substitution.id
        db.session.commit()
    f = _page(_control(world), world.a_maths_5a)
    assert (f.substitutions, f.bad_substitutions) == (1, bad)


def test_a_lesson_given_by_another_teacher_needs_a_substitution_on_record(jw, world, lesson_of):
    """Monday 14.09: maths 5А recorded by `other_teacher` with no substitution that day; the substituted
    Wednesday 09.09 recorded by the substitute is in order."""
    monday = lesson_of(world.a_maths_5a, dt.date(2026, 9, 14))
    wednesday = lesson_of(world.a_maths_5a, dt.date(2026, 9, 9), bell=world.bell)
    monday.taught_by_id = wednesday.taught_by_id = world.s_other_teacher.id
    wednesday.substitution_id = world.substitution.id
    db.session.commit()
    f = _page(_control(world), world.a_maths_5a)
    assert (f.unregistered, f.bad_substitutions) == (1, 0)


FINE = dict(expected=4, recorded=4, marks=8, students=2, plan_hours=68, curriculum_hours=68, no_attendance=0)


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({}, []),
        ({"recorded": 3}, ["unrecorded"]),
        ({"late_topics": 1, "late_marks": 2, "no_homework": 1}, ["late_topics", "late_marks", "no_homework"]),
        ({"no_attendance": 1}, ["no_attendance"]),  # one lesson given without attendance taken is a finding
        ({"few_marks": 2, "marks_expected": 4}, ["few_marks"]),
        ({"without_marks": 1}, ["without_marks"]),
        ({"without_marks": 1, "marked": False}, []),  # the first grade: no marks expected
        ({"plan_hours": 0}, ["no_plan"]),
        ({"plan_hours": 60}, ["plan_hours"]),
        ({"curriculum_hours": 0, "plan_hours": 60}, []),  # the subject is not in the curriculum: nothing to compare
        ({"no_plan_line": 3}, ["no_plan_line"]),
        ({"planned_to_date": 10, "given_to_date": 9}, ["behind"]),
        ({"control_due": 2, "control_held": 1}, ["control_works"]),
        ({"control_due": 1, "control_held": 2}, []),
        ({"substitutions": 2, "bad_substitutions": 1}, ["substitutions"]),
        ({"unregistered": 1}, ["unregistered"]),
    ],
)
def test_what_the_control_finds(changes, codes):
    f = Figures(**{**FINE, **changes})
    assert [rule.code for rule in RULES if rule.applies(f)] == codes


def test_each_finding_links_to_the_place_to_fix(jw, world):
    found = findings(_control(world))
    maths = {x.code: x for x in found if x.assignment_id == world.a_maths_5a.id}
    assert set(maths) >= {"unrecorded", "no_plan", "behind", "substitutions", "no_attendance", "without_marks"}
    assert maths["no_plan"].fix == PLAN and maths["unrecorded"].fix == "journal"
    assert str(maths["unrecorded"].text) == "Не записано уроков по расписанию: 4"
    assert str(maths["substitutions"].text) == "Замены не записаны заменявшим учителем: 1 из 1"


def test_the_badges_count_what_each_teachers_list_holds(jw, world):
    """The control page counts every teacher's findings without building them; opening a teacher lists them."""
    c = _control(world)
    counts = finding_counts(c)
    assert counts == {t.teacher_id: len(findings(c, teacher_id=t.teacher_id)) for t in c.teachers}
    assert counts[world.s_teacher.id] > 0


def test_the_class_teacher_sees_their_class_only(jw, world, lesson_of):
    lesson_of(world.a_maths_6b, dt.date(2026, 9, 14))
    mine = class_control(Actor.of(world.users["classteacher"]), world.c5a.id, SEP, today=TODAY)
    classes = {p.assignment.class_name for t in mine.teachers for p in t.pages}
    assert classes == {"5А"}
    assert class_control(Actor.of(world.users["coordinator"]), world.c6b.id, SEP, today=TODAY).teachers
    for who, cls in (("classteacher", world.c6b), ("teacher", world.c5a), ("parent", world.c5a)):
        with pytest.raises(AccessDenied):
            class_control(Actor.of(world.users[who]), cls.id, SEP, today=TODAY)


def test_the_class_teachers_page(client, login_as, jw, world):
    login_as("classteacher")
    html = client.get(f"/admin/my-class/control/?class_id={world.c5a.id}&month=2026-09").get_data(as_text=True)
    assert 'id="class-control-table"' in html and "Нет тематического планирования" in html
    assert f'href="/admin/plan/{world.a_maths_5a.id}"' in html or f"/admin/plan/{world.a_maths_5a.id}" in html
    assert "6Б" not in html
    assert client.get(f"/admin/my-class/control/?class_id={world.c6b.id}").status_code == 403


# --- effectiveness --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(6, 10, "60.0"), (1, 3, "33.3"), (2, 3, "66.7"), (0, 5, "0.0"), (0, 0, "100.0")]
)
def test_share(part, whole, expected):
    assert str(share(part, whole)) == expected


HAND = Figures(
    expected=10, recorded=8, late_topics=2, marks=20, late_marks=5, no_homework=2, students=25, without_marks=5
)


@pytest.mark.parametrize(
    ("figures", "remarks", "weights", "shares", "total"),
    [
        # T = (8−2)/10 = 60; M = 15/20 = 75; H = 6/8 = 75; S = 20/25 = 80; R = 1/2 = 50
        # (30·60 + 20·75 + 20·75 + 20·80 + 10·50) / 100 = 69.0
        (HAND, RemarksDue(2, 1), (30, 20, 20, 20, 10), ("60.0", "75.0", "75.0", "80.0", "50.0"), "69.0"),
        # equal weights: (60 + 75 + 75 + 80 + 50) / 5 = 68.0
        (HAND, RemarksDue(2, 1), (20, 20, 20, 20, 20), ("60.0", "75.0", "75.0", "80.0", "50.0"), "68.0"),
        # nothing to measure: every share 100
        (Figures(), RemarksDue(), (30, 20, 20, 20, 10), ("100.0",) * 5, "100.0"),
        # more lessons recorded than expected (4 of 3), one late: T = 3/4 = 75; no marks, no remarks: 100
        # (10·75 + 10·100 + 10·100 + 10·100 + 60·100) / 100 = 97.5
        (
            Figures(expected=3, recorded=4, late_topics=1),
            RemarksDue(),
            (10, 10, 10, 10, 60),
            ("75.0",) + ("100.0",) * 4,
            "97.5",
        ),
    ],
)
def test_the_effectiveness_formula(figures, remarks, weights, shares, total):
    got = shares_of(figures, remarks)
    assert tuple(str(s) for s in got) == shares
    assert str(score(got, tuple(D(w) for w in weights))) == total


def test_remarks_fixed_by_their_day_in_the_school_zone(jw, world):
    """Due 10.09: fixed 23:59 on 10.09 in Moscow is in time, 00:00 on 11.09 is late; not fixed: late."""
    for fixed in (_moscow(2026, 9, 10, 23, 59), _moscow(2026, 9, 11, 0, 0), None):
        db.session.add(
            Remark(
                school_id=world.school.id,
                teacher_id=world.s_teacher.id,
                author_id=world.users["coordinator"].id,
                text="Запишите темы",
                due_on=dt.date(2026, 9, 10),
                fixed_at=fixed,
            )
        )
    db.session.commit()
    from zoneinfo import ZoneInfo

    due = remarks_due(world.school.id, ZoneInfo("Europe/Moscow"), SEP, dt.date(2026, 9, 30))
    assert due[world.s_teacher.id] == RemarksDue(3, 1)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("30, 20, 20, 20, 10", True),
        ("20/20/20/20/20", True),
        ("30, 20, 20, 20, 20", False),
        ("50, 50", False),
        ("0, 25, 25, 25, 25", False),
    ],
)
def test_the_weights_sum_to_100(value, ok):
    if ok:
        assert sum(parse_setting("effectiveness_weights", value)) == 100
    else:
        with pytest.raises(InvalidInput):
            parse_setting("effectiveness_weights", value)


@pytest.mark.parametrize(
    ("value", "ok"), [("0", True), ("4", True), ("25", True), ("26", False), ("-1", False), ("x", False)]
)
def test_the_marks_per_lesson_setting(value, ok):
    if ok:
        assert parse_setting("control_marks_per_lesson", value) == int(value)
    else:
        with pytest.raises(InvalidInput):
            parse_setting("control_marks_per_lesson", value)


def test_the_effectiveness_page_and_its_xlsx(client, login_as, jw, world):
    for mark in db.session.query(Mark).filter_by(lesson_id=world.lesson_5a.id):
        mark.created_at = at(dt.date(2026, 9, 7))
    world.lesson_5a.recorded_at = at(dt.date(2026, 9, 7))
    db.session.commit()
    login_as("coordinator")
    html = client.get("/admin/effectiveness/?month=2026-09").get_data(as_text=True)
    assert "(30·T + 20·M + 20·H + 20·S + 10·R) / 100" in html and 'id="effectiveness-table"' in html
    response = client.get("/admin/effectiveness/effectiveness.xlsx?month=2026-09")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Учитель" and rows[0][-1] == "Итог, баллов из 100"
    names = [row[0] for row in rows[1:]]
    assert world.s_teacher.short_name in names
    for row in rows[1:]:
        assert 0 <= float(row[-1]) <= 100
    assert 'id="weights-settings"' not in html  # the coordinator does not change the school's settings
    login_as("operator")
    assert 'href="/admin/settings/"' in client.get("/admin/effectiveness/").get_data(as_text=True)
    login_as("teacher")
    assert client.get("/admin/effectiveness/").status_code == 403


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (SEP, TODAY),
        (dt.date(2026, 9, 2), dt.date(2026, 9, 2)),
        (SEP, dt.date(2026, 12, 31)),
        (dt.date(2026, 10, 20), dt.date(2026, 11, 9)),
    ],
)
def test_expected_counts_agree_with_the_days_the_timetable_expects(jw, world, first, last):
    """The arithmetic count equals counting expected_days one by one (across the holidays 26.10–01.11 too)."""
    from collections import Counter

    from sqlalchemy import select

    from models import Period, TeachingAssignment
    from models.school.timetable import expected_counts, expected_days, slots_query

    slots = db.session.execute(slots_query(select(TeachingAssignment.id))).all()
    periods = db.session.scalars(select(Period).where(Period.scheme != "year")).all()
    by_day = Counter(slot[1] for slot, _day in expected_days(slots, periods, first, last))
    assert expected_counts(slots, periods, first, last) == by_day
    assert sum(by_day.values()) > 0


def test_the_spravka_carries_the_findings(client, login_as, jw, world, control_pdf):
    from pypdf import PdfReader

    login_as("coordinator")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(control_pdf("2026-09"))).pages)
    flat = " ".join(text.split())
    assert "Выявлено проверкой" in flat and "Нет тематического планирования" in flat
    assert "Не записано уроков по расписанию:" in flat and "5А · Математика" in flat


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Timetabled lessons not recorded:", "No thematic plan", "fix"]),
        ("kk", ["Кесте бойынша жазылмаған сабақтар:", "Күнтізбелік-тақырыптық жоспарлау жоқ", "түзету"]),
    ],
)
def test_findings_in_the_readers_language(client, login_as, jw, world, lang, words):
    login_as("coordinator")
    assert client.post("/language", data={"lang": lang, "next": "/login"}).status_code == 302
    html = client.get(f"/admin/control/?month=2026-09&teacher={world.s_teacher.id}").get_data(as_text=True)
    for word in words:
        assert word in html
    assert "Не записано уроков" not in html


@pytest.mark.parametrize(("who", "shown"), [("classteacher", True), ("teacher", False), ("coordinator", False)])
def test_the_class_teachers_home_leads_to_the_findings(client, login_as, jw, world, who, shown):
    login_as(who)
    html = client.get("/admin/").get_data(as_text=True)
    assert ('id="class-control-home"' in html) is shown
    if shown:
        assert 'href="/admin/my-class/control/"' in html


def test_expected_counts_from_several_first_days_agree_with_one_count_each(jw, world):
    """The control counts the month and the year to date in one pass: each range as its own count gives."""
    from sqlalchemy import select

    from models import Period, TeachingAssignment
    from models.school.timetable import expected_counts, expected_counts_from, slots_query

    slots = db.session.execute(slots_query(select(TeachingAssignment.id))).all()
    periods = db.session.scalars(select(Period).where(Period.scheme != "year")).all()
    firsts = (dt.date(2026, 9, 14), SEP, dt.date(2026, 9, 10), dt.date(2026, 10, 1))
    counts = expected_counts_from(slots, periods, firsts, TODAY)
    assert counts == [expected_counts(slots, periods, first, TODAY) for first in firsts]
    assert counts[1].total() > counts[0].total() > 0 and counts[3].total() == 0  # a first day after the last
