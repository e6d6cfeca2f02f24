"""The new school year (models/school/rollover.py, issue 18 item 1): checked student by student on the world —
promoted, graduated, repeating, leaving, the secretary's decisions, the timetable and the students in no class —,
run twice (the second changes nothing), all or nothing. The demo school: tests/demo/test_rollover_demo.py.

World: 2026/2027 (1st quarter 01.09–25.10.2026); 5А (anna, vera; maths: teacher, Russian: classteacher),
6Б (boris; maths: other_teacher, a timetable entry on Monday)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rollover_demo import history
from sqlalchemy import func, select

from models import (
    AcademicYear,
    AuditEvent,
    CurriculumItem,
    Enrollment,
    Period,
    PeriodMark,
    RolloverDecision,
    SchoolClass,
    Setting,
    Student,
    TeachingAssignment,
    TimetableEntry,
    db,
)
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.school.organisation import ensure_year_period
from models.school.rollover import decide, decisions_page, preview, roll_over

NOW = dt.datetime(2027, 6, 20, 9, 0, tzinfo=dt.UTC)
END, START = dt.date(2027, 5, 31), dt.date(2027, 9, 1)


def _year_mark(world, student, value=None, special=None):
    assignment = world.a_maths_5a if student.id != world.boris.id else world.a_maths_6b
    db.session.add(
        PeriodMark(
            student_id=student.id,
            subject_id=assignment.subject_id,
            assignment_id=assignment.id,
            period_id=ensure_year_period(world.year).id,
            kind="year",
            value=value,
            special=special,
        )
    )
    db.session.flush()


def _all_passed(world, **but):
    """Year marks of 4 for everyone, except ``but``: first name → (value, special) or None (no year mark)."""
    for student in (world.anna, world.vera, world.boris):
        mark = but.get(student.first_name, (4, None))
        if mark is not None:
            _year_mark(world, student, *mark)


def test_the_preview_changes_nothing_and_lists_every_step(world, operator):
    _all_passed(world)
    years = db.session.scalar(select(func.count(AcademicYear.id)))
    plan = preview(operator, world.year.id)
    assert (plan.name, plan.starts_on, plan.ends_on) == ("2027/2028", dt.date(2027, 9, 1), dt.date(2028, 5, 31))
    assert plan.periods == [("quarter", 1, "1 четверть", dt.date(2027, 9, 1), dt.date(2027, 10, 25))]
    assert [(old.name, new) for old, new in plan.classes] == [("5А", "6А"), ("6Б", "7Б")]
    assert {s.student.first_name: (s.action, s.new_class_name) for s in plan.students} == {
        "Анна": ("promote", "6А"),
        "Вера": ("promote", "6А"),
        "Борис": ("promote", "7Б"),
    }
    assert [(c.old.name, c.counts) for c in plan.per_class] == [("5А", {"promote": 2}), ("6Б", {"promote": 1})]
    assert (plan.assignments, plan.timetable) == (3, 1)
    assert db.session.scalar(select(func.count(AcademicYear.id))) == years


@pytest.mark.parametrize(
    ("mark", "doubt"),
    [((4, None), None), ((2, None), "two"), ((None, "н/а"), "na"), (None, "none"), ((None, "осв"), None)],
)
def test_who_the_secretary_decides_about(world, operator, mark, doubt):
    _all_passed(world, Анна=mark)
    steps = {s.student.first_name: s for s in preview(operator, world.year.id).students}
    assert (steps["Анна"].doubt, steps["Анна"].action) == (doubt, "decide" if doubt else "promote")
    assert steps["Вера"].action == "promote"


@pytest.mark.parametrize(
    ("decision", "action", "stay"),
    [
        ("promote", "promote", ("6А", START, "promotion")),
        ("repeat", "repeat", ("5А", START, "promotion")),
        ("leave", "leave", None),
    ],
)
def test_each_decision_is_one_step_of_the_movement_history(world, operator, actor_of, decision, action, stay):
    _all_passed(world, Анна=(2, None))
    with pytest.raises(InvalidInput):  # the secretary has not decided: nothing is made
        roll_over(operator, world.year.id, now=NOW)
    assert db.session.scalar(select(AcademicYear).where(AcademicYear.name == "2027/2028")) is None
    assert decide(actor_of("secretary"), world.year.id, {str(world.anna.id): decision}, now=NOW) == 1
    plan = preview(operator, world.year.id)
    step = next(s for s in plan.students if s.student.id == world.anna.id)
    assert (step.action, step.doubt, step.decision.decision) == (action, "two", decision)
    plan = roll_over(operator, world.year.id, now=NOW)
    out = "withdrawal" if decision == "leave" else "promotion"
    assert history(world.anna.id)[0] == ("5А", world.year.id, dt.date(2026, 9, 1), END, "admission", out)
    after = history(world.anna.id)[1:]
    assert [(name, starts, why) for name, _y, starts, _e, why, _o in after] == ([stay] if stay else [])


def test_graduates_keep_their_marks_and_repeaters_get_a_class(world, operator, actor_of):
    db.session.add(Setting(school_id=world.school.id, key="final_grades", value="6"))  # 6Б graduates here
    _all_passed(world, Вера=(2, None))
    decide(actor_of("secretary"), world.year.id, {world.vera.id: "repeat"}, now=NOW)
    marks = db.session.scalar(select(func.count(PeriodMark.id)))
    plan = roll_over(operator, world.year.id, now=NOW)
    new_year = plan.existing
    new_classes = {c.name: c for c in db.session.scalars(select(SchoolClass).where(SchoolClass.year_id == new_year.id))}
    assert set(new_classes) == {"6А", "5А"}  # 6Б graduated; 5А anew for Vera
    assert new_classes["6А"].class_teacher_id == world.c5a.class_teacher_id
    assert history(world.anna.id) == [
        ("5А", world.year.id, dt.date(2026, 9, 1), END, "admission", "promotion"),
        ("6А", new_year.id, START, None, "promotion", None),
    ]
    assert history(world.vera.id)[-1][:3] == ("5А", new_year.id, START)
    assert history(world.boris.id) == [("6Б", world.year.id, dt.date(2026, 9, 1), END, "admission", "graduation")]
    assert db.session.scalar(select(func.count(PeriodMark.id))) == marks  # final marks stay in the old year
    load = db.session.scalars(select(TeachingAssignment).where(TeachingAssignment.year_id == new_year.id)).all()
    assert sorted((a.school_class.name, a.subject_id, a.teacher_id) for a in load) == sorted(
        ("6А", a.subject_id, a.teacher_id)
        for a in db.session.scalars(select(TeachingAssignment).where(TeachingAssignment.class_id == world.c5a.id))
    )
    assert db.session.scalar(select(func.count(Period.id)).where(Period.year_id == new_year.id)) == 2  # + year
    old_curriculum = db.session.scalar(
        select(func.count(CurriculumItem.id)).where(CurriculumItem.year_id == world.year.id)
    )
    assert (
        db.session.scalar(select(func.count(CurriculumItem.id)).where(CurriculumItem.year_id == new_year.id))
        == old_curriculum
    )
    assert db.session.scalar(select(func.count(SchoolClass.id)).where(SchoolClass.year_id == world.year.id)) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "year.rollover"))
    assert event.entity_id == new_year.id
    # a second run changes nothing, and the decisions are closed
    counts = db.session.scalar(select(func.count(Enrollment.id)))
    again = roll_over(operator, world.year.id, now=NOW)
    assert again.existing.id == new_year.id and db.session.scalar(select(func.count(Enrollment.id))) == counts
    with pytest.raises(Conflict):
        decide(actor_of("secretary"), world.year.id, {world.vera.id: "promote"}, now=NOW)


def test_the_timetable_is_carried_with_the_teacher_subject_and_bell(world, operator):
    _all_passed(world)
    new_year = roll_over(operator, world.year.id, now=NOW).existing
    carried = db.session.execute(
        select(TimetableEntry, TeachingAssignment)
        .join(TeachingAssignment)
        .where(TeachingAssignment.year_id == new_year.id)
    ).all()
    assert [
        (a.school_class.name, a.teacher_id, e.weekday, e.bell_id, e.valid_from, e.valid_to) for e, a in carried
    ] == [("7Б", world.a_maths_6b.teacher_id, 1, world.bell.id, START, None)]
    old = db.session.get(TimetableEntry, world.entry_6b.id)
    assert (old.assignment_id, old.valid_from, old.valid_to) == (world.a_maths_6b.id, world.entry_6b.valid_from, None)


def test_a_student_in_no_class_is_listed_and_left_as_is(world, operator):
    _all_passed(world)
    lone = Student(
        school_id=world.school.id,
        last_name="Безклассова",
        first_name="Лиза",
        birth_date=dt.date(2014, 3, 1),
        sex="f",
        personal_file_no="Б-1",
    )
    db.session.add(lone)
    db.session.flush()
    assert [s.id for s in preview(operator, world.year.id).outside] == [lone.id]
    assert lone.id not in {s.student.id for s in preview(operator, world.year.id).students}
    roll_over(operator, world.year.id, now=NOW)
    assert history(lone.id) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "year.rollover"))
    assert json.loads(event.new)["outside"] == [lone.id]


@pytest.mark.parametrize("who", ["director", "secretary", "classteacher"])
def test_only_the_operator_previews(world, actor_of, who):
    with pytest.raises(AccessDenied):
        preview(actor_of(who), world.year.id)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("secretary", True), ("operator", False), ("director", False), ("classteacher", False), ("teacher", False)],
)
def test_only_the_secretary_decides(world, actor_of, who, allowed):
    _all_passed(world, Анна=(2, None))
    if not allowed:
        with pytest.raises(AccessDenied):
            decide(actor_of(who), world.year.id, {world.anna.id: "repeat"}, now=NOW)
        assert db.session.scalar(select(func.count(RolloverDecision.id))) == 0
        return
    decide(actor_of(who), world.year.id, {world.anna.id: "repeat"}, now=NOW)
    saved = db.session.scalar(select(RolloverDecision))
    assert (saved.student_id, saved.decision, saved.decided_by_id) == (world.anna.id, "repeat", world.users[who].id)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rollover.decision"))
    assert (audit.entity_id, audit.actor_id) == (world.anna.id, world.users[who].id)
    assert decide(actor_of(who), world.year.id, {world.anna.id: ""}, now=NOW) == 1  # cleared, audited
    assert db.session.scalar(select(func.count(RolloverDecision.id))) == 0


@pytest.mark.parametrize(
    ("choices", "error"),
    [
        ({"anna": "expel"}, InvalidInput),
        ({"vera": "repeat"}, NotFound),  # Vera passed: not on the list
        ({"12x": "repeat"}, NotFound),
        ({"anna": "repeat", "vera": "leave"}, NotFound),  # all or nothing
    ],
)
def test_a_wrong_decision_changes_nothing(world, actor_of, choices, error):
    _all_passed(world, Анна=(2, None))
    ids = {"anna": world.anna.id, "vera": world.vera.id}
    with pytest.raises(error):
        decide(actor_of("secretary"), world.year.id, {ids.get(k, k): v for k, v in choices.items()}, now=NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count(RolloverDecision.id))) == 0


def test_the_decision_list_reads_for_the_director_not_the_teacher(world, actor_of):
    _all_passed(world, Анна=None)
    assert [s.student.id for s in decisions_page(actor_of("director"), world.year.id).doubtful] == [world.anna.id]
    with pytest.raises(AccessDenied):
        decisions_page(actor_of("teacher"), world.year.id)


def test_the_pages_preview_decide_then_run_as_a_job(client, login_as, world, app, monkeypatch):
    import tasks
    from models import Job

    monkeypatch.setattr(tasks, "enqueue", lambda job: None)  # the test runs the worker's turn itself
    _all_passed(world, Вера=(None, "н/а"))
    db.session.commit()
    login_as("operator")
    html = client.get(f"/admin/rollover/?year={world.year.id}").get_data(as_text=True)
    assert "5А → <strong>6А</strong>" in html and "Аннова Анна" in html and "переводится в 6А" in html
    assert "Ждут решения секретаря: 1" in html and 'id="rollover-run" disabled' in html
    assert "Звонки и предметы принадлежат школе" in html
    html = client.post("/admin/rollover/run", data={"year_id": world.year.id}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Секретарь ещё не решил, что будет с 1 обучающимися" in html
    assert db.session.scalar(select(func.count(Job.id))) == 0  # refused at once: no job

    login_as("secretary")
    html = client.get(f"/admin/rollover-decisions/?year={world.year.id}").get_data(as_text=True)
    assert "Верова Вера" in html and "годовая «н/а»" in html and "Аннова Анна" not in html
    html = client.post(
        "/admin/rollover-decisions/save",
        data={"year_id": world.year.id, f"decision-{world.vera.id}": "repeat"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Решения сохранены (изменено: 1)." in html

    login_as("operator")
    html = client.get(f"/admin/rollover/?year={world.year.id}").get_data(as_text=True)
    assert "остаётся на повторное обучение в 5А" in html and "решение секретаря от" in html
    response = client.post("/admin/rollover/run", data={"year_id": world.year.id})
    job = db.session.scalar(select(Job))
    assert (response.status_code, job.kind, job.status) == (303, "year_rollover", "queued")
    assert response.headers["Location"].endswith(f"/admin/rollover/?job={job.id}#rollover-job")
    html = client.get(f"/admin/rollover/?job={job.id}").get_data(as_text=True)
    assert 'data-status="queued"' in html and "js/jobs.js" in html and 'id="rollover-form"' not in html
    assert db.session.scalar(select(AcademicYear).where(AcademicYear.name == "2027/2028")) is None
    with app.app_context():
        assert tasks.execute(job.id) == "done"
    html = client.get(f"/admin/rollover/?job={job.id}").get_data(as_text=True)
    assert "Новый учебный год 2027/2028 создан." in html and 'id="new-classes"' in html
    assert '<li class="new-class">6А</li>' in html and '<li class="new-class">5А</li>' in html
    assert f"/admin/rollover/?job={job.id}" in client.get("/admin/jobs/").get_data(as_text=True)
    html = client.post("/admin/rollover/run", data={"year_id": world.year.id}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Учебный год 2027/2028 уже создан." in html  # a second run: refused, nothing queued
    assert db.session.scalar(select(func.count(Job.id))) == 1
    login_as("director")
    assert client.post("/admin/rollover/run", data={"year_id": world.year.id}).status_code == 403
