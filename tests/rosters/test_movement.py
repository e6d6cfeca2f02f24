"""Student movement (R9): admission, transfer, withdrawal keep the whole history and refuse bad dates,
double enrollment, classes of another year or school; nothing is deleted and marks stay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Enrollment, Mark, SchoolClass, Student, Subgroup, SubgroupMember, db
from models.errors import AccessDenied, Conflict, InvalidInput, JournalError, NotFound
from models.school.movement import (
    admit,
    class_roster,
    current_enrollment,
    history,
    student_statuses,
    transfer,
    withdraw,
)

D = dt.date


def _stays(student):
    return db.session.scalars(
        select(Enrollment).where(Enrollment.student_id == student.id).order_by(Enrollment.starts_on)
    ).all()


def _new_student(world, name="Новикова"):
    s = Student(
        school_id=world.school.id,
        last_name=name,
        first_name="Нина",
        birth_date=D(2015, 5, 5),
        sex="f",
        personal_file_no=f"{name}-1",
    )
    db.session.add(s)
    db.session.flush()
    return s


# --- transfer --------------------------------------------------------------------------------------------
def test_transfer_closes_the_stay_the_day_before_and_opens_a_new_one(world, actor_of, c5b):
    new = transfer(
        actor_of("secretary"),
        world.anna.id,
        c5b.id,
        on=D(2026, 11, 16),
        order_no="№ 45-у",
        note="по заявлению родителей",
    )
    old, moved = _stays(world.anna)
    assert (old.class_id, old.starts_on, old.ends_on, old.reason_out, old.order_out) == (
        world.c5a.id,
        D(2026, 9, 1),
        D(2026, 11, 15),
        "transfer",
        "№ 45-у",
    )
    assert moved.id == new.id
    assert (moved.class_id, moved.starts_on, moved.ends_on, moved.reason_in, moved.order_in) == (
        c5b.id,
        D(2026, 11, 16),
        None,
        "transfer",
        "№ 45-у",
    )
    assert current_enrollment(world.anna.id).class_id == c5b.id
    lines = history(actor_of("secretary"), world.anna.id)
    assert [(h.class_name, h.reason_in, h.reason_out) for h in lines] == [
        ("5А", "зачисление", "перевод в другой класс"),
        ("5Б", "перевод из другого класса", None),
    ]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "enrollment")).all()
    assert actions.count("student.transfer") == 2


@pytest.mark.parametrize(
    "case,expected_error,fragment",
    [
        ("same class", InvalidInput, "уже учится в 5А"),
        ("before the current stay", InvalidInput, "позже начала пребывания"),
        ("on the first day of the stay", InvalidInput, "позже начала пребывания"),
        ("after the year", InvalidInput, "вне 2026/2027 учебного года"),
        ("before the year", InvalidInput, "вне 2026/2027 учебного года"),
        ("class of another year", InvalidInput, "того же учебного года"),
        ("class of another school", InvalidInput, "Такого класса в школе нет"),
        ("no class", InvalidInput, "Выберите класс"),
        ("no date", InvalidInput, "Укажите дату"),
        ("no order", InvalidInput, "номер приказа"),
        ("blank order", InvalidInput, "номер приказа"),
        ("long order", InvalidInput, "длиннее 40"),
        ("not enrolled", InvalidInput, "сначала оформите зачисление"),
        ("unknown student", NotFound, "не найден"),
    ],
)
def test_transfer_refuses_bad_input(world, actor_of, c5b, next_year_class, case, expected_error, fragment):
    from models import AcademicYear

    args = {"student_id": world.anna.id, "class_id": c5b.id, "on": D(2026, 11, 16), "order_no": "45"}
    if case == "same class":
        args["class_id"] = world.c5a.id
    elif case == "before the current stay":  # the current stay starts later than the date asked for
        db.session.get(Enrollment, _stays(world.anna)[0].id).starts_on = D(2026, 10, 1)
        args["on"] = D(2026, 9, 15)
    elif case == "on the first day of the stay":
        args["on"] = D(2026, 9, 1)
    elif case == "after the year":
        args["on"] = D(2027, 6, 1)
    elif case == "before the year":
        db.session.get(Enrollment, _stays(world.anna)[0].id).starts_on = D(2026, 8, 1)
        args["on"] = D(2026, 8, 20)
    elif case == "class of another year":
        args["class_id"] = next_year_class.id
        args["on"] = D(2027, 9, 2)
    elif case == "class of another school":
        other_year = AcademicYear(
            school_id=world.other_school.id, name="2026/2027", starts_on=D(2026, 9, 1), ends_on=D(2027, 5, 31)
        )
        db.session.add(other_year)
        db.session.flush()
        foreign = SchoolClass(school_id=world.other_school.id, year_id=other_year.id, grade=5, letter="А")
        db.session.add(foreign)
        db.session.flush()
        args["class_id"] = foreign.id
    elif case == "no class":
        args["class_id"] = None
    elif case == "no date":
        args["on"] = None
    elif case == "no order":
        args["order_no"] = None
    elif case == "blank order":
        args["order_no"] = "   "
    elif case == "long order":
        args["order_no"] = "1" * 41
    elif case == "not enrolled":
        args["student_id"] = _new_student(world).id
    elif case == "unknown student":
        args["student_id"] = 999_999
    db.session.flush()
    before = [(e.id, e.ends_on) for e in db.session.scalars(select(Enrollment))]
    student_id = args.pop("student_id")
    class_id = args.pop("class_id")
    with pytest.raises(expected_error) as exc:
        transfer(actor_of("secretary"), student_id, class_id, **args)
    assert fragment in exc.value.message
    assert [(e.id, e.ends_on) for e in db.session.scalars(select(Enrollment))] == before


def test_transfer_refuses_a_later_stay_that_would_overlap(world, actor_of, c5b):
    """Data that already has a stay after the transfer date (e.g. entered by an import) is not doubled."""
    stay = _stays(world.vera)[0]
    stay.ends_on, stay.reason_out, stay.order_out = D(2026, 9, 30), "transfer", "1"
    db.session.add(
        Enrollment(
            student_id=world.vera.id, class_id=c5b.id, starts_on=D(2026, 10, 1), reason_in="transfer", order_in="1"
        )
    )
    db.session.flush()
    with pytest.raises(InvalidInput, match="уже учится в 5Б"):
        transfer(actor_of("secretary"), world.vera.id, c5b.id, on=D(2026, 11, 1), order_no="2")
    with pytest.raises(Conflict, match="пересекается"):
        admit(actor_of("secretary"), world.vera.id, world.c5a.id, on=D(2026, 9, 20), order_no="3")


def test_transfer_ends_subgroup_memberships_of_the_old_class(world, actor_of, c5b, english):
    group = Subgroup(class_id=world.c5a.id, subject_id=english.id, name="1 группа")
    db.session.add(group)
    db.session.flush()
    current = SubgroupMember(subgroup_id=group.id, student_id=world.anna.id, starts_on=D(2026, 9, 1))
    planned = SubgroupMember(subgroup_id=group.id, student_id=world.anna.id, starts_on=D(2026, 12, 1))
    db.session.add_all([current, planned])
    db.session.flush()
    transfer(actor_of("secretary"), world.anna.id, c5b.id, on=D(2026, 11, 16), order_no="45")
    rows = db.session.scalars(select(SubgroupMember).where(SubgroupMember.student_id == world.anna.id)).all()
    assert [(m.starts_on, m.ends_on) for m in rows] == [(D(2026, 9, 1), D(2026, 11, 15))]


# --- admission -----------------------------------------------------------------------------------------
def test_admission_opens_a_stay(world, actor_of):
    student = _new_student(world)
    stay = admit(actor_of("secretary"), student.id, world.c5a.id, on=D(2026, 10, 5), order_no="12-у")
    assert (stay.class_id, stay.starts_on, stay.reason_in, stay.order_in, stay.ends_on) == (
        world.c5a.id,
        D(2026, 10, 5),
        "admission",
        "12-у",
        None,
    )
    assert student.id in {line.student.id for line in class_roster(actor_of("secretary"), world.c5a.id, D(2026, 10, 5))}
    assert student.id not in {
        line.student.id for line in class_roster(actor_of("secretary"), world.c5a.id, D(2026, 10, 4))
    }


@pytest.mark.parametrize(
    "case,error,fragment",
    [
        ("already enrolled", Conflict, "уже числится в 5А"),
        ("already enrolled in another class", Conflict, "Для смены класса оформите перевод"),
        ("outside the year", InvalidInput, "вне 2026/2027"),
        ("overlaps the last stay", Conflict, "пересекается"),
        ("no order", InvalidInput, "номер приказа"),
    ],
)
def test_admission_refuses_double_enrollment_and_bad_dates(world, actor_of, c5b, case, error, fragment):
    student_id, class_id, on, order = world.anna.id, world.c5a.id, D(2026, 10, 1), "7"
    if case == "already enrolled in another class":
        class_id = c5b.id
    elif case == "outside the year":
        student_id, on = _new_student(world).id, D(2027, 7, 1)
    elif case == "overlaps the last stay":
        withdraw(actor_of("secretary"), world.anna.id, on=D(2026, 10, 10), order_no="8", note="Школа № 5, Казань")
        on = D(2026, 10, 10)  # the last day of the old stay
    elif case == "no order":
        student_id, order = _new_student(world).id, ""
    count = db.session.scalar(select(func.count()).select_from(Enrollment))
    with pytest.raises(error) as exc:
        admit(actor_of("secretary"), student_id, class_id, on=on, order_no=order)
    assert fragment in exc.value.message
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == count


def test_readmission_after_withdrawal_keeps_both_stays(world, actor_of, c5b):
    withdraw(actor_of("secretary"), world.anna.id, on=D(2026, 10, 10), order_no="8", note="Школа № 5, Казань")
    admit(actor_of("secretary"), world.anna.id, c5b.id, on=D(2026, 10, 11), order_no="9")
    assert [(e.class_id, e.reason_in, e.reason_out) for e in _stays(world.anna)] == [
        (world.c5a.id, "admission", "withdrawal"),
        (c5b.id, "admission", None),
    ]


# --- withdrawal ----------------------------------------------------------------------------------------
def test_withdrawal_keeps_the_student_and_every_mark(world, actor_of):
    marks = db.session.scalar(select(func.count()).select_from(Mark).where(Mark.student_id == world.anna.id))
    assert marks == 1
    stay = withdraw(
        actor_of("secretary"), world.anna.id, on=D(2026, 10, 20), order_no="33-о", note="Выбыла в школу № 5 г. Казани"
    )
    assert (stay.ends_on, stay.reason_out, stay.order_out, stay.note) == (
        D(2026, 10, 20),
        "withdrawal",
        "33-о",
        "Выбыла в школу № 5 г. Казани",
    )
    db.session.commit()
    assert db.session.get(Student, world.anna.id) is not None
    assert db.session.scalar(select(func.count()).select_from(Mark).where(Mark.student_id == world.anna.id)) == marks
    status = student_statuses([world.anna.id, world.vera.id], D(2026, 11, 1))
    assert (status[world.anna.id].state, status[world.anna.id].class_name) == ("left", "5А")
    assert status[world.vera.id].state == "studying"
    assert current_enrollment(world.anna.id) is None
    # still in the 5А list of a day she was there; not after
    roster = lambda day: {line.student.id for line in class_roster(actor_of("secretary"), world.c5a.id, day)}  # noqa: E731
    assert world.anna.id in roster(D(2026, 10, 20)) and world.anna.id not in roster(D(2026, 10, 21))


@pytest.mark.parametrize(
    "on,note,fragment",
    [
        (D(2026, 8, 31), "Школа № 5", "вне 2026/2027"),
        (D(2027, 6, 1), "Школа № 5", "вне 2026/2027"),
        (D(2026, 10, 20), "", "куда выбыл"),
        (D(2026, 10, 20), "x" * 256, "длиннее 255"),
        (None, "Школа № 5", "Укажите дату"),
    ],
)
def test_withdrawal_refuses_bad_input(world, actor_of, on, note, fragment):
    with pytest.raises(InvalidInput) as exc:
        withdraw(actor_of("secretary"), world.anna.id, on=on, order_no="1", note=note)
    assert fragment in exc.value.message
    assert current_enrollment(world.anna.id) is not None


def test_withdrawal_before_the_stay_began_is_refused(world, actor_of, c5b):
    transfer(actor_of("secretary"), world.anna.id, c5b.id, on=D(2026, 11, 16), order_no="45")
    with pytest.raises(InvalidInput, match="раньше начала пребывания в 5Б"):
        withdraw(actor_of("secretary"), world.anna.id, on=D(2026, 11, 10), order_no="46", note="Школа № 5")


def test_withdrawing_twice_is_refused(world, actor_of):
    withdraw(actor_of("secretary"), world.anna.id, on=D(2026, 10, 20), order_no="1", note="Школа № 5")
    with pytest.raises(InvalidInput, match="не числится ни в одном классе"):
        withdraw(actor_of("secretary"), world.anna.id, on=D(2026, 10, 21), order_no="2", note="Школа № 5")


# --- who may move students -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "who,allowed",
    [
        ("secretary", True),
        ("operator", True),
        ("director", False),
        ("coordinator", False),
        ("teacher", False),
        ("classteacher", False),
        ("parent", False),
        ("student", False),
    ],
)
def test_only_the_secretary_and_the_operator_move_students(world, actor_of, c5b, who, allowed):
    def attempt():
        return transfer(actor_of(who), world.vera.id, c5b.id, on=D(2026, 11, 16), order_no="1")

    if allowed:
        assert attempt().class_id == c5b.id
    else:
        with pytest.raises(AccessDenied):
            attempt()


def test_an_operator_of_another_school_finds_nobody(world, actor_of, c5b):
    with pytest.raises(NotFound):
        transfer(actor_of("foreign_operator"), world.vera.id, c5b.id, on=D(2026, 11, 16), order_no="1")


def test_history_is_scoped(world, actor_of):
    assert history(actor_of("other_teacher"), world.anna.id) == []  # 6Б's teacher does not see anna
    assert len(history(actor_of("teacher"), world.anna.id)) == 1


def test_errors_carry_a_template_for_translation(world, actor_of, c5b):
    with pytest.raises(JournalError) as exc:
        transfer(actor_of("secretary"), world.anna.id, world.c5a.id, on=D(2026, 11, 16), order_no="1")
    assert exc.value.template == "%(name)s уже учится в %(cls)s классе."
    assert exc.value.params == {"name": "Аннова А.", "cls": "5А"}
