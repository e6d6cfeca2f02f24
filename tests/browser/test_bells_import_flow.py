"""Real browser at 1366×900, demo school (one shift, bells 1–7, lessons on them): the operator downloads the bells
template, uploads a file that would drop the first shift's timetabled bells and is told which lessons block it
(nothing written, no way to confirm), then imports a second shift's bells, confirms, and finds them in the list of
bells. The second shift is removed again at the end (no class of the demo school studies in it)."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

HEADER = ["Смена", "Урок №", "Начало", "Окончание"]


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _upload(page, path):
    page.set_input_files("#file-bells", str(path))
    page.click("#upload-submit-bells")
    expect(page.locator("#import-rows")).to_be_visible()


def test_operator_imports_bells(page, live_server, screenshot, tmp_path, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, "operator")
    page.goto(live_server.url + "/admin/imports/")
    expect(page.locator("#import-bells")).to_contain_text("Звонки")

    with page.expect_download() as download_info:
        page.click("#template-bells-csv")
    template = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(template), delimiter=";")) == HEADER

    # lesson 0 only: lessons 1–7 of the first shift would go, and the timetable stands on them
    blocked = tmp_path / "звонки-плохие.csv"
    blocked.write_bytes(_csv([HEADER, ["1", "0", "07:30", "08:15"]]))
    _upload(page, blocked)
    expect(page.locator("#import-blocked")).to_be_visible()
    expect(page.locator("#import-confirm")).to_have_count(0)
    expect(page.locator("tr.import-error").first).to_contain_text("в расписании на нём стоят уроки")
    expect(page.locator("tr.import-error").first).to_contain_text("оставьте этот урок в файле")
    screenshot(page, "bells-import-blocked")

    good = tmp_path / "звонки-2-смена.csv"
    good.write_bytes(_csv([HEADER, ["2", "1", "14:00", "14:45"], ["2", "2", "14:55", "15:40"]]))
    page.goto(live_server.url + "/admin/imports/")
    _upload(page, good)
    expect(page.locator("#count-new")).to_contain_text("2")
    expect(page.locator("tr.import-error")).to_have_count(0)
    screenshot(page, "bells-import-preview")
    page.click("#import-confirm")
    expect(page.locator(".alert-success")).to_contain_text("Импорт «Звонки» выполнен: добавлено 2")

    page.goto(live_server.url + "/admin/bells/")
    table = page.locator("table.model-list")
    expect(table).to_contain_text("14:00")
    expect(table).to_contain_text("15:40")
    screenshot(page, "bells-after-import")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert not errors, errors

    with live_server.app.app_context():
        from sqlalchemy import delete

        from models import Bell, db

        db.session.execute(delete(Bell).where(Bell.shift == 2))
        db.session.commit()
        db.session.remove()
