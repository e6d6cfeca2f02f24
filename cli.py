"""Command-line tools: `flask --app app demo` and friends."""
from __future__ import annotations

import time

import click
from flask import Flask


def init_cli(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--reset", is_flag=True, help="Drop the existing demo school first.")
    def demo_command(reset: bool) -> None:
        """Load the demo school (idempotent: a second run changes nothing)."""
        from demo.generator import load_demo

        started = time.perf_counter()
        counts = load_demo(reset=reset)
        for name, count in counts.items():
            click.echo(f"{name:>22}: {count}")
        click.echo(f"done in {time.perf_counter() - started:.1f} s")

    _register_account_commands(app)


def _register_account_commands(app: Flask) -> None:
    @app.cli.command("create-operator")
    @click.argument("login")
    @click.option("--school-code", required=True, help="School.code of the school the operator runs.")
    @click.password_option(help="At least 8 characters; asked for when not given.")
    def create_operator(login: str, school_code: str, password: str) -> None:
        """Create the first operator account of a school (later staff get invitation codes)."""
        from sqlalchemy import select

        from models import School, User, UserRole, db
        from models.auth import hash_password, new_session_token, normalize_login, password_problem

        school = db.session.scalar(select(School).where(School.code == school_code))
        if school is None:
            raise click.ClickException(f"Школа с кодом {school_code!r} не найдена.")
        login = normalize_login(login)
        if db.session.scalar(select(User.id).where(User.login == login)):
            raise click.ClickException(f"Логин {login!r} уже занят.")
        problem = password_problem(password, login=login)
        if problem:
            raise click.ClickException(problem.message)
        user = User(school_id=school.id, login=login, password_hash=hash_password(password),
                    session_token=new_session_token())
        user.roles = [UserRole(role="operator")]
        db.session.add(user)
        db.session.commit()
        click.echo(f"Оператор {login} создан для {school.short_name}.")
