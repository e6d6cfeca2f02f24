"""Forms of the portal (CSRF tokens come with FlaskForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = _l("Заполните это поле.")


class LoginForm(FlaskForm):
    login = StringField(_l("Логин"), validators=[DataRequired(REQUIRED), Length(max=80)])
    password = PasswordField(_l("Пароль"), validators=[DataRequired(REQUIRED), Length(max=128)])


class CodeForm(FlaskForm):
    code = StringField(_l("Код приглашения"), validators=[DataRequired(REQUIRED), Length(max=40)])


class RedeemForm(FlaskForm):
    code = StringField(_l("Код приглашения"), validators=[DataRequired(REQUIRED), Length(max=40)])
    login = StringField(_l("Придумайте логин"), validators=[Length(max=40)])
    password = PasswordField(_l("Придумайте пароль"), validators=[DataRequired(REQUIRED), Length(max=128)])
    password2 = PasswordField(
        _l("Повторите пароль"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("Пароли не совпадают."))]
    )
    consent = BooleanField(_l("Я даю согласие на обработку персональных данных"))


class PasswordChangeForm(FlaskForm):
    old_password = PasswordField(_l("Текущий пароль"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Новый пароль"), validators=[DataRequired(REQUIRED), Length(max=128)])
    password2 = PasswordField(
        _l("Повторите новый пароль"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("Пароли не совпадают."))],
    )
