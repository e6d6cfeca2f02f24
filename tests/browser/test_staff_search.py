"""Real browser at 1366×900: the staff bar's search box (issue 17). A teacher types a student's surname, sees the
student with the class in the dropdown and on the results page, and follows the link to the student's card; the
bar stays one line with the box open (for every staff role: tests/browser/test_staff_menu.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from school_day import school_today

CARD = re.compile(r"/admin/students/details/\?id=\d+$")

BAR = """() => {
  const bar = document.querySelector('nav.navbar');
  const box = document.querySelector('#staff-search-q').getBoundingClientRect();
  return {height: Math.round(bar.getBoundingClientRect().height), box: Math.round(box.width),
          inside: box.right <= bar.getBoundingClientRect().right && box.top >= bar.getBoundingClientRect().top};
}"""


def _taught_student(app, login: str) -> tuple[str, str, str]:
    """(surname, full name, class) of a student enrolled today in a class the teacher has a journal page in,
    read from the demo school's tables (not through the search)."""
    from sqlalchemy import select

    from models import Enrollment, SchoolClass, Student, TeachingAssignment, User, db

    with app.app_context():
        staff_id = db.session.scalar(select(User.staff_id).where(User.login == login))
        today = school_today(app)
        student, cls = db.session.execute(
            select(Student, SchoolClass)
            .join(Enrollment, Enrollment.student_id == Student.id)
            .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
            .join(TeachingAssignment, TeachingAssignment.class_id == SchoolClass.id)
            .where(
                TeachingAssignment.teacher_id == staff_id,
                Enrollment.starts_on <= today,
                (Enrollment.ends_on.is_(None)) | (Enrollment.ends_on >= today),
            )
            .order_by(Student.last_name, Student.id)
        ).first()
        db.session.remove()
        return student.last_name, student.full_name, cls.name


def test_a_teacher_finds_a_student_and_opens_the_card(page, live_server, sign_in, screenshot):
    surname, full_name, class_name = _taught_student(live_server.app, "teacher")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "teacher")
    page.goto(live_server.url + "/admin/")
    box = page.locator("#staff-search-q")
    box.click()
    box.press_sequentially(surname.lower(), delay=30)  # in lower case: Cyrillic case does not matter
    hit = page.locator("#staff-search-list a.staff-search-hit", has_text=full_name).first
    expect(hit).to_be_visible()
    expect(hit).to_contain_text(class_name)
    measured = page.evaluate(BAR)
    assert measured["height"] <= 64 and measured["box"] >= 250, measured  # open over the menu, still one line
    screenshot(page, "staff-search-dropdown")

    box.press("Enter")  # the full results page
    expect(page).to_have_url(re.compile(r"/admin/search/\?q=\S+"))
    line = page.locator("#found-students li", has_text=full_name).first
    expect(line).to_contain_text(class_name)
    screenshot(page, "staff-search-results")
    line.locator("a.search-hit-link").click()
    expect(page).to_have_url(CARD)
    expect(page.locator("body")).to_contain_text(surname)


def test_the_dropdown_leads_to_the_card(page, live_server, sign_in):
    surname, full_name, _cls = _taught_student(live_server.app, "classteacher")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "classteacher")
    page.goto(live_server.url + "/admin/")
    page.fill("#staff-search-q", surname)
    page.locator("#staff-search-list a.staff-search-hit", has_text=full_name).first.click()
    expect(page).to_have_url(CARD)
    expect(page.locator("body")).to_contain_text(full_name.split()[1])


def test_a_short_query_says_so_in_the_dropdown(page, live_server, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "secretary")
    page.goto(live_server.url + "/admin/")
    page.fill("#staff-search-q", "я")
    expect(page.locator("#staff-search-list")).to_contain_text("Введите не меньше двух букв")
    page.keyboard.press("Escape")
    expect(page.locator("#staff-search-list")).to_be_hidden()


def test_on_a_phone_the_box_is_a_line_of_the_menu(page, live_server, sign_in):
    """At 390 px the bar folds into its menu button: the box spans the menu and its suggestions stay on the
    screen (the page does not scroll sideways)."""
    surname, full_name, _cls = _taught_student(live_server.app, "teacher")
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, "teacher")
    page.goto(live_server.url + "/admin/")
    page.click("button.navbar-toggler")
    expect(page.locator("#staff-search-q")).to_be_visible()
    page.fill("#staff-search-q", surname)
    expect(page.locator("#staff-search-list a.staff-search-hit", has_text=full_name).first).to_be_visible()
    sizes = page.evaluate(
        """() => ({page: document.documentElement.scrollWidth,
                  box: document.querySelector('#staff-search-q').getBoundingClientRect().width,
                  menu: document.querySelector('#staff-search-item').parentElement.getBoundingClientRect().width,
                  list: document.querySelector('#staff-search-list').getBoundingClientRect().right})"""
    )
    assert sizes["page"] <= 390 and sizes["list"] <= 390 and sizes["box"] == sizes["menu"], sizes
