"""Real browser at 1366x900, demo school: the class teacher of 5А opens "Мой класс" → "Коды для семей", issues codes
for every family of the class without an account in one click and downloads the letters (one page a parent, with
their name and code); the page then shows each of them with a valid code, and a second click issues nothing. The
operator reaches the same page for any class from the invitation codes' list."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def _letters(page) -> list[str]:
    with page.expect_download() as download:
        page.click("#class-codes-submit")
    assert download.value.suggested_filename.endswith(".pdf")
    data = open(download.value.path(), "rb").read()
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_class_teacher_issues_codes_for_the_class_and_downloads_the_letters(page, live_server, screenshot, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "classteacher")
    page.click("a.dropdown-toggle:has-text('Мой класс')")
    page.click("a.dropdown-item:has-text('Коды для семей')")
    expect(page.locator("#class-title")).to_contain_text("5А")
    waiting = page.locator("#class-families tr[data-status=none]")
    names = [waiting.nth(i).locator("td").nth(1).inner_text().strip() for i in range(waiting.count())]
    children = [waiting.nth(i).locator("td").nth(2).inner_text().strip() for i in range(waiting.count())]
    assert names, "the demo class has parents without an account"
    screenshot(page, "class-codes-before")

    letters = _letters(page)
    assert len(letters) == len(names)  # one letter (page) a parent
    codes = []
    for text, name, kids in zip(letters, names, children, strict=True):
        assert name in text and "5А" in text
        for kid in kids.split(", "):
            assert kid in text
        found = CODE.findall(text)
        assert len(found) == 1
        codes.append(found[0])
    assert len(set(codes)) == len(codes)

    page.reload()
    expect(page.locator(".alert-success")).to_contain_text(f"выдано кодов — {len(names)}")
    expect(page.locator("#class-families tr[data-status=none]")).to_have_count(0)
    expect(page.locator("#class-families tr[data-status=code]")).to_have_count(len(names))
    screenshot(page, "class-codes-after")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    page.click("#class-codes-submit")  # again: every parent has a code now, nothing is issued
    expect(page.locator(".alert-info")).to_contain_text("Новых кодов нет")

    # the first code works on the portal's sign-up page, where the letter sends the family
    fresh = page.context.browser.new_context(locale="ru-RU")
    family = fresh.new_page()
    family.goto(live_server.url + "/")
    family.click("text=У меня есть код")
    family.fill("#code", codes[0])
    family.click("#check-code")
    expect(family.locator("#invite-for")).to_contain_text(names[0])
    fresh.close()


def test_operator_opens_class_codes_from_the_invites_list(page, live_server, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "operator")
    page.goto(live_server.url + "/admin/invites/")
    page.click("#class-codes")
    expect(page.locator("#class-choice")).to_be_visible()
    expect(page.locator("#class-families")).to_be_visible()
