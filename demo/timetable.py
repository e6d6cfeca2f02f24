"""The structure of one school, shared by every generated school of a scale: classes, teachers and
their load (who teaches which subject to which class or subgroup), class teachers, rooms, and a weekly
timetable without clashes.

The timetable is found by local search: each class gets exactly its slots (bells 1..n every day, so no
gaps for students), its lessons are dealt into them at random, and then pairs of lessons of one class
are swapped to remove teacher clashes (hard) and the same subject twice a day (soft). Rooms belong to
teachers, so distinct teachers at a slot are in distinct rooms. Subgroups of a split subject are one
unit: both groups have their lesson at the same slot, each with its own teacher.
"""

from __future__ import annotations

import math
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import curriculum_data as data

LETTERS = "АБВГДЕЖЗИКЛМНОП"
MAX_BELLS = 7
# Split subjects need two teachers at once: their teachers take a mix of grades (more free slots).
SPLIT_FAMILIES = ("eng", "inf")
SOFT_BUDGET = 1500  # swaps spent on "the same subject twice a day" once clashes are gone


def weekly_lessons(hours) -> int:
    """Curriculum hours → lessons a week in the timetable (x.5 always rounds up)."""
    return int(Decimal(str(hours)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class TClass:
    idx: int
    grade: int
    letter: str
    teacher: int | None = None  # class teacher (index into Template.teachers)

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def scheme(self) -> str:
        return "half_year" if self.grade >= 10 else "quarter"


@dataclass
class TTeacher:
    idx: int
    specialty: str
    families: list[str] = field(default_factory=list)
    hours: int = 0
    position: str = ""
    room: str = ""
    sex: str = "f"


@dataclass
class TAssignment:
    idx: int
    cls: int
    subject: str
    group: int  # 0: whole class; 1, 2: subgroup
    teacher: int
    hours: int


@dataclass
class Template:
    classes: list[TClass]
    teachers: list[TTeacher]
    assignments: list[TAssignment]
    entries: list[tuple[int, int, int]]  # (assignment idx, weekday 1..5, bell number)
    teacher_account: int  # maths teacher of 5А, not a class teacher
    classteacher_account: int  # class teacher of 5А
    class_5a: int


def class_slots_for(classes: list[TClass]) -> dict[int, list[tuple[int, int]]]:
    """Each class's slots: bells 1..n on each of five days; the longer days rotate between classes."""
    slots = {}
    for c in classes:
        total = sum(weekly_lessons(h) for h in data.HOURS[c.grade].values())
        base, extra = divmod(total, 5)
        if base + (1 if extra else 0) > MAX_BELLS:
            raise ValueError(f"{c.name}: {total} lessons a week do not fit into 5 days of {MAX_BELLS}")
        long_days = {(c.idx + i) % 5 for i in range(extra)}
        slots[c.idx] = [(d + 1, b) for d in range(5) for b in range(1, base + 1 + (d in long_days))]
    return slots


def _position(families: list[str]) -> str:
    order = list(data.FAMILY_GENITIVE)
    names = [data.FAMILY_GENITIVE[f] for f in sorted(set(families), key=order.index)]
    if len(names) == 1:
        return f"учитель {names[0]}"
    return f"учитель {', '.join(names[:-1])} и {names[-1]}"


def build_template(classes_per_grade: int, seed: int = 17) -> Template:
    rng = random.Random(seed)
    classes = [
        TClass(len_i, g, LETTERS[k])
        for len_i, (g, k) in enumerate((g, k) for g in range(1, 12) for k in range(classes_per_grade))
    ]
    teachers: list[TTeacher] = []
    assignments: list[TAssignment] = []

    # Blocks: what one teacher takes as a whole in a class: (family, class, group) -> {subject: hours}
    blocks: dict[tuple[str, int, int], dict[str, int]] = {}
    for c in classes:
        for subject, hours in data.HOURS[c.grade].items():
            family = data.family_of(subject, c.grade)
            split = subject in data.SPLIT_FROM and c.grade >= data.SPLIT_FROM[subject]
            for group in (1, 2) if split else (0,):
                blocks.setdefault((family, c.idx, group), {})[subject] = weekly_lessons(hours)

    def assign(block_key, teacher: TTeacher):
        family, cls, group = block_key
        for subject, hours in blocks[block_key].items():
            assignments.append(TAssignment(len(assignments), cls, subject, group, teacher.idx, hours))
            teacher.hours += hours
        if family not in teacher.families:
            teacher.families.append(family)

    # Primary classes: one teacher each, who is also the class teacher.
    for c in classes:
        if c.grade <= 4:
            t = TTeacher(len(teachers), "primary", position="учитель начальных классов")
            teachers.append(t)
            c.teacher = t.idx
            assign(("primary", c.idx, 0), t)

    slots = class_slots_for(classes)
    reach: dict[int, set[tuple[int, int]]] = defaultdict(set)  # slots of the classes a teacher teaches

    def fits(teacher: TTeacher, cls: int, hours: int) -> bool:
        # A teacher needs free slots to move between classes: keep three slots of slack.
        return teacher.hours + hours <= min(data.MAX_LOAD, len(reach[teacher.idx] | set(slots[cls])) - 3)

    # Subject teachers: fill each specialty's teachers one after another, parallels kept together.
    for specialty, families, min_n in data.SPECIALTIES:
        keys = sorted(
            (k for k in blocks if k[0] in families),
            key=lambda k: (
                (families.index(k[0]), classes[k[1]].grade, classes[k[1]].letter, k[2])
                if k[0] not in SPLIT_FAMILIES
                else (families.index(k[0]), classes[k[1]].letter, classes[k[1]].grade, k[2])
            ),
        )
        total = sum(sum(blocks[k].values()) for k in keys)
        if not total:
            continue
        n = max(min_n, round(total / data.TARGET_LOAD), math.ceil(total / data.MAX_LOAD))
        pool = []
        for _ in range(n):
            pool.append(TTeacher(len(teachers), specialty))
            teachers.append(pool[-1])
        target = total / n
        cursor = 0
        taken: dict[tuple[str, int], set[int]] = defaultdict(set)  # (family, class) -> teachers of its groups
        for key in keys:
            hours = sum(blocks[key].values())
            while cursor < n - 1 and pool[cursor].hours + hours / 2 > target:
                cursor += 1
            choice = pool[cursor]
            if (key[2] and choice.idx in taken[(key[0], key[1])]) or not fits(choice, key[1], hours):
                others = [t for t in pool if t.idx not in taken[(key[0], key[1])] and fits(t, key[1], hours)]
                if not others:
                    pool.append(TTeacher(len(teachers), specialty))
                    teachers.append(pool[-1])
                    others = [pool[-1]]
                choice = min(others, key=lambda t: (t.hours, (t.idx - pool[cursor].idx) % len(pool)))
            taken[(key[0], key[1])].add(choice.idx)
            reach[choice.idx] |= set(slots[key[1]])
            assign(key, choice)
    for t in teachers:
        if t.specialty != "primary":
            t.position = _position(t.families)
        t.sex = "m" if (t.specialty in ("pe", "phys", "art_tech") and t.idx % 2 == 0) or t.idx % 7 == 3 else "f"

    # Class teachers of 5–11: the subject teacher with most hours in the class who has no class yet;
    # the maths teacher of 5А stays a plain subject teacher (the `teacher` demo account).
    class_5a = next(c.idx for c in classes if c.grade == 5)
    teacher_account = next(a.teacher for a in assignments if a.cls == class_5a and a.subject == "math")
    busy = {c.teacher for c in classes if c.teacher is not None} | {teacher_account}
    hours_in: dict[tuple[int, int], int] = defaultdict(int)
    for a in assignments:
        hours_in[(a.cls, a.teacher)] += a.hours
    for c in sorted((c for c in classes if c.grade >= 5), key=lambda c: (c.idx != class_5a, c.grade, c.letter)):
        candidates = sorted(
            (t for (cls, t) in hours_in if cls == c.idx and t not in busy), key=lambda t: (-hours_in[(c.idx, t)], t)
        )
        if not candidates:
            candidates = [
                t.idx
                for t in sorted(teachers, key=lambda t: (t.hours, t.idx))
                if t.idx not in busy and t.specialty != "primary"
            ]
        if candidates:
            c.teacher = candidates[0]
            busy.add(candidates[0])
    classteacher_account = classes[class_5a].teacher

    # Rooms: each teacher has their own, so teachers at one slot never share a room.
    counters: dict[str, int] = defaultdict(int)
    special = {"pe": "Спортзал № {}", "music": "Кабинет музыки № {}", "art_tech": "Мастерская № {}"}
    plain = 0
    for t in teachers:
        if t.specialty == "primary":
            t.room = f"{101 + t.idx}" if t.idx < 99 else f"1-{t.idx}"
        elif t.specialty in special:
            counters[t.specialty] += 1
            t.room = special[t.specialty].format(counters[t.specialty])
        else:
            t.room = f"{201 + 100 * (plain // 25) + plain % 25}"
            plain += 1

    entries = place_timetable(classes, assignments, slots, rng)
    return Template(classes, teachers, assignments, entries, teacher_account, classteacher_account, class_5a)


def place_timetable(
    classes: list[TClass],
    assignments: list[TAssignment],
    class_slots: dict[int, list[tuple[int, int]]],
    rng: random.Random,
    max_iterations: int = 200_000,
) -> list[tuple[int, int, int]]:
    # Units: one lesson of a class at one slot; a split subject's two groups form one unit.
    units: list[tuple[int, ...]] = []  # assignment indices
    unit_class: list[int] = []
    unit_subject: list[str] = []
    unit_teachers: list[tuple[int, ...]] = []
    by_class_subject: dict[tuple[int, str], list[TAssignment]] = defaultdict(list)
    for a in assignments:
        by_class_subject[(a.cls, a.subject)].append(a)
    weekly: dict[tuple[int, str], int] = {}
    for (cls, subject), group in sorted(by_class_subject.items(), key=lambda kv: (kv[0][0], kv[1][0].idx)):
        hours = group[0].hours
        weekly[(cls, subject)] = hours
        for _ in range(hours):
            units.append(tuple(a.idx for a in group))
            unit_class.append(cls)
            unit_subject.append(subject)
            unit_teachers.append(tuple(sorted({a.teacher for a in group})))
    class_units: dict[int, list[int]] = defaultdict(list)
    for u, c in enumerate(unit_class):
        class_units[c].append(u)

    for c in classes:
        if len(class_slots[c.idx]) != len(class_units[c.idx]):
            raise ValueError(f"{c.name}: {len(class_units[c.idx])} lessons for {len(class_slots[c.idx])} slots")
    allowed = {key: max(1, math.ceil(h / 5)) for key, h in weekly.items()}

    for attempt in range(20):
        pos: list[tuple[int, int]] = [(0, 0)] * len(units)
        occ: dict[tuple[int, int, int], int] = defaultdict(int)
        sd: dict[tuple[int, str, int], int] = defaultdict(int)

        def put(u, slot, sign):
            d, b = slot
            for t in unit_teachers[u]:
                occ[(t, d, b)] += sign
            sd[(unit_class[u], unit_subject[u], d)] += sign

        def cost(u, slot):
            d, b = slot
            clash = 0
            for t in unit_teachers[u]:
                clash += occ[(t, d, b)]
            c, s = unit_class[u], unit_subject[u]
            over = sd[(c, s, d)] + 1 - allowed[(c, s)]
            return 10 * clash + (over if over > 0 else 0)

        def hard_bad(u):
            d, b = pos[u]
            for t in unit_teachers[u]:
                if occ[(t, d, b)] > 1:
                    return True
            return False

        def soft_bad(u):
            c, s = unit_class[u], unit_subject[u]
            return sd[(c, s, pos[u][0])] > allowed[(c, s)]

        def swap_delta(u, v):
            su, sv = pos[u], pos[v]
            put(u, su, -1)
            put(v, sv, -1)
            old = cost(u, su)
            put(u, su, 1)
            old += cost(v, sv)
            put(u, su, -1)
            new = cost(u, sv)
            put(u, sv, 1)
            new += cost(v, su)
            put(u, sv, -1)
            put(u, su, 1)
            put(v, sv, 1)
            return new - old

        def swap(u, v):
            su, sv = pos[u], pos[v]
            put(u, su, -1)
            put(v, sv, -1)
            pos[u], pos[v] = sv, su
            put(u, sv, 1)
            put(v, su, 1)

        # Greedy start: the most constrained lessons (two teachers, busy teachers) pick their slots first.
        load: dict[int, int] = defaultdict(int)
        for ts in unit_teachers:
            for t in ts:
                load[t] += 1
        order = list(range(len(units)))
        rng.shuffle(order)
        order.sort(key=lambda u: (-len(unit_teachers[u]), -max(load[t] for t in unit_teachers[u])))
        free = {c.idx: list(class_slots[c.idx]) for c in classes}
        for u in order:
            slots = free[unit_class[u]]
            costs = [cost(u, s) for s in slots]
            best = min(costs)
            choice = rng.choice([s for s, k in zip(slots, costs) if k == best])
            slots.remove(choice)
            pos[u] = choice
            put(u, choice, 1)

        budget = max_iterations // 20
        iterations = 0
        soft_iterations = 0
        while iterations < budget:
            pool = [u for u in range(len(units)) if hard_bad(u)]
            if not pool:
                pool = [u for u in range(len(units)) if soft_bad(u)]
                soft_iterations += min(len(pool), 30)
                if not pool or soft_iterations > SOFT_BUDGET:
                    if os.environ.get("DEMO_TIMETABLE_DEBUG"):
                        print(f"timetable: attempt {attempt}, {iterations} iterations, {len(pool)} soft left")
                    return [(a, pos[u][0], pos[u][1]) for u, group in enumerate(units) for a in group]
            for _ in range(min(len(pool), 30)):
                u = rng.choice(pool)
                iterations += 1
                partners = class_units[unit_class[u]]
                best, best_vs = None, []
                for v in partners:
                    if v == u:
                        continue
                    delta = swap_delta(u, v)
                    if best is None or delta < best:
                        best, best_vs = delta, [v]
                    elif delta == best:
                        best_vs.append(v)
                if best is None:
                    continue
                if best < 0 or (best == 0 and rng.random() < 0.7):
                    swap(u, rng.choice(best_vs))
                elif rng.random() < 0.05:
                    v = rng.choice(partners)
                    if v != u:
                        swap(u, v)
    raise RuntimeError("no clash-free timetable found")
