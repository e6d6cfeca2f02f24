"""Benchmark of every staff list and page without parameters (and the family's diary pages) on a generated
database: server time through the whole Flask stack in-process (app.test_client, signed in), and the number
of SQL queries per page.

    python bench/bench_pages.py --database-url URL [--runs 10]

Each page of the staff panel whose URL takes no parameters (``/admin/.../``: the lists of students, staff,
guardians, logins…, the timetable, the curriculum, the settings, the journal and finals lists, the home
page) is opened by the first demo account that may open it, in the order operator, secretary,
classteacher, teacher, coordinator; the teacher also opens the home page (their day), the journal and the
finals lists of their own load; then the parent opens the diary's week and "Отметки и итоги" of their
first child. Prints per page the account, the median and the 90th percentile and the queries; the slowest
page last.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "demo-pass-2026"
LOGINS = ("operator", "secretary", "classteacher", "teacher", "coordinator")
TEACHER_PAGES = ("/admin/", "/admin/journal/", "/admin/finals/")  # the teacher's own versions (the day, own load)
SKIP = (
    "/ajax/",
    "/action/",
    "/delete/",
    "/new/",
    "/edit/",
    "/details/",
    "/export/",
    "/static/",
    "/issue/",
    "/register.pdf",
    "/template",
    "/history",
)


def _pages(app) -> list[str]:
    urls = set()
    for rule in app.url_map.iter_rules():
        url = rule.rule
        if (
            url.startswith("/admin/")
            and not rule.arguments
            and "GET" in rule.methods
            and not any(part in url for part in SKIP)
        ):
            urls.add(url)
    return sorted(urls)


def _measure(client, url: str, runs: int, queries: list) -> tuple[float, float, int]:
    times = []
    counts = []
    for _run in range(runs):
        queries.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        counts.append(len(queries))
        assert response.status_code == 200, (url, response.status_code)
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], max(counts)


def bench_app(database_url: str, *, gc_freeze: bool):
    """The app on a generated database, signed in by password without forms' tokens or the sign-in throttle."""
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "GC_FREEZE": gc_freeze,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--gc-freeze", action="store_true", help="as the app does by default (see bench/README.md)")
    args = parser.parse_args(argv)

    from sqlalchemy import event, select

    from models import School, User, db
    from models.access import Actor, children

    app = bench_app(args.database_url, gc_freeze=args.gc_freeze)
    queries: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
        school_id = db.session.scalar(select(School.id).where(School.code == "demo"))
        parent = db.session.scalar(select(User).where(User.login == "parent", User.school_id == school_id))
        child = db.session.scalars(children(Actor.of(parent))).first()
        child_id = child.id if child is not None else None
        db.session.remove()

    results = []
    pending = _pages(app)
    for login in LOGINS:
        client = app.test_client()
        response = client.post("/login", data={"login": login, "password": PASSWORD})
        if response.status_code != 302:
            print(f"cannot sign in as {login}", file=sys.stderr)
            return 1
        for url in list(pending):
            if client.get(url).status_code != 200:
                continue
            pending.remove(url)
            results.append((url, login, *_measure(client, url, args.runs, queries)))
    client = app.test_client()
    client.post("/login", data={"login": "teacher", "password": PASSWORD})
    for url in TEACHER_PAGES:
        results.append((url, "teacher", *_measure(client, url, args.runs, queries)))
    if child_id is not None:
        client = app.test_client()
        client.post("/login", data={"login": "parent", "password": PASSWORD})
        for url in (f"/diary/{child_id}", f"/diary/{child_id}/marks"):
            client.get(url)
            results.append((url, "parent", *_measure(client, url, args.runs, queries)))

    print(f"{'page':<34} {'account':<13} {'median':>8} {'p90':>8} {'queries':>8}")
    for url, login, median, p90, count in results:
        print(f"{url:<34} {login:<13} {median:>6.1f}ms {p90:>6.1f}ms {count:>8}")
    slowest = max(results, key=lambda r: r[2])
    print(
        f"\n{len(results)} pages ({args.runs} runs each); slowest median: {slowest[0]} {slowest[2]:.1f} ms; "
        f"most queries: {max(r[4] for r in results)}; not opened by any account: {pending or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
