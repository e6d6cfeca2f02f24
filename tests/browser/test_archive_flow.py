"""Real browser, demo school: the operator moves a finished school year to the archive from the list of years
(choose it, "С выбранным → Перенести в архив", confirm; archiving and sealing run as a job), sees the date in
"В архиве с", downloads a class journal printed and sealed at archiving, and returns it on "Архив и печати" with a reason, which breaks the seal."""

from __future__ import annotations

import datetime as dt

from past_years import add_past_year, remove_past_year
from playwright.sync_api import expect
from school_day import school_today


def _past_year(app):
    """2020/2021 with one quarter, in the demo school (removed again by _remove)."""
    from models import db

    with app.app_context():
        result = add_past_year(db.session, "demo", "2020/2021", dt.date(2020, 9, 1)).id
        db.session.commit()
        db.session.remove()
    return result


def _remove(app, year_id):
    from models import db

    with app.app_context():
        remove_past_year(db.session, year_id)
        db.session.remove()


def _choose(page, year_id, action):
    page.check(f"input.action-checkbox[value='{year_id}']")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("a.dropdown-toggle:has-text('С выбранным')")
    page.click(f"a.dropdown-item:has-text('{action}')")


def test_operator_archives_a_finished_year(page, live_server, screenshot, sign_in, worker_after):
    worker_after(0.5)
    year_id = _past_year(live_server.app)
    try:
        sign_in(page, "operator")
        page.goto(live_server.url + "/admin/years/")
        _choose(page, year_id, "Перенести в архив")
        expect(page.locator(".alert-success")).to_contain_text("поставлен в очередь")
        row = page.locator("tr", has=page.locator(f"input.action-checkbox[value='{year_id}']"))
        today = school_today(live_server.app).strftime("%d.%m.%Y")
        for _attempt in range(40):  # the job archives and seals; the list shows it once done
            page.goto(live_server.url + "/admin/years/")
            if today in row.inner_text():
                break
            page.wait_for_timeout(250)
        expect(row).to_contain_text(today)
        screenshot(page, "year-archived")
        page.goto(live_server.url + "/admin/year-seals/")
        row = page.locator(f"#year-{year_id}")
        expect(row.locator(".seal-state")).to_contain_text("Печать цела")
        # the year's journal was printed for each class and sealed with it: listed, and downloads as a PDF
        row.locator(".seal-printouts summary").click()
        link = row.locator("a.seal-printout").first
        expect(link).to_contain_text("Классный журнал")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.endswith(".pdf")
        row.locator(".restore-year-details summary").click()
        row.locator("textarea[name=reason]").fill("Архивирован по ошибке")
        row.locator("button.restore-year").click()
        expect(page.locator(".alert-success")).to_contain_text("возвращён из архива; печать снята")
        expect(page.locator(f"#year-{year_id} .seal-broken")).to_contain_text("Архивирован по ошибке")
    finally:
        _remove(live_server.app, year_id)
