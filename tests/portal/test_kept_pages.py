"""The pages a family's browser keeps (the diary week, the marks page, a subject's page) follow the same rules: another family's
account gets no 304 for a page it may not read, another language is another page, staff get no-store."""

from __future__ import annotations

import pytest
from kept import again, first

PAGES = ["/diary/{id}?week=2026-09-07", "/diary/{id}/marks", "/diary/{id}/subjects/{subject}"]


@pytest.mark.parametrize("page", PAGES)
def test_another_family_gets_no_304_for_a_page_it_may_not_read(client, login_as, world, page):
    url = page.format(id=world.boris.id, subject=world.maths.id)
    login_as("parent_b")
    etag = first(client, url).headers["ETag"]
    login_as("parent")
    assert again(client, url, etag).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_another_language_is_another_page(client, login_as, world, page):
    url = page.format(id=world.boris.id, subject=world.maths.id)
    login_as("parent_b")
    etag = first(client, url).headers["ETag"]
    assert client.post("/language", data={"lang": "kk"}).status_code == 302
    assert again(client, url, etag).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_staff_reading_a_child_get_no_store(client, login_as, world, page):
    login_as("operator")
    response = client.get(page.format(id=world.boris.id, subject=world.maths.id))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
