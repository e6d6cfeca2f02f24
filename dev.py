#!/usr/bin/env python3
"""The two set-up commands (standard library only, Python 3.11+):

    python3 dev.py run [--port 5000]   migrate, load the demo school once, serve on 127.0.0.1 with gunicorn
                                       and run the consumer of background jobs next to it
    python3 dev.py test [pytest args]  run the test suite; pytest's exit code is passed on

Both create `.venv` when it is missing and (re)install requirements.txt into it whenever the file has
changed since the last install. DATABASE_URL / TEST_DATABASE_URL are taken from the environment as is.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"


def requirement_lines() -> list[str]:
    """The requirement lines of requirements.txt (comments and blank lines left out)."""
    lines = (line.split("#", 1)[0].strip() for line in REQUIREMENTS.read_text().splitlines())
    return [line for line in lines if line]


def pip_command() -> list[str]:
    """pip without -q: it prints each package as it is collected, downloaded and installed, so the first
    start (about 2 minutes) shows progress instead of silence."""
    return [
        str(PYTHON),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--progress-bar",
        "on",
        "-r",
        str(REQUIREMENTS),
    ]


def ensure_venv() -> None:
    if not PYTHON.exists():
        print("dev.py: creating .venv", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as exc:
            shutil.rmtree(VENV, ignore_errors=True)  # a half-made .venv would fool the next run
            sys.exit(
                f"dev.py: could not create .venv ({exc}).\n"
                "On Debian/Ubuntu install the venv module first: apt-get install -y python3-venv"
            )
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print(
            f"dev.py: installing {len(requirement_lines())} packages of requirements.txt into .venv"
            " (the first time takes a few minutes; pip shows each package below)",
            flush=True,
        )
        if subprocess.run(pip_command(), cwd=ROOT).returncode != 0:
            sys.exit("dev.py: pip install failed (see above)")
        STAMP.write_text(digest + "\n")


def venv_run(*args: str) -> int:
    """Run `.venv/bin/python <args>` in the repository root and return its exit code."""
    try:
        return subprocess.run([str(PYTHON), *args], cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 130


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py run", description="Serve the demo school locally.")
    parser.add_argument("--port", type=int, default=5000)
    port = parser.parse_args(argv).port
    for step in (["db", "upgrade"], ["demo"]):
        print(f"dev.py: flask --app app {' '.join(step)}", flush=True)
        if code := venv_run("-m", "flask", "--app", "app", *step):
            return code
    return serve(port)


def serve(port: int) -> int:
    """Serve the app on 127.0.0.1:port with the production server (gunicorn.conf.py; on Windows, where gunicorn
    does not run, Flask's development server) and the consumer of background jobs next to it."""
    if os.name == "posix":
        print(f"dev.py: serving on http://127.0.0.1:{port} with gunicorn  (Ctrl+C stops)", flush=True)
        command = [
            str(VENV / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ]
    else:
        print(
            "dev.py: gunicorn does not run on Windows; serving with Flask's development server instead "
            f"on http://127.0.0.1:{port} (for trying the app; see docs/PRODUCTION.md for a real server)",
            flush=True,
        )
        command = [str(PYTHON), "-m", "flask", "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)]
    worker = start_job_worker()
    try:
        return subprocess.run(command, cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        stop_child(worker)


def start_job_worker() -> subprocess.Popen:
    """The consumer of background jobs (tasks.py: PDFs, imports, backups) as a child process; Ctrl+C reaches
    it too (same process group) and stop_child makes sure it is gone when the server stops."""
    print("dev.py: flask --app app jobs worker  (background jobs)", flush=True)
    return subprocess.Popen([str(PYTHON), "-m", "flask", "--app", "app", "jobs", "worker"], cwd=ROOT)


def stop_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ensure_venv()
    if argv[0] == "run":
        return run(argv[1:])
    return venv_run("-m", "pytest", *argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
