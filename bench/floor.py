"""The floor of three pages: the same page written plainly — hand-written SQL (a few round trips), plain Jinja
templates compiled once (as Flask compiles the project's), through Flask with a signed-in session — against the
same database in the same run, and the ratio of the project's page to it.

    python bench/floor.py --database-url URL [--runs 30] [--week YYYY-MM-DD]

Pages (median of ``--runs`` each, in-process through ``test_client``, server time without the network):
- the parent's diary week ``/diary/<child>?week=…`` (the demo parent's first child): the recorded lessons with
  homework, files, marks and absences, the timetable's lessons not recorded yet, the days off, the week's
  signature or its form;
- the parent's "Отметки и итоги" ``/diary/<child>/marks``: the periods, the current period's marks by subject
  (kind of work, comment, weight) with the weighted average, the period mark and where the marks lead, and the
  year's period marks by subject;
- the teacher's journal grid ``/admin/journal/<id>?period=…`` (the page bench/bench_journal.py measures).
Both family pages carry the navigation: the children's switcher with each one's count of unseen changes (its own
marks, absences and period marks; the project counts homework too) and the unread conversations, in one statement.
The floor checks access in its first query (the guardian link, the teacher's own assignment), reads what the page
shows in a few more, and prints it with a template of the same shape (rows, cells, links, inputs for the grid). It
is what a page of this content costs at the least here; the ratio is the room left.

Each family page is measured twice (session 17): as a repeated visit gets it — the worker keeps the page it built
under its ETag (portal/built_pages.py), so the visit costs the ETag's statements — and built, the kept pages
forgotten before each request (what the first visit after a change costs). The floor keeps nothing.

Until session 14 the floor rendered with ``render_template_string``, which compiles the template on every request:
its figures (bench/README.md, sessions 9–13) included that compilation and the ratios looked ~2–3× better than
they were.
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
    "access": """SELECT s.last_name, s.first_name, c.id, c.grade, c.letter, c.school_id, da.acknowledged_at
        FROM students s JOIN student_guardians sg ON sg.student_id = s.id AND sg.guardian_id = :guardian
        LEFT JOIN enrollments e ON e.student_id = s.id AND e.starts_on <= :sunday
             AND (e.ends_on IS NULL OR e.ends_on >= :monday)
        LEFT JOIN school_classes c ON c.id = e.class_id
        LEFT JOIN diary_acknowledgements da ON da.student_id = s.id AND da.guardian_id = :guardian
             AND da.week_start = :monday
        WHERE s.id = :student ORDER BY e.starts_on DESC LIMIT 1""",
    "slots": """SELECT te.weekday, b.number, sj.name FROM timetable_entries te
        JOIN teaching_assignments ta ON ta.id = te.assignment_id JOIN subjects sj ON sj.id = ta.subject_id
        JOIN bells b ON b.id = te.bell_id
        WHERE ta.class_id = :class AND te.valid_from <= :sunday AND (te.valid_to IS NULL OR te.valid_to >= :monday)
          AND (ta.subgroup_id IS NULL OR ta.subgroup_id IN (SELECT subgroup_id FROM subgroup_members
               WHERE student_id = :student))
        ORDER BY te.weekday, b.number""",
    "days": """SELECT date, kind, reason FROM cancelled_days WHERE school_id = :school
        AND date BETWEEN :monday AND :sunday AND (class_id IS NULL OR class_id = :class)""",
    "files": """SELECT f.lesson_id, f.id, f.filename, f.size_bytes FROM attachments f
        JOIN lessons l ON l.id = f.lesson_id JOIN teaching_assignments ta ON ta.id = l.assignment_id
        WHERE ta.class_id = :class AND l.date BETWEEN :monday AND :sunday""",
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
    "periods": """SELECT p.id, COALESCE(p.name, CAST(p.number AS VARCHAR(4)) || ' четверть'), p.starts_on, p.ends_on, c.id, c.grade, c.letter, y.id, y.name FROM students s
        JOIN student_guardians sg ON sg.student_id = s.id AND sg.guardian_id = :guardian
        JOIN enrollments e ON e.student_id = s.id AND e.starts_on <= :today
             AND (e.ends_on IS NULL OR e.ends_on >= :today)
        JOIN school_classes c ON c.id = e.class_id JOIN academic_years y ON y.id = c.year_id
        JOIN periods p ON p.year_id = c.year_id AND p.scheme = c.period_scheme
        WHERE s.id = :student ORDER BY p.starts_on""",
    "marks": """SELECT sj.id, sj.name, l.id, l.date, m.value, m.special, m.comment, COALESCE(m.weight, k.weight, 1),
             k.name, k.is_control FROM marks m
        JOIN lessons l ON l.id = m.lesson_id JOIN teaching_assignments ta ON ta.id = l.assignment_id
        JOIN subjects sj ON sj.id = ta.subject_id
        LEFT JOIN work_kinds k ON k.id = COALESCE(m.work_kind_id, l.work_kind_id)
        WHERE m.student_id = :student AND ta.class_id = :class AND l.date BETWEEN :starts AND :ends
        ORDER BY sj.name, l.date, m.slot""",
    "finals": """SELECT pm.subject_id, sj.name, pm.period_id, COALESCE(CAST(pm.value AS VARCHAR(8)), pm.special, '')
        FROM period_marks pm JOIN subjects sj ON sj.id = pm.subject_id
        JOIN periods p ON p.id = pm.period_id AND p.year_id = :year
        WHERE pm.student_id = :student""",
}
# The navigation of every family page: the guardian's children (the switcher) with each one's unseen changes
# (its own marks, absences and period marks since "seen"; the project counts homework too) and the unread
# conversations.
NAVIGATION_SQL = """SELECT s.id, s.last_name, s.first_name,
    (SELECT count(*) FROM audit_events a WHERE a.student_id = s.id AND a.entity IN ('mark', 'attendance', 'period_mark')
        AND a.at > COALESCE((SELECT n.seen_at FROM notice_seen n WHERE n.user_id = :user AND n.student_id = s.id),
                            :since)),
    (SELECT count(*) FROM conversation_participants cp JOIN conversations cv ON cv.id = cp.conversation_id
        WHERE cp.user_id = :user AND (cp.last_read_at IS NULL OR cp.last_read_at < cv.last_message_at))
    FROM students s JOIN student_guardians sg ON sg.student_id = s.id AND sg.guardian_id = :guardian
    ORDER BY s.last_name, s.first_name"""
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

# The family pages' navigation: sections with the counts, the children's switcher, the language and the logout.
NAV_HTML = """<nav class="navbar"><a href="/diary">Дневник</a> <a href="/notices">Новое{% if notices %}
<span class="badge">{{ notices }}</span>{% endif %}</a> <a href="/inbox">Сообщения{% if unread %}
<span class="badge">{{ unread }}</span>{% endif %}</a> <a href="/announcements">Объявления</a>
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="{{ csrf }}"><button>Выйти</button></form></nav>
<ul class="children">{% for c in children %}<li><a href="/diary/{{ c[0] }}{{ suffix }}"{% if c[0] == student %}
class="active"{% endif %}>{{ c[2] }} {{ c[1] }}</a></li>{% endfor %}</ul>"""
DIARY_HTML = """<!doctype html><html><head><title>{{ name }}</title><link rel="stylesheet" href="/static/x.css"></head>
<body>{% include "nav.html" %}<h1>{{ name }}, {{ class_name }}</h1>
<a href="/diary/{{ student }}/marks">Отметки и итоги</a> <a href="?week={{ previous }}">&larr;</a> {{ monday }}
<a href="?week={{ next }}">&rarr;</a>{% for day, off, lessons in days %}<h2>{{ day.strftime('%d.%m') }}
{% if off %}<span class="badge">{{ off[1] }}: {{ off[2] }}</span>{% endif %}</h2>
<table>{% for l in lessons %}<tr><td>{{ l.bell or '' }}</td><td>{{ l.subject }}</td><td>{% if l.id %}{{ l.topic }}{% else %}
по расписанию; тема ещё не записана{% endif %}</td><td>{% if l.homework %}Д/з: {{ l.homework }}{% endif %}
{% for f in files.get(l.id, []) %}<a href="/diary/{{ student }}/files/{{ f[1] }}">{{ f[2] }}</a> ({{ f[3] }}){% endfor %}</td>
<td>{% for c in cells.get(l.id, []) %}<a href="/diary/{{ student }}/lessons/{{ l.id }}/marks">{{ c }}</a> {% endfor %}</td>
</tr>{% else %}<tr><td>Уроков нет</td></tr>{% endfor %}</table>{% endfor %}
{% if signed %}<p>Неделя подписана: {{ signed }}.</p>{% else %}<form method="post" action="/diary/{{ student }}/ack">
<input type="hidden" name="csrf_token" value="{{ csrf }}"><input type="hidden" name="week" value="{{ monday }}">
<button>Неделя просмотрена — подписать</button></form>{% endif %}</body></html>"""
MARKS_HTML = """<!doctype html><html><head><title>{{ name }}</title></head><body>{% include "nav.html" %}
<h1>{{ name }}, {{ class_name }}</h1><a href="/diary/{{ student }}">Дневник</a>
<ul class="periods">{% for p in periods %}<li><a href="?period={{ p[0] }}"{% if p[0] == period[0] %}
class="active"{% endif %}>{{ p[1] }}</a></li>{% endfor %}</ul>
<h2>Отметки за «{{ period[1] }}» {{ period[2].strftime('%d.%m.%Y') }} – {{ period[3].strftime('%d.%m.%Y') }}</h2>
<a href="/diary/{{ student }}/letter?period={{ period[0] }}">Информационное письмо (PDF)</a>
<table><tr><th>Предмет</th><th>Отметки</th><th>Средний балл</th><th>За период</th><th>Прогноз</th></tr>
{% for r in rows %}<tr><td><a href="/diary/{{ student }}/subjects/{{ r.id }}?period={{ period[0] }}">{{ r.name }}</a></td>
<td>{% for m in r.marks %}<a class="badge {{ 'badge-dark' if m[5] else 'badge-primary' }}"
href="/diary/{{ student }}/lessons/{{ m[0] }}/marks" title="{{ m[1].strftime('%d.%m') }} {{ m[4] or '' }}{% if m[3] %}: {{ m[3] }}{% endif %}">
{{ m[2] }}{% if m[3] %}*{% endif %}</a>{% else %}нет{% endfor %}</td>
<td>{{ '%.2f'|format(r.average) if r.average is not none else '' }}</td><td><strong>{{ r.finals.get(period[0], '') }}</strong></td>
<td>{% if r.forecast %}Идёт к «{{ r.forecast }}»{% endif %}</td></tr>{% endfor %}</table>
<h2>Итоги учебного года {{ year }}</h2><table><tr><th>Предмет</th>{% for p in periods %}<th>{{ p[1] }}</th>{% endfor %}</tr>
{% for r in rows %}<tr><td>{{ r.name }}</td>{% for p in periods %}<td>{{ r.finals.get(p[0], '') }}</td>{% endfor %}</tr>
{% endfor %}</table></body></html>"""
GRID_HTML = """<!doctype html><html><head><title>grid</title></head><body><form method="post"><table><tr><th>№</th><th></th>
{% for l in lessons %}<th>{{ l[1].strftime('%d.%m') }}</th>{% endfor %}</tr>
{% for s in students %}<tr><td>{{ loop.index }}</td><td>{{ s[1] }} {{ s[2] }}</td>{% for l in lessons %}
<td><input name="c-{{ l[0] }}-{{ s[0] }}" value="{{ cells.get((l[0], s[0]), '') }}" size="3"></td>{% endfor %}</tr>
{% endfor %}</table></form></body></html>"""


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def floor_app(database_url: str):
    """A plain Flask app on its own engine: a signed cookie says who is signed in (set by /sign-in). Its templates
    are compiled once, as Flask does for the project's."""
    from types import SimpleNamespace

    from flask import Flask, abort, render_template, request, session
    from jinja2 import DictLoader
    from sqlalchemy import create_engine, text

    app = Flask("floor")
    app.secret_key = "floor"
    app.jinja_loader = DictLoader(
        {"nav.html": NAV_HTML, "diary.html": DIARY_HTML, "marks.html": MARKS_HTML, "grid.html": GRID_HTML}
    )
    engine = create_engine(database_url)
    diary_sql = {k: text(v) for k, v in DIARY_SQL.items()}
    marks_sql = {k: text(v) for k, v in MARKS_SQL.items()}
    grid_sql = {k: text(v) for k, v in GRID_SQL.items()}
    navigation_sql = text(NAVIGATION_SQL)

    @app.get("/sign-in/<kind>/<int:person>")
    def sign_in(kind, person):
        session[kind] = person
        return "ok"

    def navigation(c, student_id: int, suffix: str) -> dict:
        """The navigation's children and counts (one statement) and the logout form's token."""
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=14)).strftime("%Y-%m-%d %H:%M:%S")
        children = c.execute(
            navigation_sql, {"guardian": session["guardian"], "user": session["user"], "since": since}
        ).all()
        return {
            "children": children,
            "notices": sum(row[3] for row in children),
            "unread": children[0][4] if children else 0,
            "student": student_id,
            "suffix": suffix,
            "csrf": session.setdefault("csrf", "x" * 40),
        }

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
        with engine.begin() as c:  # COMMIT at the end: psycopg keeps its prepared statements
            row = c.execute(diary_sql["access"], p).first()
            if row is None:
                abort(403)
            p.update({"class": row[2], "school": row[5]})
            lessons = c.execute(diary_sql["lessons"], p).all()
            slots = c.execute(diary_sql["slots"], p).all()
            off = {_date(d): (d, kind, reason) for d, kind, reason in c.execute(diary_sql["days"], p)}
            files = defaultdict(list)
            for f in c.execute(diary_sql["files"], p):
                files[f[0]].append(f)
            cells = defaultdict(list)
            for lesson_id, value in c.execute(diary_sql["cells"], p):
                cells[lesson_id].append(value)
            nav = navigation(c, student_id, "")
        recorded = defaultdict(list)
        for lesson_id, date, bell, subject, topic, homework in lessons:
            recorded[_date(date)].append(
                SimpleNamespace(id=lesson_id, bell=bell, subject=subject, topic=topic, homework=homework)
            )
        planned = defaultdict(list)
        for weekday, bell, subject in slots:
            planned[weekday].append((bell, subject))
        days = []
        for n in range(6):  # the timetable's lessons of each day, filled by the recorded ones at their bell
            date = monday + dt.timedelta(days=n)
            shown = recorded[date]
            bells = {lesson.bell for lesson in shown}
            shown += [
                SimpleNamespace(id=None, bell=bell, subject=subject, topic="", homework="")
                for bell, subject in planned[n + 1]
                if bell not in bells
            ]
            days.append((date, off.get(date), sorted(shown, key=lambda lesson: lesson.bell or 0)))
        return render_template(
            "diary.html",
            name=f"{row[0]} {row[1]}",
            class_name=f"{row[3]}{row[4]}",
            monday=monday,
            previous=monday - dt.timedelta(days=7),
            next=monday + dt.timedelta(days=7),
            days=days,
            cells=cells,
            files=files,
            signed=row[6],
            **nav,
        )

    @app.get("/diary/<int:student_id>/marks")
    def marks(student_id):
        today = dt.date.fromisoformat(request.args["today"])
        p = {"guardian": session["guardian"], "student": student_id, "today": today}
        with engine.begin() as c:  # COMMIT at the end: psycopg keeps its prepared statements
            periods = [
                (i, name, _date(a), _date(b), *rest) for i, name, a, b, *rest in c.execute(marks_sql["periods"], p)
            ]
            if not periods:
                abort(403)
            begun = [x for x in periods if x[2] <= today] or periods[:1]  # as the project: today's, else the last begun
            period = next((x for x in begun if today <= x[3]), begun[-1])
            p.update({"class": period[4], "starts": period[2], "ends": period[3], "year": period[7]})
            subjects: dict[int, SimpleNamespace] = {}

            def subject(subject_id, name):
                if subject_id not in subjects:
                    subjects[subject_id] = SimpleNamespace(id=subject_id, name=name, marks=[], finals={}, sums=[0, 0])
                return subjects[subject_id]

            for sid, name, lesson_id, day, value, special, comment, weight, kind, control in c.execute(
                marks_sql["marks"], p
            ):
                line = subject(sid, name)
                line.marks.append(
                    (lesson_id, _date(day), value if value is not None else special, comment, kind, control)
                )
                if value is not None:
                    line.sums[0] += value * float(weight)
                    line.sums[1] += float(weight)
            for sid, name, period_id, value in c.execute(marks_sql["finals"], p):
                subject(sid, name).finals[period_id] = value
            nav = navigation(c, student_id, "/marks")
        rows = sorted(subjects.values(), key=lambda r: r.name)
        for r in rows:  # the weighted average and where it leads (rounded half up)
            r.average = r.sums[0] / r.sums[1] if r.sums[1] else None
            r.forecast = int(r.average + 0.5) if r.average is not None else None
        return render_template(
            "marks.html",
            name=next((f"{x[1]} {x[2]}" for x in nav["children"] if x[0] == student_id), ""),
            class_name=f"{period[5]}{period[6]}",
            year=period[8],
            periods=periods,
            period=period,
            rows=rows,
            **nav,
        )

    @app.get("/journal/<int:assignment_id>")
    def grid(assignment_id):
        p = {"assignment": assignment_id, "period": int(request.args["period"]), "staff": session["staff"]}
        with engine.begin() as c:  # COMMIT at the end: psycopg keeps its prepared statements
            page = c.execute(grid_sql["page"], p).first()
            if page is None:
                abort(403)
            p.update({"class": page[0], "starts": page[1], "ends": page[2]})
            students = c.execute(grid_sql["students"], p).all()
            lessons = [(i, _date(d)) for i, d in c.execute(grid_sql["lessons"], p)]
            cells = defaultdict(str)
            for lesson_id, student_id, value in c.execute(grid_sql["cells"], p):
                cells[(lesson_id, student_id)] = (cells[(lesson_id, student_id)] + " " + value).strip()
        return render_template("grid.html", students=students, lessons=lessons, cells=cells)

    return app


def _median(client, url: str, runs: int, before=None) -> tuple[float, int]:
    """``before`` runs ahead of each timed request, outside its time."""
    warm = client.get(url)
    assert warm.status_code == 200, url
    times = []
    for _run in range(runs):
        if before is not None:
            before()
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
    from portal.built_pages import built_pages

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
        family = {"guardian": parent.guardian_id, "user": parent.id}
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
            family,
        ),
        (
            "marks page",
            "parent",
            f"/diary/{child_id}/marks",
            f"/diary/{child_id}/marks?today={week}",
            family,
        ),
        (
            "journal grid",
            "teacher",
            f"/admin/journal/{assignment_id}?period={period_id}",
            f"/journal/{assignment_id}?period={period_id}",
            {"staff": staff_id},
        ),
    ]
    floor = floor_app(args.database_url)
    dialect = args.database_url.split(":", 1)[0]
    print(f"{dialect}; week of {week}; median of {args.runs} runs each, in-process")
    print(
        "a family page is measured twice: as a repeated visit gets it (kept by the worker for its ETag, "
        "portal/built_pages.py) and built (the kept pages forgotten before each request)"
    )
    print(f"{'page':<14} {'project':>9} {'floor':>8} {'ratio':>6}  HTML project / floor")

    def forget():
        with app.app_context():
            built_pages().clear()

    for name, login, url, floor_url, who in pages:
        client = app.test_client()
        assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
        plain = floor.test_client()
        for kind, person in who.items():
            plain.get(f"/sign-in/{kind}/{person}")
        floor_ms, floor_size = _median(plain, floor_url, args.runs)
        ways = [(name, None)] if login != "parent" else [(name, None), ("  built", forget)]
        for label, before in ways:
            project_ms, project_size = _median(client, url, args.runs, before)
            print(
                f"{label:<14} {project_ms:>7.1f}ms {floor_ms:>6.1f}ms {project_ms / floor_ms:>5.1f}×  "
                f"{project_size / 1024:.0f} / {floor_size / 1024:.0f} KiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
