"""Real browser at 1366×900, demo school: with the school's default the class teacher of 5А sees her class's
timetable without editing controls; the operator lets class teachers move lessons (settings page); the class
teacher opens the timetable from «Мой класс», moves a lesson to a free time of the week and sees it there; a move
of another class's lesson (its id put into her form) is refused with a message; the operator sees the correction
with her name on 5А's page. The lesson is moved back and the setting restored at the end. Everything happens in
next week's timetable: a move applies from the later of today and the week's Monday, so in the current week a
lesson of a day already past keeps its place and the test would depend on the weekday it runs."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from school_day import school_today

MOVE_FORM = "form.tt-move-form"


def _set_setting(page, base, value: str, label: str):
    page.goto(base + "/admin/settings/")
    page.select_option("#class_teacher_timetable", value)
    page.click("#settings-save")
    expect(page.locator(".alert-success")).to_contain_text("Настройки сохранены")
    expect(page.locator("#class_teacher_timetable option:checked")).to_contain_text(label)


def _next_week(app) -> dt.date:
    today = school_today(app)
    return today + dt.timedelta(days=7 - today.weekday())  # the Monday after today


def _show_week(page, monday: dt.date):
    page.fill("#week", monday.isoformat())
    page.click("#grid-show")
    expect(page.locator("#week")).to_have_value(monday.isoformat())


def _grid_of(page, base, name: str, monday: dt.date):
    page.goto(base + "/admin/timetable/")
    value = page.locator("#class_id").evaluate(
        "(el, name) => Array.from(el.options).find(o => o.text.trim().startsWith(name + ' ')).value", name
    )
    page.select_option("#class_id", value)
    _show_week(page, monday)
    expect(page.locator("#page-title")).to_contain_text(f"Расписание класса {name}")


def _sign_out(page, base):
    page.context.clear_cookies()
    page.goto(base + "/login")


def test_class_teacher_moves_a_lesson_of_her_class(page, live_server, screenshot, sign_in):
    page.set_viewport_size({"width": 1366, "height": 900})
    base = live_server.url
    monday = _next_week(live_server.app)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # the default: she reads her class's timetable, nothing to edit
    sign_in(page, "classteacher")
    page.goto(base + "/admin/my-class/")
    page.click("#nav-timetable")
    expect(page.locator("#page-title")).to_contain_text("Расписание класса 5А")
    expect(page.locator(MOVE_FORM)).to_have_count(0)
    expect(page.locator("form.tt-place")).to_have_count(0)
    _sign_out(page, base)

    # the operator allows moves; notes a lesson of another class (6А)
    sign_in(page, "operator")
    _set_setting(page, base, "moves", "переносить уроки своего класса")
    _grid_of(page, base, "6А", monday)
    foreign_entry = page.locator("#timetable-grid .tt-lesson").first.get_attribute("data-entry")
    _sign_out(page, base)

    sign_in(page, "classteacher")
    page.goto(base + "/admin/my-class/")
    page.click("#nav-timetable")
    expect(page.locator("#page-title")).to_contain_text("Расписание класса 5А")
    _show_week(page, monday)
    expect(page.locator("#class-teacher-right")).to_be_visible()
    expect(page.locator("form.tt-place")).to_have_count(0)
    # a lesson without a substitution that week and not maths (the demo's substitution is on a maths lesson); to a
    # free time, not Saturday
    movable = page.locator("button.tt-move")
    lesson = page.locator("#timetable-grid .tt-lesson:not(.tt-sub)", has=movable, has_not_text="Математика").first
    subject = lesson.locator("strong").inner_text()
    entry = lesson.get_attribute("data-entry")
    lesson.locator("summary").click()
    form = lesson.locator(MOVE_FORM)
    choice = form.locator("select[name=slot]").evaluate(
        "el => Array.from(el.options).filter(o => o.value && !o.text.startsWith('Сб')).map(o => [o.value, o.text])[0]"
    )
    original_cell = lesson.locator("xpath=ancestor::td").get_attribute("id")  # cell-<weekday>-<bell id>
    form.locator("select[name=slot]").select_option(choice[0])
    screenshot(page, "class-teacher-move-form")
    form.locator("button.tt-move").click()
    expect(page.locator(".alert-success")).to_contain_text("Урок перенесён")
    weekday, bell_id = choice[0].split("-")
    moved = page.locator(f"#cell-{weekday}-{bell_id} .tt-lesson")
    expect(moved).to_contain_text(subject)
    screenshot(page, "class-teacher-moved")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # another class's lesson put into her own form: refused with a message, nothing moves
    lesson = page.locator("#timetable-grid .tt-lesson", has=page.locator("button.tt-move")).first
    lesson.locator("summary").click()
    form = lesson.locator(MOVE_FORM)
    form.locator("input[name=entry_id]").evaluate("(el, v) => { el.value = v; }", foreign_entry)
    form.locator("select[name=slot]").select_option(index=1)
    form.locator("button.tt-move").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text(
        "Классный руководитель исправляет расписание только своего класса."
    )
    _sign_out(page, base)

    # the operator sees the correction and who made it; moves the lesson back and switches the setting off
    sign_in(page, "operator")
    _grid_of(page, base, "5А", monday)
    expect(page.locator("#corrections")).to_contain_text("урок перенесён")
    expect(page.locator("#corrections")).to_contain_text(subject)
    screenshot(page, "operator-sees-correction")
    lesson = page.locator(f"#cell-{weekday}-{bell_id} .tt-lesson", has_text=subject).first
    lesson.locator("summary").click()
    _w, back_weekday, back_bell = original_cell.split("-")
    lesson.locator(f"{MOVE_FORM} select[name=slot]").select_option(f"{back_weekday}-{back_bell}")
    lesson.locator(f"{MOVE_FORM} button.tt-move").click()
    expect(page.locator(".alert-success")).to_contain_text("Урок перенесён")
    expect(page.locator(f"#{original_cell} .tt-lesson", has_text=subject)).to_have_count(1)
    _set_setting(page, base, "off", "ничего")
    assert entry
    assert not errors, errors
