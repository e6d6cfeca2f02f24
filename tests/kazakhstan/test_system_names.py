"""What the system names is shown in the reader's language and read back in any (issue 15): the special marks
(stored as they are: н/а, зач, незач, осв), the import columns and their template, the plan's CSV; the criteria
weights of a proposal shown rounded."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from flask_babel import force_locale

from i18n import text
from models.grading import CriteriaScheme, GradingRules, MarkInput
from models.marks import SPECIAL_MARKS, mark_text, special_mark
from models.school.imports import template
from models.school.imports.common import Msg, read_table
from models.school.imports.students import COLUMNS as STUDENT_COLUMNS
from models.school.plan_import import parse_rows, template_csv


def _shown(app, lang: str, value) -> str:
    with app.test_request_context(), force_locale(lang):
        from admin_views.imports import tr

        return tr(value) if isinstance(value, Msg) else text(value)


SHOWN = [
    # stored, ru, kk, en
    ("н/а", "н/а", "атт. емес", "n/a"),
    ("зач", "зач", "сынақ", "pass"),
    ("незач", "незач", "сынақ емес", "fail"),
    ("осв", "осв", "боса", "exempt"),
]


@pytest.mark.parametrize("stored,ru,kk,en", SHOWN)
def test_a_special_mark_in_the_readers_language(app, stored, ru, kk, en):
    shown = mark_text(special=stored)
    assert shown == stored  # compares and sorts as stored
    assert [_shown(app, lang, shown) for lang in ("ru", "kk", "en")] == [ru, kk, en]


@pytest.mark.parametrize("stored,ru,kk,en", SHOWN)
def test_a_special_mark_typed_as_any_reader_sees_it(stored, ru, kk, en):
    assert {special_mark(typed) for typed in (ru, kk, en, kk.upper(), f" {en.title()} ")} == {stored}


def test_every_special_mark_has_a_row():
    assert {row[0] for row in SHOWN} == set(SPECIAL_MARKS)


@pytest.mark.parametrize(
    "header,sex,medical",
    [
        ("Фамилия;Имя;Дата рождения;Пол;Номер личного дела;Класс;Медицинская группа", "М", "основная"),
        ("Тегі;Аты;Туған күні;Жынысы;Жеке іс нөмірі;Сынып;Медициналық топ", "ер", "негізгі"),
        ("Surname;First name;Date of birth;Sex;Personal file number;Class;Medical group", "M", "main"),
    ],
)
def test_import_columns_read_in_any_language(app, header, sex, medical):
    data = f"{header}\nИванов;Иван;14.03.2015;{sex};ЛД-1;5А;{medical}\n".encode()
    table = read_table(data, "students.csv", STUDENT_COLUMNS)
    assert [str(e) for e in table.errors] == []
    assert {"last_name", "first_name", "birth_date", "sex", "file_no", "class", "medical_group"} <= table.present


@pytest.mark.parametrize(
    "lang,first,mother",
    [("ru", "Фамилия", "Мать ФИО"), ("kk", "Тегі", "Анасы аты-жөні"), ("en", "Surname", "Mother full name")],
)
def test_the_import_template_in_the_readers_language_is_read_back(app, lang, first, mother):
    titles, examples = template("students")
    headers = [_shown(app, lang, t) for t in titles]
    row = [_shown(app, lang, e) if isinstance(e, Msg) else e for e in examples]
    assert headers[0] == first and mother in headers
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows([headers, [v.strftime("%d.%m.%Y") if hasattr(v, "strftime") else v for v in row]])
    table = read_table(out.getvalue().encode(), "template.csv", STUDENT_COLUMNS)
    assert [str(e) for e in table.errors] == [] and len(table.rows) == 1


@pytest.mark.parametrize("lang,topic", [("ru", "Ряд натуральных чисел"), ("kk", "Натурал сандар қатары")])
def test_the_plan_template_in_the_readers_language_is_read_back(app, lang, topic):
    with app.test_request_context(), force_locale(lang):
        from flask_babel import gettext

        sample = template_csv(gettext)
    rows = list(csv.reader(io.StringIO(sample), delimiter=";"))
    parsed = parse_rows(rows, {})
    assert parsed.errors == [] and [line.data.topic for line in parsed.lines][0] == topic


def test_the_criteria_weights_of_a_proposal_are_rounded():
    """ФО 25 % shared by three marks: 8.33 each (not 8.333…); СОР 25 %, СОЧ 50 %."""
    fo = [MarkInput(points=Decimal(p), max_points=Decimal(10), criteria_kind="fo") for p in (8, 7, 9)]
    sor = MarkInput(points=Decimal(14), max_points=Decimal(20), criteria_kind="sor")
    soch = MarkInput(points=Decimal(18), max_points=Decimal(25), criteria_kind="soch")
    proposal = CriteriaScheme().propose([*fo, sor, soch], GradingRules())
    assert [c.weight for c in proposal.contributions] == [Decimal("8.33")] * 3 + [Decimal(25), Decimal(50)]
    # 24/30·25 + 14/20·25 + 18/25·50 = 20 + 17.5 + 36 = 73.5 → 4
    assert proposal.percent == Decimal("73.50") and proposal.value == 4


def test_a_plan_file_without_its_topic_column_names_the_columns_in_the_readers_language(app):
    parsed = parse_rows([["Бөлім", "Сағат"], ["Натурал сандар", "2"]], {})
    (_row, template_, params), *_ = parsed.errors
    with app.test_request_context(), force_locale("kk"):
        from flask import render_template_string

        shown = render_template_string("{{ _(t, **p) }}", t=template_, p=params)
    assert "«Тақырып» бағаны жоқ" in shown and "№, Бөлім, Тақырып, Сағат, Жұмыс түрі" in shown


@pytest.mark.parametrize("lang,shown", [("ru", ["5", "н/а", "зач"]), ("kk", ["5", "атт. емес", "сынақ"])])
def test_the_finals_counts_name_the_special_marks_in_the_readers_language(app, lang, shown):
    from models.finals.sheet import ordered_counts

    counts = ordered_counts({"зач": 1, 5: 2, "н/а": 3})
    assert [_shown(app, lang, mark) for mark, _n in counts] == shown and [n for _m, n in counts] == [2, 3, 1]


@pytest.mark.parametrize(
    "module,key,typed,value",
    [
        ("students", "sex", "Ж", "f"),
        ("students", "sex", "ер", "m"),
        ("students", "sex", "M", "m"),
        ("students", "medical_group", "негізгі", "main"),
        ("students", "medical_group", "Дайындық", "preparatory"),
        ("students", "medical_group", "босатылған", "exempt"),
        ("students", "Родитель 1:relation", "әже", "grandparent"),
        ("students", "Родитель 1:relation", "қамқоршы", "guardian"),
        ("students", "Родитель 1:relation", "grandmother", "grandparent"),
        ("timetable", "weekday", "Дс", "1"),
        ("timetable", "weekday", "Сн", "6"),
        ("timetable", "weekday", "Sat", "6"),
        ("classes", "scheme", "тоқсандар", "quarter"),
        ("classes", "scheme", "half-years", "half_year"),
    ],
)
def test_a_choice_typed_in_any_language(module, key, typed, value):
    from models.school.imports import KINDS
    from models.school.imports.common import SourceRow, parse_choice

    mod = KINDS[module]
    choices = {
        ("students", "sex"): "SEX",
        ("students", "medical_group"): "MEDICAL",
        ("students", "Родитель 1:relation"): "RELATION",
        ("timetable", "weekday"): "WEEKDAYS",
        ("classes", "scheme"): "SCHEMES",
    }[(module, key)]
    table = {k: str(v) for k, v in getattr(mod, choices).items()}
    assert parse_choice(SourceRow(2, {key: typed}), mod.COL[key], table, "") == value


@pytest.mark.parametrize("lang,hint", [("ru", "допустимо: М, Ж."), ("kk", "ер, әйел"), ("en", "M, F")])
def test_a_refused_choice_lists_the_values_in_the_readers_language(app, lang, hint):
    from models.school.imports.common import CellError, SourceRow, parse_choice
    from models.school.imports.students import COL, SEX

    with pytest.raises(CellError) as refused:
        parse_choice(SourceRow(2, {"sex": "x"}), COL["sex"], SEX, "М, Ж")
    assert hint in _shown(app, lang, refused.value.msg)
