"""Real browser, demo school (issue 18 item 1): the year's marks leave three students of 5А in doubt; the secretary
decides on "Люди → Перевод: решения секретаря", the operator reads the preview on "Организация →
Новый учебный год" (counts, classes, each student, the secretary's decisions), runs it as a background job and
sees the new year's classes. The live database is put back as it was afterwards (SQLite's backup), so the other
browser tests keep the demo's current year."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect
from rollover_demo import row_counts, year_end_marks
from sqlalchemy.engine import make_url

from models import db


@pytest.fixture()
def restored_afterwards(live_server):
    """Every page of the live SQLite database copied now and copied back after the test."""
    app = live_server.app
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    with app.app_context():
        before = row_counts(db.session)
        db.session.remove()
    saved = sqlite3.connect(":memory:")
    with sqlite3.connect(path) as live:
        live.backup(saved)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        live = sqlite3.connect(path)
        saved.backup(live)
        live.close()
        saved.close()
        with app.app_context():
            assert row_counts(db.session) == before  # no new year, decisions, marks or job left behind
            db.session.remove()


def test_the_secretary_decides_the_operator_previews_and_runs_the_rollover(
    page, live_server, sign_in, screenshot, worker_after, restored_afterwards
):
    with restored_afterwards.app_context():
        cast = year_end_marks(db.session, decided=False)
        db.session.commit()
        db.session.remove()

    sign_in(page, "secretary")
    page.click("a.dropdown-toggle:has-text('Люди')")
    page.click("a.dropdown-item:has-text('Перевод: решения секретаря')")
    expect(page.locator("#decisions .decision-row")).to_have_count(3)
    expect(page.locator(f"tr[data-student='{cast.repeats}']")).to_contain_text("годовая «2»")
    expect(page.locator(f"tr[data-student='{cast.unmarked}']")).to_contain_text("нет годовых отметок")
    page.select_option(f"#decision-{cast.repeats}", "repeat")
    page.select_option(f"#decision-{cast.leaves}", "leave")
    page.select_option(f"#decision-{cast.unmarked}", "promote")
    screenshot(page, "rollover-decisions")
    page.click("#decisions-save")
    expect(page.locator(".alert-success")).to_contain_text("Решения сохранены (изменено: 3).")
    expect(page.locator(f"tr[data-student='{cast.leaves}']")).to_have_attribute("data-decision", "leave")

    page.context.clear_cookies()
    sign_in(page, "operator")
    page.click("a.dropdown-toggle:has-text('Организация')")
    page.click("a.dropdown-item:has-text('Новый учебный год')")
    counts = page.locator("#rollover-counts")
    expect(counts).to_contain_text("Остаются на повторное обучение: 1")
    expect(counts).to_contain_text("Выбывают: 1")
    expect(counts).not_to_contain_text("Ждут решения")
    expect(page.locator("#rollover-classes")).to_contain_text("5А → 6А")
    expect(page.locator("#rollover-classes")).to_contain_text("11А → выпуск")
    repeating = page.locator(f"tr.rollover-student[data-student='{cast.repeats}']")
    expect(repeating).to_contain_text("остаётся на повторное обучение в 5А")
    expect(repeating).to_contain_text("решение секретаря от")
    expect(page.locator("#rollover-bells")).to_contain_text("Звонки и предметы принадлежат школе")
    screenshot(page, "rollover-preview")

    worker_after(1.5)
    page.click("#rollover-run")
    expect(page).to_have_url(re.compile(r"/admin/rollover/\?job=\d+"))
    expect(page.locator("#rollover-job-done")).to_contain_text("создан", timeout=60_000)  # the page reloads itself
    new_classes = page.locator("#new-classes .new-class")
    expect(new_classes.filter(has_text=re.compile(r"^6А$"))).to_have_count(1)
    expect(new_classes.filter(has_text=re.compile(r"^5А$"))).to_have_count(1)  # 4А moved up, and the repeater
    shown = new_classes.all_inner_texts()
    assert "12А" not in shown and "1А" not in shown and len(shown) == 10
    screenshot(page, "rollover-done")
