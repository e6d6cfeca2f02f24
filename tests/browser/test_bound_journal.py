"""The class teacher orders the bound journal of their class for a quarter from "Мой класс", watches the job on
"Мои задания" and downloads the PDF (the worker reaches the job a moment later, as a real queue would); the
results page shows the same charts as SVG."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import delete, select

pytestmark = pytest.mark.browser


def test_the_class_teacher_orders_the_bound_journal_and_downloads_it(
    page, live_server, sign_in, worker_after, monkeypatch, tmp_path, screenshot
):
    from models import db
    from models.jobs import Job

    monkeypatch.setitem(live_server.app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    with live_server.app.app_context():
        before = db.session.scalar(select(db.func.max(Job.id))) or 0
        db.session.remove()
    worker_after(1.5)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        sign_in(page, "classteacher")
        page.goto(live_server.url + "/admin/my-class/")
        page.click("#nav-bound-journal")
        expect(page.locator("#bound-title")).to_have_text("Журнал класса (PDF)")
        class_name = page.locator("#order-form label").inner_text().split(":")[0].replace("Том журнала", "").strip()
        page.select_option("#period-choice", index=0)
        page.click("#order-volume")
        expect(page.locator(".alert-success")).to_contain_text("Журнал класса (PDF)")
        row = page.locator("#jobs tbody tr").first
        expect(row).to_contain_text("Журнал класса (PDF)")
        expect(row.locator(".job-status")).to_have_text("Готово", timeout=30000)  # the page polls the job
        screenshot(page, "bound-journal-job")
        with page.expect_download() as download:
            row.locator("a[id^=download-]").click()
        data = open(download.value.path(), "rb").read()
        reader = PdfReader(io.BytesIO(data))
        title = " ".join(reader.pages[0].extract_text().split())
        assert "Классный журнал" in title and class_name in title
        assert len(reader.pages) > 3
        assert any("Диаграммы" in p.extract_text() for p in reader.pages)

        page.goto(live_server.url + "/admin/results/")  # the same charts as SVG in the results page
        charts = page.locator("#results-charts svg")
        expect(charts).to_have_count(4)
        expect(page.locator("#chart-quality svg title")).to_have_text("Качество знаний по классам, %")
        assert page.locator("#chart-marks svg").bounding_box()["height"] > 50  # drawn, not an empty box
        screenshot(page, "results-charts")
        assert errors == []
    finally:
        with live_server.app.app_context():  # the demo database is shared: the job row goes
            db.session.execute(delete(Job).where(Job.id > before))
            db.session.commit()
            db.session.remove()
