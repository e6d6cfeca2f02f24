"""The floor of three pages: the same page written plainly — hand-written SQL (a few round trips), a plain
Jinja template, through Flask with a signed-in session check — against the same database in the same run,
and the ratio of the project's page to it.

    python bench/floor.py --database-url URL [--runs 30] [--week YYYY-MM-DD]

Pages (median of ``--runs`` each, in-process through ``test_client``, server time without the network):
- the parent's diary week ``/diary/<child>?week=…`` (the demo parent's first child);
- the parent's "Отметки и итоги" ``/diary/<child>/marks`` (the current period of the year);
- the teacher's journal grid ``/admin/journal/<id>?period=…`` (the page bench/bench_journal.py measures).
The floor checks access in its first query (the guardian link, the teacher's own assignment), reads what
the page shows in 2–3 more, and prints it with a template of the same shape (rows, cells, inputs for the
grid). It is what a page of this content costs at the least here; the ratio is the room left.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

PASSWORD = "demo-pass-2026"

DIARY_SQL = {
    "access": """SELECT s.last_name, s.first_name, c.id, c.grade, c.letter FROM students s
        JOIN student_guardians sg ON sg.student_id = s.id AND sg.guardian_id = :guardian
        LEFT JOIN enrollments e ON e.student_id = s.id AND e.starts_on <= :sunday
             AND (e.ends_on IS NULL OR e.ends_on >= :monday)
        LEFT JOIN school_classes c ON c.id = e.class_id WHERE s.id = :student ORDER BY e.starts_on DESC LIMIT 1""",
    "lessons": """SELECT l.id, l.date, b.number, sj.name, l.topic, l.homework FROM lessons l
        JOIN teaching_assignments ta ON ta.id = l.assignment_id JOIN subjects sj ON sj.id = ta.subject_id
        LEFT JOIN bells b ON b.id = l.bell_id
        WHERE ta.class_id = :class AND l.date BETWEEN :monday AND :sunday
          AND (ta.subgroup_id IS NULL OR ta.subgroup_id IN (SELECT subgroup_id FROM subgroup_members
               WHERE student_id = :student))
        ORDER BY l.date, b.number""",
    "cells": """SELECT m.lesson_id, COALESCE(CAST(m.value AS VARCHAR(8)), m.special, '') FROM marks m
        JOIN lessons l ON l.id = m.lesson_id JOIN teaching_assignments ta ON ta.id = l.assignment_id
        WHERE m.student_id = :student AND ta.class_id = :class AND l.date BETWEEN :monday AND :sunday
        UNION ALL SELECT a.lesson_id, a.status FROM attendance a
        JOIN lessons l ON l.id = a.lesson_id JOIN teaching_assignments ta ON ta.id = l.assignment_id
        WHERE a.student_id = :student AND ta.class_id = :class AND l.date BETWEEN :monday AND :sunday""",
}
MARKS_SQL = {
    "period": """SELECT p.id, p.name, p.starts_on, p.ends_on, c.id FROM students s
        JOIN student_guardians sg ON sg.student_id = s.id AND sg.guardian_id = :guardian
        JOIN enrollments e ON e.student_id = s.id AND e.starts_on <= :today
             AND (e.ends_on IS NULL OR e.ends_on >= :today)
        JOIN school_classes c ON c.id = e.class_id
        JOIN periods p ON p.year_id = c.year_id AND p.scheme = c.period_scheme AND p.starts_on <= :today
        WHERE s.id = :student ORDER BY p.starts_on DESC LIMIT 1""",
    "marks": """SELECT sj.name, l.date, m.value, m.special, COALESCE(m.weight, 1) FROM marks m
        JOIN lessons l ON l.id = m.lesson_id JOIN teaching_assignments ta ON ta.id = l.assignment_id
        JOIN subjects sj ON sj.id = ta.subject_id
        WHERE m.student_id = :student AND ta.class_id = :class AND l.date BETWEEN :starts AND :ends
        ORDER BY sj.name, l.date, m.slot""",
}
GRID_SQL = {
    "page": """SELECT ta.class_id, p.starts_on, p.ends_on FROM teaching_assignments ta
        JOIN school_classes c ON c.id = ta.class_id JOIN periods p ON p.id = :period AND p.year_id = c.year_id
        WHERE ta.id = :assignment AND ta.teacher_id = :staff""",
    "students": """SELECT DISTINCT s.id, s.last_name, s.first_name FROM students s
        JOIN enrollments e ON e.student_id = s.id AND e.class_id = :class AND e.starts_on <= :ends
             AND (e.ends_on IS NULL OR e.ends_on >= :starts) ORDER BY s.last_name, s.first_name""",
    "lessons": """SELECT id, date FROM lessons WHERE assignment_id = :assignment AND date BETWEEN :starts AND :ends
        ORDER BY date, bell_id""",
    "cells": """SELECT m.lesson_id, m.student_id, COALESCE(CAST(m.value AS VARCHAR(8)), m.special, '') FROM marks m
        JOIN lessons l ON l.id = m.lesson_id WHERE l.assignment_id = :assignment AND l.date BETWEEN :starts AND :ends
        UNION ALL SELECT a.lesson_id, a.student_id, a.status FROM attendance a
        JOIN lessons l ON l.id = a.lesson_id WHERE l.assignment_id = :assignment AND l.date BETWEEN :starts AND :ends""",
}

DIARY_HTML = """<!doctype html><html><head><title>{{ name }}</title><link rel="stylesheet" href="/static/x.css"></head>
<body><h1>{{ name }}, {{ class_name }}</h1>{% for day, lessons in days %}<h2>{{ day.strftime('%d.%m') }}</h2>
<table>{% for l in lessons %}<tr><td>{{ l[2] or '' }}</td><td>{{ l[3] }}</td><td>{{ l[4] }}</td><td>{{ l[5] or '' }}</td>
<td>{{ cells.get(l[0], [])|join(' ') }}</td></tr>{% endfor %}</table>{% endfor %}</body></html>"""
MARKS_HTML = """<!doctype html><html><head><title>{{ period }}</title></head><body><h1>{{ period }}</h1><table>
{% for subject, marks, avg in rows %}<tr><td>{{ subject }}</td><td>{% for m in marks %}<span>{{ m }}</span> {% endfor %}</td>
<td>{{ '%.2f'|format(avg) if avg else '' }}</td></tr>{% endfor %}</table></body></html>"""
GRID_HTML = """<!doctype html><html><head><title>grid</title></head><body><form method="post"><table><tr><th>№</th><th></th>
{% for l in lessons %}<th>{{ l[1].strftime('%d.%m') }}</th>{% endfor %}</tr>
{% for s in students %}<tr><td>{{ loop.index }}</td><td>{{ s[1] }} {{ s[2] }}</td>{% for l in lessons %}
<td><input name="c-{{ l[0] }}-{{ s[0] }}" value="{{ cells.get((l[0], s[0]), '') }}" size="3"></td>{% endfor %}</tr>
{% endfor %}</table></form></body></html>"""


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def floor_app(database_url: str):
    """A plain Flask app on its own engine: a signed cookie says who is signed in (set by /sign-in)."""
    from flask import Flask, abort, render_template_string, request, session
    from sqlalchemy import create_engine, text

    app = Flask("floor")
    app.secret_key = "floor"
    engine = create_engine(database_url)
    diary_sql = {k: text(v) for k, v in DIARY_SQL.items()}
    marks_sql = {k: text(v) for k, v in MARKS_SQL.items()}
    grid_sql = {k: text(v) for k, v in GRID_SQL.items()}

    @app.get("/sign-in/<kind>/<int:person>")
    def sign_in(kind, person):
        session[kind] = person
        return "ok"

    @app.get("/diary/<int:student_id>")
    def diary(student_id):
        day = dt.date.fromisoformat(request.args["week"])
        monday = day - dt.timedelta(days=day.weekday())
        p = {
            "guardian": session["guardian"],
            "student": student_id,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
        }
        with engine.connect() as c:
            row = c.execute(diary_sql["access"], p).first()
            if row is None:
                abort(403)
            p["class"] = row[2]
            lessons = c.execute(diary_sql["lessons"], p).all()
            cells = defaultdict(list)
            for lesson_id, value in c.execute(diary_sql["cells"], p):
                cells[lesson_id].append(value)
        days = defaultdict(list)
        for lesson in lessons:
            days[_date(lesson[1])].append(lesson)
        return render_template_string(
            DIARY_HTML,
            name=f"{row[0]} {row[1]}",
            class_name=f"{row[3]}{row[4]}",
            days=sorted(days.items()),
            cells=cells,
        )

    @app.get("/diary/<int:student_id>/marks")
    def marks(student_id):
        p = {
            "guardian": session["guardian"],
            "student": student_id,
            "today": dt.date.fromisoformat(request.args["today"]),
        }
        with engine.connect() as c:
            period = c.execute(marks_sql["period"], p).first()
            if period is None:
                abort(403)
            p.update({"class": period[4], "starts": period[2], "ends": period[3]})
            by_subject = defaultdict(list)
            for subject, _date_, value, special, weight in c.execute(marks_sql["marks"], p):
                by_subject[subject].append((value, special, float(weight)))
        rows = []
        for subject, items in by_subject.items():
            weights = sum(w for v, _s, w in items if v is not None)
            avg = sum(v * w for v, _s, w in items if v is not None) / weights if weights else None
            rows.append((subject, [v if v is not None else s for v, s, _w in items], avg))
        return render_template_string(MARKS_HTML, period=period[1], rows=rows)

    @app.get("/journal/<int:assignment_id>")
    def grid(assignment_id):
        p = {"assignment": assignment_id, "period": int(request.args["period"]), "staff": session["staff"]}
        with engine.connect() as c:
            page = c.execute(grid_sql["page"], p).first()
            if page is None:
                abort(403)
            p.update({"class": page[0], "starts": page[1], "ends": page[2]})
            students = c.execute(grid_sql["students"], p).all()
            lessons = [(i, _date(d)) for i, d in c.execute(grid_sql["lessons"], p)]
            cells = defaultdict(str)
            for lesson_id, student_id, value in c.execute(grid_sql["cells"], p):
                cells[(lesson_id, student_id)] = (cells[(lesson_id, student_id)] + " " + value).strip()
        return render_template_string(GRID_HTML, students=students, lessons=lessons, cells=cells)

    return app


def _median(client, url: str, runs: int) -> tuple[float, int]:
    warm = client.get(url)
    assert warm.status_code == 200, url
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(warm.data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--week", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)

    import bench_journal as bj
    from sqlalchemy import select

    from app import create_app
    from models import School, User, db
    from models.access import Actor, children

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "GC_FREEZE": False,
        }
    )
    with app.app_context():
        school_id = db.session.scalar(select(School.id).where(School.code == "demo"))
        parent = db.session.scalar(select(User).where(User.login == "parent", User.school_id == school_id))
        child_id = db.session.scalars(children(Actor.of(parent))).first().id
        guardian_id = parent.guardian_id
        assignment_id = bj._target(db)
        a, cls, period = bj._subject(assignment_id, db)
        staff_id, period_id = a.teacher_id, period.id
        db.session.remove()
    week = args.week.isoformat()
    pages = [
        (
            "diary week",
            "parent",
            f"/diary/{child_id}?week={week}",
            f"/diary/{child_id}?week={week}",
            ("guardian", guardian_id),
        ),
        (
            "marks page",
            "parent",
            f"/diary/{child_id}/marks",
            f"/diary/{child_id}/marks?today={week}",
            ("guardian", guardian_id),
        ),
        (
            "journal grid",
            "teacher",
            f"/admin/journal/{assignment_id}?period={period_id}",
            f"/journal/{assignment_id}?period={period_id}",
            ("staff", staff_id),
        ),
    ]
    floor = floor_app(args.database_url)
    dialect = args.database_url.split(":", 1)[0]
    print(f"{dialect}; week of {week}; median of {args.runs} runs each, in-process")
    print(f"{'page':<14} {'project':>9} {'floor':>8} {'ratio':>6}  HTML project / floor")
    for name, login, url, floor_url, (kind, person) in pages:
        client = app.test_client()
        assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
        plain = floor.test_client()
        plain.get(f"/sign-in/{kind}/{person}")
        (project_ms, project_size), (floor_ms, floor_size) = (
            _median(client, url, args.runs),
            _median(plain, floor_url, args.runs),
        )
        print(
            f"{name:<14} {project_ms:>7.1f}ms {floor_ms:>6.1f}ms {project_ms / floor_ms:>5.1f}×  "
            f"{project_size / 1024:.0f} / {floor_size / 1024:.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
