"""Real browser, demo school: the maths teacher of 5А attaches a worksheet to a lesson's homework (a wrong file
first is refused with the reason), the parent of a 5А student finds it in the diary's week and downloads
it, and the teacher removes it again after confirming."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import select

from models import Student, User, db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NAME = "Карточка к уроку.pdf"


def test_teacher_attaches_a_homework_file_and_the_parent_downloads_it(page, live_server, screenshot, sign_in):
    base = live_server.url
    with live_server.app.app_context():
        child_id = db.session.scalar(
            select(Student.id).join(User, User.student_id == Student.id).where(User.login == "student")
        )

    sign_in(page, "teacher")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(base + "/admin/journal/")
    row = page.locator("#journal-pages tbody tr", has_text="5А").filter(has_text="Математика").first
    row.locator("a.journal-open").click()
    page.locator("#period-tabs a.nav-link").first.click()  # the demo's lessons are in the first quarter
    page.locator("#lesson-list a", has_text="Изменить").last.click()  # its latest lesson given
    heading = page.locator("h3.h5", has_text="Урок").first.inner_text()
    day = dt.datetime.strptime(re.search(r"\d\d\.\d\d\.\d{4}", heading).group(0), "%d.%m.%Y").date()
    expect(page.locator("#lesson-no-files")).to_be_visible()

    page.set_input_files(
        "#lesson-file",
        files=[{"name": "карточка.html", "mimeType": "text/html", "buffer": b"<script>alert(1)</script>"}],
    )
    page.click("#lesson-file-add")
    expect(page.locator(".alert-danger")).to_contain_text("не принимаются")
    page.set_input_files("#lesson-file", files=[{"name": NAME, "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#lesson-file-add")
    expect(page.locator(".alert-success")).to_contain_text("приложен к домашнему заданию")
    expect(page.locator("#lesson-file-list")).to_contain_text(NAME)
    screenshot(page, "lesson-files")
    lesson_url = page.url
    page.click("#logout")

    sign_in(page, "parent")
    expect(page).to_have_url(re.compile(r"/home$"))
    page.goto(f"{base}/diary/{child_id}?week={day.isoformat()}")
    link = page.locator("a.diary-file", has_text=NAME)
    expect(link).to_have_count(1)
    screenshot(page, "diary-homework-file")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == NAME
    with open(info.value.path(), "rb") as fh:
        assert fh.read() == PDF
    page.click("#logout")

    sign_in(page, "teacher")
    page.goto(lesson_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#lesson-file-list button.file-remove").click()
    expect(page.locator(".alert-success")).to_contain_text("Файл удалён")
    expect(page.locator("#lesson-no-files")).to_be_visible()
