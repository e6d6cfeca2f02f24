"""The search's pages (admin_views/search.py): the results page and the dropdown's JSON. Every link a result
offers opens for the role that was offered it (never a refusal); names are escaped; the messages for a short
query, nothing found and the cut; the box is in the bar of every staff page."""

from __future__ import annotations

import re

import pytest

from models import Guardian, StudentGuardian

STAFF_LOGINS = ("teacher", "classteacher", "secretary", "coordinator", "director", "operator")


def _links(html: str) -> list[str]:
    body = html.split('id="page-title"', 1)[1]
    return [h.replace("&amp;", "&") for h in re.findall(r'href="(/admin/[^"]+)"', body)]


@pytest.mark.parametrize("login", STAFF_LOGINS)
@pytest.mark.parametrize("query", ["аннова", "5а", "ивановна"])
def test_every_link_a_result_offers_opens(client, login_as, world, login, query):
    login_as(login)
    response = client.get("/admin/search/", query_string={"q": query})
    assert response.status_code == 200
    links = _links(response.get_data(as_text=True))
    assert links, "the world has something for every role under each query"
    refused = [(url, client.get(url).status_code) for url in links]
    assert [r for r in refused if r[1] != 200] == []


def test_the_teacher_finds_their_student_with_the_class_and_a_link_to_the_card(client, login_as, world):
    login_as("teacher")
    html = client.get("/admin/search/?q=Аннова").get_data(as_text=True)
    assert 'id="found-students"' in html and "Аннова Анна" in html and "— 5А" in html
    assert f'href="/admin/students/details/?id={world.anna.id}"' in html
    assert "Борисов" not in html.split('id="page-title"', 1)[1]  # 6Б is not theirs


def test_the_class_links_to_its_students_for_the_secretary(client, login_as, world):
    login_as("secretary")
    html = client.get("/admin/search/?q=5А").get_data(as_text=True)
    link = re.search(r'href="(/admin/students/\?flt0_0=\d+)"', html).group(1)
    students = client.get(link).get_data(as_text=True)
    assert "Аннова" in students and "Верова" in students and "Борисов" not in students


@pytest.mark.parametrize(
    "query,message",
    [
        ("а", "Введите не меньше двух букв"),
        ("Жжжжж", "Ничего не найдено."),
    ],
)
def test_short_and_fruitless_queries_say_so(client, login_as, world, query, message):
    login_as("teacher")
    html = client.get("/admin/search/", query_string={"q": query}).get_data(as_text=True)
    assert 'id="search-message"' in html and message in html


def test_the_cut_is_said(client, login_as, world, monkeypatch):
    from models.school import search

    monkeypatch.setattr(search, "PAGE_LIMIT", 3)
    login_as("operator")
    html = client.get("/admin/search/?q=ивановна").get_data(as_text=True)
    assert html.count('class="search-hit py-1"') == 3
    assert "Показаны первые 3." in html


def test_the_page_speaks_the_users_language(client, login_as, world):
    login_as("teacher")
    client.post("/language", data={"lang": "en", "next": "/admin/"})
    html = client.get("/admin/search/?q=а").get_data(as_text=True)
    assert "Type at least two letters" in html


def test_names_are_escaped_on_the_page_and_in_the_json(client, login_as, world, db_session):
    g = Guardian(school_id=world.school.id, last_name="<b>Аннова</b>", first_name="<script>x</script>")
    db_session.add(g)
    db_session.flush()
    db_session.add(StudentGuardian(student_id=world.anna.id, guardian_id=g.id, relation="other"))
    db_session.commit()
    login_as("operator")
    html = client.get("/admin/search/?q=Аннова").get_data(as_text=True)
    assert "<b>Аннова</b>" not in html and "&lt;b&gt;Аннова&lt;/b&gt;" in html
    data = client.get("/admin/search/suggest?q=Аннова").get_json()
    assert "<b>Аннова</b> <script>x</script>" in [
        i["title"] for i in data["items"]
    ]  # text; the script sets textContent


def test_the_suggestions(client, login_as, world):
    login_as("classteacher")
    data = client.get("/admin/search/suggest?q=5a").get_json()
    assert data["message"] is None
    assert data["items"] == [
        {
            "kind": "Классы",
            "title": "5А",
            "detail": "2026/2027 учебный год",
            "url": f"/admin/my-class/?class_id={world.c5a.id}",
        }
    ]
    assert data["all_url"] == "/admin/search/?q=5a"


def test_the_suggestions_are_few_and_say_when_too_short(client, login_as, world):
    login_as("operator")
    data = client.get("/admin/search/suggest?q=ивановна").get_json()
    assert len(data["items"]) == 4  # SUGGEST_LIMIT of the seven
    short = client.get("/admin/search/suggest?q=а").get_json()
    assert short["items"] == [] and short["message"].startswith("Введите не меньше двух букв")
    assert short["all_url"] == "/admin/search/?q=%D0%B0"


@pytest.mark.parametrize("login", STAFF_LOGINS)
def test_the_box_is_in_the_bar(client, login_as, world, login):
    login_as(login)
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="staff-search"' in html and 'action="/admin/search/"' in html
    assert 'data-suggest="/admin/search/suggest"' in html and "js/staff-search.js" in html
