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
    # the class's own page, loaded: a page shown before it may carry the same title while the click navigates
    expect(page).to_have_url(re.compile(rf"[?&]class_id={value}(&|$)"))
    page.wait_for_load_state("load")
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


def _choose(page, field: str, starts_with: str) -> None:
    """Pick an option of a (select2-styled) select by the start of its text."""
    value = page.locator(f"select#{field}").evaluate(
        "(el, prefix) => Array.from(el.options).find(o => o.text.trim().startsWith(prefix)).value", starts_with
    )
    page.locator(f"select#{field}").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }", value
    )


def test_a_load_past_the_curriculum_asks_first(page, live_server, screenshot, sign_in):
    """8А has Алгебра 3 h, all of the curriculum's 3 h: one more hour with another teacher is asked first."""
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "operator")
    page.goto(live_server.url + "/admin/assignments/new/")
    _choose(page, "school_class", f"{CLASS} (2026/2027)")
    class_id = int(page.locator("select#school_class").input_value())
    _choose(page, "subject", "Алгебра")
    _choose(page, "teacher", "Королёва")
    page.fill("#hours_per_week", "1")
    page.locator(
        "form.admin-form input[type=submit][value='Сохранить'], form.admin-form button[type=submit]"
    ).first.click()
    expect(page.locator(".alert-warning").first).to_contain_text(
        f"Алгебра в {CLASS}: по учебному плану 3 ч в неделю, с этой нагрузкой будет 4 ч."
    )
    expect(page.locator(".alert-warning").nth(1)).to_contain_text("отметьте «Подтверждаю» внизу формы")
    expect(page.locator("#confirm_over")).to_be_visible()
    assert _algebra_pages(live_server, class_id) == ["Ефимова"]  # nothing written
    screenshot(page, "load-form-warning")
    page.check("#confirm_over")
    page.locator(
        "form.admin-form input[type=submit][value='Сохранить'], form.admin-form button[type=submit]"
    ).first.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert _algebra_pages(live_server, class_id) == ["Ефимова", "Королёва"]


def _algebra_pages(live_server, class_id: int) -> list[str]:
    from sqlalchemy import select

    from models import SchoolClass, Staff, Subject, TeachingAssignment, db

    with live_server.app.app_context():
        names = db.session.scalars(
            select(Staff.last_name)
            .join(TeachingAssignment, TeachingAssignment.teacher_id == Staff.id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .where(SchoolClass.id == class_id, Subject.name == "Алгебра")
            .order_by(Staff.last_name)
        ).all()
        db.session.remove()
    return names


def test_a_timetable_file_past_the_hours_is_warned_in_the_preview(page, live_server, screenshot, sign_in, tmp_path):
    """8А's Русский язык has all its 3 h placed: a file giving it a Saturday lesson shows the row with ⚠ and
    the figures, the preview can still be written; cancelled here, so nothing is written."""
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "operator")
    page.goto(live_server.url + "/admin/imports/")
    header = "Класс;Подгруппа;Предмет;День недели;Урок №;Кабинет;Действует с"
    path = tmp_path / "расписание.csv"
    path.write_bytes(("\ufeff" + header + "\r\n" + f"{CLASS};;Русский язык;Сб;5;;\r\n").encode("utf-8"))
    page.set_input_files("#file-timetable", str(path))
    page.click("#upload-submit-timetable")
    row = page.locator("tr.import-row.table-warning")
    expect(row).to_have_count(1)
    expect(row.locator(".import-warnings")).to_contain_text(f"Русский язык в {CLASS}")
    expect(row.locator(".import-warnings")).to_contain_text("с этим уроком будет 4.")
    expect(page.locator("#import-warned")).to_contain_text("Строк с предупреждениями (⚠): 1.")
    expect(page.locator("#import-confirm")).to_be_visible()
    screenshot(page, "timetable-import-warning")
    page.click("#import-cancel")
    expect(page.locator(".alert-info")).to_contain_text("Загрузка отменена")
