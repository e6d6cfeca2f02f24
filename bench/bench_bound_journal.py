"""Benchmark of the bound class journal (models/reports/bound_journal.py + reports/bound_journal.py, the work of
the background job "journal_class_pdf"): the volume of one class of the demo school for a quarter and for the
year, as the director, split into reading (``bound_journal``) and drawing (``bound_journal_pdf``).

    python bench/bench_bound_journal.py [--runs 3] [--class 5А] [--database-url URL] [--out DIR]

Without ``--database-url`` the demo school (``flask --app app demo``) is loaded into a temporary SQLite file.
Prints the median and the slowest run of each part, the pages and the size; ``--out`` keeps the PDFs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.0f} ms, slowest {max(samples):.0f} ms"


def bench(app, class_name: str, runs: int, out: Path | None) -> None:
    import io

    from pypdf import PdfReader
    from sqlalchemy import select

    from models import SchoolClass, User, db
    from models.access import Actor
    from models.base import utcnow
    from models.reports.bound_journal import bound_journal, volume_choices
    from reports.bound_journal import bound_journal_pdf

    with app.test_request_context():
        director = db.session.scalar(select(User).where(User.login == "director"))
        actor = Actor.of(director)
        cls = next(
            c
            for c in db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == director.school_id))
            if c.name == class_name
        )
        for label, period_id in (("quarter", volume_choices(cls)[0].id), ("year", None)):
            read, draw, data = [], [], b""
            for _run in range(runs + 1):  # the first run warms fonts and statements
                started = time.perf_counter()
                volume = bound_journal(actor, cls.id, period_id, now=utcnow())
                middle = time.perf_counter()
                data = bound_journal_pdf(volume)
                done = time.perf_counter()
                db.session.rollback()
                if _run:
                    read.append((middle - started) * 1000)
                    draw.append((done - middle) * 1000)
            pages = len(PdfReader(io.BytesIO(data)).pages)
            print(
                f"{cls.name} {label}: {len(volume.subjects)} subjects, {len(volume.roster)} students, "
                f"{len(volume.pages)} journal pages; read {_ms(read)}; draw {_ms(draw)}; "
                f"{pages} PDF pages, {len(data) / 1024:.0f} KiB"
            )
            if out:
                (out / f"bound-{label}.pdf").write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--class", dest="class_name", default="5А")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench_bound.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "GC_FREEZE": False})
        with app.app_context():
            import flask_migrate
            from sqlalchemy import inspect

            from demo.generator import load_demo
            from models import db

            if not inspect(db.engine).has_table("schools"):
                flask_migrate.upgrade()
            load_demo()
            db.session.remove()
        bench(app, args.class_name, args.runs, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
