"""Real browser, the demo school: a double click on the new-lesson form's save, and a resubmit of the same form,
record one lesson (models/idempotency.py: the form's one-time token is claimed once; the repeat is told so and
sent to the same grid)."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_a_double_click_on_add_lesson_records_one_lesson(page, live_server, sign_in):
    base = live_server.url
    sign_in(page, "teacher")
    page.goto(base + "/admin/journal/")
    row = page.locator("#journal-pages tbody tr", has_text="5А").filter(has_text="Математика").first
    row.locator("a.journal-open").click()
    expect(page.locator("#journal-title")).to_contain_text("5А")
    page.locator("th.jg-miss a.jg-hl").first.click()  # a timetabled day without its lesson
    expect(page.locator("#lesson-form")).to_be_visible()
    topic = "Двойной щелчок: одна запись"
    page.fill("#topic", topic)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/lesson") else None)
    sent = page.evaluate("() => Object.fromEntries(new FormData(document.getElementById('lesson-form')))")
    action = page.locator("#lesson-form").get_attribute("action")
    page.dblclick("#lesson-save")
    expect(page).to_have_url(re.compile(r"#l\d+$"))
    expect(page.locator(".alert").first).to_be_visible()
    expect(page.locator("#lesson-list tbody tr", has_text=topic)).to_have_count(1)
    # the browser's resubmit of the same form (Chromium coalesces a double click into one POST here), once the
    # page has finished loading (a response still in flight would carry the session cookie of before)
    page.wait_for_load_state("networkidle")
    again = page.request.post(base + action, form=sent, max_redirects=0)
    assert again.status == 303 and page.url.endswith(again.headers["location"])
    page.reload()
    expect(page.locator(".alert-warning")).to_contain_text("Эта форма уже отправлена")
    expect(page.locator("#lesson-list tbody tr", has_text=topic)).to_have_count(1)
    assert posts, "the form was not submitted"
