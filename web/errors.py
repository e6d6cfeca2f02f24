"""Error pages in the visitor's language for every door; never a bare 500 for bad input."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from i18n import error_text
from models.errors import JournalError
from models.i18n import N_

TITLES = {
    400: N_("Неверный запрос"),
    403: N_("Доступ запрещён"),
    404: N_("Страница не найдена"),
    405: N_("Метод не поддерживается"),
    409: N_("Конфликт изменений"),
    413: N_("Файл слишком большой"),
    429: N_("Слишком много попыток"),
    500: N_("Внутренняя ошибка"),
    503: N_("Сервер занят"),
}
UNKNOWN = N_("Ошибка")  # a module constant: pybabel misses a marker nested inside another call
DEFAULT_MESSAGES = {
    403: N_("У вас нет прав на эту страницу."),
    404: N_("Такой страницы нет или она вам недоступна."),
    429: N_("Слишком много попыток. Подождите несколько минут."),
    500: N_("Что-то пошло не так. Ошибка записана, попробуйте позже."),
}


def error_page(code: int, message: str | None):
    """The error page in the visitor's language (every door's refusals and transactions.py's races)."""
    title = gettext(TITLES.get(code, UNKNOWN))
    text = message or gettext(DEFAULT_MESSAGES.get(code, title))
    return render_template("portal/error.html", code=code, title=title, message=text), code


def refuse_in_portal(exc: JournalError) -> None:
    """A portal form refused by the domain: nothing is kept; a forged or stale request (no access, nothing there)
    ends in its 403/404 page, any other refusal is flashed in the user's language for the form to be shown again."""
    from flask import abort, flash

    from models.base import db
    from models.errors import AccessDenied, NotFound

    db.session.rollback()
    if isinstance(exc, (AccessDenied, NotFound)):
        abort(exc.status, error_text(exc))
    flash(error_text(exc), "danger")


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return error_page(
            400, gettext("Страница устарела (истёк защитный токен формы). Обновите страницу и повторите.")
        )

    @app.errorhandler(JournalError)
    def _domain(exc: JournalError):
        return error_page(exc.status, error_text(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        description = (
            exc.description
            if isinstance(exc.description, str) and not exc.description.startswith(("The ", "You ", "A ", "Bad "))
            else None
        )
        return error_page(exc.code or 500, description)
