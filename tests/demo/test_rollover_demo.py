"""The year rollover on the demo school (issue 18 item 1, "Done means"): every student's step checked one by one
— promoted into the class a grade up with the same letter, graduated from the 11th (final marks kept in the old
year), repeating, leaving (the secretary's decisions) —, run twice (the second run changes no row of any table),
and killed half-way through the classes (the database equals the state before: one transaction) on SQLite and,
with TEST_DATABASE_URL, PostgreSQL. The demo year's marks: tests/rollover_demo.py."""

from __future__ import annotations

import datetime as dt
import multiprocessing

from rollover_demo import NOW, every_row, history, operator_of, roll_over_and_hang, row_counts, year_end_marks
from sqlalchemy import select

from demo import Scale, load_demo
from models import AcademicYear, Enrollment, Period, PeriodMark, SchoolClass, db
from models.school.rollover import _open_at_the_end, roll_over

TODAY = dt.date(2026, 11, 22)


def _stays_at_the_end(year) -> dict[int, SchoolClass]:
    return {
        e.student_id: cls
        for e, cls in db.session.execute(
            select(Enrollment, SchoolClass)
            .join(SchoolClass)
            .where(SchoolClass.year_id == year.id, _open_at_the_end(year.ends_on))
        )
    }


def test_the_demo_school_student_by_student_then_a_second_run_changes_nothing(db_session):
    load_demo(scale=Scale.tiny(), today=TODAY)
    cast = year_end_marks(db.session)
    year = db.session.get(AcademicYear, cast.year_id)
    operator = operator_of(db.session, year.id)
    before = {sid: (cls, history(sid)) for sid, cls in _stays_at_the_end(year).items()}
    graduates = [sid for sid, (cls, _h) in before.items() if cls.grade == 11]
    final_marks = (
        select(PeriodMark.id).join(Period).where(Period.year_id == year.id, PeriodMark.student_id.in_(graduates))
    )
    kept = db.session.scalars(final_marks).all()
    assert graduates and kept and len(before) > 30

    plan = roll_over(operator, year.id, now=NOW)
    new_year = plan.existing
    first, last = dt.date(year.starts_on.year + 1, 9, 1), year.ends_on
    assert (new_year.starts_on, plan.counts["decide"]) == (first, 0)
    new_classes = {c.name: c for c in db.session.scalars(select(SchoolClass).where(SchoolClass.year_id == new_year.id))}
    for old, new_name in plan.classes:  # 5А → 6А: a grade up, the same letter and class teacher
        if new_name is not None:
            assert (new_classes[new_name].grade, new_classes[new_name].letter) == (old.grade + 1, old.letter)
            assert new_classes[new_name].class_teacher_id == old.class_teacher_id
    assert "12А" not in new_classes and len(new_classes) == len(plan.classes) - 1  # the 11th graduates

    steps = {"promote": 0, "graduate": 0, "repeat": 0, "leave": 0}
    for sid, (old, stays) in before.items():
        if sid == cast.repeats:
            action, new_name, out = "repeat", old.name, "promotion"
        elif sid == cast.leaves:
            action, new_name, out = "leave", None, "withdrawal"
        elif old.grade == 11:
            action, new_name, out = "graduate", None, "graduation"
        else:
            action, new_name, out = "promote", f"{old.grade + 1}{old.letter}", "promotion"
        steps[action] += 1
        closed = (*stays[-1][:3], last, stays[-1][4], out)
        expected = (
            stays[:-1] + [closed] + ([(new_name, new_year.id, first, None, "promotion", None)] if new_name else [])
        )
        assert history(sid) == expected, (sid, action)
    assert steps == {a: n for a, n in plan.counts.items() if a != "decide"}
    assert steps["repeat"] == steps["leave"] == 1 and cast.unmarked not in (cast.repeats, cast.leaves)
    assert db.session.scalars(final_marks).all() == kept  # graduates' final marks stay in the old year

    counts = row_counts(db.session)
    again = roll_over(operator, year.id, now=NOW)
    assert again.existing.id == new_year.id and row_counts(db.session) == counts


def _kill_half_way(url: str, year_id: int) -> tuple[int, int, int]:
    context = multiprocessing.get_context("spawn")
    report = context.Queue()
    child = context.Process(target=roll_over_and_hang, args=(url, year_id, report), daemon=True)
    child.start()
    try:
        done, total, classes_seen = report.get(timeout=180)
    finally:
        child.kill()
        child.join(timeout=30)
    assert child.exitcode is not None and child.exitcode < 0  # killed, never committed
    return done, total, classes_seen


def test_a_rollover_killed_half_way_leaves_the_database_as_it_was(shared_app, fresh_url):
    with shared_app.app_context():
        load_demo(scale=Scale.tiny(), today=TODAY)
        cast = year_end_marks(db.session)
        db.session.commit()
        before = every_row(db.session)
        db.session.remove()
    done, total, classes_seen = _kill_half_way(fresh_url, cast.year_id)
    # the child had made the first half of the new classes, inside its transaction
    assert done * 2 >= total > done and classes_seen > len(before["school_classes"])
    with shared_app.app_context():
        assert every_row(db.session) == before
        plan = roll_over(operator_of(db.session, cast.year_id), cast.year_id, now=NOW)  # nothing left locked
        db.session.commit()
        assert plan.existing is not None and plan.counts["decide"] == 0
        db.session.remove()
