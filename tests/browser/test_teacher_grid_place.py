"""Real browser, demo school: the teacher's journal grid opens at today's lesson (today's column in view without
scrolling), keeps the teacher's place across a reload, and on a 390-px phone the page itself does not scroll
sideways (only the grid inside its frame does)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_journal import _open_maths_5a, _ready

WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
               && !e.closest('.jg-wrap') && getComputedStyle(e).position !== 'fixed' && e.offsetParent !== null)
  .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const th = document.querySelector(sel), wrap = document.querySelector('.jg-wrap');
        if (!th) return false; const a = th.getBoundingClientRect(), b = wrap.getBoundingClientRect();
        return a.left >= b.left && a.right <= b.right + 1; }""",
        selector,
    )


def test_the_grid_opens_at_today_and_keeps_the_place(page, live_server, sign_in):
    # The tests' demo school is small: its quarter fits 1366 px, so the frame is made narrower to need scrolling
    # (the full demo's quarter does not fit 1366 px).
    page.set_viewport_size({"width": 800, "height": 900})
    sign_in(page, "teacher")
    url = _open_maths_5a(page, live_server.url)
    target = page.locator("#journal-grid th.jg-now")
    expect(target).to_have_count(1)
    assert _in_view(page, "#journal-grid th.jg-now"), "today's column (or the last one before it) is out of view"
    frame = page.evaluate(
        "() => { const w = document.querySelector('.jg-wrap'); return [w.scrollWidth, w.clientWidth, w.scrollLeft]; }"
    )
    assert frame[0] > frame[1] + 100, f"the demo's quarter should not fit the frame: {frame}"
    assert frame[2] > 0, "the grid opened at the start of the quarter"
    # the teacher scrolls back to the first lessons; a reload comes back where they were, not to today
    page.evaluate(
        "() => { const w = document.querySelector('.jg-wrap'); w.scrollLeft = 40; w.dispatchEvent(new Event('scroll')); }"
    )
    page.wait_for_timeout(400)
    page.goto(url)
    _ready(page)
    assert page.evaluate("() => document.querySelector('.jg-wrap').scrollLeft") == 40


def test_the_journal_page_fits_a_phone(page, live_server, sign_in):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "teacher")
    _open_maths_5a(page, live_server.url)
    page.locator("#journal-help summary").click()  # the help opened too
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide: {page.evaluate(WIDE)}"
