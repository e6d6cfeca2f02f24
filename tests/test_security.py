"""Flask-Admin's inline handlers are rewritten so that the strict CSP needs no 'unsafe-inline'."""

import re

from security import rewrite_inline_handlers


def test_rewrite_inline_handlers():
    html = (
        """<a class="dropdown-item" href="javascript:void(0)" onclick="return modelActions.execute('revoke');">x</a>"""
        """<button onclick="return faHelpers.safeConfirm('Вы уверены?');">d</button>"""
        """<a class="filter" onclick="return false;">f</a>"""
    )
    out = rewrite_inline_handlers(html)
    assert not re.search(r"\son\w+=|javascript:", out)
    assert 'data-model-action="revoke"' in out and 'data-confirm="Вы уверены?"' in out


def test_admin_pages_carry_no_inline_handlers(client, login_as, world):
    login_as("operator")
    for url in ("/admin/invites/", "/admin/users/", "/admin/logins/"):
        body = client.get(url).get_data(as_text=True)
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']|javascript:", body), url


# --- Refused requests (403) are recorded, bounded, and shown next to the login log ---------------------------

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from access.roles import ROLES  # noqa: E402
from access.test_url_matrix import EXPECTED, _url  # noqa: E402
from sqlalchemy import select  # noqa: E402

from models import RefusedRequest, db  # noqa: E402
from models.base import utcnow  # noqa: E402


def _refusals():
    return db.session.scalars(select(RefusedRequest).order_by(RefusedRequest.id)).all()


def test_a_refused_request_is_recorded_and_shown_to_the_operator(client, login_as, world):
    login_as("teacher")
    assert client.get("/admin/users/?page=1", environ_base={"REMOTE_ADDR": "10.3.3.3"}).status_code == 403
    assert client.post("/admin/users/block/1", data={"reason": "x"}).status_code == 403
    get, post = _refusals()[-2:]
    assert (get.user_id, get.method, get.path, get.ip_address) == (
        world.users["teacher"].id,
        "GET",
        "/admin/users/?page=1",
        "10.3.3.3",
    )
    assert (post.method, post.path) == ("POST", "/admin/users/block/1") and get.at <= post.at
    login_as("operator")
    page = client.get("/admin/refusals/").get_data(as_text=True)
    assert "/admin/users/?page=1" in page and world.users["teacher"].login in page
    login_as("foreign_operator")
    assert "/admin/users/?page=1" not in client.get("/admin/refusals/").get_data(as_text=True)


def test_a_refusal_keeps_nothing_the_refused_request_left_unsaved(app, db_session, world):
    from security import note_refusal

    User, user_id = type(world.users["parent"]), world.users["parent"].id
    with app.test_request_context("/admin/users/", environ_base={"REMOTE_ADDR": "10.3.3.4"}):
        db.session.get(User, user_id).login = "changed-by-a-refused-request"
        note_refusal()
    db.session.expire_all()
    assert db.session.get(User, user_id).login == "parent" and _refusals()[-1].ip_address == "10.3.3.4"


def test_a_flood_of_refusals_is_bounded(app, client, login_as, world):
    app.config.update(RATELIMIT_ENABLED=True, REFUSAL_LOG_PER_ADDRESS=3)
    app.extensions["auth_throttle"].reset()
    try:
        db.session.add(RefusedRequest(at=utcnow() - dt.timedelta(days=91), method="GET", path="/old"))
        db.session.commit()
        login_as("parent")
        for _ in range(10):
            assert client.get("/admin/", environ_base={"REMOTE_ADDR": "10.4.4.4"}).status_code == 403
        assert client.get("/admin/", environ_base={"REMOTE_ADDR": "10.4.4.5"}).status_code == 403
        rows = _refusals()
        assert [r.ip_address for r in rows].count("10.4.4.4") == 3 and rows[-1].ip_address == "10.4.4.5"
        assert "/old" not in [r.path for r in rows]  # older than REFUSAL_LOG_DAYS: pruned
    finally:
        app.extensions["auth_throttle"].reset()
        app.config.update(RATELIMIT_ENABLED=False, REFUSAL_LOG_PER_ADDRESS=30)


# --- No cache keeps pages or files ---------------------------------------------------------------------------

FILE_ROLES = ("operator", "director", "classteacher", "coordinator", "teacher", "parent")


def _file_urls(world, role_index):
    """Every route that answers this role with 200; export routes in each of their formats."""
    for rule, statuses in sorted(EXPECTED.items()):
        if statuses[role_index] == 200 and "static" not in rule:
            url = _url(rule, world)
            yield url
            if "/export/csv/" in url:
                yield url.replace("/export/csv/", "/export/xlsx/")


@pytest.mark.parametrize("role", FILE_ROLES)
def test_nothing_an_authenticated_user_receives_is_cached(client, login_as, world, role):
    login_as(role)
    cached, files = [], set()
    for url in _file_urls(world, ROLES.index(role)):
        response = client.get(url)
        if response.mimetype != "text/html":
            files.add(response.mimetype)
        if role == "parent" and re.fullmatch(r"/diary/\d+(/marks|/subjects/\d+)?", url):
            # The deliberate exception (security.revalidate_privately): a family's week, marks and subject pages,
            # kept by their own browser only ("private") and revalidated by their ETag on every visit ("no-cache").
            assert response.headers.get("Cache-Control") == "private, no-cache" and response.headers.get("ETag")
            continue
        if response.headers.get("Cache-Control") != "no-store":
            cached.append(f"{url}: {response.status_code} {response.mimetype} {response.headers.get('Cache-Control')}")
    assert not cached, "\n".join(cached)
    if role in ("operator", "director"):
        assert {"application/pdf", "text/csv"} <= files, files  # the test did meet files


def test_static_assets_stay_cacheable(client, login_as, world):
    login_as("teacher")
    assert client.get("/static/js/admin-csp.js").headers.get("Cache-Control") != "no-store"


def test_versioned_assets_are_kept_and_the_app_s_own_revalidated(client, login_as, world):
    """Flask-Admin's files carry their version in the address: a browser keeps them a year instead of asking again
    on every page (~12 of a staff page's ~17). The app's own scripts have no version in theirs: asked again."""
    login_as("teacher")
    for url in (
        "/admin/static/bootstrap/bootstrap4/js/bootstrap.min.js?v=4.6.2",
        "/admin/static/vendor/jquery.min.js?v=3.5.1",
    ):
        response = client.get(url)
        assert (
            response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        )
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    missing = client.get("/admin/static/vendor/no-such-file.js?v=1")  # an error page is never kept
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    own = client.get("/static/js/admin-csp.js")
    assert "max-age=31536000" not in own.headers.get("Cache-Control", "") and own.headers.get("ETag")
    page = client.get("/admin/")
    assert page.headers["Cache-Control"] == "no-store"
    assert "?v=" in page.get_data(as_text=True)  # the pages do ask for versioned addresses


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_a_signed_in_user_s_static_assets_run_no_sql(client, login_as, world, count_queries, role):
    """A browser asks again for a page's ~15 scripts and stylesheets on every page: none of them loads the user
    (request_guards translated its refusal message eagerly, and choosing the language loaded the user)."""
    login_as(role)
    with count_queries() as q:
        for url in ("/static/js/admin-csp.js", "/admin/static/bootstrap/bootstrap4/js/bootstrap.min.js"):
            assert client.get(url).status_code == 200
    assert q.count == 0, q.statements


def test_login_page_and_errors_are_not_cached(client, world):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"
