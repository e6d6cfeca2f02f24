"""Real browser, demo school, CSRF on, a phone-sized screen: the parent writes to the class teacher about a child
with a file; the class teacher reads it (the staff menu counts it unread), answers; the parent sees the answer."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from models import User, db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_parent_writes_to_the_class_teacher_with_a_file_and_reads_the_answer(page, live_server, sign_in, screenshot):
    base = live_server.url
    with live_server.app.app_context():
        teacher_id = db.session.scalar(select(User.id).where(User.login == "classteacher"))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "parent")
    page.goto(base + "/inbox/new")
    values = page.locator("#to option").evaluate_all("els => els.map(e => e.value)")
    to = next(v for v in values if v.endswith(f":{teacher_id}"))  # about the child in the class teacher's class
    page.select_option("#to", to)
    subject = "Справка о болезни"
    page.fill("#subject", subject)
    page.fill("#body", "Добрый день! Прикладываю справку, Миша пропустил два дня.")
    page.set_input_files("#file", files=[{"name": "spravka.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#inbox-send")
    expect(page.locator("#thread")).to_contain_text("Прикладываю справку")
    expect(page.locator("#thread")).to_contain_text("spravka.pdf")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the thread is {width} px wide on a 390 px phone"
    screenshot(page, "inbox-thread-phone")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "classteacher")
    page.goto(base + "/admin/inbox/")
    line = page.locator("#inbox-list a", has_text=subject)
    expect(line).to_contain_text("новое")
    line.click()
    expect(page.locator("#thread")).to_contain_text("Прикладываю справку")
    page.fill("#body", "Спасибо, справку получила, пропуски отмечу по уважительной причине.")
    page.click("#inbox-reply")
    expect(page.locator("#thread")).to_contain_text("справку получила")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "parent")
    page.goto(base + "/inbox")
    line = page.locator("#inbox-list a", has_text=subject)
    expect(line).to_contain_text("новое")
    line.click()
    expect(page.locator("#thread")).to_contain_text("справку получила")
    page.goto(base + "/inbox")
    expect(page.locator("#inbox-list a", has_text=subject)).not_to_contain_text("новое")
