"""The last step of every "ordered in the background" flow: on "Мои задания" the newest job of a kind is shown, the
page refreshes itself until it is done, and its file is downloaded."""

from __future__ import annotations

from playwright.sync_api import expect


def downloaded_job_file(page, button: str, kind_label: str) -> tuple[str, bytes]:
    """Click ``button`` (it orders a job) and return (the file's suggested name, its bytes) of the newest job on "Мои
    задания", labelled ``kind_label``. A job run by Huey's immediate mode inside the ordering POST takes seconds,
    over 15 on a loaded machine: the waits are long."""
    page.set_default_timeout(90_000)
    page.click(button)
    expect(page.locator("h2")).to_have_text("Мои задания")
    row = page.locator("#jobs tbody tr").first
    expect(row).to_contain_text(kind_label)
    expect(row.locator(".job-status")).to_have_text("Готово", timeout=90_000)
    with page.expect_download() as download:
        row.locator("a[id^=download-]").click()
    return download.value.suggested_filename, open(download.value.path(), "rb").read()
