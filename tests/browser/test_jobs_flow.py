"""The operator asks for the school's register of codes on "Мои задания", sees the job's progress and downloads
the PDF. The job runs in the server's process (Huey's immediate mode): the consumer is tested in tests/jobs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_operator_asks_for_the_register_sees_progress_and_downloads_the_pdf(
    page, live_server, sign_in, monkeypatch, tmp_path
):
    import tasks

    monkeypatch.setattr(tasks.huey, "immediate", True)
    monkeypatch.setitem(live_server.app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, "operator")
    page.goto(live_server.url + "/admin/invites/")
    page.click("#my-jobs")
    expect(page.locator("h2")).to_have_text("Мои задания")
    page.click("#start-invite_register")
    row = page.locator("#jobs tbody tr").first
    expect(row.locator(".progress-bar")).to_have_text("100%")
    expect(row.locator(".job-status")).to_have_text("Готово")
    with page.expect_download() as download:
        row.locator("a[id^=download-]").click()
    path = download.value.path()
    assert open(path, "rb").read(4) == b"%PDF"
    assert errors == []
