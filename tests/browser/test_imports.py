"""Real browser: the operator downloads the students template, fills it in, uploads it, sees the preview
with an error row and no way to write, uploads the corrected file, confirms, and finds the students
in the list; the same file again changes nothing. A surname corrected by hand is then kept by a
re-import (shown field by field as a manual edit) until the operator ticks "take from the file". CSRF is
on in the live server."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect


def _rows(header: list[str], people: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for person in people:
        writer.writerow([person.get(h, "") for h in header])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def test_operator_imports_students_with_a_preview(page, live_server, screenshot, tmp_path, sign_in):
    errors = []
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
    base = live_server.url
    sign_in(page, "operator")
    page.click("a.nav-link:has-text('Импорт')")
    expect(page.locator("#import-students")).to_be_visible()
    screenshot(page, "imports-index")

    with page.expect_download() as download_info:
        page.click("#template-students-csv")
    template = download_info.value.path().read_bytes().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(template), delimiter=";"))
    assert header[:7] == ["Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Номер личного дела", "Класс"]

    people = [
        {
            "Фамилия": "Импортова",
            "Имя": "Алиса",
            "Отчество": "Игоревна",
            "Дата рождения": "12.04.2015",
            "Пол": "Ж",
            "Номер личного дела": "ИМП-0001",
            "Класс": "5А",
            "Мать ФИО": "Импортова Инна Олеговна",
            "Мать телефон": "8 (900) 700-00-01",
        },
        {
            "Фамилия": "Импортов",
            "Имя": "Богдан",
            "Дата рождения": "31.02.2015",
            "Пол": "М",  # no such date
            "Номер личного дела": "ИМП-0002",
            "Класс": "5А",
            "Мать ФИО": "Импортова Инна Олеговна",
            "Мать телефон": "8 (900) 700-00-01",
        },
        {
            "Фамилия": "Загрузкина",
            "Имя": "Вера",
            "Дата рождения": "03.11.2016",
            "Пол": "ж",
            "Номер личного дела": "ИМП-0003",
            "Класс": "4а",
            "Отец ФИО": "Загрузкин Павел Андреевич",
            "Отец телефон": "+7 900 700-00-03",
        },
    ]
    bad = tmp_path / "ученики.csv"
    bad.write_bytes(_rows(header, people))
    page.set_input_files("#file-students", str(bad))
    page.click("#upload-submit-students")

    expect(page.locator("#import-rows")).to_be_visible()
    expect(page.locator("tr.import-error")).to_have_count(1)
    expect(page.locator("tr.import-error")).to_contain_text("31.02.2015")
    expect(page.locator("#import-confirm")).to_have_count(0)
    expect(page.locator("#count-new")).to_contain_text("2")
    screenshot(page, "imports-preview-with-error")

    people[1]["Дата рождения"] = "28.02.2015"
    fixed = tmp_path / "ученики-исправлено.csv"
    fixed.write_bytes(_rows(header, people))
    page.set_input_files("#import-blocked #file-students", str(fixed))
    page.click("#import-blocked #upload-submit-students")
    expect(page.locator("#import-confirm")).to_be_visible()
    expect(page.locator("#count-new")).to_contain_text("3")
    expect(page.locator("tr.import-error")).to_have_count(0)
    screenshot(page, "imports-preview-ok")
    page.click("#import-confirm")

    expect(page.locator(".alert-success")).to_contain_text("добавлено 3")
    screenshot(page, "imports-done")
    page.goto(base + "/admin/students/?search=ИМП-")
    table = page.locator("table.model-list")
    expect(table).to_contain_text("Импортова")
    expect(table).to_contain_text("Импортов")
    expect(table).to_contain_text("Загрузкина")
    screenshot(page, "imports-students-list")

    # The same file again: everything unchanged, and writing it adds nothing.
    page.goto(base + "/admin/imports/")
    page.set_input_files("#file-students", str(fixed))
    page.click("#upload-submit-students")
    expect(page.locator("#count-unchanged")).to_contain_text("3")
    expect(page.locator("#count-new")).to_contain_text("0")
    page.click("#import-confirm")
    expect(page.locator(".alert-success")).to_contain_text("добавлено 0")

    # A surname corrected by hand survives the re-import unless the operator picks the file's value.
    page.goto(base + "/admin/students/?search=ИМП-0001")
    page.locator("table.model-list a[href*='/admin/students/edit/']").first.click()
    page.fill("#last_name", "Импортова-Правкина")
    page.locator("form.admin-form input[type=submit], form.admin-form button[type=submit]").first.click()
    page.goto(base + "/admin/imports/")
    page.set_input_files("#file-students", str(fixed))
    page.click("#upload-submit-students")
    expect(page.locator("#count-manual")).to_be_visible()
    manual = page.locator("tr.import-field-manual")
    expect(manual).to_have_count(1)
    expect(manual.locator(".import-old")).to_have_text("Импортова-Правкина")
    expect(manual.locator(".import-new")).to_have_text("Импортова")
    screenshot(page, "imports-preview-manual-edit")
    page.click("#import-confirm")
    expect(page.locator(".alert-success")).to_contain_text("обновлено 0")
    page.goto(base + "/admin/students/?search=ИМП-0001")
    expect(page.locator("table.model-list")).to_contain_text("Импортова-Правкина")

    page.goto(base + "/admin/imports/")
    page.set_input_files("#file-students", str(fixed))
    page.click("#upload-submit-students")
    page.locator("tr.import-field-manual input[name=overwrite]").check()
    page.click("#import-confirm")
    expect(page.locator(".alert-success")).to_contain_text("обновлено 1")
    page.goto(base + "/admin/students/?search=ИМП-0001")
    expect(page.locator("table.model-list")).not_to_contain_text("Правкина")
    # (the pages of the imports area; other areas' pages are their own tests' business)
    assert not [e for e in errors if "/admin/imports/" in e and "Content Security Policy" in e], errors
