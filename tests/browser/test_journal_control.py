"""Real browser, demo school: the coordinator opens "Отчёты → Контроль ведения журнала", reads this month's
table of teachers and their pages, goes back to the first month of the year (the demo's lessons) and gets the
printable справка as a PDF."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect


def test_coordinator_checks_the_journal_of_a_month(page, live_server, screenshot, sign_in):
    sign_in(page, "coordinator")
    page.click("nav >> text=Отчёты")
    page.click("a.dropdown-item:has-text('Контроль ведения журнала')")
    expect(page.locator("#control-title")).to_be_visible()
    september = dt.date.today().replace(day=1)
    while september.month != 9:
        september = (september - dt.timedelta(days=1)).replace(day=1)
    page.fill("#month", september.strftime("%Y-%m"))
    page.click("#month-form button[type=submit]")
    expect(page.locator("#control-title")).to_contain_text(f"сентябрь {september.year}")
    expect(page.locator("#control-table tr.teacher-line").first).to_be_visible()
    expect(page.locator("#control-total")).to_contain_text("Итого")
    screenshot(page, "journal-control")
    href = page.locator("#control-pdf").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
