"""Real browser at 1366×900: the staff panel's navigation bar fits one line for every staff role, in Russian and
in Kazakh, the search box
folded or open, and no menu item breaks over two lines ("Сменить / пароль"); the user's own pages (jobs, password) are in the menu under
their login."""

from __future__ import annotations

import pytest

STAFF = ["operator", "director", "coordinator", "secretary", "teacher", "classteacher"]
# the Kazakh demo school's staff read the panel in Kazakh, whose menu names are longer
KAZAKH_STAFF = [f"kz-{login}" for login in STAFF]

MEASURE = """() => {
  const bar = document.querySelector('nav.navbar');
  const items = [...bar.querySelectorAll('.navbar-nav > li > a, .navbar-nav > li > span, #logout')];
  const tall = items.filter(e => e.getBoundingClientRect().height > 48).map(e => e.textContent.trim());
  return {height: Math.round(bar.getBoundingClientRect().height), tall};
}"""


@pytest.mark.parametrize("login", STAFF + KAZAKH_STAFF)
def test_the_menu_fits_one_line_at_1366(page, live_server, sign_in, login, request):
    if login.startswith("kz-"):
        request.getfixturevalue("kazakh_school")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, login)
    page.goto(live_server.url + "/admin/")
    measured = page.evaluate(MEASURE)
    assert measured["height"] <= 64 and not measured["tall"], measured
    # the search box (tests/browser/test_staff_search.py) widens over the menu when focused: still one line
    page.click("#staff-search-q")
    page.wait_for_function("() => document.querySelector('#staff-search-q').getBoundingClientRect().width >= 250")
    measured = page.evaluate(MEASURE)
    assert measured["height"] <= 64 and not measured["tall"], measured


def test_the_users_menu_leads_to_jobs_and_password(page, live_server, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "teacher")
    page.goto(live_server.url + "/admin/")
    page.click("#current-user")
    page.click("#nav-password")
    assert page.url.endswith("/password")
    page.goto(live_server.url + "/admin/")
    page.click("#current-user")
    page.click("#nav-jobs")
    assert "/admin/jobs" in page.url
