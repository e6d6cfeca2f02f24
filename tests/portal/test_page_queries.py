"""The statements of the pages families and teachers open most (bench/README.md, "Pages within reach of their
floor"): the request's own (the user with roles, the session settings, the school) and the page's, pinned."""

from __future__ import annotations

from kept import forget_built_pages


def _count(client, count_queries, url):
    client.get(url)  # the first request of the session notes the visit
    forget_built_pages(client)  # the page is built again, not taken from the worker's memory (portal/built_pages.py)
    with count_queries() as q:
        assert client.get(url).status_code == 200
    return q.count


def test_the_marks_page(client, login_as, world, count_queries):
    login_as("parent")
    # 9 of the page (the request's first: the user with their school and the session's limits; the child with its
    # access check, models.access.visible_student), 2 the navigation's counts (the children with their classes
    # and moments, which the child switcher shows too, models/family.py; unseen notices with unread
    # conversations, models/notices), 2 the card's stamp for its ETag, asked before the card whether a page is
    # kept (models/reports/marks_stamp.py: the student's years, the stamp; tests/portal/test_marks_cache.py)
    assert _count(client, count_queries, f"/diary/{world.anna.id}/marks?period={world.q1.id}") == 13


def test_the_journal_grid(client, login_as, world, count_queries):
    login_as("teacher")
    # 13 of the page (the request's first: the user with their school and the session's limits; the plan's lines
    # are the lesson form's), 1 the class's distance days in the period, 1 the staff menu's count of unread
    # conversations
    assert _count(client, count_queries, f"/admin/journal/{world.a_maths_5a.id}?period={world.q1.id}") == 15
