"""Real browser, demo school, CSRF on: the director publishes an announcement with a file and a survey for a class;
a parent on a phone (390 px) sees the announcement on the home page and answers the survey; the director sees the
result chart (SVG drawn on the server) and downloads the XLSX."""

from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import expect
from sqlalchemy import select

from models import Enrollment, SchoolClass, StudentGuardian, User, db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _parents_class(app) -> tuple[int, str]:
    """A class of the demo parent's child."""
    with app.app_context():
        guardian = db.session.scalar(select(User.guardian_id).where(User.login == "parent"))
        row = db.session.execute(
            select(SchoolClass.id, SchoolClass.grade, SchoolClass.letter)
            .join(Enrollment, Enrollment.class_id == SchoolClass.id)
            .join(StudentGuardian, StudentGuardian.student_id == Enrollment.student_id)
            .where(StudentGuardian.guardian_id == guardian, Enrollment.ends_on.is_(None))
            .order_by(SchoolClass.grade.desc())
        ).first()
        return row[0], f"{row[1]}{row[2]}"


def test_director_publishes_parent_answers_on_a_phone_director_reads_the_chart(page, live_server, sign_in, screenshot):
    base = live_server.url
    class_id, class_name = _parents_class(live_server.app)
    title = f"Родительское собрание {class_name}"

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "director")
    page.goto(base + "/admin/announcements/")
    page.click("#announcement-new")
    page.fill("#title", title)
    page.fill("#body", "Собрание в четверг в 18:00 в кабинете 12. Повестка во вложении.")
    page.select_option("#target", f"class:{class_id}")
    page.select_option("#audience", "parents")
    page.set_input_files("#files", files=[{"name": "povestka.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#announcement-save")
    expect(page.locator("#managed-announcements")).to_contain_text(title)

    page.goto(base + "/admin/surveys/")
    page.click("#survey-new")
    page.fill("#title", "Горячее питание")
    page.select_option("#audience", "parents")
    page.select_option("#target", f"class:{class_id}")
    page.check("#per_family")
    page.click("#survey-save")
    expect(page.locator("#question-form")).to_be_visible()
    for text, kind, options in (
        ("Довольны ли вы питанием?", "single", "Да\nНет\nЗатрудняюсь ответить"),
        ("Оцените качество блюд", "scale", ""),
        ("Ваши пожелания", "text", ""),
    ):
        page.fill("#q-text", text)
        page.select_option("#q-kind", kind)
        page.fill("#q-options", options)
        if kind == "text":
            page.uncheck("#q-required")
        page.click("#question-add")
        expect(page.locator("#survey-questions")).to_contain_text(text)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "parent")
    page.goto(base + "/home")
    home = page.locator("#home-announcements")
    expect(home).to_contain_text(title)
    expect(home).to_contain_text("Горячее питание")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "announcements-home-phone")
    page.click("#nav-announcements")
    expect(page.locator("#announcements")).to_contain_text("povestka.pdf")
    page.locator(".survey-line", has_text="Горячее питание").locator(".survey-open").click()
    page.click("#survey-submit")  # nothing chosen: a clear message, nothing saved
    expect(page.locator(".alert-danger")).to_contain_text("Ответьте на вопрос")
    page.locator(".survey-question", has_text="Довольны ли").get_by_label("Да", exact=True).check()
    page.locator(".survey-question", has_text="Оцените").get_by_text("4", exact=True).click()
    page.fill(".survey-question textarea", "Больше фруктов <b>пожалуйста</b>")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the survey is {width} px wide on a 390 px phone"
    screenshot(page, "survey-answer-phone")
    page.click("#survey-submit")
    expect(page.locator(".alert-success")).to_contain_text("Спасибо")
    expect(page.locator(".survey-line", has_text="Горячее питание")).to_contain_text("Ответ принят")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "director")
    page.goto(base + "/admin/surveys/")
    page.locator("#surveys tr", has_text="Горячее питание").get_by_role("link", name="Результаты").click()
    chart = page.locator(".survey-result", has_text="Довольны ли").locator("svg.bar-chart")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("1 · 100%")
    expect(page.locator(".survey-texts")).to_contain_text("Больше фруктов <b>пожалуйста</b>")  # shown as text
    screenshot(page, "survey-results-desktop")
    with page.expect_download() as info:
        page.click("#survey-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    rows = list(sheet.values)
    assert rows[0][0] == "Кто ответил" and rows[1][3] == "Да" and rows[1][4] == 4
