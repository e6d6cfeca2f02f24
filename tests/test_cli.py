"""CLI doors apply the same rules: the password policy and unique logins."""

from sqlalchemy import select

from models import School, User, db


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_operator(app, db_session):
    db.session.add(School(name="Школа", short_name="Ш", code="cli-school"))
    db.session.commit()
    result = _run(app, "create-operator", "chief", "--school-code", "cli-school", "--password", "Осень-листопад-26")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "chief"))
    assert user.role_names == {"operator"}
    weak = _run(app, "create-operator", "chief2", "--school-code", "cli-school", "--password", "12345678")
    assert weak.exit_code != 0 and "простой" in weak.output
    unknown = _run(app, "create-operator", "chief3", "--school-code", "nope", "--password", "Осень-листопад-26")
    assert unknown.exit_code != 0 and "не найдена" in unknown.output
