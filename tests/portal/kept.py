"""What the tests of the pages a family's browser keeps share (security.revalidate_privately): the first visit,
the revalidation with the kept ETag, and a change that must give the full page again."""

from __future__ import annotations

from models import Mark, db
from portal.built_pages import built_pages


def forget_built_pages(client) -> None:
    """The next family page is built, not taken from the worker's memory (portal/built_pages.py)."""
    with client.application.app_context():
        built_pages().clear()


def boris_mark(world) -> Mark:
    """boris's mark: a 3 on the maths lesson of Monday 07.09.2026 (the world of tests/portal)."""
    return db.session.scalars(db.select(Mark).where(Mark.student_id == world.boris.id)).first()


def first(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache" and response.headers["Vary"] == "Cookie"
    return response


def again(client, url: str, etag: str):
    return client.get(url, headers={"If-None-Match": etag})


def assert_change_gives_the_full_page(client, world, url: str, change, marker: bytes) -> None:
    etag = first(client, url).headers["ETag"]
    change(world)
    db.session.commit()
    response = again(client, url, etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag and marker in response.data
