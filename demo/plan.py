"""Thematic plans (КТП): lines with topic, hours and kind of work whose hours add up to the curriculum,
and the wording of each lesson given along the plan."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import curriculum_data as data
from . import kazakh

RESERVE_TOPIC = "Повторение и обобщение изученного"


@dataclass(frozen=True)
class PlanLine:
    position: int
    section: str
    topic: str
    hours: int
    kind: str


@dataclass(frozen=True)
class Plan:
    lines: tuple[PlanLine, ...]
    lessons: tuple[tuple[int, str, str], ...]  # per lesson: (line index, topic, kind code)
    reserve: str = RESERVE_TOPIC

    def lesson(self, k: int) -> tuple[int, str, str]:
        """The k-th lesson (from 0); past the plan's end: revision on the last line."""
        if k < len(self.lessons):
            return self.lessons[k]
        return len(self.lines) - 1, self.reserve, "regular"


@cache
def build_plan(subject: str, grade: int, hours_per_week: int, kz: bool = False) -> Plan:
    """The year's plan of a subject; ``kz``: as the Kazakh demo school's teachers write it (demo/kazakh.py)."""
    total = hours_per_week * data.weeks_in_year(grade)
    topics = kazakh.topics_for(subject) if kz else data.topics_for(subject, grade)
    kinds, every = data.CONTROL_CYCLE[subject]
    n_control = 0 if grade == 1 else max(1, total // every)
    regular = total - n_control
    m = min(len(topics), regular)
    suffixes = kazakh.SUFFIXES if kz else data.LESSON_SUFFIXES.get(subject, data.DEFAULT_SUFFIXES)

    # Regular lines: each topic's hours, cut into parts no longer than the distance between control works.
    regular_lines: list[tuple[str, str, int]] = []  # (section, topic, hours)
    for i in range(m):
        hours = regular // m + (1 if i < regular % m else 0)
        part = 0
        while hours > 0:
            h = min(hours, max(1, every - 1))
            topic = topics[i] if part == 0 else f"{topics[i]}. {suffixes[(part - 1) % len(suffixes)]}"
            regular_lines.append((topics[i], topic, h))
            hours -= h
            part += 1

    lines: list[PlanLine] = []
    lessons: list[tuple[int, str, str]] = []
    done_regular = 0
    done_control = 0
    per_kind: dict[str, int] = {}
    in_section: dict[str, int] = {}

    def add(section: str, topic: str, hours: int, kind: str) -> None:
        index = len(lines)
        lines.append(PlanLine(index + 1, section, topic, hours, kind))
        for _ in range(hours):
            if kind != "regular":
                lessons.append((index, topic, kind))
                continue
            k = in_section.get(section, 0)
            in_section[section] = k + 1
            lessons.append((index, section if k == 0 else f"{section}. {suffixes[(k - 1) % len(suffixes)]}", kind))

    for i, (section, topic, hours) in enumerate(regular_lines):
        add(section, topic, hours, "regular")
        done_regular += hours
        due = done_regular * n_control // regular if regular else n_control
        section_ends = i + 1 == len(regular_lines) or regular_lines[i + 1][0] != section
        # Control works close a topic; in the middle of a long topic only when they lag behind.
        while done_control < due and (section_ends or due - done_control >= 2):
            kind = kinds[done_control % len(kinds)]
            per_kind[kind] = per_kind.get(kind, 0) + 1
            title = kazakh.control_title(per_kind[kind], section) if kz else None
            add(section, title or data.control_title(kind, per_kind[kind], section, subject), 1, kind)
            done_control += 1
    assert sum(line.hours for line in lines) == total, (subject, grade)
    return Plan(tuple(lines), tuple(lessons), kazakh.RESERVE_TOPIC if kz else RESERVE_TOPIC)
