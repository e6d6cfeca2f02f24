"""Real browser: the operator issues a staff code, the newcomer redeems it with consent, logs in and
lands in the staff panel; a parent lands in the diary and cannot open the staff panel."""

from __future__ import annotations

import re

from playwright.sync_api import expect

PASSWORD = "demo-pass-2026"
NEW_PASSWORD = "Липовый-мёд-2027"


def _login(page, base, login, password):
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")


def test_operator_issues_code_newcomer_redeems_and_logs_in(page, live_server, screenshot):
    errors = []
    page.on(
        "console", lambda msg: errors.append(f"{page.url}: {msg.text} {msg.location}") if msg.type == "error" else None
    )
    base = live_server.url
    _login(page, base, "operator", PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.click("text=Доступ")
    page.click("a.dropdown-item:has-text('Коды доступа')")
    page.click("#issue-code")
    options = page.locator("select#person option")
    # the first staff member without an account: demo accounts are the fixed logins only
    values = [v for v in options.evaluate_all("els => els.map(e => e.value)") if v.startswith("staff:")]
    assert values, "no staff to invite"
    page.select_option("select#person", values[-1])
    page.select_option("select#role", "teacher")
    page.click("#issue-submit")
    code = page.locator("#issued-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), code
    screenshot(page, "invite-issued")
    page.click("#logout")

    page.goto(base + f"/invite?code={code}")  # the link fills the code in; checking it shows whose it is
    expect(page.locator("#code")).to_have_value(code)
    expect(page.locator("#invite-for")).to_have_count(0)
    page.click("#check-code")
    expect(page.locator("#invite-for")).to_be_visible()
    page.fill("#login", "newcomer")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#password2", NEW_PASSWORD)
    page.check("#consent")
    screenshot(page, "invite-redeem")
    page.click("#create-account")
    expect(page.locator(".alert-success")).to_contain_text("newcomer")

    _login(page, base, "newcomer", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("body")).to_contain_text("newcomer")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_parent_lands_in_the_diary_and_is_kept_out_of_the_staff_panel(page, live_server, screenshot):
    base = live_server.url
    _login(page, base, "parent", PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    children = page.locator("#children a")
    expect(children).to_have_count(2)
    children.first.click()
    expect(page.locator("#diary-student")).to_be_visible()
    screenshot(page, "parent-diary")
    response = page.goto(base + "/admin/")
    assert response.status == 403


def test_wrong_password_shows_a_russian_message(page, live_server):
    _login(page, live_server.url, "operator", "not-the-password")
    expect(page.locator(".alert-danger")).to_contain_text("Неверный логин или пароль")
