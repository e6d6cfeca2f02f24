"""Real browser, the Kazakhstan demo school (`flask --app app demo --kind kz`) loaded next to the Russian one: the
maths teacher (kz-teacher, desktop) reads the first quarter of 5А in Kazakh with the columns ҚБ /10, БЖБ and one
ТЖБ /25 and the finals sheet proposing marks from the weighted percent; the parent (kz-parent, phone 390 px) reads
the quarter's points in Kazakh on the marks page. Both accounts read Kazakh from their first sign-in. The secretary
(kz-secretary) finds the family's consents in the register of consents, by class and as a PDF; the parent withdraws
the consent for a child on a phone, loses that child's diary, the register shows the withdrawal, and consenting
again gives the diary back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import Consent, PeriodMark, SchoolClass, Student, Subject, TeachingAssignment, User, db

RUSSIAN = re.compile(r"четверть|Дневник|Журнал страницы|СОЧ|СОР")


@pytest.fixture(scope="module")
def kz(live_server, kazakh_school):
    """The Kazakh demo school (tests/browser/conftest.py): the ids the test opens."""
    with live_server.app.app_context():
        teacher = db.session.scalar(select(User.staff_id).where(User.login == "kz-teacher"))
        assignment, class_id = db.session.execute(
            select(TeachingAssignment.id, TeachingAssignment.class_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .where(TeachingAssignment.teacher_id == teacher, Subject.name == "Математика", SchoolClass.grade == 5)
        ).one()
        q1 = db.session.scalar(select(PeriodMark.period_id).where(PeriodMark.assignment_id == assignment).limit(1))
        child = db.session.scalar(select(User.student_id).where(User.login == "kz-student"))
        db.session.remove()
    return {"assignment": assignment, "q1": q1, "child": child}


def test_kazakh_teacher_and_parent_read_the_criteria_marks_in_kazakh(page, live_server, sign_in, kz, screenshot):
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "kz-teacher")
    page.goto(f"{base}/admin/journal/{kz['assignment']}?period={kz['q1']}")
    grid = page.locator("#journal-grid")
    expect(grid).to_have_attribute("data-criteria", "1")
    expect(page.locator("span.jg-pts", has_text="ТЖБ")).to_have_count(1)
    expect(page.locator("span.jg-pts", has_text="ТЖБ")).to_contain_text("/25")
    expect(page.locator("span.jg-pts", has_text="БЖБ").first).to_be_visible()
    expect(page.locator("span.jg-pts", has_text="ҚБ").first).to_contain_text("/10")
    expect(page.locator("body")).to_contain_text("1-тоқсан")
    screenshot(page, "kz-demo-journal")
    page.goto(f"{base}/admin/finals/{kz['assignment']}?period={kz['q1']}")
    expect(page.locator("strong.proposed").first).to_have_text(re.compile(r"^[2-5]$"))
    expect(page.locator("td.proposal").first).to_contain_text("%")
    expect(page.locator("body")).to_contain_text("Критериалды")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "kz-parent")
    page.goto(f"{base}/diary/{kz['child']}/marks")
    body = page.locator("main") if page.locator("main").count() else page.locator("body")
    expect(body).to_contain_text("1-тоқсан")
    expect(body).to_contain_text(re.compile(r"\b\d+/(15|20)\b"))  # a СОР's points
    expect(body).to_contain_text("Қазақ тілі")
    expect(body).not_to_contain_text(RUSSIAN)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "kz-demo-marks-phone")


@pytest.fixture()
def consents_back(live_server):
    """The demo's consents as they were: the rows this test adds go, the withdrawals it makes are undone."""
    with live_server.app.app_context():
        before = {c.id: c.withdrawn_at for c in db.session.scalars(select(Consent))}
        db.session.remove()
    yield
    with live_server.app.app_context():
        for consent in db.session.scalars(select(Consent)):
            if consent.id not in before:
                db.session.delete(consent)
            else:
                consent.withdrawn_at = before[consent.id]
        db.session.commit()
        db.session.remove()


def test_the_consent_register_and_a_withdrawal_in_the_kazakh_school(
    page, live_server, sign_in, kz, consents_back, screenshot
):
    base = live_server.url
    with live_server.app.app_context():
        child = db.session.get(Student, kz["child"]).full_name
        db.session.remove()

    # The secretary, at a desk: the register from the menu, in Kazakh, by class, printable.
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "kz-secretary")
    expect(page.locator('a[href="/admin/consents/"]')).to_have_count(1)
    page.goto(base + "/admin/consents/")
    expect(page.locator("#consents-title")).to_contain_text("келісімдер тізілімі")
    table = page.locator("#consents")
    family = table.locator("tr.consent-row", has_text="kz-parent").filter(has_text=child)
    expect(family).to_have_count(1)
    expect(family).to_contain_text("KZ-2026-12.2")
    expect(family.locator(".consent-state")).to_have_text("берілді")
    expect(table.locator("tr.consent-row", has_text="kz-student")).to_have_count(1)
    page.select_option("#class_id", label="5А")
    page.click("#consents-filter button[type=submit]")
    expect(page.locator("#consents tr.consent-row", has_text=child)).to_have_count(2)  # the parent's and the child's
    pdf = page.request.get(base + page.locator("#consents-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    screenshot(page, "kz-consent-register")

    # The parent, on a phone: withdraws the consent for the child after reading what it does.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "kz-parent")
    page.click("#nav-consents")
    expect(page.locator("#consent-text")).to_contain_text("№ 94-V")
    expect(page.locator("#consent-withdrawal")).to_contain_text("Қайта келісім беру қол жеткізуді қалпына келтіреді")
    page.locator(f"#consent-{kz['child']} .consent-withdraw").click()
    expect(page.locator("#withdraw-what")).to_contain_text("қолжетімсіз")
    page.click("#withdraw-confirm")
    expect(page.locator(".alert-success")).to_contain_text("кері қайтарылды")
    expect(page.locator(f"#consent-{kz['child']} .consent-state")).to_have_text("Келісім кері қайтарылды")
    assert page.goto(f"{base}/diary/{kz['child']}").status == 403
    assert page.goto(f"{base}/diary/{kz['child']}/marks").status == 403
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "kz-consent-withdrawn-phone")

    # The register says so.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "kz-secretary")
    page.goto(base + "/admin/consents/")
    family = page.locator("#consents tr.consent-row", has_text="kz-parent").filter(has_text=child)
    expect(family.locator(".consent-state")).to_contain_text("кері қайтарылды")

    # Consent again: the diary is back.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "kz-parent")
    page.goto(base + "/account/consents")
    page.locator(f"#consent-{kz['child']} .consent-give").click()
    expect(page.locator(".alert-success")).to_contain_text("қайтадан қолжетімді")
    assert page.goto(f"{base}/diary/{kz['child']}").status == 200
