"""The family pages a worker built lately (the week, the marks page, a subject's page), kept in its memory by their
ETag: a visit whose ETag matches a kept page gets that page without building it again, for the price of the ETag's
few statements (issue 12: a parent's reload, the previous week and back, the marks page after the diary).

The ETag (portal/kept_pages.py, ``page_etag``) changes with every row the page shows and with who reads it, in which
language, on which school day, with which deployed code; it is the same check that answers a browser's
revalidation with "304 Not Modified", so a kept page is exactly as fresh as a 304. The key adds what the page
holds of the request and the session: its address (the language forms' "next") and the session's CSRF secret
(the forms' tokens), so that another session of the same account never gets this one's page. A request with
flashed messages neither takes nor leaves a page (the messages are shown once).

Each worker keeps at most ``BUILT_PAGES`` pages (config.py; ~15 KiB each), the least recently used leave first;
0 turns keeping off. Nothing is shared between workers or instances: a miss only builds the page."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import current_app, request, session
from flask_wtf.csrf import generate_csrf


class BuiltPages:
    """A bounded least-recently-used map of page key → HTML (UTF-8 bytes: half the memory of Cyrillic text, and
    what the response sends), safe for a worker's threads."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: bytes) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def built_pages() -> BuiltPages:
    """The app's pages (one per app, so per worker process)."""
    pages = current_app.extensions.get("built_pages")
    if pages is None:
        pages = current_app.extensions.setdefault("built_pages", BuiltPages(current_app.config.get("BUILT_PAGES", 0)))
    return pages


def page_key(etag: str) -> str | None:
    """The key of this ETag's page for this address and session, taken before the page is built (building it
    takes the flashed messages); None when the request has flashed messages. The session's CSRF secret is made
    here when it has none yet, as the page's forms would make it."""
    if session.get("_flashes"):
        return None
    generate_csrf()
    secret = session["csrf_token"]
    return hashlib.sha256(f"{etag}\0{request.full_path}\0{secret}".encode()).hexdigest()


def built_page(key: str | None) -> bytes | None:
    """The page kept under ``page_key``'s key, or None."""
    return built_pages().get(key) if key else None


def keep_page(key: str | None, page: str) -> bytes:
    """Keeps a page just built under ``page_key``'s key; returns it as the response's body."""
    body = page.encode()
    if key:
        built_pages().put(key, body)
    return body
