"""Login, logout, invitation redemption and password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from i18n import error_text
from models import db
from models.accounts.auth import authenticate, change_password, end_all_sessions, normalize_login
from models.accounts.invites import CONSENT_WITHDRAWAL, consent_text, find_open_invite, invitee_name, redeem_invite
from models.base import utcnow
from models.errors import JournalError, NotFound
from models.tables.accounts import STAFF_ROLES
from security import (
    CLEAR_CACHE,
    known_device,
    login_keys,
    mark_login,
    remember_device,
    throttle_check,
    throttle_failure,
    throttle_success,
)

from . import bp
from .forms import LoginForm, PasswordChangeForm, RedeemForm


def landing_url(user) -> str:
    """Staff work in the staff panel; parents and students read the diary."""
    return url_for("admin.index") if user.has_role(*STAFF_ROLES) else url_for("portal.home")


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        login_name = normalize_login(form.login.data)
        keys = login_keys(login_name, request.remote_addr, known_device(login_name))
        try:
            throttle_check(current_app.config, keys)
            user = authenticate(
                login_name,
                form.password.data,
                ip=request.remote_addr,
                user_agent=request.user_agent.string,
                now=utcnow(),
                mask_key=current_app.secret_key,
            )
        except JournalError as exc:
            if exc.status != 429:
                throttle_failure(current_app.config, keys)
            db.session.commit()  # keep the record of the failed attempt
            flash(error_text(exc), "danger")
            status = exc.status
        else:
            db.session.commit()
            throttle_success(current_app.config, keys)
            session.clear()
            login_user(user)
            mark_login()
            target = _safe_next(request.args.get("next"))
            if target and target.startswith("/admin") and not user.has_role(*STAFF_ROLES):
                target = None
            response = redirect(target or landing_url(user))
            remember_device(response, login_name)
            return response
    elif request.method == "POST":
        status = 400
    return render_template("portal/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Вы вышли из системы."), "info")
    response = redirect(url_for("portal.login"))
    response.headers["Clear-Site-Data"] = CLEAR_CACHE  # the week pages the browser kept (security.py)
    return response


@bp.route("/invite", methods=["GET", "POST"])
def redeem():
    """Redeem an invitation code (R15, R16). A link may carry the code, but a GET only fills it in: a code is
    looked up by a POST alone, throttled per address like sign-in, and every code that cannot be used gets one
    answer. A valid code shows whose it is, then the same form takes consent, login and password."""
    if request.method == "GET":
        form = RedeemForm(formdata=None, code=request.args.get("code", "")[:40])
        return _invite_page(form, None, 200)
    form = RedeemForm()
    keys = [("invite", f"{request.remote_addr}")]
    try:
        throttle_check(current_app.config, keys)
        invite = find_open_invite(form.code.data or "", now=utcnow())
    except JournalError as exc:
        if isinstance(exc, NotFound):
            throttle_failure(current_app.config, keys)
        flash(error_text(exc), "danger")
        return _invite_page(form, None, exc.status)
    invite_for = invitee_name(invite)
    consent = consent_text(invite.school_id)
    if "password" not in request.form:  # the code step: say whose code it is, ask for the rest
        return _invite_page(form, invite_for, 200, consent)
    if not form.validate():
        return _invite_page(form, invite_for, 400, consent)
    try:
        user = redeem_invite(
            form.code.data,
            login=form.login.data or "",
            password=form.password.data,
            consent=form.consent.data,
            now=utcnow(),
            ip=request.remote_addr,
        )
    except JournalError as exc:
        db.session.rollback()
        flash(error_text(exc), "danger")
        return _invite_page(form, invite_for, exc.status, consent)
    db.session.commit()
    flash(_("Учётная запись готова. Ваш логин: %(login)s. Войдите с новым паролем.", login=user.login), "success")
    return redirect(url_for("portal.login"))


def _invite_page(form: RedeemForm, invite_for: str | None, status: int, consent: tuple[str, str] = ("", "")):
    """The invitation page; with a valid code, the consent of the code's school: (version, text)."""
    version, text = consent
    return render_template(
        "portal/invite.html",
        form=form,
        invite_for=invite_for,
        consent_version=version,
        consent_text=text,
        consent_withdrawal=CONSENT_WITHDRAWAL,
    ), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            change_password(current_user, form.old_password.data, form.password.data, now=utcnow())
        except JournalError as exc:
            db.session.rollback()
            flash(error_text(exc), "danger")
            status = exc.status
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Пароль изменён. Все сеансы завершены — войдите с новым паролем."), "success")
            return redirect(url_for("portal.login"))
    elif request.method == "POST":
        status = 400
    return render_template("portal/password.html", form=form), status


@bp.post("/language")
def language():
    """Switch the interface language: stored on the account, and in a cookie before login."""
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    response = redirect(_safe_next(request.form.get("next")) or url_for("portal.index"))
    response.set_cookie(
        "lang",
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
