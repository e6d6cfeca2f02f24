"""One logging configuration for the web app, the CLI, gunicorn and background jobs.

Every event is one line on stdout (systemd's journal, docker logs, a file via the service manager):
``2026-01-15T18:02:11+0000 WARNING journal.request refused 403 GET /admin/x user=12 ms=4``, or one JSON
object per line with LOG_FORMAT=json. The level comes from LOG_LEVEL (INFO by default). A traceback stays
in the same line (its line breaks written as ``\\n``), so that a log shipper never splits an event.

What is logged, with no personal data (no names, logins, addresses, query strings or form values; the
user is an id):
- ``journal.request``: every request that failed — 5xx as ERROR with the traceback; the refusals that matter
  (403, 409 conflicts, 429 throttled sign-ins and codes) as WARNING; other 4xx as INFO — and every request
  slower than SLOW_REQUEST_MS as WARNING;
- ``journal.jobs``: background work (``job_log``), for the job queue's tasks and commands;
- ``gunicorn.error`` and ``gunicorn.access`` (the access line: method, path, status, bytes, milliseconds),
  through the same handler (``GunicornLogger``, set in gunicorn.conf.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
import traceback

from flask import Flask, g, request

REQUEST_LOG = "journal.request"
JOBS_LOG = "journal.jobs"
REFUSALS = frozenset({403, 409, 429})

log = logging.getLogger(REQUEST_LOG)
job_log = logging.getLogger(JOBS_LOG)  # background work logs here: job_log.info("backup done in %.1f s", …)


class LineFormatter(logging.Formatter):
    """time level logger message [traceback], on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            line += " " + _traceback(record)
        return line.replace("\r", "").replace("\n", "\\n")

    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 (logging's name)
        return dt.datetime.fromtimestamp(record.created).astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")


class JsonFormatter(LineFormatter):
    """One JSON object per line: time, level, logger, message, process, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["traceback"] = _traceback(record)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _traceback(record: logging.LogRecord) -> str:
    return "".join(traceback.format_exception(*record.exc_info)).rstrip()


def configure_logging(level: str | None = None, fmt: str | None = None) -> None:
    """The root logger writes to stdout through one handler of ours; safe to call again (no duplicates)."""
    root = logging.getLogger()
    level_name = (level or os.environ.get("LOG_LEVEL") or "INFO").upper()
    root.setLevel(logging.getLevelName(level_name) if level_name in logging.getLevelNamesMapping() else logging.INFO)
    json_wanted = (fmt or os.environ.get("LOG_FORMAT", "")).lower() == "json"
    formatter = JsonFormatter() if json_wanted else LineFormatter()
    for handler in root.handlers:
        if getattr(handler, "_journal", False):
            handler.setFormatter(formatter)
            return
    handler = logging.StreamHandler(sys.stdout)
    handler._journal = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter)
    root.addHandler(handler)


def init_logging(app: Flask) -> None:
    """Logging for the app: the configuration above (not under tests, which keep pytest's capture) and the
    request log."""
    if not app.testing:
        configure_logging(app.config.get("LOG_LEVEL"), app.config.get("LOG_FORMAT"))
    slow_ms = app.config.get("SLOW_REQUEST_MS", 1000)

    @app.before_request
    def _started():
        g.log_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        ms = round((time.perf_counter() - g.get("log_started", time.perf_counter())) * 1000)
        status = response.status_code
        if status < 400 and ms < slow_ms:
            return response
        exc_info = g.pop("log_exception", None)
        if status >= 500:
            level, what = logging.ERROR, "failed"
        elif status in REFUSALS:
            level, what = logging.WARNING, "refused"
        elif status >= 400:
            level, what = logging.INFO, "refused"
        else:
            level, what = logging.WARNING, "slow"
        user_id = _user_id()
        log.log(
            level,
            "%s %s %s %s user=%s ms=%s",
            what,
            status,
            request.method,
            request.path,
            user_id,
            ms,
            exc_info=exc_info,
            extra={
                "fields": {
                    "status": status,
                    "method": request.method,
                    "path": request.path,
                    "user_id": user_id,
                    "ms": ms,
                }
            },
        )
        return response

    def log_exception(exc_info) -> None:
        """Flask's own log of an unhandled exception becomes part of the request's one line (above)."""
        g.log_exception = exc_info

    app.log_exception = log_exception  # type: ignore[method-assign]


def _user_id() -> int | None:
    from flask_login import current_user

    try:
        return current_user.id if current_user and current_user.is_authenticated else None  # get_id() holds a token
    except Exception:  # noqa: BLE001 — the log line must not fail because the user could not be loaded
        return None


try:  # gunicorn is on POSIX only; the app and the CLI work without it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object  # type: ignore[assignment,misc]


class GunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """Gunicorn's error and access logs through the handler above instead of gunicorn's own handlers."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        configure_logging()
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = True
        self.access_log.addFilter(_NotHealthChecks())


class _NotHealthChecks(logging.Filter):
    """A load balancer asks /healthz every few seconds: its successful answers are not worth a line each."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, dict) else {}
        return not (atoms.get("U") == "/healthz" and str(atoms.get("s")) == "200")
