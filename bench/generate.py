"""Generate benchmark data: the demo school or a whole district, into any database.

    python bench/generate.py --scale school|district|tiny --database-url URL [--reset] [--weeks N]

Creates the schema with the Alembic migrations when the database is empty, loads the data, prints the
row counts and the elapsed seconds.
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
    parser.add_argument("--database-url", required=True,
                        help="e.g. sqlite:////tmp/district.sqlite or postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--reset", action="store_true", help="delete the generated schools first")
    parser.add_argument("--weeks", type=int, default=None, help="override the weeks of lessons")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
