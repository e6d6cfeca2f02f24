"""Rule tables for grading: rounding, weights, thin basis, the criteria scheme, measures of results."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from models.grading import (
    CriteriaScheme,
    FivePointScheme,
    GradingRules,
    MarkInput,
    percent_to_mark,
    result_stats,
    round_mark,
    student_standing,
)


@pytest.mark.parametrize(
    "average,threshold,expected",
    [
        ("2.5", "0.5", 3),
        ("2.49", "0.5", 2),
        ("3.5", "0.6", 3),
        ("3.6", "0.6", 4),
        ("4.5", "0.5", 5),
        ("4.7", "0.75", 4),
        ("4.75", "0.75", 5),
        ("5.0", "0.5", 5),
        ("1.2", "0.5", 1),
    ],
)
def test_rounding_follows_the_school_threshold(average, threshold, expected):
    assert round_mark(D(average), D(threshold)) == expected


def _m(value, weight="1", control=False):
    return MarkInput(value=value, weight=D(weight), is_control=control, label=f"{value}")


@pytest.mark.parametrize(
    "marks,threshold,average,proposed",
    [
        ([_m(5), _m(4), _m(4, "2", True)], "0.5", "4.25", 4),  # (5 + 4 + 8) / 4
        ([_m(3), _m(4), _m(5, "2", True)], "0.5", "4.25", 4),
        ([_m(3), _m(4), _m(3, "2", True), _m(4)], "0.5", "3.40", 3),
        ([_m(2), _m(3), _m(3, "2", True)], "0.5", "2.75", 3),
        ([_m(4), _m(5), _m(4, "1", True), _m(5)], "0.5", "4.50", 5),
        ([_m(4), _m(5), _m(4, "1", True), _m(5)], "0.6", "4.50", 4),  # the same marks under a stricter rule
    ],
)
def test_five_point_weighted_average(marks, threshold, average, proposed):
    p = FivePointScheme().propose(marks, GradingRules(rounding_threshold=D(threshold)))
    assert p.average == D(average) and p.value == proposed
    assert sum(c.share for c in p.contributions) == pytest.approx(100, abs=0.2)


def test_proposal_explains_a_thin_basis():
    p = FivePointScheme().propose([_m(5), _m(5)], GradingRules(min_marks=3))
    assert p.value == 5
    assert any("Мало отметок: 2 из необходимых 3" in problem for problem in p.problems)
    assert any("контрольные" in problem for problem in p.problems)


def test_enough_marks_with_a_control_work_is_not_thin():
    p = FivePointScheme().propose([_m(5), _m(4), _m(5, "2", True)], GradingRules(min_marks=3))
    assert not p.is_thin


def test_no_marks_proposes_not_attested():
    p = FivePointScheme().propose([MarkInput(special="зач")], GradingRules())
    assert p.value is None and p.shown == "н/а" and p.problems


@pytest.mark.parametrize(
    "percent,mark",
    [
        ("0", 2),
        ("39.99", 2),
        ("40", 3),
        ("64.99", 3),
        ("65", 4),
        ("84.99", 4),
        ("85", 5),
        ("100", 5),
    ],
)
def test_percent_to_mark_order_125(percent, mark):
    assert percent_to_mark(D(percent)) == mark


def _c(kind, points, max_points=None):
    return MarkInput(points=D(points), max_points=D(max_points) if max_points else None, criteria_kind=kind)


@pytest.mark.parametrize(
    "marks,percent,mark",
    [
        # ФО 25 %, СОР 25 %, СОЧ 50 %: fo 8/10 → 20; sor 15/20 → 18.75; soch 20/25 → 40 → 78.75 %
        ([_c("fo", 8), _c("sor", 15, 20), _c("soch", 20, 25)], "78.75", 4),
        # without СОЧ: ФО 50 %, СОР 50 %: fo (9 + 10) / 20 → 47.5; sor 18/20 → 45 → 92.5 %
        ([_c("fo", 9), _c("fo", 10), _c("sor", 18, 20)], "92.50", 5),
        ([_c("fo", 3), _c("sor", 5, 20), _c("soch", 8, 25)], "29.75", 2),
    ],
)
def test_criteria_scheme(marks, percent, mark):
    p = CriteriaScheme().propose(marks, GradingRules())
    assert p.percent == D(percent) and p.value == mark


def test_criteria_scheme_flags_a_missing_section_work():
    p = CriteriaScheme().propose([_c("fo", 8)], GradingRules())
    assert p.value == 4 and p.percent == D("80.00") and any("СОР" in problem for problem in p.problems)


@pytest.mark.parametrize(
    "marks,success,quality,sou,average",
    [
        ([5, 5, 4, 3], "100.0", "75.0", "75.0", "4.25"),  # (200 + 64 + 36) / 4
        ([5, 4, 3, 2], "75.0", "50.0", "54.0", "3.50"),  # (100 + 64 + 36 + 16) / 4
        ([5, "н/а"], "50.0", "50.0", "50.0", "5.00"),
        ([4, 4, "зач"], "100.0", "100.0", "64.0", "4.00"),  # pass marks: success, not quality
        ([3, 3, 3], "100.0", "0.0", "36.0", "3.00"),
    ],
)
def test_result_stats(marks, success, quality, sou, average):
    s = result_stats(marks)
    assert (s.success, s.quality, s.sou, s.average) == (D(success), D(quality), D(sou), D(average))


def test_result_stats_of_nothing():
    assert result_stats([]).total == 0


@pytest.mark.parametrize(
    "marks,standing",
    [
        ([5, 5, "зач"], "excellent"),
        ([5, 4, 5], "good"),
        ([5, 3], "satisfactory"),
        ([5, 2], "failing"),
        ([4, "н/а"], "failing"),
        (["осв"], "not_graded"),
    ],
)
def test_student_standing(marks, standing):
    assert student_standing(marks) == standing
