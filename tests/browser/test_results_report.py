"""Real browser, demo school: the coordinator opens "Отчёты → Итоги периода" from the menu, reads the classes'
results of the period that ended last (the same figures the domain computes), switches to the year and
downloads the table as XLSX."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from playwright.sync_api import expect


def _expected(app):
    from models import User, db
    from models.access import Actor
    from models.reports.results import period_results

    with app.app_context():
        coordinator = db.session.query(User).filter_by(login="coordinator").one()
        r = period_results(Actor.of(coordinator), None, today=dt.date.today())
        result = r.period.name, [(c.school_class.name, c.standings.students) for c in r.classes], r.school.students
        db.session.remove()
    return result


def test_coordinator_reads_and_downloads_the_results(page, live_server, screenshot, sign_in):
    period, classes, students = _expected(live_server.app)
    sign_in(page, "coordinator")
    page.click("nav >> text=Отчёты")
    page.click("a.dropdown-item:has-text('Итоги периода')")
    expect(page.locator("#results-title")).to_contain_text(period)
    expect(page.locator("#results-classes tr.class-line")).to_have_count(len(classes))
    name, count = classes[0]
    first = page.locator("#results-classes tr.class-line").first
    expect(first.locator("td").nth(0)).to_have_text(name)
    expect(first.locator("td").nth(1)).to_have_text(str(count))
    screenshot(page, "results-period")
    with page.expect_download() as download:
        page.click("#results-xlsx")
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert rows[0][0] == "Класс" and [r[0] for r in rows[1:-1]] == [c for c, _n in classes]
    assert rows[-1][:2] == ("Итого", students)
    page.click("#period-switch a:has-text('Учебный год')")
    expect(page.locator("#results-title")).to_contain_text("Учебный год")
