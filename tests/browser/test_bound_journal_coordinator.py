"""The coordinator (завуч) orders the bound journal of 5А for the first quarter at /admin/bound-journal/,
watches the job's progress on "Мои задания" and downloads the PDF (issue 16's "done means"); the class
teacher's way in is tests/browser/test_bound_journal.py."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import delete, select

pytestmark = pytest.mark.browser


def test_the_coordinator_orders_5a_for_a_quarter_and_downloads_it(
    page, live_server, sign_in, worker_after, monkeypatch, tmp_path, screenshot
):
    from models import db
    from models.jobs import Job

    monkeypatch.setitem(live_server.app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    with live_server.app.app_context():
        before = db.session.scalar(select(db.func.max(Job.id))) or 0
        db.session.remove()
    worker_after(4.0)  # the worker reaches the job 4 s after the order: its waiting state is seen
    errors = []
    page.set_viewport_size({"width": 1366, "height": 900})
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        sign_in(page, "coordinator")
        page.goto(live_server.url + "/admin/bound-journal/")
        expect(page.locator("#bound-title")).to_have_text("Журнал класса (PDF)")
        five_a = page.locator("#class-choice option", has_text="5А").first
        page.select_option("#class-choice", value=five_a.get_attribute("value"))
        page.click("#class-form button[type=submit]")
        expect(page.locator("#order-form label")).to_contain_text("5А")
        quarter = page.locator("#period-choice option", has_text="1 четверть").first
        page.select_option("#period-choice", value=quarter.get_attribute("value"))
        page.click("#order-volume")
        expect(page.locator(".alert-success")).to_contain_text("Журнал класса (PDF)")
        row = page.locator("#jobs tbody tr").first
        expect(row).to_contain_text("Журнал класса (PDF)")
        expect(row.locator(".progress")).to_be_visible()  # the progress shown while it waits and runs
        assert row.locator(".job-status").inner_text().strip() != "Готово"  # the worker has not reached it yet
        assert row.locator(".progress-bar").get_attribute("aria-valuenow") != "100"
        expect(row.locator(".job-status")).to_have_text("Готово", timeout=30000)  # the page polls the job
        expect(row.locator(".progress-bar")).to_have_text("100%")
        screenshot(page, "bound-journal-coordinator-job")
        with page.expect_download() as download:
            row.locator("a[id^=download-]").click()
        reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
        title = " ".join(reader.pages[0].extract_text().split())
        assert "Классный журнал" in title and "5А" in title and "1 четверть" in title
        assert len(reader.pages) > 3
        assert errors == []
    finally:
        with live_server.app.app_context():  # the demo database is shared: the job row goes
            db.session.execute(delete(Job).where(Job.id > before))
            db.session.commit()
            db.session.remove()
