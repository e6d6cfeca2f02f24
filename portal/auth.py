"""Login, logout, invitation redemption and password change."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from models import db
from models.accounts import STAFF_ROLES
from models.auth import authenticate, change_password, end_all_sessions, normalize_login
from models.base import utcnow
from models.errors import JournalError
from i18n import error_text
from models.invites import CONSENT_VERSION, find_open_invite, invitee_name, redeem_invite
from security import check_not_throttled, mark_login, record_failure

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
        keys = (f"login:{login_name}", f"ip:{request.remote_addr}")
        try:
            check_not_throttled(current_app.config, *keys)
            user = authenticate(login_name, form.password.data, ip=request.remote_addr,
                                user_agent=request.user_agent.string, now=utcnow())
        except JournalError as exc:
            if exc.status != 429:
                record_failure(current_app.config, *keys)
            db.session.commit()  # keep the record of the failed attempt
            flash(error_text(exc), "danger")
            status = exc.status
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            mark_login()
            target = _safe_next(request.args.get("next"))
            if target and target.startswith("/admin") and not user.has_role(*STAFF_ROLES):
                target = None
            return redirect(target or landing_url(user))
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
    return redirect(url_for("portal.login"))


@bp.route("/invite", methods=["GET", "POST"])
def redeem():
    """Redeem an invitation code: consent, login and password (R15, R16)."""
    form = RedeemForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    invite_for, needs_login, status = None, True, 200
    if form.code.data:
        try:
            invite = find_open_invite(form.code.data, now=utcnow())
            invite_for = invitee_name(invite)
        except JournalError:
            invite = None
    if request.method == "POST":
        keys = (f"ip:{request.remote_addr}",)
        if form.validate():
            try:
                check_not_throttled(current_app.config, *keys)
                user = redeem_invite(form.code.data, login=form.login.data or "", password=form.password.data,
                                     consent=form.consent.data, now=utcnow(), ip=request.remote_addr)
            except JournalError as exc:
                db.session.rollback()
                if exc.status in (400, 404):
                    record_failure(current_app.config, *keys)
                flash(error_text(exc), "danger")
                status = exc.status
            else:
                db.session.commit()
                flash(_("Учётная запись готова. Ваш логин: %(login)s. Войдите с новым паролем.", login=user.login), "success")
                return redirect(url_for("portal.login"))
        else:
            status = 400
    return render_template("portal/invite.html", form=form, invite_for=invite_for, needs_login=needs_login,
                           consent_version=CONSENT_VERSION), status


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
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response
