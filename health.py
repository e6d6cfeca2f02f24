"""/healthz for load balancers and monitoring: 200 when every check passed, 503 when one failed (the balancer
then sends no users to this instance), with each check's result in JSON. Nothing is read from the schema
and no session is touched, so it is cheap enough to be asked every few seconds.

Checks: the database answered ``SELECT 1``; the sign-in throttle storage answered when it is shared
(Redis). Other storages add their own check with ``register_check`` (the job queue's storage, for one):

    from health import register_check
    register_check("queue", lambda app: queue_storage_answers())  # True, or raise / return False

Facts for monitoring that do not decide whether this instance serves (``register_info``) are added to the body:
the last good backup (its time, size, verification, whether one is overdue: models/backups.py) is one. They read
a row or two; an instance with a stale backup still serves users (monitoring alerts on ``backup.overdue``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from models import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

Check = Callable[[Flask], bool]
CHECKS: dict[str, Check] = {}


def register_check(name: str, check: Check) -> None:
    """Adds a check under `name`: called with the app, it returns True when its storage answered."""
    CHECKS[name] = check


def _database(_app: Flask) -> bool:
    db.session.execute(text("SELECT 1"))
    return True


def _throttle_storage(app: Flask) -> bool:
    storage = app.extensions.get("auth_throttle")
    return (
        storage is None
        or app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")
        or bool(storage.check())
    )


register_check("database", _database)
register_check("throttle_storage", _throttle_storage)


INFO: dict[str, Callable[[Flask], dict]] = {}


def register_info(name: str, info: Callable[[Flask], dict]) -> None:
    INFO[name] = info


def _backup_info(_app: Flask) -> dict:
    from models.backups import status
    from models.base import utcnow

    return status(utcnow()).as_json()


register_info("backup", _backup_info)


def _info(name: str, info) -> dict:
    try:
        return info(current_app)
    except Exception as exc:  # noqa: BLE001 — a fact that cannot be read is reported, the instance still serves
        db.session.rollback()
        log.warning("health info %s failed: %s", name, exc.__class__.__name__)
        return {"error": exc.__class__.__name__}


def _run(name: str, check: Check) -> str:
    try:
        return "ok" if check(current_app) else "error: no answer"
    except Exception as exc:  # noqa: BLE001 — the app is up even when a storage is not: say which one
        if name == "database":
            db.session.rollback()
        log.warning("health check %s failed: %s", name, exc.__class__.__name__)
        return f"error: {exc.__class__.__name__}"


@bp.get("/healthz")
def healthz():
    results = {name: _run(name, check) for name, check in CHECKS.items()}
    healthy = all(result == "ok" for result in results.values())
    body = {"status": "ok" if healthy else "fail", **results, "database_ok": results["database"] == "ok"}
    if results["database"] == "ok":
        body |= {name: _info(name, info) for name, info in INFO.items()}
    return jsonify(body), 200 if healthy else 503
