"""Real browser, demo school: the coordinator opens "Отчёты → Итоги периода" from the menu, reads the classes'
results of the period that ended last (the same figures the domain computes) with the lessons missed and the lists
of students by standing, downloads every table as XLSX and the page as PDF, switches to the year."""

from __future__ import annotations

import io
from urllib.parse import urljoin

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader
from school_day import school_today


def _expected(app):
    from models import User, db
    from models.access import Actor
    from models.reports.results import period_results

    with app.app_context():
        coordinator = db.session.query(User).filter_by(login="coordinator").one()
        r = period_results(Actor.of(coordinator), None, today=school_today(app))
        result = (
            r.period.name,
            [(c.school_class.name, c.standings.students) for c in r.classes],
            r.school.students,
            r.school_absences.missed,
            {key: len(students) for key, students in r.lists.items()},
        )
        db.session.remove()
    return result


def test_coordinator_reads_and_downloads_the_results(page, live_server, screenshot, sign_in):
    period, classes, students, missed, lists = _expected(live_server.app)
    sign_in(page, "coordinator")
    page.click("nav >> text=Отчёты")
    page.click("a.dropdown-item:has-text('Итоги периода')")
    expect(page.locator("#results-title")).to_contain_text(period)
    expect(page.locator("#results-classes tr.class-line")).to_have_count(len(classes))
    name, count = classes[0]
    first = page.locator("#results-classes tr.class-line").first
    expect(first.locator("td").nth(0)).to_have_text(name)
    expect(first.locator("td").nth(1)).to_have_text(str(count))
    expect(page.locator("#attendance-total td.missed")).to_have_text(str(missed))
    for key, count in lists.items():
        expect(page.locator(f"#results-lists tbody.list-{key} tr.list-student")).to_have_count(count)
    screenshot(page, "results-period")
    with page.expect_download() as download:
        page.click("#results-xlsx")
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert rows[0][0] == "Класс" and [r[0] for r in rows[1:-1]] == [c for c, _n in classes]
    assert rows[-1][:2] == ("Итого", students)
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames == [
        "По классам",
        "По предметам",
        "По учителям",
        "Пропуски по классам",
        "Пропуски по обучающимся",
        "Списки обучающихся",
    ]
    assert list(book["Пропуски по классам"].iter_rows(values_only=True))[-1][:3] == ("Итого", students, missed)
    assert len(list(book["Списки обучающихся"].iter_rows(values_only=True))) == 1 + sum(lists.values())
    pdf = page.request.get(urljoin(page.url, page.locator("#results-pdf").get_attribute("href")))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split())
    assert period in text and "Пропуски по классам" in text and name in text
    page.click("#period-switch a:has-text('Учебный год')")
    expect(page.locator("#results-title")).to_contain_text("Учебный год")
