"""Real browser, demo school: the coordinator opens "Отчёты → Контроль ведения журнала", reads this month's
table of teachers and their pages, goes back to the first month of the year (the demo's lessons) and orders the
printable справка: a background job (Huey's immediate mode in the server's process) that she downloads from "Мои
задания" when it is done."""

from __future__ import annotations

import datetime as dt
import io

from jobs_page import downloaded_job_file
from playwright.sync_api import expect
from pypdf import PdfReader
from school_day import school_today


def test_coordinator_checks_the_journal_of_a_month(page, live_server, screenshot, sign_in, monkeypatch, tmp_path):
    import tasks

    monkeypatch.setattr(tasks.huey, "immediate", True)
    monkeypatch.setitem(live_server.app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    sign_in(page, "coordinator")
    expect(page.locator("#school-day")).to_contain_text("Замены на сегодня")  # the home page: the school's day
    screenshot(page, "school-day")
    page.click("nav >> text=Отчёты")
    page.click("a.dropdown-item:has-text('Контроль ведения журнала')")
    expect(page.locator("#control-title")).to_be_visible()
    september = school_today(live_server.app).replace(day=1)
    while september.month != 9:
        september = (september - dt.timedelta(days=1)).replace(day=1)
    page.fill("#month", september.strftime("%Y-%m"))
    page.click("#month-form button[type=submit]")
    expect(page.locator("#control-title")).to_contain_text(f"сентябрь {september.year}")
    expect(page.locator("#control-table tr.teacher-line").first).to_be_visible()
    expect(page.locator("#control-total")).to_contain_text("Итого")
    screenshot(page, "journal-control")
    name, data = downloaded_job_file(page, "#control-pdf", "Справка по итогам проверки журнала (PDF)")
    assert name == f"journal-control-{september:%Y-%m}.pdf"
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert "Справка по итогам проверки ведения электронного журнала" in text and f"сентябрь {september.year}" in text


def _teacher(app):
    from models import User, db

    with app.app_context():
        user = db.session.query(User).filter_by(login="teacher").one()
        result = user.staff_id
        db.session.remove()
    return result


def test_a_remark_goes_to_the_teacher_and_is_taken_off(page, live_server, screenshot, sign_in):
    staff_id = _teacher(live_server.app)
    sign_in(page, "coordinator")
    page.goto(live_server.url + "/admin/control/")
    form = page.locator(f"#remark-{staff_id}")
    form.locator("summary").click()
    form.locator("textarea[name=text]").fill("Запишите темы пропущенных уроков")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Замечание записано")
    expect(page.locator("#remarks-table")).to_contain_text("Запишите темы пропущенных уроков")
    page.click("#logout")

    sign_in(page, "teacher")
    remark = page.locator("#my-remarks li.my-remark", has_text="Запишите темы пропущенных уроков")
    remark.locator("input[name=note]").fill("Темы записаны")
    remark.locator("button.fix-remark").click()
    expect(page.locator(".alert-success")).to_contain_text("Отмечено исправленным")
    screenshot(page, "teacher-remark-fixed")
    page.click("#logout")

    sign_in(page, "coordinator")
    page.goto(live_server.url + "/admin/control/")
    line = page.locator("#remarks-table tr.remark-line", has_text="Запишите темы пропущенных уроков")
    expect(line).to_contain_text("Темы записаны")
    line.locator("button.accept-remark").click()
    expect(page.locator(".alert-success")).to_contain_text("Замечание снято")
    expect(page.locator("#remarks-table tr.remark-line", has_text="Запишите темы")).to_contain_text("снято")


def test_the_coordinator_follows_a_finding_to_the_page_to_fix(page, live_server, screenshot, sign_in):
    """September of the demo year: a teacher with findings (the badge), opened; a finding fixed in the journal
    (not in the plan) leads to that journal page."""
    sign_in(page, "coordinator")
    september = school_today(live_server.app).replace(day=1)
    while september.month != 9:
        september = (september - dt.timedelta(days=1)).replace(day=1)
    page.goto(live_server.url + f"/admin/control/?month={september:%Y-%m}")
    teacher = page.locator("#control-table tr.teacher-line", has=page.locator(".findings-count")).first
    expect(teacher).to_be_visible()
    teacher.locator("a.teacher-pages").click()
    in_journal = page.locator("li.finding:not(.finding-no_plan):not(.finding-plan_hours)").first
    expect(in_journal).to_be_visible()
    title = in_journal.locator("span.text-muted").inner_text().rstrip(":")
    screenshot(page, "control-findings")
    in_journal.locator("a.fix-link").click()
    expect(page.locator("#journal-title")).to_contain_text(title)
    screenshot(page, "control-finding-fixed-here")
