"""The bound class journal ordered in a browser: the class teacher from "Мой класс" (the worker reaches the
job a moment later, as a real queue would; the results page shows the same charts as SVG), and the coordinator
from /admin/bound-journal/ for 5А's first quarter, watching its progress; each downloads the PDF."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import delete, select

pytestmark = pytest.mark.browser


@pytest.fixture()
def ordering(page, live_server, monkeypatch, tmp_path):
    """The jobs' files in a folder of the test; the page's console errors collected (returned); the job rows the
    test made deleted afterwards (the demo database is shared)."""
    from models import db
    from models.jobs import Job

    monkeypatch.setitem(live_server.app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    with live_server.app.app_context():
        before = db.session.scalar(select(db.func.max(Job.id))) or 0
        db.session.remove()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield errors
    with live_server.app.app_context():
        db.session.execute(delete(Job).where(Job.id > before))
        db.session.commit()
        db.session.remove()


def test_the_class_teacher_orders_the_bound_journal_and_downloads_it(
    page, live_server, sign_in, worker_after, ordering, screenshot
):
    errors = ordering
    worker_after(1.5)
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


def test_the_coordinator_orders_5a_for_a_quarter_and_downloads_it(
    page, live_server, sign_in, worker_after, ordering, screenshot
):
    """Issue 16's "done means": the coordinator (завуч) orders 5А's volume for the first quarter at
    /admin/bound-journal/, watches the job's progress on "Мои задания" and downloads the PDF."""
    errors = ordering
    worker_after(4.0)  # the worker reaches the job 4 s after the order: its waiting state is seen
    page.set_viewport_size({"width": 1366, "height": 900})
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
