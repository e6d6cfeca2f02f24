"""Benchmark of what the administration hands in at the end of a period (issue 16) on a generated database: the
school's results of the 1st quarter (the page, its PDF and its XLSX, through the whole Flask stack, signed in
as the director) and a class's report cards for that quarter (``class_reports`` + ``report_cards_pdf``, the
work of the background job "report_cards"), for the biggest class of the demo school. The bound journal of a
class: bench/bench_bound_journal.py.

    python bench/bench_period_reports.py --database-url URL [--runs 5] [--class 5А]

The database is one made by bench/generate.py (its first school is the demo school, with the demo accounts).
Prints the median and the slowest run of each, the queries of the pages, and the size of the files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "demo-pass-2026"


def _line(label: str, samples: list[float], extra: str = "") -> None:
    print(f"{label:<44} median {statistics.median(samples):7.0f} ms, slowest {max(samples):7.0f} ms  {extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--class", dest="class_name", default=None, help="default: the biggest class")
    args = parser.parse_args(argv)

    from sqlalchemy import event, func, select

    from app import create_app
    from models import Enrollment, Period, SchoolClass, User, db
    from models.access import Actor
    from models.reports.report_cards import class_reports
    from reports.report_card import report_cards_pdf

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench",
            "GC_FREEZE": False,
            "JOBS_IMMEDIATE": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    queries = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.__setitem__(0, queries[0] + 1))
        director = db.session.scalar(select(User).where(User.login == "director"))
        year_classes = select(SchoolClass).where(SchoolClass.school_id == director.school_id)
        classes = list(db.session.scalars(year_classes))
        year_id = max(c.year_id for c in classes)
        classes = [c for c in classes if c.year_id == year_id]
        if args.class_name:
            cls = next(c for c in classes if c.name == args.class_name)
        else:
            sizes = dict(
                db.session.execute(
                    select(Enrollment.class_id, func.count())
                    .where(Enrollment.class_id.in_([c.id for c in classes]))
                    .group_by(Enrollment.class_id)
                ).all()
            )
            cls = max(classes, key=lambda c: (sizes.get(c.id, 0), -c.grade))
        quarter = db.session.scalar(
            select(Period).where(Period.year_id == year_id, Period.scheme == "quarter", Period.number == 1)
        )
        class_id, quarter_id, class_name = cls.id, quarter.id, cls.name
        today = quarter.ends_on + dt.timedelta(days=1)
        db.session.remove()

    client = app.test_client()
    assert client.post("/login", data={"login": "director", "password": PASSWORD}).status_code == 302
    print(f"database {args.database_url}; {args.runs} runs after a warm-up; class {class_name}")
    for label, url in (
        ("results of the 1st quarter: page", f"/admin/results/?period={quarter_id}"),
        ("results of the 1st quarter: PDF", f"/admin/results/results.pdf?period={quarter_id}"),
        ("results of the 1st quarter: XLSX", f"/admin/results/results.xlsx?period={quarter_id}"),
    ):
        samples, size, count = [], 0, 0
        for run in range(args.runs + 1):
            queries[0] = 0
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if run:
                samples.append(elapsed)
            size, count = len(response.get_data()), queries[0]
        _line(label, samples, f"{count} queries, {size / 1024:.0f} KiB")

    with app.test_request_context():
        director = Actor.of(db.session.scalar(select(User).where(User.login == "director")))
        read, draw, pages, size = [], [], 0, 0
        for run in range(max(2, args.runs // 2) + 1):
            started = time.perf_counter()
            _cls, reports = class_reports(director, class_id, today=today, period_id=quarter_id)
            middle = time.perf_counter()
            data = report_cards_pdf(reports, "card", today=today)
            done = time.perf_counter()
            db.session.rollback()
            if run:
                read.append((middle - started) * 1000)
                draw.append((done - middle) * 1000)
            pages, size = len(reports), len(data)
        _line(f"report cards of {class_name} ({pages} students): read", read)
        _line(f"report cards of {class_name}: draw", draw, f"{size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
