"""The db_session fixture isolates tests: a commit inside one test is gone in the next."""

import pytest

from models import School, db


@pytest.mark.parametrize("run", [1, 2])
def test_commit_inside_test_is_rolled_back(db_session, run):
    assert db.session.query(School).count() == 0
    db.session.add(School(name="Школа", short_name="Ш", code=f"s{run}"))
    db.session.commit()
    assert db.session.query(School).count() == 1
