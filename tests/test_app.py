"""The application factory: a served app freezes its start-up objects out of the garbage collector's reach
(bench/README.md: the journal page's slow tail); a test app does not."""
from __future__ import annotations

import gc

from app import create_app


def test_a_served_app_freezes_its_start_up_objects():
    gc.unfreeze()
    try:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": False})
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_test_app_or_the_setting_off_does_not():
    gc.unfreeze()
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": False, "GC_FREEZE": False})
    assert gc.get_freeze_count() == 0
