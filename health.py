"""/healthz: answers 200 with whether the database answered (for load balancers and monitoring)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:  # the app is up even when the database is not
        db.session.rollback()
        database = f"error: {exc.__class__.__name__}"
    return jsonify(status="ok", database=database, database_ok=database == "ok"), 200
