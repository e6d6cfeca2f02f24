"""The family pages that are kept (the diary week, the marks page, a subject's page): each one's ETag, and what
answers a visit while it has not changed — "304 Not Modified" when the browser keeps the page
(security.revalidate_privately), the page this worker built for the session when it does not
(portal/built_pages.py). The marks page and a subject's page are both views of the child's report card and share
its stamp (models/reports/marks_stamp.py)."""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from flask import abort, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

import school_clock
from i18n import error_text
from models.access import FAMILY_ROLES, Actor
from models.errors import JournalError
from models.parsing import parse_id
from models.reports.marks_stamp import marks_page_stamp
from models.reports.report_card import ReportCard, report_card
from security import revalidate_privately

from .built_pages import built_page, keep_page, page_key
from .inbox import inbox_unread
from .navigation import unread_notices_count


def page_etag(stamp: str, templates: tuple[str, ...]) -> str:
    """A kept family page's ETag: its rows (the page's stamp, e.g. models.diary.diary_week_stamp) and everything
    else the page shows: who reads it, in which language, the school's day, the templates, the navigation's
    counts, and the logout form's CSRF token (renewed every half of its lifetime, so that a kept page never
    carries an expired one)."""
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    token_age = int(time.time() // max(limit // 2, 1)) if limit else 0
    parts = (
        stamp,
        current_user.id,
        current_user.login,
        sorted(current_user.role_names),
        str(get_locale()),
        school_clock.today().isoformat(),
        token_age,
        _templates_version(templates),
        unread_notices_count(),
        inbox_unread(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _templates_version(templates: tuple[str, ...]) -> str:
    """A page's templates and the code and catalogues that fill them, as deployed: an upgrade changes every ETag
    (a kept page must not outlive a fix of an average or of a translation). The same on every instance of one
    version: sources, not moments of files."""
    known = current_app.extensions.setdefault("page_templates", {})
    if templates not in known:
        env = current_app.jinja_env
        digest = hashlib.sha256(_code_version().encode())
        for name in templates:
            digest.update(env.loader.get_source(env, name)[0].encode())
        known[templates] = digest.hexdigest()[:16]
    return known[templates]


@functools.cache
def _code_version() -> str:
    """The domain's and the portal's Python sources and the translation catalogues, hashed once a process."""
    root = Path(current_app.root_path)
    digest = hashlib.sha256()
    for path in sorted([*root.glob("models/**/*.py"), *root.glob("portal/*.py"), *root.glob("translations/*/*/*.mo")]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def kept_or_built(etag: str | None, build: Callable[[], object]):
    """A family page with its ETag (None: not kept, e.g. staff reading a child): while it has not changed, "304 Not
    Modified" when the browser keeps it, else the page this worker kept for the session; otherwise ``build()``,
    kept for the next visit. ``build`` gives the page's HTML, or a response that is not kept (a redirect)."""
    key = None
    if etag:
        if etag in request.if_none_match and not session.get("_flashes"):
            return revalidate_privately(make_response("", 304), etag)
        key = page_key(etag)
        if (kept := built_page(key)) is not None:
            return revalidate_privately(make_response(kept), etag)
    page = build()
    if not isinstance(page, str):
        return page
    response = make_response(keep_page(key, page))
    return revalidate_privately(response, etag) if etag else response


def period_card(actor: Actor, student_id: int, subject_id: int | None = None) -> ReportCard:
    """The child's marks for the period and year of the query string (the marks page and a subject's page, whose
    forecast also says what the next mark up needs)."""
    try:
        return report_card(
            actor,
            student_id,
            today=school_clock.today(),
            year_id=parse_id(request.args.get("year")),
            period_id=parse_id(request.args.get("period")),
            steps_for=subject_id,
        )
    except JournalError as exc:
        abort(exc.status, error_text(exc))


def card_page(
    student_id: int,
    templates: tuple[str, ...],
    build: Callable[[Actor, ReportCard], object],
    subject_id: int | None = None,
):
    """A page of the child's report card for the period and year of the query string (the marks page, a subject's
    page with ``subject_id``): for a family, validated by the card's stamp (two small statements) before any card
    is built, and kept. ``build(actor, card)`` gives the page's HTML, or a response that is not kept (a
    redirect)."""
    actor = Actor.of(current_user)
    etag = None
    if actor.has(*FAMILY_ROLES):
        try:
            stamp = marks_page_stamp(
                actor, student_id, today=school_clock.today(), year_id=parse_id(request.args.get("year"))
            )
        except JournalError as exc:
            abort(exc.status, error_text(exc))
        if stamp is not None:  # None: no such year of the child, and the card says so
            etag = page_etag(f"{stamp}:{request.args.get('period', '')}", templates)
    return kept_or_built(etag, lambda: build(actor, period_card(actor, student_id, subject_id)))
