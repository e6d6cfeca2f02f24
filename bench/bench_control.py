"""The coordinator's journal control (models/reports/journal_control.py) on a generated district: the domain
call alone and the whole page through Flask (signed in as the demo coordinator), median and 90th percentile of
``--runs`` runs each, the median CPU time of this process (on a shared machine the steadier figure; on
PostgreSQL it leaves out the server's share), and the statements a call and a page run.

    python bench/bench_control.py --database-url URL [--month 2026-12] [--today 2026-12-06] [--runs 20] [--gc-freeze]

The current month is the one the rush asks for (a few days); a past month is the whole month (~4,700 lessons and
~19,000 marks of one school of the district).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

PASSWORD = "demo-pass-2026"


def _summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--month", default="2026-12")
    parser.add_argument("--today", default="2026-12-06")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--gc-freeze", action="store_true", help="as the app does by default (see bench/README.md)")
    args = parser.parse_args(argv)

    from bench_pages import bench_app
    from sqlalchemy import event, select

    import models.base
    from models import School, User, db
    from models.access import Actor
    from models.reports.journal_control import journal_control

    month = dt.date.fromisoformat(f"{args.month}-01")
    today = dt.date.fromisoformat(args.today)
    frozen = dt.datetime.combine(today, dt.time(15, 0), dt.UTC)
    models.base.clock = lambda: frozen  # the page's "today" is the data's, whatever the machine's date
    app = bench_app(args.database_url, gc_freeze=args.gc_freeze)
    queries: list[str] = []
    domain = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
        school_id = db.session.scalar(select(School.id).where(School.code == "demo"))
        user = db.session.scalar(select(User).where(User.login == "coordinator", User.school_id == school_id))
        actor = Actor.of(user)
        for _run in range(args.runs + 2):
            db.session.rollback()
            queries.clear()
            started, cpu = time.perf_counter(), time.process_time()
            report = journal_control(actor, month, today=today)
            domain.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        domain_queries = len([q for q in queries if not q.startswith("BEGIN")])
        pages = sum(len(t.pages) for t in report.teachers)
        db.session.remove()
    if args.gc_freeze:
        gc.freeze()

    client = app.test_client()
    if client.post("/login", data={"login": "coordinator", "password": PASSWORD}).status_code != 302:
        print("cannot sign in as coordinator", file=sys.stderr)
        return 1
    url = f"/admin/control/?month={args.month}"
    page = []
    for _run in range(args.runs + 2):
        queries.clear()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        page.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        assert response.status_code == 200, response.status_code
    page_queries = len(queries)

    print(f"journal control {args.month} (today {today}): {len(report.teachers)} teachers, {pages} pages")
    print("             wall: median      p90   CPU: median  statements")
    for name, times, count in (("domain", domain[2:], domain_queries), ("page", page[2:], page_queries)):
        median, p90 = _summary([wall for wall, _cpu in times])
        cpu = statistics.median(cpu for _wall, cpu in times)
        print(f"{name:<12} {median:>10.1f}ms {p90:>7.1f}ms {cpu:>11.1f}ms {count:>11}")
    print(f"HTML {len(response.data) // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
