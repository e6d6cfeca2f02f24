"""Smoke test in a real browser: the start page renders in Russian with its styles, and /healthz
answers from the same server."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from models import School, db


def first_school_name(app) -> str | None:
    with app.app_context():
        return db.session.scalar(select(School.name).order_by(School.id).limit(1))


def test_start_page_renders_demo_school(page, live_server, screenshot):
    response = page.goto(live_server.url + "/")
    assert response is not None and response.status == 200

    heading = page.locator("#school-name")
    expect(heading).to_be_visible()
    name = first_school_name(live_server.app)
    assert name, "the demo school was not loaded"
    text = heading.inner_text().strip()
    assert "школа" in text.lower() or text == name.strip(), text
    expect(page.locator("body")).to_contain_text("Электронный дневник")

    # Bootstrap comes from /admin/static (no CDN): the navbar must actually be styled.
    navbar_colour = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert navbar_colour not in ("rgba(0, 0, 0, 0)", "transparent"), "Bootstrap CSS did not load"

    health = page.request.get(live_server.url + "/healthz")
    assert health.ok
    assert health.json()["database_ok"] is True

    screenshot(page, "start-page")
