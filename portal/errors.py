"""Error pages in Russian for every door; never a bare 500 for bad input."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from models.errors import JournalError

TITLES = {
    400: "Неверный запрос",
    403: "Доступ запрещён",
    404: "Страница не найдена",
    405: "Метод не поддерживается",
    409: "Конфликт изменений",
    413: "Файл слишком большой",
    429: "Слишком много попыток",
    500: "Внутренняя ошибка",
}
DEFAULT_MESSAGES = {
    403: "У вас нет прав на эту страницу.",
    404: "Такой страницы нет или она вам недоступна.",
    429: "Слишком много попыток. Подождите несколько минут.",
    500: "Что-то пошло не так. Ошибка записана, попробуйте позже.",
}


def _page(code: int, message: str | None):
    title = TITLES.get(code, "Ошибка")
    text = message or DEFAULT_MESSAGES.get(code, title)
    return render_template("portal/error.html", code=code, title=title, message=text), code


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _page(400, "Страница устарела (истёк защитный токен формы). Обновите страницу и повторите.")

    @app.errorhandler(JournalError)
    def _domain(exc: JournalError):
        return _page(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        description = exc.description if isinstance(exc.description, str) and not exc.description.startswith(
            ("The ", "You ", "A ", "Bad ")) else None
        return _page(exc.code or 500, description)
