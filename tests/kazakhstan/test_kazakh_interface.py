"""What the system itself names is shown in the reader's language (issue 15): a period's name, the kinds of work
and the grid's labels over their columns, the absence codes in the journal and the diary, the consent of the
school's jurisdiction; what the school typed stays as typed. The criteria settings are changed the way the
grading scheme is: only while the open years have no marks, with a message in the operator's language.

World (tests/world.py): 1 четверть named by the system; maths 5А with anna's 5 on Monday 07.09.2026."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from models import Attendance, AuditEvent, Mark, Setting, WorkKind, db
from models.access import Actor
from models.accounts.invites import issue_invite
from models.base import utcnow
from models.errors import Conflict
from models.finals.proposals import rules_for
from models.journal.rules import parse_cell_text
from models.school.settings import all_settings, set_settings
from models.tables.accounts import Consent

WEEK = "/diary/{id}?week=2026-09-07"


def _choose(client, lang: str) -> None:
    assert client.post("/language", data={"lang": lang, "next": "/login"}).status_code == 302


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture()
def kinds(world, db_session):
    """A test (system-named), and a kind the school named itself; a test on Monday; anna absent, vera late."""
    world.test = WorkKind(school_id=world.school.id, code="test", name="Контрольная работа", weight=Decimal(2))
    world.own = WorkKind(school_id=world.school.id, code="quiz", name="Блиц-опрос", weight=Decimal(1))
    db_session.add_all([world.test, world.own])
    db_session.flush()
    world.lesson_5a.work_kind_id = world.test.id
    db_session.add(Attendance(lesson_id=world.lesson_5a.id, student_id=world.anna.id, status="absent"))
    db_session.add(Attendance(lesson_id=world.lesson_5a.id, student_id=world.vera.id, status="late", minutes_late=5))
    db_session.commit()
    return world


LANGUAGES = [
    # lang, period, grid label of a test, absent, late, words that must not be there
    ("ru", "1 четверть", "Конт", "н", "оп", ["1-тоқсан", "Quarter 1"]),
    ("kk", "1-тоқсан", "Бақ", "ж", "кеш", ["1 четверть", "Конт<", "Контрольная работа"]),
    ("en", "Quarter 1", "Test", "abs", "late", ["1 четверть", "Конт<", "Контрольная работа"]),
]


@pytest.mark.parametrize("lang,period,label,absent,late,absent_words", LANGUAGES)
def test_the_grid_names_in_the_readers_language(
    client, login_as, kinds, lang, period, label, absent, late, absent_words
):
    login_as("teacher")
    _choose(client, lang)
    html = _page(client, f"/admin/journal/{kinds.a_maths_5a.id}?period={kinds.q1.id}")
    assert f">{period}" in html  # the period tab
    assert f'<span class="jg-k jg-kc">{label}</span>' in html or f'<span class="jg-k">{label}</span>' in html
    assert re.search(rf'value="{absent} 5"', html), "anna's cell: her absence and her 5"
    assert re.search(rf'value="{late}"', html), "vera's cell: late"
    for word in absent_words:
        assert word not in html, word


@pytest.mark.parametrize("lang,period,label,absent,late,absent_words", LANGUAGES)
def test_the_diary_badges_in_the_readers_language(
    client, login_as, kinds, lang, period, label, absent, late, absent_words
):
    login_as("parent")
    _choose(client, lang)
    html = _page(client, WEEK.format(id=kinds.anna.id))
    assert f'<span class="badge badge-danger">{absent}</span>' in html


def test_what_the_school_typed_stays_as_typed(client, login_as, kinds):
    kinds.q1.name = "Осенняя четверть"
    kinds.lesson_5a.work_kind_id = kinds.own.id
    db.session.commit()
    login_as("teacher")
    _choose(client, "kk")
    html = _page(client, f"/admin/journal/{kinds.a_maths_5a.id}?period={kinds.q1.id}")
    assert "Осенняя четверть" in html and '<span class="jg-k">Блиц</span>' in html


def test_a_renamed_period_keeps_its_name_and_a_system_name_is_a_key(world):
    assert world.q1.custom_name is None and world.q1.name == "1 четверть"
    world.q1.name = "  "
    assert world.q1.custom_name is None
    world.q1.name = "Осень"
    assert world.q1.custom_name == "Осень" and str(world.q1) == "Осень"


@pytest.mark.parametrize(
    "typed,status,minutes,marks",
    [
        ("н", "absent", None, []),
        ("ж", "absent", None, []),
        ("abs", "absent", None, []),
        ("ж 4", "absent", None, ["4"]),
        ("оп10", "late", 10, []),
        ("кеш", "late", None, []),
        ("кеш7", "late", 7, []),
        ("к 5", "late", None, ["5"]),
        ("late12", "late", 12, []),
        ("abs 5/4", "absent", None, ["5", "4"]),
    ],
)
def test_absence_codes_typed_in_any_language(typed, status, minutes, marks):
    got_status, got_minutes, got_marks = parse_cell_text(typed)
    assert (got_status, got_minutes, [str(m) for m in got_marks]) == (status, minutes, marks)


def test_the_plain_grid_saves_an_unchanged_kazakh_cell_as_unchanged(client, login_as, kinds):
    login_as("teacher")
    _choose(client, "kk")
    html = _page(client, f"/admin/journal/{kinds.a_maths_5a.id}?period={kinds.q1.id}")
    key = f"{kinds.lesson_5a.id}-{kinds.anna.id}"
    state = re.search(rf"name=\"o-{key}\" value='([^']*)'", html).group(1).replace("&#34;", '"')
    response = client.post(
        f"/admin/journal/{kinds.a_maths_5a.id}/save",
        data={"period": kinds.q1.id, f"c-{key}": "ж 5", f"o-{key}": state},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert db.session.scalar(select(Attendance.status).where(Attendance.student_id == kinds.anna.id)) == "absent"


# --- criteria settings ------------------------------------------------------------------------------------------
CRITERIA = {
    "criteria_weights": "30, 30, 40",
    "criteria_weights_no_soch": "40, 60",
    "criteria_bounds": "50, 70, 90",
    "criteria_bounds_grade1": "20, 50, 80",
}


def test_criteria_settings_wait_for_a_year_without_marks(world):
    operator = Actor.of(world.users["operator"])
    with pytest.raises(Conflict, match="уже есть отметки"):
        set_settings(operator, {"criteria_weights": "30, 30, 40"})
    assert all_settings(world.school.id)["criteria_weights"] == (Decimal(25), Decimal(25), Decimal(50))
    assert set_settings(operator, {"criteria_weights": "25, 25, 50", "min_marks_for_period": "4"}) == [
        "min_marks_for_period"
    ]  # an unchanged criteria value does not count as a change


def test_criteria_settings_are_stored_audited_and_read_by_the_rules(world):
    db.session.execute(delete(Mark))
    operator = Actor.of(world.users["operator"])
    assert sorted(set_settings(operator, CRITERIA)) == sorted(CRITERIA)
    settings = all_settings(world.school.id)
    rules = rules_for(settings, 5)
    assert rules.criteria_weights == (30, 30, 40) and rules.criteria_weights_no_soch == (40, 60)
    assert rules.criteria_bounds == (50, 70, 90) and rules_for(settings, 1).criteria_bounds == (20, 50, 80)
    stored = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    assert stored["criteria_weights"] == "30, 30, 40"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "setting.update").limit(1)) is not None


@pytest.mark.parametrize(
    "lang,says",
    [
        ("ru", "сумма весов — 90 %, а должна быть 100 %"),
        ("kk", "салмақтардың қосындысы — 90 %, ал 100 % болуы керек"),
        ("en", "the weights add up to 90 %, but must add up to 100 %"),
    ],
)
def test_bad_weights_on_the_settings_page(client, login_as, world, lang, says):
    login_as("operator")
    _choose(client, lang)
    response = client.post("/admin/settings/", data={"criteria_weights": "25, 25, 40"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and says in html
    assert db.session.scalar(select(Setting.value).where(Setting.key == "criteria_weights")) is None


def test_the_settings_page_shows_the_legal_defaults_in_kazakh(client, login_as, world):
    login_as("operator")
    _choose(client, "kk")
    html = _page(client, "/admin/settings/")
    assert 'id="criteria_weights" name="criteria_weights" value="25, 25, 50"' in html
    assert 'value="40, 65, 85"' in html and 'value="21, 51, 81"' in html
    assert "Критериалды бағалау: ҚБ, БЖБ, ТЖБ салмақтары" in html and "Оқыту тілі" in html


# --- consent per jurisdiction -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "jurisdiction,lang,law,version",
    [
        ("RU", "ru", "№ 152-ФЗ «О персональных данных»", "2026-12"),
        ("KZ", "ru", "№ 94-V «О персональных данных и их защите»", "KZ-2026-12.2"),
        ("KZ", "kk", "№ 94-V «Дербес деректер және оларды қорғау туралы» Заңына", "KZ-2026-12.2"),
        ("KZ", "en", "No. 94-V of 21 May 2013", "KZ-2026-12.2"),
    ],
)
def test_consent_of_the_schools_jurisdiction(client, world, jurisdiction, lang, law, version):
    world.school.jurisdiction = jurisdiction
    _invite, code = issue_invite(
        Actor.of(world.users["classteacher"]), "student", now=utcnow(), student_id=world.vera.id
    )
    db.session.commit()
    _choose(client, lang)
    html = client.post("/invite", data={"code": code}).get_data(as_text=True)
    assert law in html and version in html
    other = "152-ФЗ" if jurisdiction == "KZ" else "94-V"
    assert other not in html
    password = "Сирень-цветёт-2027"
    data = {"code": code, "login": "vera1", "password": password, "password2": password, "consent": "y"}
    assert client.post("/invite", data=data).status_code == 302
    consent = db.session.scalars(select(Consent).order_by(Consent.id.desc())).first()
    assert consent.text_version == version


def test_the_journal_print_in_kazakh(client, login_as, kinds):
    """The printed journal (ReportLab) draws the period and the kinds of work through the reader's catalogue."""
    login_as("teacher")
    _choose(client, "kk")
    response = client.get(f"/admin/journal/{kinds.a_maths_5a.id}/print.pdf?period={kinds.q1.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
