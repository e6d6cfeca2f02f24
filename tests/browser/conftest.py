"""Real-browser harness: the app on a SQLite file built by the real migrations plus the tiny demo
school, served by Werkzeug in a thread, driven by Debian's Chromium through Playwright.

Every test in this folder is marked `browser` (deselect with `-m "not browser"`). Without Chromium
the tests skip with a reason, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselection runs
def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)  # lets the `page` fixture see whether the test failed
    return report


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture()
def screenshot():
    """`screenshot(page, "start-page")` saves test-artifacts/start-page.png (tests cannot import conftest)."""
    return save_screenshot


DEMO_PASSWORD = "demo-pass-2026"  # demo/generator.py: every demo login's password


@pytest.fixture()
def sign_in(live_server):
    """`sign_in(page, "teacher")`: the login form with the demo password, then waits until the page that
    follows (the staff panel or the diary) has loaded, so that its menus' scripts work."""
    from playwright.sync_api import expect

    def sign_in(page, login: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(live_server.url + "/login")
        page.fill("#login", login)
        page.fill("#password", password)
        page.click("#login-form button[type=submit]")
        expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))
        page.wait_for_load_state("load")

    return sign_in


@pytest.fixture(scope="session")
def kazakh_school(live_server):
    """The Kazakhstan demo school (`flask --app app demo --kind kz`, small: one class a grade, 5 students) loaded
    next to the Russian one, with its lessons up to today; idempotent. Its accounts are kz-teacher, kz-parent…"""
    from demo.generator import Scale, load_demo
    from models import db

    with live_server.app.app_context():
        load_demo(scale=Scale(schools=1, classes_per_grade=1, students_per_class=5, weeks=None), kind="kz")
        db.session.remove()


@pytest.fixture()
def worker_after(live_server, monkeypatch):
    """`worker_after(2.5)`: the job queue's worker, a thread of its own that reaches each job ``delay`` seconds
    after the page queued it — the page answers at once and shows the job waiting, then its result."""
    import threading

    import tasks

    def run(job_id: int) -> None:
        from models import db

        with live_server.app.app_context():
            tasks.execute(job_id)
            db.session.remove()

    def worker_after(delay: float) -> None:
        monkeypatch.setattr(tasks, "enqueue", lambda job: threading.Timer(delay, run, (job.id,)).start())

    return worker_after


@pytest.fixture(scope="session")
def live_server():
    import flask_migrate
    from werkzeug.serving import make_server

    from app import create_app

    tmp = Path(tempfile.mkdtemp(prefix="journal-live-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.sqlite'}",
            "SECRET_KEY": "browser-tests",
            "WTF_CSRF_ENABLED": True,
            "TESTING": False,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        from demo.generator import Scale, load_demo

        load_demo(scale=Scale.tiny())
        from models import db

        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            from models import db

            db.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        message = f"Chromium not installed ({executable} missing): apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # launch() gives Chromium a fresh temporary profile (user-data-dir) and removes it on close.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def page(browser, request):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # A click right after a navigation can land before the new page's scripts (Bootstrap's menus)
    # are attached, most often on a loaded machine: every page.click first waits for the load event.
    plain_click = page.click

    def click_when_loaded(selector, **kwargs):
        page.wait_for_load_state("load")
        return plain_click(selector, **kwargs)

    page.click = click_when_loaded
    # A download started before the page's load event stops the page's loading: Chromium then never fires
    # `load` for it, and the next page.click would wait for it in vain. Downloads wait for the load first.
    plain_expect_download = page.expect_download

    def expect_download_when_loaded(*args, **kwargs):
        page.wait_for_load_state("load")
        return plain_expect_download(*args, **kwargs)

    page.expect_download = expect_download_when_loaded
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                save_screenshot(page, "FAILED-" + re.sub(r"[^\w.-]+", "_", request.node.nodeid))
            except Exception:  # a dead page must not hide the real failure
                pass
        context.close()
