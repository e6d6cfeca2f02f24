"""The demo school loader (and, at district scale, the benchmark data set).

``load_demo()`` writes one or more complete schools: staff, students with families, classes and
movement, curriculum and teaching load with subgroups, bells and a clash-free timetable, thematic
plans, lessons with topics and homework, marks, attendance, a substitution, achievements,
announcements, messages and the fixed demo accounts (first school only).

Everything is drawn from ``random.Random`` streams seeded per school, so the same ``today`` and scale
give the same data. Rows go in through bulk inserts with ids assigned here (see ``writer.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from models import School, db
from models.accounts.invites import CONSENT_TEXTS
from models.deadlines import school_zone
from models.grading import FORMATIVE_SCALE
from models.school_time import school_today

from . import curriculum_data as data
from . import kazakh
from .calendar import SchoolCalendar, year_start
from .cleanup import delete_demo_schools
from .names import STREETS, TOWN, WORKPLACES, People, feminine_surname, surname_for, translit
from .plan import build_plan
from .timetable import Template, build_template
from .writer import BulkWriter, triggers_off, triggers_on

MSK = dt.timezone(dt.timedelta(hours=3))  # Europe/Moscow, the schools' time zone (no DST)


@dataclass(frozen=True)
class Scale:
    schools: int = 1
    classes_per_grade: int = 2  # grades 1..11 → 22 classes
    students_per_class: int = 25  # ≥ 500 students in total for the default
    weeks: int | None = None  # weeks of lessons to generate from Sep 1; None = every school day before today

    @classmethod
    def tiny(cls) -> Scale:
        """For tests: 1 school, 1 class per grade, 6 students, 1 week."""
        return cls(schools=1, classes_per_grade=1, students_per_class=6, weeks=1)

    @classmethod
    def district(cls) -> Scale:
        """20 schools, ~20,000 students, a full year of lessons, marks and attendance (34 weeks)."""
        return cls(schools=20, classes_per_grade=4, students_per_class=23, weeks=34)


DEMO_PASSWORD = "demo-pass-2026"
# (login, roles, who it is)
DEMO_ACCOUNTS: list[tuple[str, tuple[str, ...], str]] = [
    ("operator", ("operator",), "Оператор: ответственный за информатизацию"),
    ("director", ("director",), "Директор школы"),
    ("coordinator", ("coordinator",), "Заместитель директора по УВР (координатор)"),
    ("secretary", ("secretary",), "Секретарь"),
    ("teacher", ("teacher",), "Учитель математики (5–6 классы), не классный руководитель"),
    ("classteacher", ("class_teacher", "teacher"), "Классный руководитель 5А, учитель-предметник в 5А"),
    ("parent", ("parent",), "Родитель двоих детей: в 5А и во 2А"),
    ("student", ("student",), "Ученик 5А (ребёнок родителя parent)"),
]

COUNTED_TABLES = (
    "schools",
    "academic_years",
    "periods",
    "bells",
    "work_kinds",
    "attendance_reasons",
    "subjects",
    "staff",
    "students",
    "guardians",
    "student_guardians",
    "school_classes",
    "enrollments",
    "subgroups",
    "subgroup_members",
    "curriculum_items",
    "teaching_assignments",
    "plan_items",
    "timetable_entries",
    "substitutions",
    "lessons",
    "marks",
    "attendance",
    "users",
    "user_roles",
    "consents",
    "achievements",
    "announcements",
    "conversations",
    "conversation_participants",
    "messages",
    "remarks",
)

LESSON_COLUMNS = (
    "id",
    "assignment_id",
    "date",
    "bell_id",
    "topic",
    "work_kind_id",
    "homework",
    "plan_item_id",
    "max_points",
    "taught_by_id",
    "substitution_id",
    "is_distance",
    "recorded_at",
    "homework_recorded_at",
    "attendance_taken_at",
    "attendance_taken_by_id",
    "version",
)
MARK_COLUMNS = (
    "id",
    "lesson_id",
    "student_id",
    "slot",
    "value",
    "points",
    "max_points",
    "work_kind_id",
    "comment",
    "author_id",
    "created_at",
    "updated_at",
    "version",
)
PERIOD_MARK_COLUMNS = (
    "id",
    "student_id",
    "subject_id",
    "assignment_id",
    "period_id",
    "kind",
    "value",
    "special",
    "proposed_average",
    "percent",
    "proposed_value",
    "override_reason",
    "set_by_id",
    "set_at",
    "version",
)
# Why a teacher set a mark for a term in which the journal holds none of the student's marks.
NO_MARKS_REASON = "Оценено по устным ответам и работе на уроках за четверть"
ATTENDANCE_COLUMNS = (
    "id",
    "lesson_id",
    "student_id",
    "status",
    "minutes_late",
    "reason_id",
    "recorded_by_id",
    "recorded_at",
    "confirmed_by_id",
    "confirmed_at",
    "version",
)
FLUSH_MARKS = 200_000
CARELESS = 0.3  # a teacher's chance of recording a lesson late from which they count as careless


def row_counts() -> dict[str, int]:
    return {t: db.session.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in COUNTED_TABLES}


@lru_cache(maxsize=8)
def _template(classes_per_grade: int) -> Template:
    return build_template(classes_per_grade)


def load_demo(
    reset: bool = False, scale: Scale | None = None, today: dt.date | None = None, kind: str = "ru"
) -> dict[str, int]:
    """Loads the demo school into db (inside a Flask app context) and commits. Idempotent: when the demo
    school (School.code == 'demo', the Kazakh one's 'demo-kz') already exists and reset is False, writes
    nothing and returns the current row counts. reset=True deletes every generated school's data first (both
    demo schools and a district's; audit_events is never touched). ``kind``: "ru" the Russian demo school (and
    the district's schools of ``scale``), "kz" the Kazakhstan one (demo/kazakh.py; one school whatever the
    scale says). Returns row counts per table name (all rows in the database, not only the demo's)."""
    scale = scale or Scale()
    kz = kind == "kz"
    zone = kazakh.ZONE if kz else "Europe/Moscow"
    today = today or school_today(school_zone(zone))  # the demo school's day, not the server's
    session = db.session
    exists = session.execute(select(School.id).where(School.code == (kazakh.CODE if kz else "demo"))).first()
    if exists and not reset:
        return row_counts()
    previous = triggers_off(session)
    if reset:
        delete_demo_schools(session)
        session.flush()
    writer = BulkWriter(session)
    template = _template(scale.classes_per_grade)
    calendar = SchoolCalendar(year_start(today), scale.weeks, today)
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one hash for all demo logins: hashing is slow
    for number in range(1 if kz else scale.schools):
        SchoolGenerator(writer, template, calendar, scale, number, password_hash, kz=kz).run()
    writer.finish()
    triggers_on(session, previous)
    session.commit()
    return row_counts()


def _value_cdf(ability: float) -> tuple[float, float, float]:
    """Cumulative chances of 2, 3, 4 for a student of this ability (0..1); the rest is 5."""
    mean = 2.3 + 2.7 * min(max(ability, 0.0), 1.0)
    weights = [math.exp(-((v - mean) ** 2) / (2 * 0.55**2)) for v in (2, 3, 4, 5)]
    total = sum(weights)
    c2 = weights[0] / total
    c3 = c2 + weights[1] / total
    return c2, c3, c3 + weights[2] / total


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


def _order(number: int, day: dt.date, suffix: str = "у") -> str:
    return f"№ {number}-{suffix} от {day:%d.%m.%Y}"


class SchoolGenerator:
    def __init__(
        self,
        writer: BulkWriter,
        template: Template,
        calendar: SchoolCalendar,
        scale: Scale,
        number: int,
        password_hash: str,
        kz: bool = False,
    ):
        self.w = writer
        self.tpl = template
        self.cal = calendar
        self.scale = scale
        self.number = number
        self.demo = number == 0
        self.kz = kz  # the Kazakhstan demo school (demo/kazakh.py)
        seed = f"kz-{number}" if kz else str(number)
        self.people = (kazakh.KazakhPeople if kz else People)(random.Random(f"people-{seed}"))
        self.rng = random.Random(f"journal-{seed}")
        self.password_hash = password_hash
        self.start = calendar.start
        self.school_no = 17 if number == 0 else [n for n in range(1, 100) if n != 17][number - 1]
        self.user_of_staff: dict[int, int] = {}
        self.users: dict[str, int] = {}

    def run(self) -> None:
        self._school_and_staff()
        self._year_bells_dictionaries()
        self._classes()
        self._students()
        self._subgroups()
        self._curriculum()
        if self.demo:
            self._accounts()
        self._timetable()
        self._substitution()
        self._journal()
        self._extras()

    # school, staff --------------------------------------------------------------------------------
    def _school_and_staff(self) -> None:
        w, p, r = self.w, self.people, self.people.rng
        self.school_id = w.ids("schools")
        staff = []
        self.admin_staff: dict[str, int] = {}
        persons = [(pos, role, sex) for pos, role, sex in data.ADMIN_STAFF]
        persons += [(t.position, None, t.sex) for t in self.tpl.teachers]
        if self.kz:
            persons = [
                (kazakh.ADMIN_POSITIONS.get(pos, kazakh.TEACHER_POSITION), role, sex) for pos, role, sex in persons
            ]
        domain = f"school{self.school_no}.{'kz' if self.kz else 'ru'}"
        first_id = w.ids("staff", len(persons))
        for i, (position, role, sex) in enumerate(persons):
            last, first, middle = p.adult(sex)
            sid = first_id + i
            staff.append(
                {
                    "id": sid,
                    "school_id": self.school_id,
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "position": position,
                    "phone": p.phone(),
                    "email": f"{translit(last)}.{translit(first)[0]}{translit(middle)[0]}@{domain}",
                    "hired_on": dt.date(r.randint(1992, self.start.year - 1), r.randint(1, 12), r.randint(1, 28)),
                }
            )
            if role:
                self.admin_staff[role] = sid
        n_admin = len(data.ADMIN_STAFF)
        self.teacher_staff = [first_id + n_admin + t.idx for t in self.tpl.teachers]
        self.staff_rows = {row["id"]: row for row in staff}
        director = staff[0]
        num = self.school_no
        school = {
            "id": self.school_id,
            "name": f"МБОУ «Средняя общеобразовательная школа № {num}»",
            "short_name": f"МБОУ СОШ № {num}",
            "code": "demo" if self.demo else f"demo-{self.number + 1}",
            "address": f"{TOWN}, {STREETS[num % len(STREETS)]}, д. {num + 3}",
            "director_name": f"{director['last_name']} {director['first_name']} {director['middle_name']}",
            "language": "ru",
            "jurisdiction": "RU",
            "grading_scheme": "five_point",
            "timezone": "Europe/Moscow",
        }
        if self.kz:
            school.update(
                name=f"«№ {num} жалпы білім беретін мектеп» КММ",
                short_name=f"№ {num} ЖББМ",
                code=kazakh.CODE,
                address=f"{kazakh.TOWN}, {kazakh.STREETS[0]}, {num + 3}",
                language="kk",
                jurisdiction="KZ",
                grading_scheme="criteria",
                timezone=kazakh.ZONE,
            )
        w.insert("schools", [school])
        w.rows("staff", tuple(staff[0]), [tuple(row.values()) for row in staff])

    def _year_bells_dictionaries(self) -> None:
        w, cal = self.w, self.cal
        self.year_id = w.ids("academic_years")
        w.insert(
            "academic_years",
            [
                {
                    "id": self.year_id,
                    "school_id": self.school_id,
                    "name": cal.year_name,
                    "starts_on": cal.start,
                    "ends_on": cal.year_ends_on,
                }
            ],
        )
        periods = cal.periods
        first = w.ids("periods", len(periods))
        self.period_id = {}
        rows = []
        for i, pdef in enumerate(periods):
            self.period_id[(pdef.scheme, pdef.number)] = first + i
            rows.append(
                {
                    "id": first + i,
                    "year_id": self.year_id,
                    "scheme": pdef.scheme,
                    "number": pdef.number,
                    "name": None,  # the system's name, shown in the reader's language
                    "starts_on": pdef.starts_on,
                    "ends_on": pdef.ends_on,
                }
            )
        w.insert("periods", rows)

        first = w.ids("bells", len(data.BELLS))
        self.bell_id = {number: first + i for i, (number, _s, _e) in enumerate(data.BELLS)}
        w.insert(
            "bells",
            [
                {
                    "id": self.bell_id[n],
                    "school_id": self.school_id,
                    "shift": 1,
                    "number": n,
                    "starts_at": s,
                    "ends_at": e,
                }
                for n, s, e in data.BELLS
            ],
        )

        kinds = [(*kind, None) for kind in data.WORK_KINDS] + (kazakh.WORK_KINDS if self.kz else [])
        first = w.ids("work_kinds", len(kinds))
        self.kind_id = {code: first + i for i, (code, *_rest) in enumerate(kinds)}
        w.insert(
            "work_kinds",
            [
                {
                    "id": self.kind_id[code],
                    "school_id": self.school_id,
                    "code": code,
                    "name": name,
                    "weight": Decimal(weight),
                    "is_control": control,
                    "criteria_kind": criteria,
                }
                for code, name, weight, control, criteria in kinds
            ],
        )

        first = w.ids("attendance_reasons", len(data.ATTENDANCE_REASONS))
        self.reason_id = {code: first + i for i, (code, *_rest) in enumerate(data.ATTENDANCE_REASONS)}
        w.insert(
            "attendance_reasons",
            [
                {
                    "id": self.reason_id[code],
                    "school_id": self.school_id,
                    "code": code,
                    "name": name,
                    "is_excused": excused,
                }
                for code, name, excused in data.ATTENDANCE_REASONS
            ],
        )

        first = w.ids("subjects", len(data.SUBJECTS))
        self.subject_id = {key: first + i for i, key in enumerate(data.SUBJECTS)}
        w.insert(
            "subjects",
            [
                {
                    "id": self.subject_id[key],
                    "school_id": self.school_id,
                    "name": kazakh.SUBJECTS[key][0] if self.kz else name,
                    "short_name": kazakh.SUBJECTS[key][1] if self.kz else short,
                    "is_physical_education": pe,
                    "is_pass_fail": False,
                }
                for key, (name, short, pe) in data.SUBJECTS.items()
            ],
        )

    def _classes(self) -> None:
        w, tpl = self.w, self.tpl
        first = w.ids("school_classes", len(tpl.classes))
        self.class_id = {c.idx: first + c.idx for c in tpl.classes}
        w.insert(
            "school_classes",
            [
                {
                    "id": self.class_id[c.idx],
                    "school_id": self.school_id,
                    "year_id": self.year_id,
                    "grade": c.grade,
                    "letter": c.letter,
                    "class_teacher_id": self.teacher_staff[c.teacher] if c.teacher is not None else None,
                    "period_scheme": self._scheme(c),
                    "shift": 1,
                    "room": tpl.teachers[c.teacher].room if c.teacher is not None else None,
                }
                for c in tpl.classes
            ],
        )

    def _scheme(self, c) -> str:
        """A class's periods: quarters in every grade of a Kazakh school, the template's otherwise."""
        return "quarter" if self.kz else c.scheme

    # students and families ----------------------------------------------------------------------------
    def _students(self) -> None:
        w, tpl, p = self.w, self.tpl, self.people
        r = p.rng
        start = self.start
        self.students: list[dict] = []
        self.guardians: list[dict] = []
        self.links: list[tuple] = []
        self.enrollments: list[dict] = []
        self.members: dict[int, list[list]] = defaultdict(list)  # class idx -> [student id, from, to]
        self.student_of: dict[int, dict] = {}
        self._next_student = w.ids("students", 0)
        self._next_guardian = w.ids("guardians", 0)
        self._next_enrollment = w.ids("enrollments", 0)
        self._file_no = 0

        def new_family(force_mother: bool = False) -> dict:
            surname = p.surname()
            father = p.father()
            fam = {"surname": surname, "father": father, "address": p.address(), "guardians": [], "grades": set()}
            has_mother = force_mother or r.random() < 0.92
            has_father = r.random() < 0.6 or not has_mother
            if has_mother:
                own = p.surname() if r.random() < 0.08 else surname
                _l, first, middle = p.adult("f", own)
                fam["guardians"].append((self._guardian(feminine_surname(own), first, middle), "mother"))
            if has_father:
                _l, _f, middle = p.adult("m", surname)
                fam["guardians"].append((self._guardian(surname, father[0], middle), "father"))
            return fam

        pool: list[dict] = []
        demo_family = None
        class_2a = next(c.idx for c in tpl.classes if c.grade == 2)
        self.demo_children: list[int] = []
        for c in tpl.classes:
            for seat in range(self.scale.students_per_class):
                fam = None
                if self.demo and c.idx == class_2a and seat == 0:
                    fam = demo_family = new_family(force_mother=True)
                elif self.demo and c.idx == tpl.class_5a and seat == 0 and demo_family is not None:
                    fam = demo_family
                elif pool and r.random() < 0.1:
                    i = r.randrange(len(pool))
                    if c.grade not in pool[i]["grades"]:
                        fam = pool.pop(i)
                if fam is None:
                    fam = new_family()
                    if r.random() < 0.5:
                        pool.append(fam)
                sid = self._child(fam, c, start, "admission" if c.grade == 1 else "promotion")
                if fam is demo_family:
                    self.demo_children.append(sid)
        # demo_children: [child in 2А, child in 5А]
        self.demo_student = self.demo_children[-1] if self.demo else None
        self.demo_guardian = demo_family["guardians"][0][0] if self.demo else None
        self._movements(new_family)

        w.rows("guardians", tuple(self.guardians[0]), [tuple(g.values()) for g in self.guardians])
        w.rows("students", tuple(self.students[0]), [tuple(s.values()) for s in self.students])
        w.rows("student_guardians", ("student_id", "guardian_id", "relation", "is_legal_representative"), self.links)
        columns = (
            "id",
            "student_id",
            "class_id",
            "starts_on",
            "ends_on",
            "reason_in",
            "order_in",
            "reason_out",
            "order_out",
            "note",
        )
        w.rows("enrollments", columns, [tuple(e.get(k) for k in columns) for e in self.enrollments])
        w.ids("students", self._next_student - w.ids("students", 0))
        w.ids("guardians", self._next_guardian - w.ids("guardians", 0))
        w.ids("enrollments", self._next_enrollment - w.ids("enrollments", 0))

    def _guardian(self, last: str, first: str, middle: str) -> int:
        p, r = self.people, self.people.rng
        gid = self._next_guardian
        self._next_guardian += 1
        self.guardians.append(
            {
                "id": gid,
                "school_id": self.school_id,
                "last_name": last,
                "first_name": first,
                "middle_name": middle,
                "phone": p.phone(),
                "email": p.email(last, first) if r.random() < 0.4 else None,
                "workplace": r.choice(WORKPLACES) if r.random() < 0.7 else None,
            }
        )
        return gid

    def _child(
        self, fam: dict, c, starts_on: dt.date, reason_in: str, order: str | None = None, note: str | None = None
    ) -> int:
        p, r = self.people, self.people.rng
        sex = r.choice("mf")
        father = fam["father"]
        sid = self._next_student
        self._next_student += 1
        self._file_no += 1
        last = surname_for(fam["surname"], sex)
        first = p.child_first(sex)
        born_from = dt.date(self.start.year - 6 - c.grade, 3, 1)
        birth = born_from + dt.timedelta(days=r.randrange(365))
        x = r.random()
        group = "preparatory" if x < 0.04 else "special" if x < 0.055 else "main"
        self.students.append(
            {
                "id": sid,
                "school_id": self.school_id,
                "last_name": last,
                "first_name": first,
                "middle_name": father[1] if sex == "m" else father[2],
                "birth_date": birth,
                "sex": sex,
                "personal_file_no": f"{last[0]}-{self._file_no:04d}",
                "medical_group": group,
                "address": fam["address"],
                "iin": kazakh.iin(birth, sex, sid) if self.kz else None,
            }
        )
        for gid, relation in fam["guardians"]:
            self.links.append((sid, gid, relation, True))
        fam["grades"].add(c.grade)
        if order is None:
            order = (
                _order(112, starts_on - dt.timedelta(days=4))
                if reason_in == "admission"
                else _order(98, dt.date(starts_on.year, 5, 30), "о")
            )
        enrollment = {
            "id": self._next_enrollment,
            "student_id": sid,
            "class_id": self.class_id[c.idx],
            "starts_on": starts_on,
            "ends_on": None,
            "reason_in": reason_in,
            "order_in": order,
            "reason_out": None,
            "order_out": None,
            "note": note,
        }
        self._next_enrollment += 1
        self.enrollments.append(enrollment)
        self.student_of[sid] = {"last": last, "first": first, "enrollment": enrollment}
        self.members[c.idx].append([sid, starts_on, None])
        return sid

    def _movements(self, new_family) -> None:
        """A transfer between parallel classes, a withdrawal and a mid-quarter admission."""
        tpl, days = self.tpl, self.cal.movement_days
        later = [d for d in days if d > self.start] or [self.start + dt.timedelta(days=1)]
        protected = set(self.demo_children)
        by_grade = defaultdict(list)
        for c in tpl.classes:
            by_grade[c.grade].append(c)

        def pick(cls_idx: int, from_end: bool) -> list | None:
            seats = [m for m in self.members[cls_idx] if m[0] not in protected and m[2] is None]
            return (seats[-1] if from_end else seats[min(2, len(seats) - 1)]) if seats else None

        # Transfer 6А → 6Б in the middle of the quarter.
        if len(by_grade[6]) >= 2:
            src, dst = by_grade[6][0], by_grade[6][1]
            seat = pick(src.idx, from_end=False)
            if seat:
                day = later[len(later) // 2]
                order = _order(141, day - dt.timedelta(days=2))
                old = self.student_of[seat[0]]["enrollment"]
                old.update(
                    ends_on=day - dt.timedelta(days=1),
                    reason_out="transfer",
                    order_out=order,
                    note=f"Переведён(а) в {dst.name} по заявлению родителей",
                )
                seat[2] = day - dt.timedelta(days=1)
                enrollment = {
                    "id": self._next_enrollment,
                    "student_id": seat[0],
                    "class_id": self.class_id[dst.idx],
                    "starts_on": day,
                    "ends_on": None,
                    "reason_in": "transfer",
                    "order_in": order,
                    "reason_out": None,
                    "order_out": None,
                    "note": f"Переведён(а) из {src.name}",
                }
                self._next_enrollment += 1
                self.enrollments.append(enrollment)
                self.members[dst.idx].append([seat[0], day, None])
        # Withdrawal from 9А: moved to another town.
        seat = pick(by_grade[9][0].idx, from_end=True)
        if seat:
            day = later[len(later) // 3]
            old = self.student_of[seat[0]]["enrollment"]
            old.update(
                ends_on=day,
                reason_out="withdrawal",
                order_out=_order(133, day),
                note="Выбыл(а) в МБОУ «СОШ № 5» г. Северска в связи со сменой места жительства",
            )
            seat[2] = day
        # Admission to 3А during the quarter.
        day = later[len(later) // 4]
        self._child(
            new_family(),
            by_grade[3][0],
            day,
            "admission",
            order=_order(127, day - dt.timedelta(days=1)),
            note="Прибыл(а) из МАОУ «Гимназия № 2» г. Томска",
        )

    def _subgroups(self) -> None:
        w, tpl = self.w, self.tpl
        self.group_members: dict[tuple[int, str, int], list[list]] = {}
        self.subgroup_id: dict[tuple[int, str, int], int] = {}
        rows, members = [], []
        next_member = w.ids("subgroup_members", 0)
        for c in tpl.classes:
            for subject in sorted(data.SPLIT_FROM, key=list(data.SUBJECTS).index):
                if subject not in data.HOURS[c.grade] or c.grade < data.SPLIT_FROM[subject]:
                    continue
                groups = {1: [], 2: []}
                for g in (1, 2):
                    key = (c.idx, subject, g)
                    self.subgroup_id[key] = w.ids("subgroups")
                    rows.append(
                        {
                            "id": self.subgroup_id[key],
                            "class_id": self.class_id[c.idx],
                            "subject_id": self.subject_id[subject],
                            "name": f"{g}-топ" if self.kz else f"{g} группа",
                        }
                    )
                initial = sorted(
                    (m for m in self.members[c.idx] if m[1] == self.start),
                    key=lambda m: (self.student_of[m[0]]["last"], self.student_of[m[0]]["first"]),
                )
                half = (len(initial) + 1) // 2
                for i, m in enumerate(initial):
                    groups[1 if i < half else 2].append(list(m))
                for m in sorted((m for m in self.members[c.idx] if m[1] != self.start), key=lambda m: m[1]):
                    groups[1 if len(groups[1]) <= len(groups[2]) else 2].append(list(m))
                for g in (1, 2):
                    key = (c.idx, subject, g)
                    self.group_members[key] = groups[g]
                    for sid, since, until in groups[g]:
                        members.append((next_member, self.subgroup_id[key], sid, since, until))
                        next_member += 1
        w.insert("subgroups", rows)
        w.rows("subgroup_members", ("id", "subgroup_id", "student_id", "starts_on", "ends_on"), members)
        w.ids("subgroup_members", len(members))

    # curriculum, load, plans --------------------------------------------------------------------------
    def _curriculum(self) -> None:
        w, tpl = self.w, self.tpl
        items = []
        first = w.ids("curriculum_items", sum(len(h) for h in data.HOURS.values()))
        for grade, hours in data.HOURS.items():
            for subject, h in hours.items():
                items.append(
                    {
                        "id": first + len(items),
                        "year_id": self.year_id,
                        "grade": grade,
                        "subject_id": self.subject_id[subject],
                        "hours_per_week": Decimal(h),
                        "weeks": data.weeks_in_year(grade),
                    }
                )
        w.insert("curriculum_items", items)

        first = w.ids("teaching_assignments", len(tpl.assignments))
        self.assignment_id = [first + a.idx for a in tpl.assignments]
        w.insert(
            "teaching_assignments",
            [
                {
                    "id": self.assignment_id[a.idx],
                    "year_id": self.year_id,
                    "class_id": self.class_id[a.cls],
                    "subgroup_id": self.subgroup_id[(a.cls, a.subject, a.group)] if a.group else None,
                    "subject_id": self.subject_id[a.subject],
                    "teacher_id": self.teacher_staff[a.teacher],
                    "hours_per_week": Decimal(a.hours),
                }
                for a in tpl.assignments
            ],
        )

        rows = []
        self.plan_first: list[int] = []
        next_id = w.ids("plan_items", 0)
        for a in tpl.assignments:
            plan = build_plan(a.subject, tpl.classes[a.cls].grade, a.hours, self.kz)
            self.plan_first.append(next_id)
            for line in plan.lines:
                rows.append(
                    (
                        next_id,
                        self.assignment_id[a.idx],
                        line.position,
                        line.section,
                        line.topic,
                        line.hours,
                        self.kind_id[line.kind],
                    )
                )
                next_id += 1
        w.rows("plan_items", ("id", "assignment_id", "position", "section", "topic", "hours", "work_kind_id"), rows)
        w.ids("plan_items", len(rows))

    # accounts (first school only) ---------------------------------------------------------------------
    def _accounts(self) -> None:
        w, tpl = self.w, self.tpl
        person = {
            "operator": ("staff_id", self.admin_staff["operator"]),
            "director": ("staff_id", self.admin_staff["director"]),
            "coordinator": ("staff_id", self.admin_staff["coordinator"]),
            "secretary": ("staff_id", self.admin_staff["secretary"]),
            "teacher": ("staff_id", self.teacher_staff[tpl.teacher_account]),
            "classteacher": ("staff_id", self.teacher_staff[tpl.classteacher_account]),
            "parent": ("guardian_id", self.demo_guardian),
            "student": ("student_id", self.demo_student),
        }
        accounts = kazakh.ACCOUNTS if self.kz else DEMO_ACCOUNTS
        first = w.ids("users", len(accounts))
        users, roles = [], []
        for i, (login, role_names, _about) in enumerate(accounts):
            who = login.removeprefix("kz-")
            column, pid = person[who]
            uid = first + i
            self.users[who] = uid
            if column == "staff_id":
                self.user_of_staff[pid] = uid
            users.append(
                {
                    "id": uid,
                    "school_id": self.school_id,
                    "login": login,
                    "password_hash": self.password_hash,
                    "staff_id": None,
                    "student_id": None,
                    "guardian_id": None,
                    column: pid,
                    "locale": "kk" if self.kz else "ru",
                    "session_token": secrets.token_hex(32),
                }
            )
            roles += [{"user_id": uid, "role": role} for role in role_names]
        w.insert("users", users)
        w.insert("user_roles", roles)
        accepted = _at(self.start - dt.timedelta(days=3), 19, 20)
        version = CONSENT_TEXTS["KZ"][0] if self.kz else "2026-08"
        consents = [
            {"user_id": self.users["parent"], "student_id": child, "text_version": version, "accepted_at": accepted}
            for child in self.demo_children
        ]
        consents.append(
            {
                "user_id": self.users["student"],
                "student_id": self.demo_student,
                "text_version": version,
                "accepted_at": accepted + dt.timedelta(minutes=12),
            }
        )
        first = w.ids("consents", len(consents))
        for i, row in enumerate(consents):
            row["id"] = first + i
        w.insert("consents", consents)

    # timetable and substitution -----------------------------------------------------------------------
    def _timetable(self) -> None:
        w, tpl = self.w, self.tpl
        first = w.ids("timetable_entries", len(tpl.entries))
        self.entry_id = [first + i for i in range(len(tpl.entries))]
        w.rows(
            "timetable_entries",
            ("id", "assignment_id", "weekday", "bell_id", "room", "valid_from", "valid_to"),
            [
                (
                    self.entry_id[i],
                    self.assignment_id[a],
                    wd,
                    self.bell_id[bell],
                    tpl.teachers[tpl.assignments[a].teacher].room,
                    self.start,
                    None,
                )
                for i, (a, wd, bell) in enumerate(tpl.entries)
            ],
        )

    def _substitution(self) -> None:
        """The maths teacher of 5А is ill one day; a colleague free at that bell takes the lesson."""
        self.substitutions: dict[tuple[int, dt.date], tuple[int, int]] = {}  # (entry idx, date) -> (sub id, staff)
        if not self.demo:
            return
        tpl = self.tpl
        target = next(a.idx for a in tpl.assignments if a.cls == tpl.class_5a and a.subject == "math")
        entries = [i for i, (a, _wd, _b) in enumerate(tpl.entries) if a == target]
        busy = {(tpl.assignments[a].teacher, wd, b) for a, wd, b in tpl.entries}
        days = self.cal.lesson_days
        candidates = [
            (d, i)
            for d in days[len(days) // 3 :] + days[: len(days) // 3]
            for i in entries
            if tpl.entries[i][1] == d.isoweekday()
        ]
        if not candidates:
            return
        day, entry = candidates[0]
        _a, wd, bell = tpl.entries[entry]
        absent = tpl.assignments[target].teacher
        colleagues = sorted(
            (t for t in tpl.teachers if t.idx != absent and (t.idx, wd, bell) not in busy),
            key=lambda t: (t.specialty != tpl.teachers[absent].specialty, t.specialty == "primary", t.idx),
        )
        if not colleagues:
            return
        substitute = self.teacher_staff[colleagues[0].idx]
        sub_id = self.w.ids("substitutions")
        self.w.insert(
            "substitutions",
            [
                {
                    "id": sub_id,
                    "entry_id": self.entry_id[entry],
                    "date": day,
                    "absent_teacher_id": self.teacher_staff[absent],
                    "substitute_id": substitute,
                    "reason": "Еңбекке жарамсыздық парағы" if self.kz else "Больничный лист",
                    "created_by_id": self.users.get("operator"),
                    "created_at": _at(day - dt.timedelta(days=1), 17, 40),
                }
            ],
        )
        self.substitutions[(entry, day)] = (sub_id, substitute)

    # the journal ------------------------------------------------------------------------------------
    def _journal(self) -> None:
        w, tpl, r, cal = self.w, self.tpl, self.rng, self.cal
        days = cal.lesson_days
        if not days:
            return
        false = w.convert(False)
        control_kinds = data.CONTROL_KINDS
        reason_id = self.reason_id
        kind_homework, kind_oral = self.kind_id["homework"], self.kind_id["oral"]
        ts = w.ts

        # Students: ability → cumulative chances of 2/3/4 per aptitude group; whole-day absences.
        cdfs: dict[int, tuple] = {}
        absent_days: dict[int, dict[dt.date, str]] = {}
        for s in self.students:
            ability = min(max(r.gauss(0.58, 0.2), 0.02), 0.98)
            bent = r.gauss(0, 0.12)
            cdfs[s["id"]] = (
                _value_cdf(ability),
                _value_cdf(ability + bent),
                _value_cdf(ability - bent),
                _value_cdf(ability + 0.3),
            )
            absent_days[s["id"]] = self._absences(days)
        unconfirmed_from = days[-5] if len(days) > 5 else days[0]

        # Static facts per assignment.
        late_prob = {t.idx: (CARELESS if r.random() < 0.12 else 0.02) for t in tpl.teachers}
        info = []
        for a in tpl.assignments:
            c = tpl.classes[a.cls]
            teacher_staff = self.teacher_staff[a.teacher]
            class_teacher_user = (
                self.user_of_staff.get(self.teacher_staff[c.teacher]) if c.teacher is not None else None
            )
            info.append(
                (
                    a,
                    c.grade,
                    build_plan(a.subject, c.grade, a.hours, self.kz),
                    self.plan_first[a.idx],
                    self.assignment_id[a.idx],
                    teacher_staff,
                    data.APTITUDE.get(a.subject, 0),
                    kazakh.HOMEWORK if self.kz and data.HOMEWORK.get(a.subject) else data.HOMEWORK.get(a.subject),
                    late_prob[a.teacher],
                    class_teacher_user,
                    (a.cls, a.subject, a.group) if a.group else (a.cls,),
                )
            )
        rosters_all = {(c.idx,): self.members[c.idx] for c in tpl.classes}
        rosters_all.update(self.group_members)
        by_weekday: dict[int, list] = defaultdict(list)
        for i, (a, wd, bell) in enumerate(tpl.entries):
            by_weekday[wd].append((bell, a, i))
        for wd in by_weekday:
            by_weekday[wd].sort()

        counters = [0] * len(tpl.assignments)
        lessons, marks, attendance = [], [], []
        # For the period marks of the ended terms: (assignment idx, student) → (date, value, weight, control).
        collect = bool(cal.ended_terms)
        collected: dict[tuple[int, int], list] = defaultdict(list)
        weight_of = {self.kind_id[code]: (Decimal(weight), control) for code, _n, weight, control in data.WORK_KINDS}
        criteria_of = {self.kind_id[code]: crit for code, _n, _w, _c, crit in kazakh.WORK_KINDS} if self.kz else {}
        for kid in criteria_of:
            weight_of[kid] = (Decimal(1), True)
        quarters = [p for p in cal.periods if p.scheme == "quarter"]
        soch_given: set[tuple[int, int]] = set()  # (assignment idx, quarter): one СОЧ a quarter, in its last weeks
        lesson_id = w.ids("lessons", 0)
        mark_id = w.ids("marks", 0)
        att_id = w.ids("attendance", 0)
        first_lesson, first_mark, first_att = lesson_id, mark_id, att_id

        def flush():
            w.rows("lessons", LESSON_COLUMNS, lessons, formatted=True)
            w.rows("marks", MARK_COLUMNS, marks, formatted=True)
            w.rows("attendance", ATTENDANCE_COLUMNS, attendance, formatted=True)
            lessons.clear()
            marks.clear()
            attendance.clear()

        for day in days:
            grade1_off = day in cal.grade1_break
            roster_cache: dict[tuple, list[int]] = {}
            absent_cache: dict[int, dict[int, str]] = {}
            friday = day + dt.timedelta(days=4 - day.weekday())
            confirm_ts = ts(_at(friday, 17, 0))
            base_ts_dt = _at(day, 15, 0)
            base_ts = ts(base_ts_dt)
            fresh = day >= unconfirmed_from
            for bell, a_idx, entry_idx in by_weekday.get(day.isoweekday(), ()):
                (
                    a,
                    grade,
                    plan,
                    plan_first,
                    assignment_id,
                    teacher,
                    aptitude,
                    homework_patterns,
                    late,
                    ct_user,
                    roster_key,
                ) = info[a_idx]
                if grade == 1 and grade1_off:
                    continue
                k = counters[a_idx]
                counters[a_idx] = k + 1
                line, topic, kind = plan.lesson(k)
                max_points, control = None, kind in control_kinds
                if self.kz and control:  # a Kazakh school's control work is a СОР or the СОЧ
                    kind, max_points = "sor", r.choice(kazakh.SOR_MAX)
                    quarter = next((q for q in quarters if q.starts_on <= day <= q.ends_on), None)
                    if (
                        quarter
                        and (day + dt.timedelta(days=21) > quarter.ends_on)
                        and (a_idx, quarter.number) not in soch_given
                    ):
                        soch_given.add((a_idx, quarter.number))
                        kind, max_points = "soch", kazakh.SOCH_MAX
                kind_id = self.kind_id[kind]
                taught_by, substitution = teacher, None
                sub = self.substitutions.get((entry_idx, day))
                if sub:
                    substitution, taught_by = sub
                author = self.user_of_staff.get(taught_by)
                if r.random() < late:
                    recorded_dt = base_ts_dt + dt.timedelta(days=r.randint(1, 5), hours=r.randint(1, 5))
                    recorded = ts(recorded_dt)
                else:
                    recorded_dt, recorded = base_ts_dt, base_ts
                homework = None
                if (
                    grade > 1
                    and homework_patterns
                    and not (a.subject in data.RARE_HOMEWORK and r.random() < 0.8)
                    and not (control and r.random() < 0.5)
                ):
                    n = 10 + 4 * k + r.randint(0, 3)
                    homework = r.choice(homework_patterns).format(
                        p=1 + k // 2, n=n, n2=n + 2, n3=n + 4, a=6 + 3 * k, b=9 + 3 * k + r.randint(0, 3)
                    )
                first_att_of_lesson = att_id
                # Who is there: enrolled (and in the subgroup) on this date, minus the absent.
                roster = roster_cache.get(roster_key)
                if roster is None:
                    roster = [m[0] for m in rosters_all[roster_key] if m[1] <= day and (m[2] is None or day <= m[2])]
                    roster_cache[roster_key] = roster
                cls = a.cls
                day_absent = absent_cache.get(cls)
                if day_absent is None:
                    day_absent = {}
                    for m in rosters_all[(cls,)]:
                        why = absent_days[m[0]].get(day)
                        if why:
                            day_absent[m[0]] = why
                    absent_cache[cls] = day_absent
                present = []
                for sid in roster:
                    why = day_absent.get(sid)
                    if why is None:
                        present.append(sid)
                        continue
                    rid = None if fresh and r.random() < 0.5 else reason_id[why]
                    attendance.append(
                        (
                            att_id,
                            lesson_id,
                            sid,
                            "absent",
                            None,
                            rid,
                            author,
                            recorded,
                            ct_user if rid and ct_user else None,
                            confirm_ts if rid and ct_user else None,
                            1,
                        )
                    )
                    att_id += 1
                n = len(present)
                x = r.random()
                if n and x < n * 0.004:  # skipped one lesson
                    sid = present.pop(r.randrange(n))
                    rid = reason_id["unexcused" if r.random() < 0.6 else "excused"]
                    attendance.append(
                        (
                            att_id,
                            lesson_id,
                            sid,
                            "absent",
                            None,
                            rid,
                            author,
                            recorded,
                            ct_user,
                            confirm_ts if ct_user else None,
                            1,
                        )
                    )
                    att_id += 1
                elif n and x < n * 0.012:  # came late
                    sid = present[r.randrange(n)]
                    attendance.append(
                        (att_id, lesson_id, sid, "late", r.randint(2, 15), None, author, recorded, None, None, 1)
                    )
                    att_id += 1

                # Attendance taken: at every lesson with an absence; a careless teacher (often late with topics)
                # forgot it at some lessons of the last week where everyone was there, which the control shows.
                taken = att_id > first_att_of_lesson or not (late >= CARELESS and fresh and bell % 2 == 0)
                lessons.append(
                    (
                        lesson_id,
                        assignment_id,
                        w.date(day),
                        self.bell_id[bell],
                        topic,
                        kind_id,
                        homework,
                        plan_first + line,
                        max_points,
                        taught_by,
                        substitution,
                        false,
                        recorded,
                        recorded if homework else None,
                        recorded if taken else None,
                        author if taken else None,
                        1,
                    )
                )

                # Marks: none in the first grade (R5); everybody present for control works.
                if grade > 1 and present:
                    if control:
                        delay = r.choice((0, 0, 1, 1, 2, 3))
                        created_dt = max(recorded_dt, _at(day + dt.timedelta(days=delay), 16, 30))
                        created = ts(created_dt)
                        chosen = present
                        override = None
                    else:
                        created = recorded
                        want = round(r.uniform(2, 4) * len(present) / 25) or (1 if r.random() < 0.5 else 0)
                        chosen = r.sample(present, min(want, len(present)))
                        override = True
                    for sid in chosen:
                        c2, c3, c4 = cdfs[sid][aptitude]
                        y = r.random()
                        value = 2 if y < c2 else 3 if y < c3 else 4 if y < c4 else 5
                        wk = None
                        if override:
                            z = r.random()
                            wk = kind_homework if z < 0.3 else kind_oral if z < 0.5 else None
                        comment = r.choice(data.MARK_COMMENTS) if r.random() < 0.03 else None
                        pts = out_of = None
                        if self.kz:  # points: ФО out of 10, СОР and СОЧ out of the lesson's maximum
                            out_of = max_points or int(FORMATIVE_SCALE)
                            value, pts = None, kazakh.points(value, out_of, r)
                        marks.append(
                            (mark_id, lesson_id, sid, 1, value, pts, out_of, wk, comment, author, created, created, 1)
                        )
                        if collect:
                            kid = wk or kind_id
                            collected[(a_idx, sid)].append(
                                (day, value, *weight_of[kid], pts, out_of, criteria_of.get(kid))
                            )
                        mark_id += 1
                lesson_id += 1
            if len(marks) >= FLUSH_MARKS:
                flush()
        flush()
        w.ids("lessons", lesson_id - first_lesson)
        w.ids("marks", mark_id - first_mark)
        w.ids("attendance", att_id - first_att)
        if collect:
            self._period_marks(collected, info, rosters_all, cdfs)

    def _period_marks(self, collected: dict, info: list, rosters_all: dict, cdfs: dict) -> None:
        """The marks of the ended terms as their teachers set them: the proposal of the school's scheme with
        the default settings (models.finals.proposals.propose_period), on the last day of the term; without any
        mark of the student in the term (a subject of one hour a week), a mark by their ability, with a reason."""
        from models.finals.proposals import propose_period, rules_for
        from models.grading import MarkInput
        from models.school.settings import SETTINGS

        w, tpl = self.w, self.tpl
        rules = rules_for({d.key: d.default for d in SETTINGS})
        grading = "criteria" if self.kz else "five_point"
        rows = []
        pm_id = first = w.ids("period_marks", 0)
        r = random.Random(f"period-marks-{self.number}")
        for a, grade, *_plan, assignment_id, teacher, aptitude, _hw, _late, _ct, roster_key in info:
            scheme = self._scheme(tpl.classes[a.cls])
            if grade <= 1:
                continue
            author = self.user_of_staff.get(teacher)
            for term in self.cal.ended_terms:
                if term.scheme != scheme:
                    continue
                on = term.ends_on
                for sid in (m[0] for m in rosters_all[roster_key] if m[1] <= on and (m[2] is None or on <= m[2])):
                    inputs = [
                        MarkInput(
                            value=v,
                            points=None if pts is None else Decimal(pts),
                            max_points=None if out_of is None else Decimal(out_of),
                            weight=weight,
                            is_control=control,
                            criteria_kind=crit,
                        )
                        for day, v, weight, control, pts, out_of, crit in collected.get((a.idx, sid), ())
                        if term.starts_on <= day <= on
                    ]
                    proposal = propose_period(grading, inputs, rules, pass_fail=False)
                    value, reason = proposal.value, None
                    if value is None:
                        _c2, c3, c4 = cdfs[sid][aptitude]
                        y = r.random()
                        value, reason = (3 if y < c3 else 4 if y < c4 else 5), NO_MARKS_REASON
                    rows.append(
                        (
                            pm_id,
                            sid,
                            self.subject_id[a.subject],
                            assignment_id,
                            self.period_id[(term.scheme, term.number)],
                            "period",
                            value,
                            None,
                            proposal.average,
                            proposal.percent,
                            proposal.value,
                            reason,
                            author,
                            _at(on, 16, 0),
                            1,
                        )
                    )
                    pm_id += 1
        w.rows("period_marks", PERIOD_MARK_COLUMNS, rows)
        w.ids("period_marks", pm_id - first)

    def _absences(self, days: list[dt.date]) -> dict[dt.date, str]:
        """Whole days a student misses: illnesses of a few days and rare family reasons."""
        r = self.rng
        out: dict[dt.date, str] = {}
        gap = 100 * r.uniform(0.5, 2.0)
        i = int(r.expovariate(1 / gap))
        while i < len(days):
            length = r.randint(2, 6) if r.random() < 0.85 else r.randint(7, 10)
            for d in days[i : i + length]:
                out[d] = "illness"
            i += length + 1 + int(r.expovariate(1 / gap))
        j = int(r.expovariate(1 / 150))
        while j < len(days):
            out.setdefault(days[j], "family")
            j += 1 + int(r.expovariate(1 / 150))
        return out

    # achievements, announcements, messages ----------------------------------------------------------
    def _extras(self) -> None:
        w, tpl, r = self.w, self.tpl, self.people.rng
        days = self.cal.lesson_days or [self.start]
        grade_of = {}
        for c in tpl.classes:
            for sid, _since, _until in self.members[c.idx]:
                grade_of[sid] = c.grade
        olympiad = {
            "math": "математике",
            "rus": "русскому языку",
            "eng": "английскому языку",
            "bio": "биологии",
            "hist": "истории",
            "phys": "физике",
            "inf": "информатике",
            "geo": "географии",
            "lit": "литературе",
            "soc": "обществознанию",
            "chem": "химии",
            "alg": "математике",
        }
        others = [
            ("contest", "Всероссийский конкурс юных чтецов «Живая классика»", "municipal", None),
            ("competition", "Муниципальные соревнования по лёгкой атлетике «Осенний кросс»", "municipal", "pe"),
            ("conference", "Школьная научно-практическая конференция «Шаг в будущее»", "school", None),
            ("festival", "Фестиваль Всероссийского физкультурно-спортивного комплекса «ГТО»", "municipal", "pe"),
            ("contest", "Региональный конкурс экологических проектов «Зелёная планета»", "regional", "bio"),
        ]
        rows = []
        students = sorted(s for s, g in grade_of.items() if g >= 4)
        for sid in r.sample(students, min(len(students), max(3, len(grade_of) // 40))):
            grade = grade_of[sid]
            if r.random() < 0.6:
                subject = r.choice(sorted(s for s in olympiad if s in data.HOURS[grade]))
                title = f"Школьный этап всероссийской олимпиады школьников по {olympiad[subject]}"
                kind, level = "olympiad", "school"
            else:
                kind, title, level, subject = r.choice(others)
                if subject and subject not in data.HOURS[grade]:
                    subject = None
            result = "winner" if r.random() < 0.15 else "prize_winner" if r.random() < 0.35 else "participant"
            rows.append((sid, subject, title, kind, level, result, r.choice(days)))
        if self.demo:
            rows.append(
                (
                    self.demo_student,
                    "math",
                    "Школьный этап всероссийской олимпиады школьников по математике",
                    "olympiad",
                    "school",
                    "prize_winner",
                    days[len(days) // 2],
                )
            )
        first = w.ids("achievements", len(rows))
        w.insert(
            "achievements",
            [
                {
                    "id": first + i,
                    "student_id": sid,
                    "year_id": self.year_id,
                    "subject_id": self.subject_id[subject] if subject else None,
                    "title": title,
                    "kind": kind,
                    "level": level,
                    "result": result,
                    "date": day,
                }
                for i, (sid, subject, title, kind, level, result, day) in enumerate(rows)
            ],
        )
        if not self.demo:
            return

        u = self.users
        meeting = self.start + dt.timedelta(days=(3 - self.start.weekday()) % 7 + 14)  # third Thursday or so
        teacher = self.staff_rows[self.teacher_staff[tpl.classteacher_account]]
        mother = next(g for g in self.guardians if g["id"] == self.demo_guardian)
        child = next(s for s in self.students if s["id"] == self.demo_student)
        kz = kazakh.texts(meeting, mother, child, teacher) if self.kz else {}  # what the Kazakh school wrote
        first = w.ids("announcements", 2)
        w.insert(
            "announcements",
            [
                {
                    "id": first,
                    "school_id": self.school_id,
                    "class_id": None,
                    "audience": "parents",
                    "title": kz.get("meeting_title", "Общешкольное родительское собрание"),
                    "body": kz.get("meeting_body")
                    or f"Уважаемые родители! {meeting:%d.%m.%Y} в 18:00 в актовом зале состоится общешкольное "
                    "родительское собрание. Повестка: организация учебного года, электронный дневник, "
                    "горячее питание, безопасность детей по дороге в школу.",
                    "author_id": u["director"],
                    "published_at": _at(self.start, 9, 0),
                },
                {
                    "id": first + 1,
                    "school_id": self.school_id,
                    "class_id": self.class_id[tpl.class_5a],
                    "audience": "all",
                    "title": kz.get("trip_title", "Экскурсия в краеведческий музей"),
                    "body": kz.get("trip_body")
                    or "В субботу класс едет на экскурсию в краеведческий музей. Сбор у школы в 9:30, "
                    "возвращение к 14:00. Просим до четверга сообщить классному руководителю, поедет ли ребёнок.",
                    "author_id": u["classteacher"],
                    "published_at": _at(days[min(3, len(days) - 1)], 16, 10),
                },
            ],
        )

        sent = _at(days[-1], 17, 30)
        reply = sent + dt.timedelta(hours=25, minutes=40)
        conv = w.ids("conversations")
        w.insert(
            "conversations",
            [
                {
                    "id": conv,
                    "school_id": self.school_id,
                    "subject": kz.get("subject", "Успеваемость по математике"),
                    "student_id": self.demo_student,
                    "created_by_id": u["classteacher"],
                    "created_at": sent,
                    "last_message_at": reply,
                }
            ],
        )
        w.insert(
            "conversation_participants",
            [
                {"conversation_id": conv, "user_id": u["classteacher"], "last_read_at": sent},
                {"conversation_id": conv, "user_id": u["parent"], "last_read_at": reply},
            ],
        )
        first = w.ids("messages", 2)
        w.insert(
            "messages",
            [
                {
                    "id": first,
                    "conversation_id": conv,
                    "author_id": u["classteacher"],
                    "sent_at": sent,
                    "body": kz.get("message")
                    or f"Здравствуйте, {mother['first_name']} {mother['middle_name']}! {child['first_name']} в последнее "
                    "время получает невысокие отметки по математике и не всегда выполняет домашние задания. "
                    "Предлагаю обсудить, как мы можем помочь. Я в школе по вторникам и четвергам после 14:00.",
                },
                {
                    "id": first + 1,
                    "conversation_id": conv,
                    "author_id": u["parent"],
                    "sent_at": reply,
                    "body": kz.get("reply")
                    or f"Здравствуйте, {teacher['first_name']} {teacher['middle_name']}! Спасибо, что сообщили. "
                    "Мы проверим домашние задания, а в четверг я подойду к вам после уроков.",
                },
            ],
        )
        math_5a = next(a.idx for a in tpl.assignments if a.cls == tpl.class_5a and a.subject == "math")
        remark = w.ids("remarks")
        w.insert(
            "remarks",
            [
                {
                    "id": remark,
                    "school_id": self.school_id,
                    "teacher_id": self.teacher_staff[tpl.teacher_account],
                    "assignment_id": self.assignment_id[math_5a],
                    "author_id": u["coordinator"],
                    "text": kz.get("remark")
                    or "Отметки за контрольную работу в 5А выставлены позже установленного срока (3 дня). "
                    "Прошу соблюдать сроки и записывать домашнее задание в день урока.",
                    "created_at": _at(days[-1], 16, 0),
                    "due_on": days[-1] + dt.timedelta(days=7),
                }
            ],
        )
