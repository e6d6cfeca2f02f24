"""The public start page says what the system offers today, in Russian, Kazakh and English, and leads to
what it names (the invitation code and the login page)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "lang,phrases",
    [
        ("ru", ["Родителям и обучающимся", "дистанционного обучения", "Подпись недели дневника", "Ввести код"]),
        ("kk", ["Ата-аналар мен білім алушыларға", "қашықтықтан оқыту", "Кодты енгізу", "Не жаңалық"]),
        ("en", ["For parents and students", "distance learning", "Enter a code", "What's new"]),
    ],
)
def test_the_start_page_in_each_language(client, world, lang, phrases):
    client.post("/language", data={"lang": lang, "next": "/"})
    page = client.get("/").get_data(as_text=True)
    for phrase in phrases:
        assert phrase.replace("'", "&#39;") in page or phrase in page, phrase
    assert 'href="/invite"' in page and 'href="/login"' in page
    assert "Школа № 1" in page


def test_the_start_page_promises_nothing_that_is_not_there(app, client, world):
    page = client.get("/").get_data(as_text=True).lower()
    for absent in ("sms", "мобильное приложение", "e-mail", "электронной почт"):
        assert absent not in page, absent
    # announcements and surveys are offered when their area is installed, and only then
    installed = "portal.announcements" in app.view_functions
    assert ('id="offer-announcements"' in page) == installed


def test_the_start_page_before_any_school(client, db_session):
    page = client.get("/").get_data(as_text=True)
    assert "Школа ещё не настроена" in page and "Родителям и обучающимся" in page


def test_the_bells_are_numbered_once(client, world):
    page = client.get("/").get_data(as_text=True)
    bells = page[page.index('id="bells"') :]
    bells = bells[: bells.index("</ul>")]
    assert "<li>1. 08:30–09:15</li>" in bells and "<ol" not in page.split('id="bells"')[0][-40:]
