"""The secretary's lists in the staff panel: search, filters, sorting, forms that refuse bad data with a
Russian message and write nothing, the movement page, no deleting, scoping, and no N+1 queries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Enrollment, Guardian, Staff, Student, StudentGuardian, db

D = dt.date


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _student_form(**overrides):
    data = {
        "last_name": "Галиева",
        "first_name": "Айгерим",
        "middle_name": "Маратовна",
        "birth_date": "2015-04-04",
        "sex": "f",
        "personal_file_no": "Г-77",
        "medical_group": "main",
        "address": "ул. Ленина, 1",
        "admit_class": "0",
        "admit_on": "",
        "admit_order": "",
    }
    data.update(overrides)
    return data


# --- lists ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("term", ["аннова", "АННОВА", "Анн", "аННова анна"])
def test_cyrillic_search_ignores_case(client, login_as, world, term):
    login_as("secretary")
    body = client.get("/admin/students/", query_string={"search": term}).get_data(as_text=True)
    assert "Аннова" in body and "Верова" not in body and "Борисов" not in body


def test_filters_by_class_and_state(client, login_as, world, actor_of):
    from models.school.movement import withdraw

    login_as("secretary")
    body = client.get(f"/admin/students/?flt0_0={world.c6b.id}").get_data(as_text=True)
    assert "Борисов" in body and "Аннова" not in body
    assert '"5\\u0410 (2026/2027)"' in body  # the class options of the filter
    withdraw(actor_of("secretary"), world.vera.id, on=D(2026, 9, 30), order_no="5", note="Школа № 2")
    db.session.commit()
    left = client.get("/admin/students/?flt1_1=left").get_data(as_text=True)
    assert "Верова" in left and "Аннова" not in left and "выбыл(а) 30.09.2026 из 5А" in left
    current = client.get("/admin/students/?flt1_1=current").get_data(as_text=True)
    assert "Верова" not in current and "Аннова" in current and "обучается" in current


def test_a_forged_filter_value_is_ignored_not_a_500(client, login_as, world):
    login_as("secretary")
    assert client.get("/admin/students/?flt0_0=abc").status_code == 200
    assert client.get("/admin/students/?flt1_1=everyone").status_code == 200


def test_sorting(client, login_as, world):
    login_as("secretary")
    body = client.get("/admin/students/?sort=0&desc=1").get_data(as_text=True)
    assert body.index("Верова") < body.index("Борисов") < body.index("Аннова")
    body = client.get("/admin/students/").get_data(as_text=True)  # default: by surname
    assert body.index("Аннова") < body.index("Борисов") < body.index("Верова")


def test_the_list_shows_the_current_class(client, login_as, world):
    login_as("secretary")
    body = client.get("/admin/students/?search=Борисов").get_data(as_text=True)
    assert "6Б" in body


def test_teachers_read_their_classes_only_and_cannot_write(client, login_as, world):
    login_as("other_teacher")  # 6Б
    body = client.get("/admin/students/").get_data(as_text=True)
    assert "Борисов" in body and "Аннова" not in body
    assert f"/diary/{world.boris.id}/marks" in body  # the row's link to the student's marks
    assert "/admin/students/new/" not in body and "/admin/students/movement/" not in body
    response = client.get(f"/admin/students/details/?id={world.anna.id}")
    assert response.status_code == 302  # not found for them: back to the list
    assert client.get(f"/admin/students/movement/{world.boris.id}").status_code == 403
    assert client.post("/admin/students/new/", data=_student_form()).status_code == 302
    assert _count(Student, Student.last_name == "Галиева") == 0
    guardians = client.get("/admin/guardians/").get_data(as_text=True)
    assert "Богдан" in guardians and "Алла" not in guardians


def test_list_pages_make_the_same_number_of_queries_for_5_and_50_students(
    client, login_as, world, count_queries, db_session
):
    login_as("secretary")

    def add_students(n, start):
        for i in range(start, start + n):
            s = Student(
                school_id=world.school.id,
                last_name=f"Яковлев{i:03d}",
                first_name="Яков",
                birth_date=D(2015, 1, 1),
                sex="m",
                personal_file_no=f"Я-{i}",
            )
            db_session.add(s)
            db_session.flush()
            db_session.add(
                Enrollment(
                    student_id=s.id, class_id=world.c5a.id, starts_on=D(2026, 9, 1), reason_in="admission", order_in="1"
                )
            )
            g = Guardian(school_id=world.school.id, last_name=f"Яковлева{i:03d}", first_name="Яна")
            db_session.add(g)
            db_session.flush()
            db_session.add(StudentGuardian(student_id=s.id, guardian_id=g.id, relation="mother"))
        db_session.commit()

    def measure():
        counts = {}
        for url in (
            "/admin/students/?search=Яковлев",
            "/admin/guardians/?search=Яковлева",
            "/admin/guardian_links/?search=Яковлев",
            "/admin/enrollments/?search=Яковлев",
            "/admin/staff/",
        ):
            with count_queries() as q:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[url] = q.count
        return counts

    add_students(5, 0)
    login_as("secretary")
    few = measure()
    add_students(45, 5)
    many = measure()
    assert few == many
    body = client.get("/admin/students/?search=Яковлев").get_data(as_text=True)
    assert body.count("Яковлев049") == 1 and body.count("5А") >= 50


def test_my_class_page_queries_do_not_grow_with_the_class(client, login_as, world, count_queries, db_session):
    def add(n, start):
        for i in range(start, start + n):
            s = Student(
                school_id=world.school.id,
                last_name=f"Ш{i:03d}",
                first_name="Ш",
                birth_date=D(2015, 1, 1),
                sex="m",
                personal_file_no=f"Ш-{i}",
            )
            db_session.add(s)
            db_session.flush()
            db_session.add(
                Enrollment(
                    student_id=s.id, class_id=world.c5a.id, starts_on=D(2026, 9, 1), reason_in="admission", order_in="1"
                )
            )
            g = Guardian(school_id=world.school.id, last_name=f"Ш{i:03d}", first_name="Мама", phone="+7 900 000")
            db_session.add(g)
            db_session.flush()
            db_session.add(StudentGuardian(student_id=s.id, guardian_id=g.id, relation="mother"))
        db_session.commit()

    login_as("classteacher")
    add(5, 0)
    with count_queries() as few:
        assert client.get("/admin/my-class/").status_code == 200
    add(40, 5)
    with count_queries() as many:
        assert client.get("/admin/my-class/").status_code == 200
    assert few.count == many.count


# --- student forms --------------------------------------------------------------------------------------------
def test_the_secretary_creates_and_admits_a_student(client, login_as, world):
    login_as("secretary")
    response = client.post(
        "/admin/students/new/",
        data=_student_form(admit_class=str(world.c5a.id), admit_on="2026-11-02", admit_order="101-у"),
    )
    assert response.status_code == 302
    student = db.session.scalar(select(Student).where(Student.last_name == "Галиева"))
    assert student.school_id == world.school.id
    stay = db.session.scalar(select(Enrollment).where(Enrollment.student_id == student.id))
    assert (stay.class_id, stay.starts_on, stay.order_in, stay.reason_in) == (
        world.c5a.id,
        D(2026, 11, 2),
        "101-у",
        "admission",
    )
    said = client.get(response.location).get_data(as_text=True)
    assert f"{student.short_name} зачислен(а) в 5А с 02.11.2026, приказ № 101-у." in said
    assert "Сохранено." in said and "Запись была создана" not in said
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"student.create", "student.admit"} <= actions


def test_dates_may_be_typed_the_russian_way(client, login_as, world):
    login_as("secretary")
    response = client.post(
        "/admin/students/new/",
        data=_student_form(
            birth_date="04.04.2015", admit_class=str(world.c5a.id), admit_on="02.11.2026", admit_order="102-у"
        ),
    )
    assert response.status_code == 302
    student = db.session.scalar(select(Student).where(Student.last_name == "Галиева"))
    assert student.birth_date == D(2015, 4, 4)
    assert db.session.scalar(select(Enrollment.starts_on).where(Enrollment.student_id == student.id)) == D(2026, 11, 2)


def test_a_student_may_be_recorded_before_the_admission_order(client, login_as, world):
    login_as("secretary")
    assert client.post("/admin/students/new/", data=_student_form()).status_code == 302
    student = db.session.scalar(select(Student).where(Student.last_name == "Галиева"))
    assert _count(Enrollment, Enrollment.student_id == student.id) == 0
    body = client.get("/admin/students/?search=Галиева").get_data(as_text=True)
    assert "не зачислен(а)" in body


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"last_name": ""}, "Укажите: фамилию."),
        ({"first_name": "  "}, "Укажите: имя."),
        ({"last_name": "Иванов2"}, "Только буквы, пробел, дефис или апостроф."),
        ({"middle_name": "<script>"}, "Только буквы, пробел, дефис или апостроф."),
        ({"last_name": "Я" * 81}, "Не длиннее 80 символов."),
        ({"birth_date": ""}, "Укажите дату рождения"),
        ({"birth_date": "31.02.2015"}, "Укажите дату рождения: ДД.ММ.ГГГГ или ГГГГ-ММ-ДД."),
        ({"birth_date": "2030-01-01"}, "возраст обучающегося должен быть от 3 до 25 лет"),
        ({"birth_date": "1990-01-01"}, "возраст обучающегося должен быть от 3 до 25 лет"),
        ({"sex": "x"}, "Неверный вариант"),
        ({"personal_file_no": ""}, "Укажите номер личного дела."),
        ({"personal_file_no": "Аннова-Анна"}, "Личное дело с таким номером уже есть в школе."),
        ({"medical_group": "athlete"}, "Неверный вариант"),
        ({"admit_class": "{c5a}", "admit_on": "2027-07-01", "admit_order": "1"}, "вне 2026/2027 учебного года"),
        ({"admit_class": "{c5a}", "admit_on": "2026-11-02", "admit_order": ""}, "Укажите номер приказа."),
    ],
)
def test_bad_student_data_is_refused_in_russian_and_nothing_is_written(client, login_as, world, overrides, message):
    login_as("secretary")
    overrides = {k: v.format(c5a=world.c5a.id) for k, v in overrides.items()}
    students, stays = _count(Student), _count(Enrollment)
    response = client.post("/admin/students/new/", data=_student_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(Student) == students and _count(Enrollment) == stays


def test_the_same_file_number_in_another_school_is_fine(client, login_as, world):
    db.session.add(
        Student(
            school_id=world.other_school.id,
            last_name="Чужой",
            first_name="Чарли",
            birth_date=D(2015, 1, 1),
            sex="m",
            personal_file_no="Г-77",
        )
    )
    db.session.commit()
    login_as("secretary")
    assert client.post("/admin/students/new/", data=_student_form()).status_code == 302


def test_editing_a_student_is_audited_and_keeps_the_file_number_check(client, login_as, world):
    login_as("secretary")
    data = _student_form(
        last_name="Аннова", first_name="Анна", middle_name="", personal_file_no="Аннова-Анна", address="пр. Мира, 5"
    )
    for key in ("admit_class", "admit_on", "admit_order"):
        data.pop(key)
    response = client.post(f"/admin/students/edit/?id={world.anna.id}", data=data)
    assert response.status_code == 302
    assert db.session.get(Student, world.anna.id).address == "пр. Мира, 5"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "student.update"))
    assert event.entity_id == world.anna.id and "пр. Мира, 5" in event.new
    data["personal_file_no"] = "Верова-Вера"
    body = client.post(f"/admin/students/edit/?id={world.anna.id}", data=data).get_data(as_text=True)
    assert "Личное дело с таким номером уже есть в школе." in body


def test_nobody_deletes_students_staff_or_guardians(client, login_as, world):
    login_as("operator")
    for endpoint, row_id in (
        ("students", world.anna.id),
        ("staff", world.s_teacher.id),
        ("guardians", world.g_parent.id),
    ):
        client.post(f"/admin/{endpoint}/delete/", data={"id": row_id})
        client.post(f"/admin/{endpoint}/action/", data={"action": "delete", "rowid": [row_id]})
    assert db.session.get(Student, world.anna.id) is not None
    assert db.session.get(Staff, world.s_teacher.id) is not None
    assert db.session.get(Guardian, world.g_parent.id) is not None


# --- movement through the staff panel ---------------------------------------------------------------------------
def test_the_secretary_transfers_a_student_and_sees_the_history(client, login_as, world, c5b):
    login_as("secretary")
    page = client.get(f"/admin/students/movement/{world.anna.id}").get_data(as_text=True)
    assert "5Б (2026/2027)" in page and 'name="csrf_token"' in page
    assert "6Б (2026/2027)" in page  # same year
    response = client.post(
        f"/admin/students/movement/{world.anna.id}",
        data={"op": "transfer", "class_id": c5b.id, "on": "2026-11-16", "order_no": "45-у", "note": ""},
    )
    assert response.status_code == 302
    details = client.get(response.location).get_data(as_text=True)
    assert "переведён(а) в 5Б класс с 16.11.2026" in details
    assert "15.11.2026" in details and "перевод в другой класс" in details and "45-у" in details
    table = details[details.index('id="movement-history"') :]
    assert table.index("5А") < table.index("5Б")


@pytest.mark.parametrize(
    "form,message",
    [
        ({"op": "transfer", "class_id": "", "on": "2026-11-16", "order_no": "1"}, "Выберите класс."),
        ({"op": "transfer", "class_id": "{c5a}", "on": "2026-11-16", "order_no": "1"}, "уже учится в 5А классе"),
        ({"op": "transfer", "class_id": "{c5b}", "on": "2026-08-01", "order_no": "1"}, "вне 2026/2027"),
        ({"op": "transfer", "class_id": "{c5b}", "on": "16/11/2026", "order_no": "1"}, "Неверная дата"),
        ({"op": "transfer", "class_id": "abc", "on": "2026-11-16", "order_no": "1"}, "Выберите класс из списка."),
        ({"op": "transfer", "class_id": "{c5b}", "on": "2026-11-16", "order_no": ""}, "Укажите номер приказа."),
        ({"op": "withdraw", "on": "2026-11-16", "order_no": "1", "note": ""}, "куда выбыл"),
        ({"op": "admit", "class_id": "{c5b}", "on": "2026-11-16", "order_no": "1"}, "уже числится в 5А"),
    ],
)
def test_bad_movement_gets_a_russian_message_and_nothing_changes(client, login_as, world, c5b, form, message):
    login_as("secretary")
    form = {k: v.format(c5a=world.c5a.id, c5b=c5b.id) for k, v in form.items()}
    before = [(e.id, e.class_id, e.ends_on) for e in db.session.scalars(select(Enrollment).order_by(Enrollment.id))]
    response = client.post(f"/admin/students/movement/{world.anna.id}", data=form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    after = [(e.id, e.class_id, e.ends_on) for e in db.session.scalars(select(Enrollment).order_by(Enrollment.id))]
    assert after == before


def test_withdrawal_through_the_panel_then_readmission(client, login_as, world, c5b):
    login_as("secretary")
    response = client.post(
        f"/admin/students/movement/{world.vera.id}",
        data={"op": "withdraw", "on": "2026-10-30", "order_no": "77-о", "note": "Гимназия № 3, Алматы"},
    )
    assert response.status_code == 302
    page = client.get(f"/admin/students/movement/{world.vera.id}").get_data(as_text=True)
    assert 'id="admit-form"' in page and 'id="transfer-form"' not in page
    assert "Гимназия № 3, Алматы" in page
    response = client.post(
        f"/admin/students/movement/{world.vera.id}",
        data={"op": "admit", "class_id": c5b.id, "on": "2026-11-09", "order_no": "80-у"},
    )
    assert response.status_code == 302
    assert _count(Enrollment, Enrollment.student_id == world.vera.id) == 2


def test_the_enrollment_book_lists_orders(client, login_as, world, c5b, actor_of):
    from models.school.movement import transfer

    transfer(actor_of("secretary"), world.anna.id, c5b.id, on=D(2026, 11, 16), order_no="45-у")
    db.session.commit()
    login_as("director")
    body = client.get("/admin/enrollments/?search=45-у").get_data(as_text=True)
    assert body.count("45-у") >= 2 and "перевод из другого класса" in body
    assert "/admin/enrollments/new/" not in body


# --- staff ---------------------------------------------------------------------------------------------------
def _staff_form(**overrides):
    data = {
        "last_name": "Ахметова",
        "first_name": "Динара",
        "middle_name": "",
        "position": "учитель английского языка",
        "personnel_no": "T-900",
        "phone": "+7 (701) 123-45-67",
        "email": "d.akhmetova@school.kz",
        "hired_on": "2026-08-25",
        "left_on": "",
    }
    data.update(overrides)
    return data


def test_the_secretary_adds_a_teacher(client, login_as, world):
    login_as("secretary")
    assert client.post("/admin/staff/new/", data=_staff_form()).status_code == 302
    staff = db.session.scalar(select(Staff).where(Staff.personnel_no == "T-900"))
    assert staff.school_id == world.school.id and staff.phone == "+7 (701) 123-45-67"


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"position": ""}, "Укажите должность."),
        ({"phone": "звоните маме"}, "Телефон: цифры"),
        ({"email": "not-an-email"}, "Неверный адрес электронной почты."),
        ({"left_on": "2026-08-01"}, "Дата увольнения раньше даты приёма."),
        ({"personnel_no": "T-1"}, "Сотрудник с таким табельным номером уже есть."),
    ],
)
def test_bad_staff_data_is_refused(client, login_as, world, overrides, message):
    world.s_teacher.personnel_no = "T-1"
    db.session.commit()
    login_as("secretary")
    count = _count(Staff)
    response = client.post("/admin/staff/new/", data=_staff_form(**overrides))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _count(Staff) == count


# --- guardians and links ------------------------------------------------------------------------------------
def test_guardian_and_link_through_the_forms(client, login_as, world):
    login_as("secretary")
    response = client.post(
        "/admin/guardians/new/",
        data={
            "last_name": "Верова",
            "first_name": "Валентина",
            "middle_name": "Петровна",
            "phone": "8 912 000-00-00",
            "email": "",
            "workplace": "Поликлиника № 2",
        },
    )
    assert response.status_code == 302
    mother = db.session.scalar(select(Guardian).where(Guardian.first_name == "Валентина"))
    link = {
        "student": str(world.vera.id),
        "guardian": str(mother.id),
        "relation": "mother",
        "is_legal_representative": "y",
    }
    assert client.post("/admin/guardian_links/new/", data=link).status_code == 302
    again = client.post("/admin/guardian_links/new/", data=link)
    assert again.status_code == 200 and "уже связан(а)" in again.get_data(as_text=True)
    assert _count(StudentGuardian, StudentGuardian.guardian_id == mother.id) == 1
    # the ajax lookup finds Cyrillic case-insensitively and only the school's students
    found = client.get("/admin/guardian_links/ajax/lookup/?name=student&query=вер").get_json()
    assert [row[1] for row in found] == ["Верова В."]
    # edit changes the relation only; the pair stays
    response = client.post(f"/admin/guardian_links/edit/?id={world.vera.id},{mother.id}", data={"relation": "guardian"})
    assert response.status_code == 302
    assert (
        db.session.scalar(select(StudentGuardian.relation).where(StudentGuardian.guardian_id == mother.id))
        == "guardian"
    )
    body = client.get(f"/admin/students/details/?id={world.vera.id}").get_data(as_text=True)
    assert "Верова Валентина Петровна" in body and "опекун" in body
    # a link entered by mistake may be removed; both people stay
    client.post("/admin/guardian_links/delete/", data={"id": f"{world.vera.id},{mother.id}"})
    assert _count(StudentGuardian, StudentGuardian.guardian_id == mother.id) == 0
    assert db.session.get(Guardian, mother.id) is not None
    assert "student_guardian.delete" in set(db.session.scalars(select(AuditEvent.action)))


def test_a_link_to_a_student_of_another_school_is_refused(client, login_as, world):
    foreign = Student(
        school_id=world.other_school.id,
        last_name="Чужой",
        first_name="Чарли",
        birth_date=D(2015, 1, 1),
        sex="m",
        personal_file_no="Ч-1",
    )
    db.session.add(foreign)
    db.session.commit()
    login_as("secretary")
    response = client.post(
        "/admin/guardian_links/new/",
        data={"student": str(foreign.id), "guardian": str(world.g_parent.id), "relation": "mother"},
    )
    assert response.status_code == 200
    assert _count(StudentGuardian, StudentGuardian.student_id == foreign.id) == 0
