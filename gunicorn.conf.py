"""Gunicorn settings: ``.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app`` (docs/PRODUCTION.md).

Read from the same environment as config.py; every number can be changed without editing this file:

- WEB_CONCURRENCY: worker processes. Default: 1 while the sign-in throttle counts in process memory
  (RATELIMIT_STORAGE_URI=memory://, the default): several processes would each keep their own counters and
  multiply every sign-in budget. With Redis: 2 per core plus one, at most 8.
- GUNICORN_THREADS (default 4): threads per worker (gthread). Requests spend much of their time waiting for
  the database; on SQLite writes queue behind the write lock (transactions.py), reads stay concurrent.
- GUNICORN_TIMEOUT (default 60 s): a worker silent that long is killed and replaced. Long work belongs to
  background jobs; this is the safety net. GUNICORN_GRACEFUL_TIMEOUT (30 s): on stop or restart, requests
  under way get that long to finish.
- GUNICORN_MAX_REQUESTS (10000, with up to 10 % jitter so that workers do not restart together): a worker
  is replaced after that many requests, which bounds any slow growth of its memory (none measured: a worker's
  RSS stayed 125 MiB over 6,000 family pages and 140 MiB over 900 staff pages). Not fewer: a new worker
  builds its SQL again (the control report's first run costs twice the CPU of the next). 0 switches it off.
  The replacement drops nothing: the old worker stops accepting, finishes the requests under way (within
  GUNICORN_GRACEFUL_TIMEOUT) while the others and its successor accept new connections from the shared socket.
- GUNICORN_KEEPALIVE (default 0 s): how long a connection may wait idle for the client's next request. Off by
  default because an idle connection the server closes (its keep-alive time out, or its worker being replaced)
  races with a request the client may be sending on it at that moment: the client sees the connection closed
  without an answer. Browsers silently retry a GET but not a POST (a teacher's save), and nginx never
  retries a non-idempotent request on another connection either. The rush (bench/README.md) lost about one
  request in 5,000 that way with 5 s. With 0 every response says "Connection: close" and the next request opens
  a new connection (~0.1 ms on loopback or a LAN; nginx's upstream connections are plain ones, see
  docs/PRODUCTION.md). Set it (e.g. 75, above nginx's own 60 s idle time, so that the proxy always closes
  first) only when every client retries.
- GUNICORN_BIND (default 127.0.0.1:8000); ``--bind`` on the command line wins.
- LOG_LEVEL, LOG_FORMAT=json: gunicorn's own and access logs go through logsetup.py's one-line format.

preload_app: the app is built once in the master and the workers fork from it — a start-up error stops the
server at once instead of a crash loop, and the ~340,000 objects of the built app (gc.freeze in app.py) are
shared by the workers' memory pages. The master's one connection (app.warm_up compiles the largest statements
through it) is closed before the fork; post_fork drops any pool the master might have filled anyway. New code
needs a restart (systemctl restart), not a HUP.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import config as journal_config  # noqa: E402 (the project's environment; "config" is a gunicorn setting)
from logsetup import configure_logging  # noqa: E402


def _workers() -> int:
    if journal_config.shared_deployment():
        return min(2 * (os.cpu_count() or 1) + 1, 8)
    return 1


workers = journal_config._env_int("WEB_CONCURRENCY", 0) or _workers()
threads = journal_config._env_int("GUNICORN_THREADS", 4)
worker_class = "gthread"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
timeout = journal_config._env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = journal_config._env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = journal_config._env_int("GUNICORN_KEEPALIVE", 0)  # 0: "Connection: close", see above
max_requests = journal_config._env_int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10
preload_app = True
control_socket_disable = True  # gunicorn 27's admin socket: unused, and one path per user would clash between instances
forwarded_allow_ips = "127.0.0.1,::1"  # gunicorn's own wsgi.url_scheme; wsgi.py's ProxyFix does the rest

loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "logsetup.GunicornLogger"
errorlog = "-"
accesslog = "-"
# No client address, query string, referrer or user agent: they can be personal data (a search by name).
access_log_format = "%(m)s %(U)s %(s)s %(B)s bytes %(M)sms"

configure_logging()


def post_fork(server, worker):
    """Each worker gets its own database connections: none inherited from the master."""
    application = worker.app.wsgi()
    with application.app_context():
        from models import db

        for engine in db.engines.values():
            engine.dispose(close=False)


def when_ready(server):
    """In the master, after the app is loaded (preload_app) and before the workers fork (app.warm_up)."""
    from app import warm_up

    started = time.perf_counter()
    templates = warm_up(server.app.wsgi())
    server.log.info("%s templates compiled in %.1f s", templates, time.perf_counter() - started)
    server.log.info(
        "serving %s with %s worker(s) x %s thread(s), throttle storage %s",
        ", ".join(server.cfg.bind),
        server.cfg.workers,
        server.cfg.threads,
        journal_config.Config.RATELIMIT_STORAGE_URI.split(":", 1)[0],
    )
