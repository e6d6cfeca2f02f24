"""Real browser, the demo school, CSRF on, a phone and a desktop screen: a parent chooses instant letters about the child in 5А;
the maths teacher gives the child a mark in the journal; the parent's home shows it and the letter arrives at a
local SMTP server (aiosmtpd, in this process); the teacher changes the mark; the home shows old → new and the
next letter says so. The sending task's function runs directly (no queue consumer)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import Enrollment, SchoolClass, StudentGuardian, User, db

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture()
def smtp():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail"))
    from smtp_server import LocalSMTP

    server = LocalSMTP().start()
    yield server
    server.stop()


def _send(live_server) -> dict:
    from mailer import send_due

    with live_server.app.app_context():
        try:
            return send_due(settle=dt.timedelta(0))
        finally:
            db.session.remove()


def _no_overflow(page, screen):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width} px wide on a {screen['width']} px screen"


def _cell_for(page, base, child_id):
    """The maths 5А page of the first quarter (the demo's recorded lessons, period open), and the child's last
    empty cell of a recorded lesson."""
    page.goto(base + "/admin/journal/")
    row = page.locator("#journal-pages tbody tr", has_text="5А").filter(has_text="Математика").first
    row.locator("a.journal-open").click()
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)
    page.click("#period-tabs a.nav-link >> nth=0")
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)
    return page.locator(f"input.jg-i[name$='-{child_id}'][value='']").last


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_parent_gets_the_mark_by_mail_and_sees_old_to_new(page, live_server, sign_in, smtp, screenshot, screen):
    from models.access import Actor
    from models.base import utcnow
    from models.mail.smtp import save_mail_settings

    base = live_server.url
    app = live_server.app
    app.config["PUBLIC_URL"] = base
    with app.app_context():
        parent = db.session.scalar(select(User).where(User.login == "parent"))
        operator = db.session.scalar(select(User).where(User.login == "operator"))
        child_id = db.session.scalar(
            select(StudentGuardian.student_id)
            .join(Enrollment, Enrollment.student_id == StudentGuardian.student_id)
            .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
            .where(StudentGuardian.guardian_id == parent.guardian_id, SchoolClass.grade == 5)
        )
        values = {"host": "127.0.0.1", "port": str(smtp.port), "security": "none", "sender": "diary@school.example"}
        save_mail_settings(Actor.of(operator), values, secret_key=app.config["SECRET_KEY"], now=utcnow())
        db.session.commit()
        db.session.remove()

    # the parent (on a phone, then at a desk): the mail page from the navigation, instant letters about the child
    page.set_viewport_size(screen)
    sign_in(page, "parent")
    page.click("#nav-mail")
    expect(page.locator("#mail-form")).to_be_visible()
    page.fill("#email", "mother@example.ru")
    page.check(f"#mode-{child_id}-instant")
    page.click("#mail-save")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"#mode-{child_id}-instant")).to_be_checked()
    _no_overflow(page, screen)
    screenshot(page, f"family-mail-settings-{screen['width']}")

    # the teacher gives a mark in the journal
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    sign_in(page, "teacher")
    cell = _cell_for(page, base, child_id)
    name = cell.get_attribute("name")
    cell.click()
    page.keyboard.press("4")
    expect(cell.locator("xpath=..")).to_have_class(re.compile(r"\bjg-ok\b"))

    assert _send(live_server) == {"sent": 1}
    (letter,) = smtp.letters
    assert letter["To"] == "mother@example.ru" and letter["List-Unsubscribe"] == f"<{base}/mail>"
    text = letter.get_body(preferencelist=("plain",)).get_content()
    assert re.search(r"Новая отметка\. Математика.*\n\s+4\n", text), text

    # the parent follows the letter's link: the home shows the mark
    page.context.clear_cookies()
    page.set_viewport_size(screen)
    sign_in(page, "parent")
    page.goto(re.search(r"(http://\S+/home)", text).group(1))
    child = page.locator(f"#child-{child_id}")
    expect(child.locator(".notice-mark-create").first).to_contain_text("4")
    _no_overflow(page, screen)
    screenshot(page, f"family-mail-home-new-mark-{screen['width']}")

    # the teacher changes it
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    sign_in(page, "teacher")
    _cell_for(page, base, child_id)
    cell = page.locator(f"input[name='{name}']")
    cell.click()
    page.keyboard.press("5")
    expect(cell).to_have_value("5")
    expect(cell.locator("xpath=..")).to_have_class(re.compile(r"\bjg-ok\b"))

    assert _send(live_server) == {"sent": 1}
    changed = smtp.letters[1].get_body(preferencelist=("plain",)).get_content()
    assert "Отметка изменена" in changed and "4 → 5" in changed
    html = smtp.letters[1].get_body(preferencelist=("html",)).get_content()
    assert "<s>4</s> → <strong>5</strong>" in html

    page.context.clear_cookies()
    page.set_viewport_size(screen)
    sign_in(page, "parent")
    page.goto(base + "/home")
    expect(page.locator(f"#child-{child_id} .notice-mark-update").first).to_contain_text("4 → 5")
    _no_overflow(page, screen)
    screenshot(page, f"family-mail-home-changed-{screen['width']}")
    assert _send(live_server) == {}  # nothing new: no third letter
