"""Real browser, demo school: the teacher opens their own week from the menu, steps to the next week and
back, and follows a lesson to its journal page; on a 390-px phone the page does not scroll sideways."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_teacher_opens_their_week_and_follows_a_lesson(page, live_server, screenshot, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "teacher")
    page.click("nav >> text=Расписание")
    page.click("a.dropdown-item:has-text('Моё расписание')")
    expect(page.locator("#page-title")).to_contain_text("Моё расписание")
    first_week = page.locator("#week-dates").inner_text()
    page.click("#week-next")
    expect(page.locator("#week-dates")).not_to_have_text(first_week)
    page.click("#week-prev")
    expect(page.locator("#week-dates")).to_have_text(first_week)
    links = page.locator("#my-week a.mw-link")
    if links.count() == 0:  # the demo's year may not cover this week: the next one with lessons
        page.click("#week-next")
    expect(page.locator("#my-week a.mw-link").first).to_be_visible()
    screenshot(page, "teacher-week")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "teacher-week-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#my-week a.mw-link").first.click()
    expect(page).to_have_url(re.compile(r"/admin/journal/\d+/lesson\?"))
