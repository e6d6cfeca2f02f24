"""Every page of the staff panel and the portal, read in Kazakh and in English on the Kazakh demo school, holds no
Russian word the system itself produced (issue 15). What the school typed (names, subjects, topics, messages: the
database's text) may be in any language and is left out.

The walk: each demo account of the Kazakh school signs in, chooses the language, and follows the same-origin GET
links from its start page, one page per endpoint (the first URL met of each URL rule), bounded. HTML pages are
read as the reader sees them (text and the attributes a reader meets: title, placeholder, alt, aria-label, the
value of a button or of a preset field), PDFs through pypdf, XLSX through openpyxl, CSV as text.

The detector (``russian_words``): a Cyrillic word is Russian when it has none of the Kazakh letters (ә ғ қ ң ө ұ ү
һ і), is not a word of the Kazakh catalogue (translations/kk: msgstr of messages.po and admin.po, where the Kazakh
text may keep a Russian-looking word such as «Журнал»; of one letter only «ж» and «т» are Kazakh), and is not a word of the school's data. In English every
Cyrillic word not from the school's data counts."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import String, Text, select

import models.base
from demo import DEMO_PASSWORD, Scale, load_demo
from demo.kazakh import ACCOUNTS, CODE
from models import School, WorkKind, db
from tests.pages.crawl import walk

TODAY = dt.date(2026, 11, 22)  # the second quarter of the demo year: the first one closed with its marks
SCALE = Scale(schools=1, classes_per_grade=1, students_per_class=3, weeks=None)
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
WORD = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")
KAZAKH_LETTERS = set("әғқңөұүһі")
KAZAKH_CODES = {"ж", "т"}  # the one-letter words of the Kazakh interface: ж (absent), ү/т (homework)
LANGUAGE_NAMES = {"қазақша", "русский"}  # the language switcher names each language in itself
QUOTE = re.compile(r"«([^»]*)»")
# The school's text cut short ("…, эле…") and a name's initials ("Моисеев З.М."): the start of a school's word.
CUT = re.compile(r"([А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+)…|\b([А-ЯЁӘҒҚҢӨҰҮҺІ])\.")
FAMILY_DOCUMENTS = re.compile(r"/letter\.pdf|/report-card/|/report-cards/")


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


@cache
def kazakh_vocabulary() -> frozenset[str]:
    """The words of the Kazakh catalogue, except a «quote» copied unchanged from the Russian message (a column's
    name, a value to type: Russian left in the Kazakh text)."""
    found: set[str] = set()
    for domain in ("messages", "admin"):
        with open(TRANSLATIONS / "kk" / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
            for message in read_po(f):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                copied = {quote for source in ids for quote in QUOTE.findall(source or "")}
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for string in strings:
                    string = QUOTE.sub(
                        lambda q, copied=copied: " " if q.group(1) in copied else q.group(0), string or ""
                    )
                    found |= {word for word in words(string) if len(word) > 1}
    return frozenset(found | KAZAKH_CODES)


def russian_words(text: str, lang: str, school_words: set[str]) -> set[str]:
    """The words of ``text`` (what a reader of ``lang`` sees) that are Russian and not the school's data (nor
    the start of a word of it, where a page cuts a long text short)."""
    found = set()
    cut = {(long or initial).lower() for long, initial in CUT.findall(text)}
    cut = {word for word in cut if any(known.startswith(word) for known in school_words)}
    for word in words(text) - school_words - cut - LANGUAGE_NAMES:
        if lang == "en" or not (KAZAKH_LETTERS & set(word) or word in kazakh_vocabulary()):
            found.add(word)
    return found


@pytest.mark.parametrize(
    "text,lang,school,found",
    [
        ("«2-тоқсан» бағалары", "kk", set(), set()),
        ("«2 четверть» бағалары", "kk", set(), {"четверть"}),
        ("Журнал, 5А", "kk", {"а"}, set()),  # a word the Kazakh catalogue uses; a class the school named
        ("Пров Конт н оп", "kk", set(), {"пров", "конт", "н", "оп"}),
        ("Ахметов Нұрлан, Иванов Пётр", "kk", {"ахметов", "иванов", "пётр"}, set()),
        ("Quarter 1: 5 (Контрольная работа)", "en", set(), {"контрольная", "работа"}),
        ("Ахметов Нұрлан", "en", {"ахметов", "нұрлан"}, set()),
        ("Тоқсан", "en", set(), {"тоқсан"}),
        ("Күн тәртібі: оқу жылын ұйымдастыру, эле…", "kk", {"электрондық"}, set()),  # the school's text cut short
        ("Контрольная…", "en", {"электрондық"}, {"контрольная"}),
        ("Моисеев З.М. (әкесі)", "kk", {"моисеев", "захар", "михайлович"}, set()),  # initials of a name
        ("з. М.", "kk", {"захар", "михайлович"}, {"з"}),
        ("English · Қазақша · Русский", "en", set(), set()),
    ],
)
def test_the_detector(text, lang, school, found):
    assert russian_words(text, lang, school) == found


def _school_words() -> set[str]:
    """Every word of the database's text, except the names the system gives (its kinds of work)."""
    found: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns or table.name in ("audit_events", "alembic_version", WorkKind.__tablename__):
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                if isinstance(value, str):
                    found |= words(value)
    for kind in db.session.scalars(select(WorkKind)):
        if kind._system is None:
            found |= words(kind.name)
    return found


@pytest.fixture()
def kazakh_school(db_session, monkeypatch):
    """The Kazakh demo school on a Friday of its second quarter (the clock stopped there): a week of marks, СОР
    and absences in the diary, the first quarter closed."""
    load_demo(scale=SCALE, today=TODAY, kind="kz")
    monkeypatch.setattr(models.base, "clock", lambda: dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC))
    return db.session.scalar(select(School).where(School.code == CODE))


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_no_russian_word_on_any_page(app, client, kazakh_school, lang):
    school_words = _school_words()
    findings: dict[str, set[str]] = {}
    walked = 0
    for login, _roles, _about in ACCOUNTS:
        client.post("/logout")
        response = client.post("/login", data={"login": login, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login
        start = urlsplit(response.headers["Location"]).path
        assert client.post("/language", data={"lang": lang, "next": start}).status_code == 302
        pages = walk(app, client, start)
        walked += len(pages)
        assert len(pages) >= 10, (login, sorted(pages))  # the walk went past the start page
        for url, text in pages.items():
            # A report card or a parents' letter is written in the family's language (Kazakh here), whoever prints
            # it: read as Kazakh text (tests/finals/test_report_cards.py checks the choice of language).
            family_language = "kk" if FAMILY_DOCUMENTS.search(url) else lang
            for word in russian_words(text, family_language, school_words):
                findings.setdefault(word, set()).add(f"{login} {url}")
    assert walked > 150, walked
    report = [f"{word}: {', '.join(sorted(where)[:3])}" for word, where in sorted(findings.items())]
    assert not findings, f"{len(findings)} Russian words in {lang}:\n" + "\n".join(report)
