"""Narrowing a long list of journal pages (the operator's and the administration's lists hold every teaching
assignment of the school, ~300 rows): by class and by teacher, with the choices the list itself offers. Used by
the journal's list and the final marks' list alike; lines are anything with an ``assignment`` (class, teacher)."""

from __future__ import annotations

from dataclasses import dataclass, field

LONG_LIST = 20  # fewer lines than this need no filter


@dataclass
class PageFilter:
    class_id: int | None = None
    teacher_id: int | None = None
    classes: list[tuple[int, str]] = field(default_factory=list)  # (id, name) in the list's order
    teachers: list[tuple[int, str]] = field(default_factory=list)  # (id, short name) by name
    total: int = 0  # lines before filtering

    @property
    def shown(self) -> bool:
        """Whether the page offers the filter at all."""
        return self.total >= LONG_LIST or self.active

    @property
    def active(self) -> bool:
        return self.class_id is not None or self.teacher_id is not None


def filter_pages(lines: list, class_id: int | None, teacher_id: int | None) -> tuple[PageFilter, list]:
    """The filter's state and the lines that pass it (an unknown id filters nothing out of the choices: it is
    ignored, so a stale link shows the whole list rather than an empty one)."""
    classes: dict[int, str] = {}
    teachers: dict[int, str] = {}
    for line in lines:
        a = line.assignment
        classes.setdefault(a.class_id, a.school_class.name)
        teachers.setdefault(a.teacher_id, a.teacher.short_name)
    class_id = class_id if class_id in classes else None
    teacher_id = teacher_id if teacher_id in teachers else None
    chosen = [
        line
        for line in lines
        if (class_id is None or line.assignment.class_id == class_id)
        and (teacher_id is None or line.assignment.teacher_id == teacher_id)
    ]
    state = PageFilter(
        class_id,
        teacher_id,
        list(classes.items()),
        sorted(teachers.items(), key=lambda t: t[1]),
        len(lines),
    )
    return state, chosen
