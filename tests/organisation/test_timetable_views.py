"""The "Расписание" pages through the real app: the week grid (read by staff, edited by the operator),
placing and changing lessons with clashes refused in Russian, substitutions for a date; fixed queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from models import Substitution, TimetableEntry
from world import START  # noqa: E402

MONDAY = dt.date(2026, 9, 7)  # the first full week of the year in tests/world.py


def _text(response) -> str:
    return response.get_data(as_text=True)


def _alerts(body: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>|&times;", " ", m).split())
        for m in re.findall(r'<div class="alert alert-[a-z]+[^"]*"[^>]*>(.*?)</div>', body, re.S)
    ]


def _entries(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(TimetableEntry))


def _place(client, world, tt, assignment, weekday, bell, room="", start=START):
    return client.post(
        "/admin/timetable/place",
        data={
            "class_id": assignment.class_id,
            "week": MONDAY.isoformat(),
            "from": start.isoformat(),
            "assignment_id": assignment.id,
            "weekday": weekday,
            "bell_id": bell.id,
            "room": room,
        },
        follow_redirects=True,
    )


def test_operator_sees_forms_in_empty_cells(client, login_as, world, tt):
    login_as("operator")
    body = _text(client.get(f"/admin/timetable/?class_id={world.c5a.id}&week={MONDAY.isoformat()}"))
    assert f'id="place-2-{tt.bell2.id}"' in body and 'name="csrf_token"' in body
    assert "Английский язык (1 группа) — Инглиш И., 3 ч" in body
    assert 'id="from"' in body


def test_teacher_reads_her_class_without_forms_and_not_others(client, login_as, world, tt):
    login_as("other_teacher")
    body = _text(client.get(f"/admin/timetable/?class_id={world.c6b.id}&week={MONDAY.isoformat()}"))
    assert "Математика" in body and 'class="tt-place' not in body and 'id="from"' not in body
    login_as("teacher")
    assert client.get(f"/admin/timetable/?class_id={world.c6b.id}").status_code == 403
    assert client.get("/admin/timetable/?class_id=999999").status_code == 403
    default = _text(client.get("/admin/timetable/"))
    assert "Расписание класса 5А" in default


@pytest.mark.parametrize("who", ["teacher", "director", "coordinator"])
def test_only_the_operator_changes_the_timetable(client, login_as, world, tt, db_session, who):
    login_as(who)
    before = _entries(db_session)
    response = client.post(
        "/admin/timetable/place",
        data={
            "class_id": world.c5a.id,
            "from": START.isoformat(),
            "assignment_id": world.a_maths_5a.id,
            "weekday": 2,
            "bell_id": tt.bell2.id,
        },
    )
    assert response.status_code == 403
    response = client.post(
        "/admin/timetable/change", data={"entry_id": world.entry_6b.id, "from": "2026-10-01", "op": "remove"}
    )
    assert response.status_code == 403
    assert _entries(db_session) == before


def test_operator_places_a_lesson(client, login_as, world, tt, db_session):
    login_as("operator")
    response = _place(client, world, tt, world.a_maths_5a, 2, tt.bell2, room="12")
    assert "Урок поставлен: Вторник, 2 урок, с 01.09.2026." in _alerts(_text(response))[0]
    entry = db_session.scalar(select(TimetableEntry).where(TimetableEntry.assignment_id == world.a_maths_5a.id))
    assert (entry.weekday, entry.bell_id, entry.room, entry.valid_from) == (2, tt.bell2.id, "12", START)
    cell = _text(response).split(f'id="cell-2-{tt.bell2.id}"')[1].split("</td>")[0]
    assert "Математика" in cell and "каб. 12" in cell


def test_a_clash_is_refused_with_a_clear_message(client, login_as, world, tt, db_session):
    login_as("operator")
    before = _entries(db_session)
    response = _place(client, world, tt, tt.a_physics_5a, 1, tt.bell1)  # other_teacher has 6Б then
    alerts = _alerts(_text(response))
    assert "Учитель Физикова Ф.И. в это время уже ведёт урок: 6Б, Математика (Понедельник, 1 урок)." in alerts[0]
    assert "Урок не поставлен в расписание." in alerts[1]
    assert _entries(db_session) == before


def test_two_subgroups_share_a_cell_but_not_with_the_class(client, login_as, world, tt, db_session):
    login_as("operator")
    _place(client, world, tt, tt.a_eng1, 3, tt.bell2)
    body = _text(client.get(f"/admin/timetable/?class_id={world.c5a.id}&week={MONDAY.isoformat()}"))
    assert f'id="place-3-{tt.bell2.id}"' in body  # a subgroup only: the other may be added
    assert "Урок поставлен" in _text(_place(client, world, tt, tt.a_eng2, 3, tt.bell2))
    body = _text(client.get(f"/admin/timetable/?class_id={world.c5a.id}&week={MONDAY.isoformat()}"))
    assert f'id="place-3-{tt.bell2.id}"' in body
    refused = _alerts(_text(_place(client, world, tt, world.a_maths_5a, 3, tt.bell2)))
    assert any("весь класс не может заниматься одновременно с подгруппой" in a for a in refused)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"weekday": "7"}, "Выберите день недели с понедельника по субботу."),
        ({"bell_id": "abc"}, "Выберите урок по расписанию звонков."),
        ({"assignment_id": ""}, "Выберите предмет из учебной нагрузки класса 5А."),
        ({"from": "32.13.2026"}, "Неверная дата: укажите её в виде ДД.ММ.ГГГГ."),
        ({"from": "2027-07-01"}, "Дата 01.07.2027 вне учебного года 2026/2027 (01.09.2026–31.05.2027)."),
        ({"class_id": "x"}, "Класс не найден."),
    ],
)
def test_bad_place_input_is_a_message(client, login_as, world, tt, db_session, data, message):
    login_as("operator")
    form = {
        "class_id": world.c5a.id,
        "week": MONDAY.isoformat(),
        "from": START.isoformat(),
        "assignment_id": world.a_maths_5a.id,
        "weekday": 2,
        "bell_id": tt.bell2.id,
    }
    form.update(data)
    response = client.post("/admin/timetable/place", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert any(message in a for a in _alerts(_text(response)))
    assert _entries(db_session) == 1


def test_change_from_a_date_through_the_grid(client, login_as, world, tt, db_session):
    login_as("operator")
    response = client.post(
        "/admin/timetable/change",
        data={
            "entry_id": world.entry_6b.id,
            "class_id": world.c6b.id,
            "week": "2026-10-05",
            "from": "2026-10-05",
            "assignment_id": world.a_maths_6b.id,
            "room": "31",
            "op": "replace",
        },
        follow_redirects=True,
    )
    assert "Урок изменён с 05.10.2026; прежние недели не тронуты." in _alerts(_text(response))[0]
    rows = db_session.scalars(
        select(TimetableEntry)
        .where(TimetableEntry.assignment_id == world.a_maths_6b.id)
        .order_by(TimetableEntry.valid_from)
    ).all()
    assert [(e.valid_from, e.valid_to, e.room) for e in rows] == [
        (START, dt.date(2026, 10, 4), None),
        (dt.date(2026, 10, 5), None, "31"),
    ]
    old_week = _text(client.get(f"/admin/timetable/?class_id={world.c6b.id}&week=2026-09-28"))
    assert "каб. 31" not in old_week and "с 05.10.2026:" in old_week  # the coming change, shown as pending
    response = client.post(
        "/admin/timetable/change",
        data={"entry_id": rows[1].id, "class_id": world.c6b.id, "from": "2026-11-02", "op": "remove"},
        follow_redirects=True,
    )
    assert "Урок убран из расписания с 02.11.2026." in _alerts(_text(response))[0]


# --- substitutions ---------------------------------------------------------------------------------
def test_operator_records_a_substitution_and_the_grid_shows_it(client, login_as, world, tt, db_session):
    login_as("operator")
    page = _text(client.get(f"/admin/substitutions/?date={MONDAY.isoformat()}&teacher_id={world.s_other_teacher.id}"))
    assert f'name="sub-{world.entry_6b.id}"' in page
    assert "Русская Р.И." in page
    response = client.post(
        "/admin/substitutions/save",
        data={
            "date": MONDAY.isoformat(),
            "teacher_id": world.s_other_teacher.id,
            "reason": "болезнь",
            f"sub-{world.entry_6b.id}": world.s_classteacher.id,
        },
        follow_redirects=True,
    )
    body = _text(response)
    assert "Замены на 07.09.2026 сохранены: 1." in _alerts(body)[0]
    sub = db_session.scalar(select(Substitution))
    assert (sub.date, sub.substitute_id, sub.reason) == (MONDAY, world.s_classteacher.id, "болезнь")
    grid = _text(client.get(f"/admin/timetable/?class_id={world.c6b.id}&week={MONDAY.isoformat()}"))
    assert "Замена: Русская Р.И. (болезнь)" in grid
    next_week = _text(client.get(f"/admin/timetable/?class_id={world.c6b.id}&week=2026-09-14"))
    assert "Замена:" not in next_week
    # the substitute reads the substituted class's timetable; the director reads the substitutions
    login_as("classteacher")
    assert client.get(f"/admin/timetable/?class_id={world.c6b.id}&week={MONDAY.isoformat()}").status_code == 200
    login_as("director")
    assert "Русская Р.И." in _text(client.get(f"/admin/substitutions/?date={MONDAY.isoformat()}"))


def test_a_busy_substitute_is_refused(client, login_as, world, tt, db_session):
    login_as("operator")
    _place(client, world, tt, world.a_maths_5a, 1, tt.bell1)  # Математикова: Monday bell 1 in 5А
    page = _text(client.get(f"/admin/substitutions/?date={MONDAY.isoformat()}&teacher_id={world.s_other_teacher.id}"))
    select_ = page.split(f'name="sub-{world.entry_6b.id}"')[1].split("</select>")[0]
    option = re.search(rf'<option value="{world.s_teacher.id}"[^>]*>[^<]*', select_).group(0)
    assert "disabled" in option and "свой урок: 5А, Математика (1 урок)" in option
    response = client.post(
        "/admin/substitutions/save",
        data={
            "date": MONDAY.isoformat(),
            "teacher_id": world.s_other_teacher.id,
            f"sub-{world.entry_6b.id}": world.s_teacher.id,
        },
        follow_redirects=True,
    )
    alerts = _alerts(_text(response))
    assert "Математикова М.И. в это время ведёт свой урок: 5А, Математика (1 урок)." in alerts[0]
    assert db_session.scalar(select(func.count()).select_from(Substitution)) == 0


@pytest.mark.parametrize(
    "data,message",
    [
        ({}, "Выберите заменяющего хотя бы для одного урока."),
        ({"date": "завтра"}, "Неверная дата: укажите её в виде ДД.ММ.ГГГГ."),
        ({"sub-abc": "1"}, "Неверные данные формы."),
    ],
)
def test_bad_substitution_input(client, login_as, world, tt, data, message):
    login_as("operator")
    form = {"date": MONDAY.isoformat(), "teacher_id": world.s_other_teacher.id, **data}
    response = client.post("/admin/substitutions/save", data=form, follow_redirects=True)
    assert response.status_code == 200 and any(message in a for a in _alerts(_text(response)))


def test_cancelling_a_substitution(client, login_as, world, tt, db_session, operator):
    from models import db
    from models.school.substitutions import record_substitution

    sub = record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_teacher.id)
    db.session.commit()
    login_as("operator")
    response = client.post(
        "/admin/substitutions/cancel",
        data={"substitution_id": sub.id, "date": MONDAY.isoformat()},
        follow_redirects=True,
    )
    assert "Замена отменена." in _alerts(_text(response))[0]
    assert db_session.scalar(select(func.count()).select_from(Substitution)) == 0
    response = client.post("/admin/substitutions/cancel", data={"substitution_id": sub.id}, follow_redirects=True)
    assert "Замена не найдена." in _alerts(_text(response))[0]


def test_substitutions_are_for_the_administration(client, login_as, world, tt):
    login_as("director")
    assert client.post("/admin/substitutions/save", data={"date": MONDAY.isoformat()}).status_code == 403
    login_as("teacher")
    assert client.get("/admin/substitutions/").status_code == 403


# --- queries ----------------------------------------------------------------------------------------
def _fill_week(db_session, world, tt, operator):
    """Every free cell of 5А's and 6Б's week gets a lesson (written directly: clashes don't matter here),
    and every lesson of Monday gets a substitution."""
    from models import Bell, Staff, Subject, TeachingAssignment

    bells = [tt.bell1, tt.bell2, tt.bell3]
    for number in range(4, 8):
        bells.append(
            Bell(
                school_id=world.school.id,
                shift=1,
                number=number,
                starts_at=dt.time(7 + number, 0),
                ends_at=dt.time(7 + number, 45),
            )
        )
        db_session.add(bells[-1])
    db_session.flush()
    for cls in (world.c5a, world.c6b):
        for weekday in range(1, 7):
            for bell in bells:
                teacher = Staff(
                    school_id=world.school.id,
                    last_name=f"Учитель{cls.id}{weekday}{bell.id}",
                    first_name="Иван",
                    position="учитель",
                )
                subject = Subject(
                    school_id=world.school.id, name=f"Предмет {cls.id}-{weekday}-{bell.id}", short_name="П"
                )
                db_session.add_all([teacher, subject])
                db_session.flush()
                a = TeachingAssignment(
                    year_id=world.year.id,
                    class_id=cls.id,
                    subject_id=subject.id,
                    teacher_id=teacher.id,
                    hours_per_week=1,
                )
                db_session.add(a)
                db_session.flush()
                entry = TimetableEntry(
                    assignment_id=a.id, weekday=weekday, bell_id=bell.id, room=str(bell.id), valid_from=START
                )
                db_session.add(entry)
                db_session.flush()
                if weekday == 1:
                    db_session.add(
                        Substitution(
                            entry_id=entry.id,
                            date=MONDAY,
                            absent_teacher_id=teacher.id,
                            substitute_id=world.s_classteacher.id,
                        )
                    )
    db_session.commit()


@pytest.mark.parametrize(
    "who,url",
    [
        ("operator", "/admin/timetable/?class_id={c5a}&week=2026-09-07"),
        ("teacher", "/admin/timetable/?class_id={c5a}&week=2026-09-07"),
        ("operator", "/admin/substitutions/?date=2026-09-07&teacher_id={s_other_teacher}"),
        ("operator", "/admin/substitutions/?date=2026-09-07"),
    ],
)
def test_timetable_pages_make_a_fixed_number_of_queries(
    client, login_as, world, tt, db_session, count_queries, operator, who, url
):
    url = url.format(c5a=world.c5a.id, s_other_teacher=world.s_other_teacher.id)
    login_as(who)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _fill_week(db_session, world, tt, operator)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, many.statements[few.count :]
    assert few.count <= 16
