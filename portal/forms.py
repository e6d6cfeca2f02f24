"""Forms of the portal (CSRF tokens come with FlaskForm)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = "Заполните это поле."


class LoginForm(FlaskForm):
    login = StringField("Логин", validators=[DataRequired(REQUIRED), Length(max=80)])
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED), Length(max=128)])


class CodeForm(FlaskForm):
    code = StringField("Код приглашения", validators=[DataRequired(REQUIRED), Length(max=40)])


class RedeemForm(FlaskForm):
    code = StringField("Код приглашения", validators=[DataRequired(REQUIRED), Length(max=40)])
    login = StringField("Придумайте логин", validators=[Length(max=40)])
    password = PasswordField("Придумайте пароль", validators=[DataRequired(REQUIRED), Length(max=128)])
    password2 = PasswordField("Повторите пароль", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Пароли не совпадают.")])
    consent = BooleanField("Я даю согласие на обработку персональных данных")


class PasswordChangeForm(FlaskForm):
    old_password = PasswordField("Текущий пароль", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Новый пароль", validators=[DataRequired(REQUIRED), Length(max=128)])
    password2 = PasswordField("Повторите новый пароль", validators=[
        DataRequired(REQUIRED), EqualTo("password", "Пароли не совпадают.")])
