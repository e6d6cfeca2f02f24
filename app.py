"""Application factory: configuration, extensions, staff panel, portal and CLI. Nothing else."""

from __future__ import annotations

import gc

from flask import Flask

import config as config_module
from extensions import babel, csrf, login_manager, migrate, select_locale
from logsetup import init_logging
from models import db


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR))
    app.config.from_object(config_module.Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.default_database_url()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module._secret_key()
    init_logging(app)  # first: its timer starts before, and its request line is written after, everything else

    from request_guards import init_request_guards

    init_request_guards(app)  # before any route: its int converter applies to the rules added after it
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(config_module.BASE_DIR / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)

    from flask_babel import get_locale

    from admin_views import init_admin
    from cli import init_cli
    from health import bp as health_bp
    from i18n import install_template_gettext, number, text
    from models.grading import FORMATIVE_SCALE
    from models.points import points_text
    from portal import bp as portal_bp
    from school_clock import init_school_clock
    from security import init_security
    from tasks import init_jobs
    from transactions import init_transactions
    from web.errors import init_error_handlers

    install_template_gettext(app)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["tr"] = text  # domain-composed text (models.i18n.Text) in the user's language
    app.jinja_env.filters["points"] = points_text  # 18.00 → "18", 7.50 → "7.5"
    app.jinja_env.globals["num"] = number  # 4.25 → "4,25" in every template, PDFs included
    app.jinja_env.globals["formative_scale"] = points_text(FORMATIVE_SCALE)
    init_school_clock(app)
    init_transactions(app)
    init_security(app)
    init_error_handlers(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(portal_bp)
    init_admin(app)
    init_cli(app)
    init_jobs(app)
    _freeze_start_up_objects(app)
    return app


def _freeze_start_up_objects(app: Flask) -> None:
    """The ~340,000 objects of the started app (Flask-Admin, SQLAlchemy, the catalogues) live as long as the
    process: out of the collector's reach, a full collection no longer walks them and the slow tail of a page
    drops (bench/README.md: journal page p90 145–170 ms → 39–72 ms). Not in tests."""
    if app.config.get("GC_FREEZE") and not app.testing:
        gc.collect()
        gc.freeze()


def warm_up(app: Flask) -> int:
    """Compile every template and load every language's translations, in a server's master process before it
    forks its workers (gunicorn.conf.py): each worker then starts with them in its (shared) memory instead of
    compiling a page's templates on its first request of that page, again after every restart of a worker.
    Returns the number of templates compiled."""
    from flask_babel import force_locale, get_translations

    env = app.jinja_env
    names = env.list_templates()
    for name in names:
        env.get_template(name)
    with app.test_request_context():
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                get_translations()
    _compile_statements(app)
    _freeze_start_up_objects(app)  # what was compiled joins them
    return len(names)


def _compile_statements(app: Flask) -> None:
    """Run the largest statements once (for no school: they answer nothing), so that SQLAlchemy's compiled forms
    are in the master's memory when the workers fork: the coordinator's control report compiled its statements on
    a worker's first report, ~45 ms (bench/README.md, session 18). The connection is closed before the fork; a
    database that cannot answer yet (not migrated, not up) leaves the compiling to the workers."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.reports.journal_control import compile_statements

    with app.app_context():
        try:
            compile_statements()
        except SQLAlchemyError as exc:
            app.logger.warning("statements not compiled before the fork: %s", exc.__class__.__name__)
        finally:
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
