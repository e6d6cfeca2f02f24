"""The class teacher's "Мой класс" pages: the class list with parents' contacts, the data stamp, the subgroup
grid, achievements; a class teacher of 6Б can't touch 5А."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import SchoolClass, Subgroup, SubgroupMember, db
from models.school_time import school_today

D = dt.date


def test_the_roster_shows_the_class_and_the_parents_contacts(client, login_as, world):
    world.g_parent.phone = "+7 900 123-45-67"
    world.g_parent.email = "alla@example.ru"
    db.session.commit()
    login_as("classteacher")
    body = client.get("/admin/my-class/").get_data(as_text=True)
    assert "Класс 5А" in body
    assert "Аннова Анна" in body and "Верова Вера" in body and "Борисов" not in body
    assert "Аннова Алла" in body and "(мать)" in body and "+7 900 123-45-67" in body and "alla@example.ru" in body
    assert "Родители не указаны" in body  # vera has none recorded
    assert f'href="/diary/{world.anna.id}/marks"' in body and f'href="/diary/{world.vera.id}"' in body
    assert client.get(f"/diary/{world.vera.id}/marks").status_code == 200  # the class teacher reads it


def test_the_stamp_warns_when_old_and_is_renewed_by_the_button(client, login_as, world):
    login_as("classteacher")
    body = client.get("/admin/my-class/").get_data(as_text=True)
    assert "ещё не проверялись" in body and 'id="data-check-warning"' in body
    db.session.get(SchoolClass, world.c5a.id).data_checked_on = school_today(world.school.id) - dt.timedelta(days=45)
    db.session.commit()  # (world's objects are detached once a request has ended the session)
    body = client.get("/admin/my-class/").get_data(as_text=True)
    assert "Прошло 45 дн." in body
    response = client.post("/admin/my-class/checked", data={"class_id": world.c5a.id})
    assert response.status_code == 302
    body = client.get(response.location).get_data(as_text=True)
    assert school_today(world.school.id).strftime("%d.%m.%Y") in body and 'id="data-check-warning"' not in body
    assert db.session.get(SchoolClass, world.c5a.id).data_checked_on == school_today(world.school.id)


def test_a_class_teacher_of_6b_cannot_touch_5a(client, login_as, world, english):
    login_as("other_teacher")
    own = client.get("/admin/my-class/").get_data(as_text=True)
    assert "Класс 6Б" in own and "Борисов" in own and "Аннова" not in own
    assert client.get(f"/admin/my-class/?class_id={world.c5a.id}").status_code == 403
    assert client.get(f"/admin/my-class/subgroups/?class_id={world.c5a.id}").status_code == 403
    assert client.get(f"/admin/my-class/achievements/?class_id={world.c5a.id}").status_code == 403
    response = client.post("/admin/my-class/checked", data={"class_id": world.c5a.id})
    assert response.status_code == 302
    assert "только классный руководитель" in client.get(response.location).get_data(as_text=True)
    assert db.session.get(SchoolClass, world.c5a.id).data_checked_on is None
    response = client.post(
        "/admin/my-class/subgroups/",
        data={
            "class_id": world.c5a.id,
            "subject_id": english.id,
            "on": "2026-09-01",
            "groups": 2,
            f"student-{world.anna.id}": 1,
        },
    )
    assert response.status_code == 403
    assert db.session.scalars(select(SubgroupMember)).all() == []


@pytest.mark.parametrize("who", ["teacher", "secretary", "operator", "director", "coordinator"])
def test_my_class_is_for_class_teachers(client, login_as, world, who):
    login_as(who)
    assert client.get("/admin/my-class/").status_code == 403


def test_the_grid_splits_5a_into_two_english_groups(client, login_as, world, english):
    login_as("classteacher")
    page = client.get(f"/admin/my-class/subgroups/?subject_id={english.id}&on=2026-09-01&groups=2")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="csrf_token"' in body
    assert f'name="student-{world.anna.id}"' in body and "1 группа" in body and "2 группа" in body
    assert "rosters-subgroups.js" in body and "<script>" not in body
    response = client.post(
        "/admin/my-class/subgroups/",
        data={
            "class_id": world.c5a.id,
            "subject_id": english.id,
            "on": "2026-09-01",
            "groups": 2,
            f"student-{world.anna.id}": 1,
            f"student-{world.vera.id}": 2,
        },
    )
    assert response.status_code == 302
    body = client.get(response.location).get_data(as_text=True)
    assert "Деление сохранено с 01.09.2026: добавлено 2" in body
    assert f'id="g-{world.anna.id}-1" aria-label="Аннова А.: 1 группа" checked' in body
    rows = db.session.execute(
        select(Subgroup.name, SubgroupMember.student_id)
        .join(SubgroupMember, SubgroupMember.subgroup_id == Subgroup.id)
        .order_by(Subgroup.name)
    ).all()
    assert rows == [("1 группа", world.anna.id), ("2 группа", world.vera.id)]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"on": "2027-07-01"}, "вне 2026/2027"),
        ({"on": "31.02.2026"}, "Неверная дата"),
        ({"student-{boris}": "1"}, "нет в 5А классе"),
        ({"student-{anna}": "x"}, "Неверные данные формы"),
        ({"student-{anna}": "9"}, "Неверный номер подгруппы"),
        ({"subject_id": "abc"}, "Выберите предмет"),
    ],
)
def test_bad_grid_posts_get_a_message_and_write_nothing(client, login_as, world, english, data, message):
    login_as("classteacher")
    form = {
        "class_id": world.c5a.id,
        "subject_id": english.id,
        "on": "2026-09-01",
        "groups": 2,
        f"student-{world.anna.id}": 1,
    }
    form.update({k.format(anna=world.anna.id, boris=world.boris.id): v for k, v in data.items()})
    response = client.post("/admin/my-class/subgroups/", data=form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(SubgroupMember)).all() == []


def test_the_achievements_page_lists_the_class_students(client, login_as, world):
    login_as("classteacher")
    body = client.get("/admin/my-class/achievements/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body and 'name="csrf_token"' in body
    assert "Аннова Анна" in body and "Борисов" not in body
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.odt"' in body


def test_a_class_teacher_of_two_classes_switches_between_them(client, login_as, world, c5b):
    db.session.get(SchoolClass, c5b.id).class_teacher_id = world.s_classteacher.id
    db.session.commit()
    login_as("classteacher")
    body = client.get("/admin/my-class/").get_data(as_text=True)
    assert 'id="class-switch"' in body and f'href="/admin/my-class/?class_id={c5b.id}"' in body
    assert "Класс 5Б" in client.get(f"/admin/my-class/?class_id={c5b.id}").get_data(as_text=True)
    # after a refused form the switch still leads to the pages, not to the POST-only address
    body = client.post("/admin/my-class/achievements/add", data={"class_id": c5b.id, "title": "x"}).get_data(
        as_text=True
    )
    assert "Выберите обучающегося" in body or "Укажите дату" in body
    assert f'href="/admin/my-class/achievements/?class_id={world.c5a.id}"' in body
