"""models.base.generic_plans: on PostgreSQL the statements inside run with generic plans and the transaction's
setting is back to the server's default after them; an error inside comes out as itself; SQLite runs them as
they are."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from models.base import generic_plans


def _mode(session) -> str:
    return session.execute(text("SHOW plan_cache_mode")).scalar()


def test_inside_generic_then_the_default_again(db_session):
    if db_session.get_bind().dialect.name != "postgresql":
        with generic_plans(db_session):
            assert db_session.execute(text("SELECT 1")).scalar() == 1
        return
    default = _mode(db_session)
    with generic_plans(db_session):
        assert _mode(db_session) == "force_generic_plan"
    assert _mode(db_session) == default


def test_an_error_inside_is_the_one_raised(db_session):
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite sets nothing")
    default = _mode(db_session)
    with pytest.raises(ProgrammingError, match="no_such_table"):
        with db_session.begin_nested(), generic_plans(db_session):
            db_session.execute(text("SELECT * FROM no_such_table"))
    assert _mode(db_session) == default  # the savepoint's rollback took the setting back
