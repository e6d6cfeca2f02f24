"""Walking the pages a signed-in user can reach: from a start page, every same-origin GET link under the given
prefixes, breadth first, once per route shape (ids and query values do not make a page new), bounded. Files
(PDF, XLSX, CSV), sign-out and anything that looks like a state change are not followed. Yields (url, html)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

SKIP = re.compile(r"(\.pdf|\.xlsx|\.csv|\.zip|/export|/download|logout|/delete|/file/|/files/|/static/)", re.I)


def shape(url: str) -> str:
    """The route shape: numbers and query values replaced, so that one page per kind of page is visited."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+", "/N", parts.path)
    keys = sorted({k.split("=")[0] for k in parts.query.split("&") if k})
    return path + ("?" + "&".join(keys) if keys else "")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def walk(client, start: str, prefixes: tuple[str, ...], limit: int = 200) -> Iterator[tuple[str, str]]:
    seen: set[str] = set()
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        yield url, html
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith(prefixes) or SKIP.search(parts.path):
                continue
            link = parts.path + ("?" + parts.query if parts.query else "")
            if shape(link) not in seen:
                queue.append(link)


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside <script> and <style>, plus the labels of buttons and options
    (attribute values such as an <input type=date> value are the browser's business, not text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
