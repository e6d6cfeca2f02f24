"""Cold start of one worker: a fresh interpreter imports the app and runs ``create_app()``; prints the median of
``--runs`` fresh processes and which heavy libraries (PDF, spreadsheets) were imported by then (they should be
imported only by the request that needs them).

    python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("reportlab", "xhtml2pdf", "openpyxl", "pypdf", "lxml", "html5lib")
CHILD = f"""
import json, resource, sys, time
started = time.perf_counter()
from app import create_app
create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench"}})
print(json.dumps({{"ms": (time.perf_counter() - started) * 1000,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    results = [
        json.loads(
            subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        for _run in range(args.runs)
    ]
    print(
        f"cold start (import app + create_app), median of {args.runs}: "
        f"{statistics.median(r['ms'] for r in results):.0f} ms, max RSS {statistics.median(r['rss_mb'] for r in results):.0f} MB; "
        f"heavy libraries loaded: {', '.join(results[0]['heavy']) or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
