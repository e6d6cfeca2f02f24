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


def test_test_files_outside_packages_have_unique_names():
    """pytest imports a test file of a folder without __init__.py by its bare name: two of the same name in
    such folders stop the whole run at collection (it happened twice)."""
    from collections import Counter
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    loose = [p.name for p in tests.rglob("test_*.py") if not (p.parent / "__init__.py").exists()]
    assert [name for name, n in Counter(loose).items() if n > 1] == []
