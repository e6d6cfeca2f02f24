"""Portal pages."""
from __future__ import annotations

from flask import render_template

from models.overview import school_overview

from . import bp


@bp.get("/")
def index():
    """The public start page: what the diary is and how families get access (R35, S1 1.13)."""
    return render_template("portal/index.html", overview=school_overview())
