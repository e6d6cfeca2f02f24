"""The forecast of a student's period mark (R27): the school's own proposal rule, and the fewest extra marks that
make the same rule propose the next mark up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.finals.forecast import Step, forecast
from models.grading import GradingRules, MarkInput

RULES = GradingRules(Decimal("0.5"), min_marks=3, require_control=True)


def _marks(*values, weight=1):
    return [MarkInput(value=v, weight=Decimal(weight), label=str(v)) for v in values]


def _works(*works):
    """(kind, points, out of)"""
    return [MarkInput(points=Decimal(p), max_points=Decimal(m), criteria_kind=k) for k, p, m in works]


@pytest.mark.parametrize(
    ("scheme", "marks", "rules", "heading", "steps"),
    [
        # 4.00 → 4; a 5 only: (12 + 5k) / (3 + k) ≥ 4.5 from k = 3
        ("five_point", _marks(4, 4, 4), RULES, "4", [(5, 3, "5")]),
        # threshold 0.6: ≥ 4.6 from k = 5 (4.625; 4 more give 4.57)
        ("five_point", _marks(4, 4, 4), GradingRules(Decimal("0.6"), 3, True), "4", [(5, 5, "5")]),
        # 3.00 → 3; for a 4 one 5 (3.67) or two 4s (3.5)
        ("five_point", _marks(3, 3), RULES, "3", [(4, 1, "5"), (4, 2, "4")]),
        # a control 2 of weight 2 and a 4: 2.67 → 3; two 5s give 3.6, five 4s 3.5
        ("five_point", _marks(2, weight=2) + _marks(4), RULES, "3", [(4, 2, "5"), (4, 5, "4")]),
        ("five_point", _marks(5, 5, 5), RULES, "5", []),  # the top: nothing to reach
        ("five_point", [], RULES, "н/а", []),  # nothing to propose from
        # ФО 5/10, СОР 10/20: 50 % → 3; two more ФО 10/10 give 25 + 50 × 25/30 = 66.7 % → 4
        ("criteria", _works(("fo", 5, 10), ("sor", 10, 20)), RULES, "3", [(4, 2, "10/10")]),
    ],
)
def test_heading_and_the_way_to_the_next_mark(scheme, marks, rules, heading, steps):
    f = forecast(scheme, marks, rules)
    assert f.heading == heading
    assert [(s.target, s.count, s.shown) for s in f.steps] == steps
    assert f.reachable == bool(steps) or f.next_mark is None


def test_the_same_rule_proposes_the_next_mark_with_the_marks_added():
    """The steps are the proposal rule's answer, not a second formula: adding them really proposes the target."""
    from models.finals.proposals import propose_period

    marks = _marks(3, 4, 3, 2)
    f = forecast("five_point", marks, RULES)
    for step in f.steps:
        more = _marks(*[int(step.shown)] * step.count)
        assert propose_period("five_point", marks + more, RULES, pass_fail=False).value == step.target
        fewer = _marks(*[int(step.shown)] * (step.count - 1))
        assert propose_period("five_point", marks + fewer, RULES, pass_fail=False).value < step.target


def test_out_of_reach_with_formative_work_alone():
    """Summative works at 0 %: formative work (25 % of the percent) can never reach 40 % for a 3."""
    f = forecast("criteria", _works(("fo", 0, 10), ("sor", 0, 20), ("soch", 0, 40)), RULES)
    assert f.heading == "2" and f.next_mark == 3 and f.steps == [] and not f.reachable


def test_pass_fail_subjects_have_no_steps():
    f = forecast("five_point", _marks(3, 2), RULES, pass_fail=True)
    assert f.heading == "зач" and f.steps == [] and f.next_mark is None
    assert isinstance(Step(4, 1, "5"), Step)
