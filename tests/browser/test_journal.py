"""Real browser, the demo school: the maths teacher of 5А records a lesson (topic, homework), enters marks by
keyboard and an absence — each keystroke saved at once, still there after a reload; a second tab's save of
the same cell is refused with the current value; a forged request giving a mark to a student of another
class is refused."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def _open_maths_5a(page, base, scripts=True):
    page.goto(base + "/admin/journal/")
    row = page.locator("#journal-pages tbody tr", has_text="5А").filter(has_text="Математика").first
    row.locator("a.journal-open").click()
    expect(page.locator("#journal-title")).to_contain_text("5А")
    if scripts:
        _ready(page)
    return page.url


def _ready(page):
    """The grid's script has taken over the cells (until then keys would type into the plain form)."""
    expect(page.locator("#jg-form.jg-live")).to_have_count(1)


def _saved(cell):
    expect(cell.locator("xpath=..")).to_have_class(re.compile(r"\bjg-ok\b"))


def test_teacher_fills_a_lesson_and_enters_marks_by_keyboard(page, live_server, screenshot, sign_in):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    base = live_server.url
    sign_in(page, "teacher")
    page.get_by_role("link", name="Журнал", exact=True).click()
    page.click("a.dropdown-item:has-text('Страницы журнала')")
    expect(page.locator("#journal-pages")).to_be_visible()
    screenshot(page, "journal-list")
    _open_maths_5a(page, base)

    # a timetabled date without a lesson: record it
    missing = page.locator("th.jg-miss a.jg-hl").first
    day = missing.inner_text()
    missing.click()
    expect(page.locator("#lesson-form")).to_be_visible()
    page.fill("#topic", "Сложение и вычитание дробей")
    page.fill("#homework", "§ 12, № 245, 247")
    screenshot(page, "journal-lesson-form")
    page.click("#lesson-save")
    expect(page.locator(".alert-success")).to_contain_text("Сложение и вычитание дробей")
    lesson_id = re.search(r"#l(\d+)$", page.url).group(1)
    header = page.locator(f"#l{lesson_id}")
    expect(header).to_contain_text(day)
    expect(page.locator("#lesson-list")).to_contain_text("§ 12, № 245, 247")
    _ready(page)

    cells = page.locator(f"input.jg-i[name^='c-{lesson_id}-']")
    assert cells.count() >= 3
    first, second, third = cells.nth(0), cells.nth(1), cells.nth(2)
    third_name = third.get_attribute("name")
    first.click()
    page.keyboard.press("5")
    _saved(first)
    expect(first).to_have_value("5")
    page.keyboard.press("ArrowDown")
    expect(second).to_be_focused()
    page.keyboard.press("n")  # Latin n; the Russian layout's «н» is the same key (dispatched below)
    _saved(second)
    expect(second).to_have_value("н")
    second.dispatch_event("keydown", {"key": "о"})  # Cyrillic «о»: late …
    expect(second).to_have_value("оп")
    second.dispatch_event("keydown", {"key": "н"})  # … and «н» again: absent
    expect(second).to_have_value("н")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("4")
    expect(third).to_have_value("4")
    page.keyboard.press("/")
    page.keyboard.press("3")
    expect(third).to_have_value("4/3")
    expect(page.locator("#jg-status")).to_contain_text("4/3")
    # a comment on the quality of the first mark, through the cell's panel (Enter)
    page.keyboard.press("Enter")
    expect(page.locator("#jg-panel")).to_be_visible()
    page.locator(".jg-slot[data-slot='1'] .jg-pc").fill("устный ответ у доски")
    screenshot(page, "journal-cell-panel")
    page.click("#jg-panel-save")
    expect(page.locator("#jg-panel")).to_be_hidden()
    screenshot(page, "journal-grid-filled")

    page.reload()
    _ready(page)
    expect(page.locator(f"input[name='{first.get_attribute('name')}']")).to_have_value("5")
    expect(page.locator(f"input[name='{second.get_attribute('name')}']")).to_have_value("н")
    expect(page.locator(f"input[name='{third.get_attribute('name')}']")).to_have_value("4/3")

    # the lesson page lists the comment, and the history of the cell is one click away
    page.click(f"#l{lesson_id} a.jg-hl")
    expect(page.locator("#lesson-cells")).to_be_visible()
    expect(page.locator("#lesson-cells input[value='устный ответ у доски']")).to_have_count(1)
    student = third_name.split("-")[2]
    page.click(f"#s-{student} a.jg-history")
    expect(page.locator("#history-table")).to_contain_text("поставлена отметка")
    expect(page.locator("#history-table")).to_contain_text("устный ответ у доски")
    expect(page.locator("#history-current")).to_have_text("4/3")
    screenshot(page, "journal-cell-history")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_second_tab_is_refused_with_the_current_value(page, live_server, screenshot, sign_in):
    base = live_server.url
    sign_in(page, "teacher")
    url = _open_maths_5a(page, base)
    # the first quarter: lessons of the demo's first week, in the past, period open
    page.click("#period-tabs a.nav-link >> nth=0")
    _ready(page)
    url = page.url
    empty = page.locator("input.jg-i[value='']").first
    name = empty.get_attribute("name")

    other = page.context.new_page()
    other.goto(url)
    _ready(other)
    other_cell = other.locator(f"input[name='{name}']")
    expect(other_cell).to_have_value("")

    empty.click()
    page.keyboard.press("3")
    _saved(empty)

    other_cell.click()
    other.keyboard.press("4")
    expect(other_cell.locator("xpath=..")).to_have_class(re.compile(r"\bjg-err\b"))
    expect(other.locator("#jg-status")).to_contain_text("«3»")
    expect(other_cell).to_have_value("3")  # the current value, never the silent overwrite
    screenshot(other, "journal-conflict")
    page.reload()
    expect(page.locator(f"input[name='{name}']")).to_have_value("3")
    other.close()


def test_scripts_off_the_grid_is_a_plain_form(browser, live_server, screenshot, sign_in):
    base = live_server.url
    context = browser.new_context(locale="ru-RU", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, "teacher")
        _open_maths_5a(page, base, scripts=False)
        page.click("#period-tabs a.nav-link >> nth=0")
        expect(page.locator("#grid-save")).to_be_visible()  # with scripts on it is hidden: keys save at once
        empty = page.locator("input.jg-i[value='']")
        first, second = empty.nth(0).get_attribute("name"), empty.nth(1).get_attribute("name")
        page.fill(f"input[name='{first}']", "5/4")
        page.fill(f"input[name='{second}']", "н")
        page.click("#grid-save")
        expect(page.locator(".alert-success")).to_contain_text("Сохранено клеток: 2")
        expect(page.locator(f"input[name='{first}']")).to_have_value("5/4")
        expect(page.locator(f"input[name='{second}']")).to_have_value("н")
        page.fill(f"input[name='{first}']", "7")
        page.click("#grid-save")
        expect(page.locator(".alert-danger")).to_contain_text("не отметка")
        expect(page.locator(f"input[name='{first}']")).to_have_value("5/4")
        screenshot(page, "journal-no-scripts")
    finally:
        context.close()


def test_a_forged_mark_for_a_student_of_another_class_is_refused(page, live_server, sign_in):
    from sqlalchemy import select

    from models import Enrollment, Lesson, SchoolClass, TeachingAssignment, db

    base = live_server.url
    sign_in(page, "teacher")
    _open_maths_5a(page, base)
    assignment_id = int(re.search(r"/admin/journal/(\d+)", page.url).group(1))
    with live_server.app.app_context():
        assignment = db.session.get(TeachingAssignment, assignment_id)
        lesson_id = db.session.scalar(
            select(Lesson.id).where(Lesson.assignment_id == assignment_id).order_by(Lesson.date)
        )
        stranger = db.session.scalar(
            select(Enrollment.student_id)
            .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
            .where(
                SchoolClass.school_id == assignment.school_class.school_id, Enrollment.class_id != assignment.class_id
            )
            .limit(1)
        )
        db.session.remove()
    result = page.evaluate(
        """async ([assignment, lesson, student]) => {
        const token = document.getElementById('jg-csrf').value;
        const response = await fetch('/admin/journal/cell', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({assignment_id: assignment, lesson_id: lesson, student_id: student,
                                  op: 'mark', slot: 1, value: '5', version: null})});
        return {status: response.status, body: await response.json()};
    }""",
        [assignment_id, lesson_id, stranger],
    )
    assert result["status"] == 400, result
    assert "не числится" in result["body"]["error"]
    # …and without the CSRF token the request does not even reach the rules
    status = page.evaluate(
        """async ([assignment, lesson, student]) => (await fetch('/admin/journal/cell', {
        method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({assignment_id: assignment, lesson_id: lesson, student_id: student, op: 'mark',
                              slot: 1, value: '5', version: null})})).status""",
        [assignment_id, lesson_id, stranger],
    )
    assert status == 400
