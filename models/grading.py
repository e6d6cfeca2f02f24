"""Grading rules, pure (no database, no Flask): period-mark proposals behind a small scheme interface,
and the school's measures of results (quality of knowledge, success rate, СОУ, average) (R3, R25–R27, R30).

A grading scheme turns a student's marks for a period into a proposal that explains itself: every
mark's contribution, and what is missing. Two schemes: the Russian 5-point weighted average and the
Kazakhstan criteria-based scheme (ФО/СОР/СОЧ → weighted percent → 2..5, order No. 125).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from models.i18n import Text, _
from models.marks import FAILED_SPECIALS, NOT_ATTESTED, PASS_MARKS, mark_text

TWO = Decimal("0.01")


@dataclass(frozen=True)
class MarkInput:
    """One mark as the rules see it. ``weight`` is already resolved (mark → kind of work → 1)."""

    value: int | None = None  # 1..5
    special: str | None = None  # н/а, зач, незач, осв
    points: Decimal | None = None  # criteria scheme
    max_points: Decimal | None = None
    weight: Decimal = Decimal("1")
    is_control: bool = False
    criteria_kind: str | None = None  # fo, sor, soch
    label: str = ""  # e.g. "12.09 Контрольная работа"


# Criteria-based assessment (Kazakhstan, order No. 125): the legal defaults of the school's settings
# (models/school/settings.py: criteria_weights, criteria_weights_no_soch, criteria_bounds, criteria_bounds_grade1).
# Weights of a quarter's components, in %: ФО, СОР, СОЧ — and ФО, СОР in a quarter without a СОЧ.
CRITERIA_WEIGHTS = (Decimal(25), Decimal(25), Decimal(50))
CRITERIA_WEIGHTS_NO_SOCH = (Decimal(50), Decimal(50))
# The percent from which a 3, a 4 and a 5 are given (below the first: 2). Grades 2–11: 0–39 → 2, 40–64 → 3,
# 65–84 → 4, 85–100 → 5; grade 1: 0–20, 21–50, 51–80, 81–100.
CRITERIA_BOUNDS = (Decimal(40), Decimal(65), Decimal(85))
CRITERIA_BOUNDS_GRADE1 = (Decimal(21), Decimal(51), Decimal(81))


@dataclass(frozen=True)
class GradingRules:
    """School settings the schemes obey (never constants in code: these defaults are the settings' defaults)."""

    rounding_threshold: Decimal = Decimal("0.5")  # fractional part from which the average rounds up
    min_marks: int = 3
    require_control: bool = True  # warn when no control work (test, lab, practical…) was marked
    criteria_weights: tuple[Decimal, ...] = CRITERIA_WEIGHTS  # ФО, СОР, СОЧ
    criteria_weights_no_soch: tuple[Decimal, ...] = CRITERIA_WEIGHTS_NO_SOCH  # ФО, СОР
    criteria_bounds: tuple[Decimal, ...] = CRITERIA_BOUNDS  # percent from which 3, 4, 5 (this class's grade)


@dataclass(frozen=True)
class Contribution:
    label: str
    shown: str  # "5", "18/20"
    weight: Decimal
    share: Decimal  # percent of the total weight


@dataclass
class Proposal:
    value: int | None  # the proposed mark, None when nothing can be proposed
    special: str | None = None  # н/а when there is no basis at all
    average: Decimal | None = None  # weighted average (5-point) or None
    percent: Decimal | None = None  # weighted percent (criteria)
    contributions: list[Contribution] = field(default_factory=list)
    problems: list[Text] = field(default_factory=list)  # shown translated with the `tr` filter

    @property
    def shown(self) -> str:
        return mark_text(self.value, self.special)  # "н/а" in the reader's language

    @property
    def is_thin(self) -> bool:
        return bool(self.problems)


class GradingScheme(Protocol):
    code: str

    def propose(self, marks: Sequence[MarkInput], rules: GradingRules) -> Proposal: ...


def round_mark(average: Decimal, threshold: Decimal) -> int:
    """2.5 → 3 with threshold 0.5; 3.5 → 3 with threshold 0.6; clamped to 1..5."""
    whole = int(average)
    rounded = whole + 1 if average - whole >= threshold else whole
    return max(1, min(5, rounded))


class FivePointScheme:
    """The weighted average of 1..5 marks; pass/fail and н/а marks don't enter the average."""

    code = "five_point"

    def propose(self, marks: Sequence[MarkInput], rules: GradingRules) -> Proposal:
        graded = [m for m in marks if m.value is not None]
        if not graded:
            return Proposal(None, special=NOT_ATTESTED, problems=[Text(_("Нет ни одной отметки за период."))])
        total_weight = sum((m.weight for m in graded), Decimal(0))
        average = (sum((m.value * m.weight for m in graded), Decimal(0)) / total_weight).quantize(
            TWO, rounding=ROUND_HALF_UP
        )
        contributions = [
            Contribution(
                m.label, mark_text(m.value), m.weight, (m.weight * 100 / total_weight).quantize(Decimal("0.1"))
            )
            for m in graded
        ]
        proposal = Proposal(round_mark(average, rules.rounding_threshold), average=average, contributions=contributions)
        _check_basis(proposal, graded, rules)
        return proposal


FORMATIVE_SCALE = Decimal(10)  # formative marks are points out of 10 unless max_points says otherwise


def percent_to_mark(percent: Decimal, bounds: Sequence[Decimal] = CRITERIA_BOUNDS) -> int:
    """The mark of a weighted percent: 2 below the first bound, then 3, 4, 5 from each bound on."""
    return 2 + sum(1 for bound in bounds if percent >= bound)


def component_weights(rules: GradingRules, *, with_soch: bool) -> dict[str, Decimal]:
    """The weights of a quarter's components: ФО, СОР, СОЧ — or ФО, СОР when there was no СОЧ."""
    if with_soch:
        return dict(zip(("fo", "sor", "soch"), rules.criteria_weights, strict=True))
    return dict(zip(("fo", "sor"), rules.criteria_weights_no_soch, strict=True))


class CriteriaScheme:
    """Kazakhstan: ФО, СОР and СОЧ in points out of each work's maximum, weighted into a percent."""

    code = "criteria"

    def propose(self, marks: Sequence[MarkInput], rules: GradingRules) -> Proposal:
        by_kind: dict[str, list[MarkInput]] = {"fo": [], "sor": [], "soch": []}
        for m in marks:
            if m.points is not None:  # points of work without a criteria kind are formative (ФО)
                by_kind[m.criteria_kind if m.criteria_kind in by_kind else "fo"].append(m)
        if not any(by_kind.values()):
            return Proposal(None, special=NOT_ATTESTED, problems=[Text(_("Нет ни одной работы за период."))])
        weights = component_weights(rules, with_soch=bool(by_kind["soch"]))
        present = {k: w for k, w in weights.items() if by_kind[k]}  # every weight is positive (settings)
        scale = sum(present.values(), Decimal(0))
        percent = Decimal(0)
        contributions = []
        for kind, weight in present.items():
            works = by_kind[kind]
            got = sum((m.points for m in works), Decimal(0))
            out_of = sum(((m.max_points or FORMATIVE_SCALE) for m in works), Decimal(0))
            share = weight * 100 / scale
            percent += got / out_of * share
            contributions += [
                Contribution(
                    m.label,
                    mark_text(points=m.points, max_points=m.max_points or FORMATIVE_SCALE),
                    (share / len(works)).quantize(TWO, rounding=ROUND_HALF_UP),  # shown: 16.67, not 16.666…
                    (share / len(works)).quantize(Decimal("0.1")),
                )
                for m in works
            ]
        percent = percent.quantize(TWO, rounding=ROUND_HALF_UP)
        proposal = Proposal(
            percent_to_mark(percent, rules.criteria_bounds), percent=percent, contributions=contributions
        )
        missing = [k for k in weights if not by_kind[k]]
        if "sor" in missing:
            proposal.problems.append(Text(_("Нет суммативного оценивания за раздел (СОР).")))
        if "fo" in missing:
            proposal.problems.append(Text(_("Нет формативных оценок (ФО).")))
        return proposal


SCHEMES: dict[str, GradingScheme] = {s.code: s for s in (FivePointScheme(), CriteriaScheme())}


def scheme_for(code: str) -> GradingScheme:
    return SCHEMES[code]


def _check_basis(proposal: Proposal, graded: Sequence[MarkInput], rules: GradingRules) -> None:
    if len(graded) < rules.min_marks:
        proposal.problems.append(
            Text(_("Мало отметок: %(n)s из необходимых %(need)s."), n=len(graded), need=rules.min_marks)
        )
    if rules.require_control and not any(m.is_control for m in graded):
        proposal.problems.append(Text(_("Нет отметок за контрольные, лабораторные или практические работы.")))


# --- measures of results ---------------------------------------------------------------------
SOU_WEIGHTS = {5: 100, 4: 64, 3: 36, 2: 16, 1: 7}


@dataclass(frozen=True)
class ResultStats:
    """Measures over a set of marks (one per student: a class in a subject, or students' worst marks)."""

    total: int
    counts: dict[str | int, int]
    success: Decimal  # успеваемость: % without 2s, 1s and н/а
    quality: Decimal  # качество знаний: % with only 4s and 5s
    sou: Decimal  # степень обученности учащихся, %
    average: Decimal | None


def percent(part: int, whole: int) -> Decimal | None:
    """part of whole in %, one decimal, rounded half up; None of nothing (the reports show "—")."""
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if whole else None


def result_stats(marks: Iterable[int | str]) -> ResultStats:
    """Marks are 1..5 or specials; pass marks (зач/осв) count as success and are left out of quality,
    СОУ and the average; н/а and незач count as failures."""
    marks = list(marks)
    counts = Counter(marks)
    total = len(marks)
    if total == 0:
        return ResultStats(0, {}, Decimal(0), Decimal(0), Decimal(0), None)
    numeric = [m for m in marks if isinstance(m, int)]
    failed = sum(1 for m in marks if (isinstance(m, int) and m <= 2) or m in FAILED_SPECIALS)
    graded_total = len(numeric) + sum(1 for m in marks if m in FAILED_SPECIALS)
    good = sum(1 for m in numeric if m >= 4)

    def pct(part: int, whole: int) -> Decimal:
        return percent(part, whole) if whole else Decimal(0)

    sou_base = len(numeric) + sum(1 for m in marks if m in FAILED_SPECIALS)
    sou = (
        (Decimal(sum(SOU_WEIGHTS[m] for m in numeric)) / sou_base).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if sou_base
        else Decimal(0)
    )
    average = (Decimal(sum(numeric)) / len(numeric)).quantize(TWO, rounding=ROUND_HALF_UP) if numeric else None
    return ResultStats(total, dict(counts), pct(total - failed, total), pct(good, graded_total), sou, average)


def student_standing(marks: Iterable[int | str]) -> str:
    """A student's standing over all subjects: excellent (all 5), good (4 and 5), satisfactory, failing."""
    marks = [m for m in marks if m not in PASS_MARKS]
    if any((isinstance(m, int) and m <= 2) or m in FAILED_SPECIALS for m in marks):
        return "failing"
    numeric = [m for m in marks if isinstance(m, int)]
    if numeric and all(m == 5 for m in numeric):
        return "excellent"
    if numeric and all(m >= 4 for m in numeric):
        return "good"
    return "satisfactory" if numeric else "not_graded"
