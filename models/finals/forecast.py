"""The forecast of one student's period mark (R27): what the marks so far propose — the school's own rule,
models.finals.proposals.propose_period over its grading scheme — and what is needed for the next mark up,
found by asking that same rule with more marks added, never by a second formula.

Five-point scheme: how many more marks of 5 (or of 4, when a 4 is enough) for ordinary work (weight 1) lift the
weighted average over the school's rounding threshold. Criteria scheme: how many more formative works (ФО)
for full points lift the weighted percent over the next bound of order No. 125 — none may be enough when the
summative works (СОР, СОЧ) weigh the percent down; the forecast then says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from models.finals.proposals import propose_period
from models.grading import FORMATIVE_SCALE, GradingRules, MarkInput, Proposal
from models.marks import mark_text

TOP = 5
MOST = 30  # more marks than a period holds for one subject: beyond this the next mark is out of reach


@dataclass(frozen=True)
class Step:
    """``count`` more marks ``shown`` (for ordinary work) give ``target``."""

    target: int
    count: int
    shown: str


@dataclass
class Forecast:
    proposal: Proposal  # where the marks so far lead: value (or н/а), average or percent, what is missing
    steps: list[Step] = field(default_factory=list)  # the cheapest ways to the next mark up
    reachable: bool = True  # False: the next mark up cannot be reached with ordinary marks alone

    @property
    def heading(self) -> str:
        return self.proposal.shown

    @property
    def next_mark(self) -> int | None:
        value = self.proposal.value
        return value + 1 if value is not None and value < TOP else None


def _candidates(scheme_code: str, target: int) -> list[MarkInput]:
    """The marks a student can still add, best first: a 5 (and a 4 when the target is at most 4) of weight 1; in
    the criteria scheme, a formative work for full points."""
    if scheme_code == "criteria":
        return [MarkInput(points=FORMATIVE_SCALE, max_points=FORMATIVE_SCALE, criteria_kind="fo")]
    return [MarkInput(value=v, weight=Decimal(1)) for v in range(TOP, target - 1, -1) if v >= 4]


def forecast(
    scheme_code: str, marks: list[MarkInput], rules: GradingRules, *, pass_fail: bool = False, steps: bool = True
) -> Forecast:
    """The proposal of ``marks`` by the school's rule and, unless it is already the top (or pass/fail, or nothing
    to propose from, or ``steps`` is off: a list of subjects shows only where each is heading), the fewest extra
    marks of each kind that make the same rule propose the next mark up."""
    proposal = propose_period(scheme_code, marks, rules, pass_fail=pass_fail)
    result = Forecast(proposal)
    target = result.next_mark
    if pass_fail or target is None or not steps:
        return result
    for extra in _candidates(scheme_code, target):

        def reaches(count: int, extra: MarkInput = extra) -> bool:
            with_more = [*marks, *[extra] * count]
            return (propose_period(scheme_code, with_more, rules, pass_fail=False).value or 0) >= target

        if not reaches(MOST):
            continue
        low, high = 0, MOST  # more marks never lower the proposal: bisect for the fewest (a handful of calls)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if reaches(middle) else (middle, high)
        result.steps.append(Step(target, high, mark_text(extra.value, None, extra.points, extra.max_points)))
    result.reachable = bool(result.steps)
    return result
