"""The application factory: a served app freezes its start-up objects out of the garbage collector's reach
(bench/README.md: the journal page's slow tail); a test app does not. The server's master warms the app up before
its workers fork (app.warm_up, gunicorn.conf.py): no worker compiles a template or loads a catalogue."""

from __future__ import annotations

import gc

from app import create_app, warm_up


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


def test_warm_up_compiles_every_template_and_loads_every_language(monkeypatch):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    env = app.jinja_env
    names = env.list_templates()
    assert len(names) > 100 and "admin/journal/grid.html" in names and "admin/master.html" in names

    assert warm_up(app) == len(names)

    def compile_again(*_args, **_kwargs):
        raise AssertionError("a template compiled after the warm-up")

    monkeypatch.setattr(env, "compile", compile_again)
    for name in names:  # the app's own, the portal's and Flask-Admin's: all in the environment's cache
        env.get_template(name)
    assert app.test_client().get("/login").status_code == 200
    domain = app.extensions["babel"].instance.domain_instance
    assert {locale for locale, _domain in domain.cache} >= set(app.config["LANGUAGES"])


def test_test_files_outside_packages_have_unique_names():
    """pytest imports a test file of a folder without __init__.py by its bare name: two of the same name in
    such folders stop the whole run at collection (it happened twice)."""
    from collections import Counter
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    loose = [p.name for p in tests.rglob("test_*.py") if not (p.parent / "__init__.py").exists()]
    assert [name for name, n in Counter(loose).items() if n > 1] == []
