"""Kazakh and English interface (issue #4): complete catalogues, compiled files in step with their
sources, placeholders intact, and the pages really switching language per visitor and per account.

Russian is the source language (msgids); translations/<lang>/LC_MESSAGES/messages.po hold kk and en,
admin.po hold Flask-Admin's own (English) messages in Kazakh (and two Russian ones its catalogue lacks).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from models.i18n import Joined, Text

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TARGETS = ("kk", "en")
# %(name)s with optional flags, width and precision; and bare positional %s / %d.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]")


def _read_po(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _key(msgid):
    return tuple(msgid) if isinstance(msgid, (list, tuple)) else msgid


def _strings(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """What `pybabel extract` finds in the code right now (the documented command, into a temp file)."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    with contextlib.chdir(ROOT):  # locations relative to the project, as in the committed template
        CommandLineInterface().run(
            [
                "pybabel",
                "-q",
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "_l",
                "-k",
                "N_",
                "-k",
                "lazy_gettext",
                "-k",
                "_",
                "-o",
                str(out),
                ".",
            ]
        )
    return _read_po(out)


def _po_files():
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po"))


def test_the_extraction_scans_only_the_application(fresh_template):
    files = {path for m in fresh_template for path, _line in m.locations}
    assert files, "nothing extracted"
    outside = sorted(f for f in files if f.split("/")[0] in {"tests", "demo", "bench", "migrations", ".venv"})
    assert not outside, outside
    assert any(f.startswith("templates/") for f in files) and any(f.startswith("models/") for f in files)


@pytest.mark.parametrize("lang", TARGETS)
def test_every_message_of_the_code_is_translated(fresh_template, lang):
    """A new or changed string without a translation fails here: refresh the catalogues (CONTRIBUTING.md,
    Language) and translate what `pybabel update` added."""
    catalog = _read_po(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
    missing = []
    for message in fresh_template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None or found.fuzzy or not all(s and s.strip() for s in _strings(found.string)):
            where = ", ".join(f"{p}:{n}" for p, n in message.locations[:2])
            missing.append(f"{message.id!r} ({where})")
    assert not missing, f"{len(missing)} messages without a {lang} translation:\n" + "\n".join(missing)


def test_the_committed_template_is_current(fresh_template):
    committed = _read_po(TRANSLATIONS / "messages.pot")
    fresh = {_key(m.id) for m in fresh_template if m.id}
    old = {_key(m.id) for m in committed if m.id}
    assert fresh == old, {
        "not in translations/messages.pot": sorted(map(str, fresh - old)),
        "no longer in the code": sorted(map(str, old - fresh)),
    }


def test_flask_admin_messages_are_all_in_kazakh():
    import flask_admin

    source = Path(flask_admin.__file__).parent / "translations" / "ru" / "LC_MESSAGES" / "admin.po"
    kk = _read_po(TRANSLATIONS / "kk" / "LC_MESSAGES" / "admin.po")
    missing = [
        m.id
        for m in _read_po(source)
        if m.id and (kk.get(m.id) is None or kk.get(m.id).fuzzy or not all(_strings(kk.get(m.id).string)))
    ]
    assert not missing, missing


@pytest.mark.parametrize("po", _po_files(), ids=lambda p: str(p.relative_to(TRANSLATIONS)))
def test_compiled_catalogues_match_their_sources(po):
    """The .mo next to each .po says the same (compiled in memory and compared message by message, so
    headers and byte order do not matter). After editing a .po: `pybabel compile -f -d translations -D "messages admin"`."""
    mo_path = po.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.name} missing: compile the catalogues"
    buffer = io.BytesIO()
    write_mo(buffer, _read_po(po))  # what `pybabel compile` writes (fuzzy entries left out)
    buffer.seek(0)
    expected = {_key(m.id): _strings(m.string) for m in read_mo(buffer) if m.id}
    with mo_path.open("rb") as f:
        committed = {_key(m.id): _strings(m.string) for m in read_mo(f) if m.id}
    stale = sorted(str(k) for k in expected.keys() | committed.keys() if expected.get(k) != committed.get(k))
    assert not stale, f"{mo_path.relative_to(ROOT)} is out of date for: {stale[:20]}"


@pytest.mark.parametrize("po", _po_files(), ids=lambda p: str(p.relative_to(TRANSLATIONS)))
def test_placeholders_are_kept(po):
    wrong = []
    for message in _read_po(po):
        if not message.id:
            continue
        ids = _strings(message.id)
        expected = set(PLACEHOLDER.findall(ids[-1]))  # the plural msgid has them all
        forms = _strings(message.string)
        for n, text in enumerate(forms):
            found = set(PLACEHOLDER.findall(text))
            # A plural's singular forms may leave the count out ("Record deleted."), nothing else.
            ok = found == expected if len(ids) == 1 or n == len(forms) - 1 else found <= expected
            if text and not ok:
                wrong.append(f"{message.id!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


# --- the pages ------------------------------------------------------------------------------------------
def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _choose(client, lang: str):
    response = client.post("/language", data={"lang": lang, "next": "/login"})
    assert response.status_code == 302


def test_russian_is_the_default_for_a_new_visitor(client):
    html = _page(client, "/login")
    assert '<html lang="ru">' in html and "Пароль" in html and "Құпиясөз" not in html


def test_kazakh_for_a_visitor_then_for_the_account(app, client, login_as, world):
    _choose(client, "kk")
    html = _page(client, "/login")
    assert '<html lang="kk">' in html and "Құпиясөз" in html and "Пароль" not in html

    login_as("parent")
    _choose(client, "kk")  # signed in: stored on the account
    html = _page(client, f"/diary/{world.anna.id}")
    assert "Күнделік" in html and "Дүйсенбі" in html and "Понедельник" not in html

    login_as("operator")
    _choose(client, "kk")
    html = _page(client, "/admin/students/")
    # Flask-Admin's own tabs (admin.po), our menu (messages.po), our column labels.
    assert "Тізім" in html and "Құру" in html
    assert "Адамдар" in html and "Ұйымдастыру" in html and "Тегі" in html
    assert ">Список<" not in html and ">Люди<" not in html

    # Another visitor at the same time still gets Russian (the locale is per request, not per process).
    other = app.test_client()
    assert "Пароль" in _page(other, "/login")


def test_english(client, login_as, world):
    _choose(client, "en")
    html = _page(client, "/login")
    assert '<html lang="en">' in html and "Password" in html and "Пароль" not in html

    login_as("operator")
    _choose(client, "en")
    html = _page(client, "/admin/students/")
    assert "List" in html and "Create" in html and "People" in html and "Surname" in html
    assert "Люди" not in html


def test_russian_staff_panel_keeps_flask_admins_own_russian(client, login_as):
    login_as("operator")
    html = _page(client, "/admin/students/")
    assert ">Список<" in html or "Список" in html
    assert "Создать" in html and "Люди" in html


def test_domain_composed_text_is_translated(app):
    from i18n import text

    late = Text("опоздание %(minutes)s мин", minutes=7)
    lesson = Joined("; ", ["07.09.2026", "«Дроби»", Text("д/з: %(homework)s", homework="№ 5")])
    assert late == "опоздание 7 мин" and lesson == "07.09.2026; «Дроби»; д/з: № 5"  # Russian as a str
    with app.test_request_context("/", headers={"Cookie": "lang=kk"}):
        assert text(late) == "кешігу 7 мин"
        assert text(lesson) == "07.09.2026; «Дроби»; ү/т: № 5"
        assert text("Математика") == "Математика"  # data stays as it is
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert text(late) == "late 7 min"
    with app.test_request_context("/"):
        assert text(late) == "опоздание 7 мин"
