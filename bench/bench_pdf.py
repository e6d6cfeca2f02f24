"""Benchmark of the PDFs drawn with ReportLab tables (reports/pdf.py): the register of invitation codes of a
whole school and the journal print of a class over a quarter.

    python bench/bench_pdf.py [--codes 1500] [--runs 5] [--database-url URL] [--out DIR]

The register is drawn from ``--codes`` made-up rows (names of varying length in Russian and Kazakh, some
with markup characters), through ``reports.invite_register.invite_register_pdf`` alone (the query is
measured with the staff pages). The journal print is ``GET /admin/journal/<id>/print.pdf`` through the
whole Flask stack in-process, as the demo teacher, for the page ``bench/bench_journal.py`` measures (its
class topped up to 30 students); without ``--database-url`` a small school of its own is built in a
temporary SQLite file (``bench_journal --build``). Prints the median and the slowest run, the pages and the
size; ``--out`` keeps the PDFs to look at.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAMES = (
    "Иванов Иван Иванович",
    "Әбілқасымова Гүлнұр Сәрсенбайқызы",
    "Ёлкина Анна",
    "O'Brien <b>Том</b> & Co",
    "Нұрмағамбетов Құдайберген Өтеғұлұлы-Жақсылықов",
)
ROLES = ("Родитель", "Обучающийся", "Учитель", "Классный руководитель")


def _stats(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.0f} ms, slowest {max(samples):.0f} ms"


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def bench_register(app, codes: int, runs: int, out: Path | None) -> None:
    from reports.invite_register import RegisterRow, invite_register_pdf

    issued = dt.datetime(2026, 9, 1, 9, 0)
    rows = [
        RegisterRow(
            i,
            f"{NAMES[i % len(NAMES)]} {i}",
            ROLES[i % len(ROLES)],
            f"operator{i % 3}",
            f"{issued + dt.timedelta(minutes=i):%d.%m.%Y %H:%M}",
            "15.09.2026 09:00",
            "" if i % 4 else "02.09.2026 19:30",
            "" if i % 11 else "03.09.2026 10:00",
        )
        for i in range(1, codes + 1)
    ]
    times, data = [], b""
    with app.test_request_context():
        for _run in range(runs):
            started = time.perf_counter()
            data = invite_register_pdf("Школа № 1 им. Абая", rows, generated="05.12.2026 10:00")
            times.append((time.perf_counter() - started) * 1000)
    print(f"register of {codes} codes: {_stats(times)}; {_pages(data)} pages, {len(data) / 1024:.0f} KiB")
    if out:
        (out / "register.pdf").write_bytes(data)


def bench_journal_print(app, database_url: str, runs: int, out: Path | None) -> None:
    import bench_journal as bj
    import flask_migrate
    from sqlalchemy import inspect

    from models import db

    with app.app_context():
        if not inspect(db.engine).has_table("schools"):
            flask_migrate.upgrade()
        bj._build(db)  # nothing when the demo school is there
        assignment_id = bj._target(db)
        bj._top_up(assignment_id, db)
        _a, cls, period = bj._subject(assignment_id, db)
        label = f"{cls.name}, {period.name}"
        period_id = period.id
        db.session.remove()
    client = app.test_client()
    assert client.post("/login", data={"login": "teacher", "password": bj.PASSWORD}).status_code == 302
    url = f"/admin/journal/{assignment_id}/print.pdf?period={period_id}"
    assert client.get(url).status_code == 200  # warm: fonts registered, templates and statements cached
    times, data = [], b""
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        data = response.data
    print(f"journal print {url} ({label}): {_stats(times)}; {_pages(data)} pages, {len(data) / 1024:.0f} KiB")
    if out:
        (out / "journal.pdf").write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codes", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    from app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench_pdf.sqlite"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "SECRET_KEY": "bench",
                "GC_FREEZE": False,
            }
        )
        try:
            import _rl_accel  # noqa: F401

            accel = "with rl-accel"
        except ImportError:
            accel = "without rl-accel (pure Python)"
        print(f"ReportLab {accel}")
        bench_register(app, args.codes, args.runs, args.out)
        bench_journal_print(app, url, args.runs, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
