"""The family pages a worker keeps in memory by their ETag (portal/built_pages.py): a visit without the browser's
copy gets the kept page for the price of its ETag's statements; any change the ETag sees, another session, another
address or a flashed message gives a page built again; another family is refused before anything kept is looked up.

World: boris (6Б, parent_b's son) has a 3 on the maths lesson of Monday 07.09.2026, in the first quarter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from kept import boris_mark, first, forget_built_pages

import models.base
from models import db
from portal.built_pages import BuiltPages
from world import PASSWORD

WEEK = "/diary/{id}?week=2026-09-07"
MARKS = "/diary/{id}/marks"
SUBJECT = "/diary/{id}/subjects/{subject}"
# the page's own statements when it is kept: as for a 304 (tests/portal/test_diary_cache.py, test_marks_cache.py)
KEPT_STATEMENTS = {WEEK: 4, MARKS: 5, SUBJECT: 5}
PAGES = list(KEPT_STATEMENTS)


def _csrf_tokens(page: bytes) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page.decode()))


@pytest.mark.parametrize("page", PAGES)
def test_a_second_visit_gets_the_kept_page_for_its_etag_statements(client, login_as, world, count_queries, page):
    url = page.format(id=world.boris.id, subject=world.maths.id)
    login_as("parent_b")
    built = first(client, url)
    with count_queries() as q:
        kept = client.get(url)  # no If-None-Match: another tab, a browser that keeps nothing
    assert kept.status_code == 200 and kept.data == built.data and kept.headers["ETag"] == built.headers["ETag"]
    assert kept.headers["Cache-Control"] == "private, no-cache" and "Content-Security-Policy" in kept.headers
    assert kept.headers["Content-Type"] == built.headers["Content-Type"] == "text/html; charset=utf-8"
    assert q.count == KEPT_STATEMENTS[page], q.statements
    forget_built_pages(client)
    with count_queries() as q:
        assert client.get(url).data == built.data
    assert q.count > KEPT_STATEMENTS[page] + 5  # built again


@pytest.mark.parametrize("page", PAGES)
def test_a_changed_mark_gives_a_page_built_again(client, login_as, world, page):
    url = page.format(id=world.boris.id, subject=world.maths.id)
    login_as("parent_b")
    before = first(client, url)
    assert b">3<" in before.data and b">4<" not in before.data
    boris_mark(world).value = 4
    db.session.commit()
    after = client.get(url)
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert b">4<" in after.data and b">3<" not in after.data


@pytest.mark.parametrize("page", PAGES)
def test_another_session_of_the_account_gets_its_own_page(app, login_as, client, world, count_queries, page):
    url = page.format(id=world.boris.id, subject=world.maths.id)
    login_as("parent_b")
    mine = first(client, url)
    other = app.test_client()
    assert other.post("/login", data={"login": world.users["parent_b"].login, "password": PASSWORD}).status_code == 302
    with count_queries() as q:
        theirs = other.get(url)
    assert theirs.status_code == 200 and q.count > KEPT_STATEMENTS[page] + 5  # built for that session
    assert _csrf_tokens(mine.data).isdisjoint(_csrf_tokens(theirs.data))  # each page carries its session's token
    assert client.get(url).data == mine.data  # the first session still gets its own


@pytest.mark.parametrize("page", PAGES)
def test_another_family_is_refused_whatever_is_kept(client, login_as, world, page):
    url = page.format(id=world.boris.id, subject=world.maths.id)
    login_as("parent_b")
    first(client, url)
    login_as("parent")
    assert client.get(url).status_code == 403


def test_another_address_is_another_page(client, login_as, world):
    login_as("parent_b")
    week = first(client, WEEK.format(id=world.boris.id))
    other = client.get(WEEK.format(id=world.boris.id) + "&x=1")  # the language forms send the page's address back
    assert other.headers["ETag"] == week.headers["ETag"]
    assert b'name="next" value="/diary/%d?week=2026-09-07&amp;x=1"' % world.boris.id in other.data


def test_a_flashed_message_is_shown_once_and_not_kept(client, login_as, world, monkeypatch):
    monkeypatch.setattr(models.base, "clock", lambda: dt.datetime(2026, 9, 9, 12, tzinfo=dt.UTC))
    login_as("parent_b")
    url = WEEK.format(id=world.boris.id)
    signed = client.post(f"/diary/{world.boris.id}/acknowledge", data={"week": "2026-09-07"})
    assert signed.status_code == 302
    assert "классный руководитель увидит" in client.get(url).get_data(as_text=True)
    assert "классный руководитель увидит" not in client.get(url).get_data(as_text=True)
    assert "классный руководитель увидит" not in client.get(url).get_data(as_text=True)  # nor kept since


def test_the_least_recently_used_page_leaves_first():
    pages = BuiltPages(2)
    pages.put("a", b"A")
    pages.put("b", b"B")
    assert pages.get("a") == b"A"  # "b" is now the oldest
    pages.put("c", b"C")
    assert (pages.get("a"), pages.get("b"), pages.get("c"), len(pages)) == (b"A", None, b"C", 2)


def test_no_pages_are_kept_when_turned_off():
    pages = BuiltPages(0)
    pages.put("a", b"A")
    assert pages.get("a") is None and len(pages) == 0


def test_a_workers_threads_keep_and_take_pages_at_once():
    """gunicorn's threads (gthread) share a worker's pages: puts and gets from several threads keep the bound and
    every page under its own key."""
    import sys
    import threading

    pages, errors = BuiltPages(50), []

    def visit(thread: int):
        try:
            for i in range(2000):
                key = f"{thread}-{i % 80}"
                page = pages.get(key)
                assert page in (None, f"page {key}".encode())
                pages.put(key, f"page {key}".encode())
        except Exception as exc:  # noqa: BLE001 - reported below, with the thread's name
            errors.append(exc)

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(8)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can: a race shows
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert errors == [] and len(pages) == 50
