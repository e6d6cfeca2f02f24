"""Exports: formula injection neutralised in CSV and XLSX, numbers and dates typed, and the staff lists'
exports go through the same scoped query as the lists."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from models import InviteCode, LoginEvent, User, db
from models.accounts.auth import hash_password, new_session_token
from reports.export import neutralise, write_csv, write_xlsx

DANGEROUS = [
    "=1+1",
    "+7 900",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://evil","x")',
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Иванов", "5А", "a=b", " =1", "", "'=1 already", "1-2"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


def _read_csv(data: bytes, delimiter=";"):
    assert data.startswith(b"\xef\xbb\xbf")  # Excel recognises UTF-8 by the BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


ROW = [
    "=1+1",
    5,
    -3,
    Decimal("4.50"),
    2.25,
    dt.date(2026, 9, 1),
    dt.datetime(2026, 9, 1, 8, 30),
    None,
    "Ёлкина; Анна",
    "-5",
    "@x",
]
HEADERS = [
    "Текст",
    "Целое",
    "Отрицательное",
    "Десятичное",
    "Дробное",
    "Дата",
    "Время",
    "Пусто",
    "Имя",
    "Строка",
    "=Заголовок",
]


def test_csv_neutralises_text_and_writes_numbers_as_numbers():
    rows = _read_csv(write_csv(HEADERS, [ROW]))
    assert rows[0][-1] == "'=Заголовок"
    assert rows[1] == [
        "'=1+1",
        "5",
        "-3",
        "4,50",
        "2,25",
        "01.09.2026",
        "01.09.2026 08:30",
        "",
        "Ёлкина; Анна",
        "'-5",
        "'@x",
    ]


def test_csv_with_commas_uses_a_decimal_point():
    rows = _read_csv(write_csv(["a", "b"], [[Decimal("1.5"), "+1"]], delimiter=","), delimiter=",")
    assert rows[1] == ["1.5", "'+1"]


def test_xlsx_cells_are_typed_and_never_formulas():
    sheet = load_workbook(io.BytesIO(write_xlsx(HEADERS, [ROW]))).active
    header, row = list(sheet.iter_rows())
    assert header[0].font.b and header[-1].value == "'=Заголовок"
    by_title = {h.value: cell for h, cell in zip(header, row)}
    assert (by_title["Текст"].value, by_title["Текст"].data_type) == ("'=1+1", "s")
    assert (by_title["Целое"].value, by_title["Целое"].data_type) == (5, "n")
    assert (by_title["Отрицательное"].value, by_title["Отрицательное"].data_type) == (-3, "n")
    assert by_title["Десятичное"].value == 4.5 and by_title["Десятичное"].data_type == "n"
    assert by_title["Дробное"].value == 2.25
    assert by_title["Дата"].is_date and by_title["Дата"].value == dt.datetime(2026, 9, 1)
    assert by_title["Дата"].number_format == "DD.MM.YYYY"
    assert by_title["Время"].is_date and by_title["Время"].value == dt.datetime(2026, 9, 1, 8, 30)
    assert by_title["Пусто"].value is None
    assert (by_title["Строка"].value, by_title["Строка"].data_type) == ("'-5", "s")
    assert not [c for c in header + row if c.data_type == "f"]


def test_xlsx_drops_characters_xml_cannot_hold_and_converts_zones():
    moscow = ZoneInfo("Europe/Moscow")
    data = write_xlsx(["a", "b"], [["bell\x07", dt.datetime(2026, 9, 1, 5, 0, tzinfo=dt.UTC)]], tz=moscow)
    row = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))[1]
    assert row == ("bell", dt.datetime(2026, 9, 1, 8, 0))


# --- the staff panel's lists ----------------------------------------------------------------------------
def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows())


def test_user_list_export_is_neutralised_typed_and_scoped(client, login_as, world, db_session):
    evil = User(
        school_id=world.school.id,
        login='=HYPERLINK("http://evil","click")',
        password_hash=hash_password("x" * 12),
        session_token=new_session_token(),
        last_login_at=dt.datetime(2026, 9, 1, 5, 0, tzinfo=dt.UTC),
    )
    db_session.add(evil)
    db_session.commit()
    login_as("director")
    rows = _sheet(client.get("/admin/users/export/xlsx/"))
    header = [c.value for c in rows[0]]
    assert header[:3] == ["Логин", "Роли", "Последний вход"]
    logins = {r[0].value: r for r in rows[1:]}
    assert "foreign_operator" not in logins  # another school's account
    assert set(logins) == {u.login for u in world.users.values() if u.school_id == world.school.id} | {"'" + evil.login}
    cell = logins["'" + evil.login]
    assert cell[0].data_type == "s"
    assert cell[2].is_date and cell[2].value == dt.datetime(2026, 9, 1, 8, 0)  # typed, in the school's zone

    text = client.get("/admin/users/export/csv/").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


def test_export_follows_the_list_search(client, login_as, world):
    login_as("operator")
    rows = _sheet(client.get("/admin/users/export/xlsx/?search=teacher"))
    assert {r[0].value for r in rows[1:]} == {"teacher", "classteacher", "other_teacher"}


def test_invite_export_is_the_class_teachers_own_scope(client, login_as, world, db_session):
    def code(n, **person):
        db_session.add(
            InviteCode(
                school_id=world.school.id,
                code_hash=f"h{n}",
                role="parent" if "guardian_id" in person else "student",
                issued_by_id=world.users["operator"].id,
                issued_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
                expires_at=dt.datetime(2026, 9, 15, tzinfo=dt.UTC),
                **person,
            )
        )

    code(1, student_id=world.anna.id)
    code(2, student_id=world.boris.id)
    code(3, guardian_id=world.g_parent.id)
    db_session.commit()
    login_as("classteacher")  # 5А: Anna and her mother, not Boris (6Б)
    people = {r[1].value for r in _sheet(client.get("/admin/invites/export/xlsx/"))[1:]}
    assert people == {world.anna.full_name, world.g_parent.full_name}
    login_as("operator")
    people = {r[1].value for r in _sheet(client.get("/admin/invites/export/xlsx/"))[1:]}
    assert world.boris.full_name in people
    first = _sheet(client.get("/admin/invites/export/xlsx/"))[1]
    assert isinstance(first[0].value, int)  # the number column stays a number


def test_booleans_read_as_words_and_unknown_formats_are_refused(client, login_as, world, db_session):
    db_session.add(LoginEvent(login="teacher", success=True, at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)))
    db_session.commit()
    login_as("operator")
    rows = _sheet(client.get("/admin/logins/export/xlsx/"))
    success = {r[2].value for r in rows[1:]}
    assert "да" in success
    response = client.get("/admin/logins/export/pdf/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "who,url",
    [
        ("teacher", "/admin/users/export/csv/"),
        ("student", "/admin/users/export/csv/"),
        ("secretary", "/admin/invites/export/xlsx/"),
    ],
)
def test_export_needs_the_list(client, login_as, world, who, url):
    login_as(who)
    assert client.get(url).status_code == 403


def test_export_of_a_database_without_rows(client, login_as, world, db_session):
    login_as("operator")
    db.session.execute(LoginEvent.__table__.delete())
    db.session.commit()
    assert len(_sheet(client.get("/admin/logins/export/xlsx/"))) == 1  # the header only


@pytest.mark.parametrize("kind,limit", [("xlsx", 2), ("csv", 3)])
def test_a_list_longer_than_an_export_may_be_is_refused_not_cut(app, client, login_as, world, monkeypatch, kind, limit):
    """Exports are bounded (a worker is never held for seconds): a longer list is refused with how to narrow
    it, never written in part; the list within the bound goes out whole."""
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == "users")
    monkeypatch.setattr(view, "export_limits", {"xlsx": limit, "csv": limit})
    login_as("operator")
    users = db.session.query(User).filter(User.school_id == world.school.id).count()
    assert users > limit
    refused = client.get(f"/admin/users/export/{kind}/")
    assert refused.status_code == 302
    page = client.get(refused.location).get_data(as_text=True)
    assert f"В списке {users} строк" in page and f"не больше {limit} за раз" in page
    monkeypatch.setattr(view, "export_limits", {"xlsx": users, "csv": users})
    assert client.get(f"/admin/users/export/{kind}/").status_code == 200
