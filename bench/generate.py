"""Generate benchmark data: the demo school or a whole district, into any database.

    python bench/generate.py --scale school|district|tiny --database-url URL [--reset] [--weeks N] [--check]
                             [--no-audit-log]

Creates the schema with the Alembic migrations when the database is empty, loads the data (nothing when
the demo school is already there and --reset is not given), prints the row counts and the elapsed
seconds, then writes the audit log the teachers' input would have left by now (bench/audit_log.py: one event
per mark, absence and lesson recorded up to this moment), unless --no-audit-log. --check then verifies every
foreign key with one query each: on PostgreSQL the loader runs with triggers off (foreign-key triggers
included) when it may, so this is the proof that nothing dangles.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("tiny", "school", "district"), default="school")
    parser.add_argument(
        "--database-url",
        required=True,
        help="e.g. sqlite:////tmp/district.sqlite or postgresql+psycopg://postgres@127.0.0.1:5432/bench",
    )
    parser.add_argument("--reset", action="store_true", help="delete the generated schools first")
    parser.add_argument("--weeks", type=int, default=None, help="override the weeks of lessons")
    parser.add_argument("--check", action="store_true", help="verify every foreign key afterwards")
    parser.add_argument("--no-audit-log", action="store_true", help="leave the audit log as the loader left it")
    args = parser.parse_args(argv)

    import dataclasses

    import flask_migrate
    from sqlalchemy import inspect

    from app import create_app
    from demo.generator import Scale, load_demo
    from models import db

    scale = {"tiny": Scale.tiny(), "school": Scale(), "district": Scale.district()}[args.scale]
    if args.weeks is not None:
        scale = dataclasses.replace(scale, weeks=args.weeks)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        started = time.perf_counter()
        if not inspect(db.engine).has_table("schools"):
            flask_migrate.upgrade()
            print(f"schema created in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        counts = load_demo(reset=args.reset, scale=scale)
        elapsed = time.perf_counter() - started
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            print(f"{name:>{width}}: {count:,}".replace(",", " "))
        print(f"{'total rows':>{width}}: {sum(counts.values()):,}".replace(",", " "))
        print(f"scale {args.scale} ({scale}) loaded in {elapsed:.1f} s on {db.engine.dialect.name}")
        if not args.no_audit_log:
            import datetime as dt

            import audit_log

            started = time.perf_counter()
            written = audit_log.fill(db.session, dt.datetime.now(dt.UTC))
            if written:
                print(
                    f"audit log: {written:,} events written in {time.perf_counter() - started:.1f} s".replace(",", " ")
                )
            else:  # append-only: a log written once stays, --reset included (use a new database for a new one)
                print("audit log: left as it was (it already holds marks' events)")
        if db.engine.dialect.name == "postgresql":
            # Planner statistics and the visibility map now, as autovacuum would make them soon after a real load
            # (a server with autovacuum off, like this machine's, would otherwise measure plans made without
            # statistics, and index-only scans that visit the heap for every row: the control report's lessons
            # statement took 18.6 ms before VACUUM, 8.3 ms after).
            started = time.perf_counter()
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
            print(f"vacuumed and analyzed in {time.perf_counter() - started:.1f} s")
        if args.check:
            started = time.perf_counter()
            broken = check_foreign_keys(db.session)
            for line in broken:
                print("BROKEN", line)
            print(
                f"foreign keys checked in {time.perf_counter() - started:.1f} s: "
                f"{'all consistent' if not broken else f'{len(broken)} broken'}"
            )
            return 1 if broken else 0
    return 0


def check_foreign_keys(session) -> list[str]:
    """Every foreign key of the schema: rows whose reference points nowhere (one query per key)."""
    from sqlalchemy import text

    from models import db

    broken = []
    for table in db.metadata.sorted_tables:
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            col, ref, ref_col = fk.parent.name, fk.column.table.name, fk.column.name
            n = session.execute(
                text(
                    f"SELECT count(*) FROM {table.name} x WHERE x.{col} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {ref} r WHERE r.{ref_col} = x.{col})"
                )
            ).scalar()
            if n:
                broken.append(f"{table.name}.{col} -> {ref}.{ref_col}: {n} rows")
    return broken


if __name__ == "__main__":
    raise SystemExit(main())
