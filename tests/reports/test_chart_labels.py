"""Chart labels (reports/charts.py) cut to 28 characters end in one "…", never in ".…" or ". …" (issue 17:
a name cut after its initials)."""

from __future__ import annotations

import pytest

from reports.charts import _short


@pytest.mark.parametrize(
    "label,expected",
    [
        ("Математика", "Математика"),
        ("А" * 28, "А" * 28),  # 28 characters: whole
        ("Константинопольская И.И. Вл", "Константинопольская И.И. Вл"),  # 27: whole
        # 34 characters: the first 27 end in "Б." — the stop goes before the "…"
        ("Константинопольская-Ли А.Б. Вторая", "Константинопольская-Ли А.Б…"),
        # 29 characters: the first 27 end in ". " — both go
        ("Абвгдеёжзийклмнопрстуфхцч. ШЩ", "Абвгдеёжзийклмнопрстуфхцч…"),
        ("Абвгдеёжзийклмнопрстуфхцчшщъы", "Абвгдеёжзийклмнопрстуфхцчшщ…"),  # 29 letters: 27 kept
    ],
)
def test_a_cut_label_ends_in_one_ellipsis(label, expected):
    assert _short(label) == expected
