"""Criteria-based assessment (Kazakhstan, order No. 125) as school settings: the rule tables worked out by hand
from the definitions — the weights ФО 25 %, СОР 25 %, СОЧ 50 % (ФО 50 %, СОР 50 % without a СОЧ), each component
being the points got over the points possible of its works, and the bounds of the marks (grades 2–11: 0–39 → 2,
40–64 → 3, 65–84 → 4, 85–100 → 5; grade 1: 0–20, 21–50, 51–80, 81–100) — and the settings' validation."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from models.errors import InvalidInput
from models.finals.proposals import rules_for
from models.grading import CriteriaScheme, GradingRules, MarkInput, percent_to_mark
from models.school.settings import SETTINGS, parse_setting

DEFAULTS = {s.key: s.default for s in SETTINGS}


def _c(kind, points, max_points=None):
    return MarkInput(points=D(points), max_points=D(max_points) if max_points else None, criteria_kind=kind)


# The example: ФО 8/10; СОР 14/20 and 9/10; СОЧ 18/25.
EXAMPLE = [_c("fo", 8), _c("sor", 14, 20), _c("sor", 9, 10), _c("soch", 18, 25)]


@pytest.mark.parametrize(
    "weights,marks,percent,mark",
    [
        # ФО 8/10 = 80 % × 25 = 20; СОР 23/30 = 76.667 % × 25 = 19.1667; СОЧ 18/25 = 72 % × 50 = 36 → 75.17 → 4
        ((25, 25, 50), EXAMPLE, "75.17", 4),
        # the school's own weights 30/30/40: 24 + 23 + 28.8 = 75.80 → 4
        ((30, 30, 40), EXAMPLE, "75.80", 4),
        # 10/10/80: 8 + 7.6667 + 57.6 = 73.27 → 4
        ((10, 10, 80), EXAMPLE, "73.27", 4),
        # all full marks → 100 → 5; nothing got → 0 → 2
        ((25, 25, 50), [_c("fo", 10), _c("sor", 20, 20), _c("soch", 25, 25)], "100.00", 5),
        ((25, 25, 50), [_c("fo", 0), _c("sor", 0, 20), _c("soch", 0, 25)], "0.00", 2),
    ],
)
def test_weights_with_a_soch(weights, marks, percent, mark):
    rules = GradingRules(criteria_weights=tuple(D(w) for w in weights))
    proposal = CriteriaScheme().propose(marks, rules)
    assert proposal.percent == D(percent) and proposal.value == mark


@pytest.mark.parametrize(
    "weights,percent,mark",
    [
        # without a СОЧ: ФО 8/10 = 80 % × 50 = 40; СОР 23/30 = 76.667 % × 50 = 38.33 → 78.33 → 4
        ((50, 50), "78.33", 4),
        # 20/80: 16 + 61.33 = 77.33
        ((20, 80), "77.33", 4),
    ],
)
def test_weights_without_a_soch(weights, percent, mark):
    rules = GradingRules(criteria_weights_no_soch=tuple(D(w) for w in weights))
    proposal = CriteriaScheme().propose(EXAMPLE[:3], rules)
    assert proposal.percent == D(percent) and proposal.value == mark


@pytest.mark.parametrize(
    "percent,grade_2_11,grade_1",
    [
        ("0", 2, 2),
        ("20.99", 2, 2),
        ("21", 2, 3),
        ("39.99", 2, 3),
        ("40", 3, 3),
        ("50.99", 3, 3),
        ("51", 3, 4),
        ("64.99", 3, 4),
        ("65", 4, 4),
        ("80.99", 4, 4),
        ("81", 4, 5),
        ("84.99", 4, 5),
        ("85", 5, 5),
        ("100", 5, 5),
    ],
)
def test_bounds_at_their_edges(percent, grade_2_11, grade_1):
    assert percent_to_mark(D(percent), rules_for(DEFAULTS, 5).criteria_bounds) == grade_2_11
    assert percent_to_mark(D(percent), rules_for(DEFAULTS, 1).criteria_bounds) == grade_1


def test_a_first_grade_reads_its_own_bounds():
    # 50 % is a 3 in grade 1 (21–50) and a 3 in grade 2 (40–64); 52 % is a 4 in grade 1 only.
    marks = [_c("fo", D("5.2"))]
    assert CriteriaScheme().propose(marks, rules_for(DEFAULTS, 1)).value == 4
    assert CriteriaScheme().propose(marks, rules_for(DEFAULTS, 2)).value == 3


def test_custom_bounds_drive_the_mark():
    settings = {**DEFAULTS, "criteria_bounds": (D(50), D(70), D(90))}
    assert CriteriaScheme().propose([_c("fo", 8)], rules_for(settings, 7)).value == 4  # 80 %: 70–89 → 4
    assert CriteriaScheme().propose([_c("fo", D("4.9"))], rules_for(settings, 7)).value == 2


@pytest.mark.parametrize(
    "key,typed,expected",
    [
        ("criteria_weights", "25, 25, 50", (25, 25, 50)),
        ("criteria_weights", "25/25/50", (25, 25, 50)),
        ("criteria_weights", "30;30;40", (30, 30, 40)),
        ("criteria_weights", " 1 1 98 ", (1, 1, 98)),
        ("criteria_weights_no_soch", "50, 50", (50, 50)),
        ("criteria_weights_no_soch", "40 % / 60 %", (40, 60)),
        ("criteria_bounds", "40, 65, 85", (40, 65, 85)),
        ("criteria_bounds", "1, 2, 100", (1, 2, 100)),
        ("criteria_bounds_grade1", "21, 51, 81", (21, 51, 81)),
    ],
)
def test_valid_settings(key, typed, expected):
    assert parse_setting(key, typed) == tuple(D(v) for v in expected)


@pytest.mark.parametrize(
    "key,typed,says",
    [
        ("criteria_weights", "25, 25, 40", "сумма весов — 90 %"),
        ("criteria_weights", "25, 25, 60", "сумма весов — 110 %"),
        ("criteria_weights", "25, 75", "3 целых числа"),
        ("criteria_weights", "25, 25, 25, 25", "3 целых числа"),
        ("criteria_weights", "0, 50, 50", "от 1 до 100"),
        ("criteria_weights", "25, 25, 50.5", "целых числа"),
        ("criteria_weights", "двадцать пять, 25, 50", "целых числа"),
        ("criteria_weights", "", "целых числа"),
        ("criteria_weights_no_soch", "50, 40", "сумма весов — 90 %"),
        ("criteria_weights_no_soch", "100", "2 целых числа"),
        ("criteria_bounds", "65, 40, 85", "должны возрастать"),
        ("criteria_bounds", "40, 40, 85", "должны возрастать"),
        ("criteria_bounds", "0, 65, 85", "от 1 до 100"),
        ("criteria_bounds", "40, 65, 101", "от 1 до 100"),
        ("criteria_bounds", "40, 65", "3 целых числа"),
        ("criteria_bounds_grade1", "81, 51, 21", "должны возрастать"),
    ],
)
def test_invalid_settings(key, typed, says):
    with pytest.raises(InvalidInput) as refused:
        parse_setting(key, typed)
    assert says in refused.value.message


def test_the_defaults_are_the_legal_ones():
    assert DEFAULTS["criteria_weights"] == (D(25), D(25), D(50))
    assert DEFAULTS["criteria_weights_no_soch"] == (D(50), D(50))
    assert DEFAULTS["criteria_bounds"] == (D(40), D(65), D(85))
    assert DEFAULTS["criteria_bounds_grade1"] == (D(21), D(51), D(81))
    assert DEFAULTS["jurisdiction"] == "RU" and DEFAULTS["language"] == "ru"
