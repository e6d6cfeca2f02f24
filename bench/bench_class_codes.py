"""Benchmark of the letters with a class's invitation codes (issue 17): the PDF of 1, 30 and 60 one-page letters,
half in Russian, half in Kazakh, as admin_views/class_codes.py builds it inside the request that issues the codes.

    python bench/bench_class_codes.py [--rounds 3]

Measured here (2 cores, December 2026): idle, 30 letters 0.085 s and 60 letters 0.21 s; with the machine loaded
(load average 8), 30 letters 0.29 s and 60 letters 0.43–0.67 s. The whole POST for a class of 30 families (30 codes
issued and audited, the PDF made) took 0.56 s under that load. So a class's letters are made inline, not as a job.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from app import create_app
    from models.accounts.class_codes import Letter
    from reports.class_codes import class_code_letters_pdf

    app = create_app()
    with app.test_request_context():
        for n in (1, 30, 60):
            letters = [
                Letter(
                    "Школа № 1",
                    f"Қасымова Әйгерім {i}",
                    ["Қасымов Ғалым", "Қасымова Гүлім"],
                    "5А",
                    "ABCD-EFGH-JKMN-PQRS",
                    "20.12.2026 18:00",
                    "kk" if i % 2 else "ru",
                )
                for i in range(n)
            ]
            class_code_letters_pdf(letters[:1], portal="http://x/", invite_page="http://x/invite")  # fonts loaded
            times = []
            for _round in range(args.rounds):
                start = time.perf_counter()
                pdf = class_code_letters_pdf(letters, portal="http://x/", invite_page="http://x/invite")
                times.append(time.perf_counter() - start)
            print(f"{n:3d} letters: {statistics.median(times):.3f} s (median of {args.rounds}), {len(pdf) // 1024} KB")


if __name__ == "__main__":
    main()
