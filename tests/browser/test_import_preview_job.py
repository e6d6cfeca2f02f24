"""Real browser: a file bigger than IMPORT_INLINE_ROWS is checked by a background job. The operator uploads it,
sees the check's progress (static/js/jobs.js asks every two seconds), the queue runs the job meanwhile, the page
turns into the preview by itself; "Мои задания" links back to it; the confirmed import is a job too and the
students are in the list. CSRF is on in the live server."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEADER = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Номер личного дела", "Класс"]


def _file(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(1, n + 1):
        writer.writerow([f"Фоновая{i}", "Анна", "Петровна", "12.04.2015", "Ж", f"ФОН-{i:04d}", "5А"])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def test_a_big_files_check_runs_in_the_background_and_shows_its_preview(
    page, live_server, sign_in, screenshot, monkeypatch, tmp_path
):
    import tasks
    from models import db

    app = live_server.app
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 3)
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    queued = []
    monkeypatch.setattr(tasks, "enqueue", lambda job: queued.append(job.id))  # the queue has not reached it yet
    errors = []
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
    sign_in(page, "operator")
    page.click("a.nav-link:has-text('Импорт')")
    upload = tmp_path / "ученики.csv"
    upload.write_bytes(_file(4))
    page.set_input_files("#file-students", str(upload))
    page.click("#upload-submit-students")

    expect(page.locator("#import-checking")).to_be_visible()
    row = page.locator("#jobs tbody tr").first
    expect(row).to_have_attribute("data-status", "queued")
    expect(page.locator("#import-confirm")).to_have_count(0)
    screenshot(page, "import-preview-job-queued")
    with app.app_context():  # the consumer takes the job
        assert tasks.execute(queued[0]) == "done"
        db.session.remove()

    expect(page.locator("#import-confirm")).to_be_visible(timeout=10_000)  # jobs.js reloaded the page
    expect(page.locator("#count-new")).to_contain_text("4")
    expect(page.locator("#import-rows")).to_contain_text("Фоновая4")
    screenshot(page, "import-preview-job-done")

    page.goto(live_server.url + "/admin/jobs/")
    expect(page.locator("#jobs")).to_contain_text("Проверка файла импорта")
    page.click(f"#open-{queued[0]}")
    expect(page.locator("#import-confirm")).to_be_visible()

    monkeypatch.setattr(tasks, "enqueue", lambda job: queued.append(job.id))
    page.click("#import-confirm")
    expect(page.locator("h2")).to_have_text("Мои задания")
    with app.app_context():
        assert tasks.execute(queued[-1]) == "done"
        db.session.remove()
    page.reload()
    expect(page.locator(f"#list-{queued[-1]}")).to_be_visible()
    page.goto(live_server.url + "/admin/students/?search=ФОН-")
    expect(page.locator("table.model-list")).to_contain_text("Фоновая4")
    assert errors == []
