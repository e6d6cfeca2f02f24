"""The one walk over the pages a signed-in user reaches: from a start page, every same-origin GET link, the first URL
of each endpoint once, bounded. Returns URL → the text a reader meets there: a page's text nodes (not <script> or
<style>), the labels of buttons and the attributes read aloud or shown (title, placeholder, …); with ``files``,
PDFs (pypdf), XLSX (openpyxl) and CSV as their text. Used by tests/pages (dates and wording) and
tests/kazakhstan/test_words_walk.py (Russian words in kk and en)."""

from __future__ import annotations

import csv
import io
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.exceptions import HTTPException

MAX_PAGES = 120  # per account: the staff panel's widest menu (the operator's) has fewer endpoints
SKIP = ("/logout", "/language", "/static/", "/admin/static/")
READ_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "data-confirm"}


class _Reader(HTMLParser):
    """The text a reader meets on a page, and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in READ_ATTRIBUTES & attrs.keys():
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")
        if tag == "option":
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def file_text(response) -> str:
    body = response.get_data()
    if response.mimetype == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    if response.mimetype == "text/csv":
        text = body.decode("utf-8-sig", errors="replace")
        return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(text), delimiter=";"))
    return ""


def walk(app, client, start: str, *, files: bool = True) -> dict[str, str]:
    """URL → the text a reader meets there, for the first URL of each endpoint reachable from ``start``."""
    adapter = app.url_map.bind("localhost")
    seen_endpoints: set[str] = set()
    queue, pages = deque([start]), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        split = urlsplit(url)
        if split.netloc not in ("", "localhost") or split.path.startswith(SKIP) or url in pages:
            continue
        try:
            endpoint, _args = adapter.match(split.path, method="GET")
        except HTTPException:
            continue
        if endpoint in seen_endpoints:
            continue
        seen_endpoints.add(endpoint)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200:
            continue
        if response.mimetype != "text/html":
            if files:
                pages[url] = file_text(response)
            continue
        reader = _Reader()
        reader.feed(response.get_data(as_text=True))
        pages[url] = " ".join(reader.parts)
        for link in reader.links:
            target = urljoin(url, link)
            if urlsplit(target).scheme in ("", "http") and "#" not in link[:1]:
                queue.append(target.split("#")[0])
    return pages
