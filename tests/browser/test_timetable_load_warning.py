"""Real browser at 1366×900, demo school (issue 17): the operator puts into 8А's Saturday one more lesson of a
subject whose hours a week are all placed, sees the warning with the figures instead of "Урок поставлен",
cancels (nothing placed), places it again and confirms (placed, the load table shows one lesson more)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

CLASS = "8А"  # not used by the other timetable flows (5А, 6А), which share the live server


def _load_rows(page) -> list[tuple[str, str, int]]:
    """(option label prefix "Subject — Teacher", hours, lessons placed this week) of the load table."""
    rows = []
    for row in page.locator("#load-placed tbody tr").all():
        label, placed = (c.inner_text().strip() for c in row.locator("td").all())
        match = re.fullmatch(r"(.+), (\d+) ч", label)
        if match:
            rows.append((match.group(1), match.group(2), int(placed)))
    return rows


def test_a_lesson_past_the_hours_asks_first(page, live_server, screenshot, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "operator")
    page.click("nav >> text=Расписание")
    page.click("a.dropdown-item:has-text('Расписание класса')")
    value = page.locator("#class_id option", has_text=f"{CLASS} (").first.get_attribute("value")
    page.select_option("#class_id", value)
    page.click("#grid-show")
    expect(page.locator("#page-title")).to_contain_text(f"Расписание класса {CLASS}")

    # a subject with every hour placed, no half hours (so the next lesson is over)
    full = [(label, hours, placed) for label, hours, placed in _load_rows(page) if placed == int(hours)]
    assert full, "the demo class has no subject fully placed"
    label, hours, placed = full[0]
    subject = label.split(" — ")[0]
    form = page.locator("form[id^='place-6-']").last  # Saturday's last bell: free in the demo school
    form_id = form.get_attribute("id")
    select = form.locator("select[name=assignment_id]")
    option = select.locator("option", has_text=label).first.get_attribute("value")
    select.select_option(option)
    form.locator("button[type=submit]").click()

    warning = page.locator("#load-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"{subject} в {CLASS}")
    expect(warning).to_contain_text(f"{hours} ч в неделю, с этим уроком будет {placed + 1}.")
    expect(page.locator(".alert-success")).to_have_count(0)  # no "Урок поставлен"
    expect(page.locator("#cell-6-" + form_id.rsplit("-", 1)[1])).to_have_class("table-warning")  # the slot asked
    box = warning.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900  # seen without scrolling
    screenshot(page, "timetable-load-warning")

    page.click("#load-cancel")
    expect(page.locator("#load-warning")).to_have_count(0)
    expect(page.locator(f"#{form_id}")).to_be_visible()  # the slot is still free
    assert next(p for lbl, _h, p in _load_rows(page) if lbl == label) == placed

    form = page.locator(f"#{form_id}")
    select = form.locator("select[name=assignment_id]")
    select.select_option(option)
    form.locator("button[type=submit]").click()
    expect(page.locator("#load-warning")).to_contain_text(f"с этим уроком будет {placed + 1}.")
    page.click("#load-confirm")
    expect(page.locator(".alert-success")).to_contain_text("Урок поставлен: Суббота")
    cell = page.locator("#cell-6-" + form_id.rsplit("-", 1)[1])
    expect(cell.locator(".tt-lesson")).to_contain_text(subject)
    assert next(p for lbl, _h, p in _load_rows(page) if lbl == label) == placed + 1
    expect(page.locator("#load-placed tr.table-danger")).to_contain_text(label)
    screenshot(page, "timetable-load-confirmed")
