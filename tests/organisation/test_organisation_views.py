"""The "Организация" pages through the real app: forms refuse bad input with a Russian message and write
nothing, the director reads but cannot write, lists and pages make a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import (
    AttendanceReason,
    Bell,
    CurriculumItem,
    Period,
    Setting,
    Staff,
    Subject,
    TeachingAssignment,
    WorkKind,
)
from models.school.settings import get_setting


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


# --- periods --------------------------------------------------------------------------------------
def test_operator_adds_a_quarter(client, login_as, world, db_session):
    login_as("operator")
    response = client.post(
        "/admin/periods/new/",
        data={
            "year": world.year.id,
            "scheme": "quarter",
            "number": "2",
            "name": "",
            "starts_on": "05.11.2026",
            "ends_on": "2026-12-28",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    period = db_session.scalar(select(Period).where(Period.number == 2))
    assert (period.name, period.starts_on, period.ends_on) == (
        "2 четверть",
        dt.date(2026, 11, 5),
        dt.date(2026, 12, 28),
    )


def test_overlapping_quarter_is_refused_with_a_message(client, login_as, world, db_session):
    login_as("operator")
    before = _count(db_session, Period)
    response = client.post(
        "/admin/periods/new/",
        data={
            "year": world.year.id,
            "scheme": "quarter",
            "number": "2",
            "name": "2 четверть",
            "starts_on": "2026-10-20",
            "ends_on": "2026-12-28",
        },
        follow_redirects=True,
    )
    body = _text(response)
    assert response.status_code == 200
    assert "Даты пересекаются с периодом «1 четверть» (01.09.2026–25.10.2026)." in body
    assert _count(db_session, Period) == before


def test_a_bad_date_in_a_form_is_a_form_error_not_a_500(client, login_as, world, db_session):
    login_as("operator")
    before = _count(db_session, Period)
    response = client.post(
        "/admin/periods/new/",
        data={"year": world.year.id, "scheme": "quarter", "number": "2", "starts_on": "31.02.2026", "ends_on": "x"},
    )
    assert response.status_code == 200
    assert _count(db_session, Period) == before


def test_a_closed_period_is_not_edited(client, login_as, world, db_session):
    from models.base import utcnow

    db_session.get(Period, world.q1.id).closed_at = utcnow()
    db_session.commit()
    login_as("operator")
    response = client.post(
        f"/admin/periods/edit/?id={world.q1.id}",
        data={
            "year": world.year.id,
            "scheme": "quarter",
            "number": "1",
            "name": "1 четверть",
            "starts_on": "2026-09-01",
            "ends_on": "2026-10-30",
        },
        follow_redirects=True,
    )
    assert "закрыт: изменять его нельзя" in _text(response)
    assert db_session.get(Period, world.q1.id).ends_on == dt.date(2026, 10, 25)


def test_director_cannot_create(client, login_as, world, db_session):
    login_as("director")
    before = _count(db_session, Period)
    client.post(
        "/admin/periods/new/",
        data={
            "year": world.year.id,
            "scheme": "quarter",
            "number": "2",
            "starts_on": "2026-11-05",
            "ends_on": "2026-12-28",
        },
    )
    assert _count(db_session, Period) == before
    body = _text(client.get("/admin/periods/"))
    assert "1 четверть" in body and "/admin/periods/new/" not in body


def test_a_foreign_school_period_is_not_opened(client, login_as, world):
    login_as("foreign_operator")
    assert client.get(f"/admin/periods/edit/?id={world.q1.id}").status_code == 302
    assert "1 четверть" not in _text(client.get("/admin/periods/"))


def test_a_non_numeric_id_finds_nothing(client, login_as, world):
    login_as("operator")
    assert client.get("/admin/periods/edit/?id=abc").status_code == 302


# --- bells, subjects, kinds of work, reasons -------------------------------------------------------------
@pytest.mark.parametrize(
    "starts,ends,message",
    [
        ("09:25", "10:10", None),
        ("9.25", "10.10", None),
        ("09:00", "09:40", "Время пересекается с 1 уроком 1 смены (1. 08:30–09:15)."),
        ("10:10", "09:25", "Урок должен заканчиваться позже, чем начинается."),
    ],
)
def test_bell_form(client, login_as, world, db_session, starts, ends, message):
    login_as("operator")
    response = client.post(
        "/admin/bells/new/",
        data={"shift": "1", "number": "2", "starts_at": starts, "ends_at": ends},
        follow_redirects=True,
    )
    assert response.status_code == 200
    bell = db_session.scalar(select(Bell).where(Bell.number == 2))
    if message is None:
        assert (bell.school_id, bell.starts_at) == (world.school.id, dt.time(9, 25))
    else:
        assert message in _text(response) and bell is None


def test_duplicate_subject_is_refused(client, login_as, world, db_session):
    login_as("operator")
    response = client.post(
        "/admin/subjects/new/", data={"name": "Математика", "short_name": "М"}, follow_redirects=True
    )
    assert "Предмет «Математика» уже есть." in _text(response)
    assert _count(db_session, Subject) == 2


def test_a_subject_in_use_is_not_deleted(client, login_as, world, db_session):
    login_as("operator")
    response = client.post("/admin/subjects/delete/", data={"id": str(world.maths.id)}, follow_redirects=True)
    assert "Удалить нельзя: запись используется (" in _text(response)
    assert db_session.get(Subject, world.maths.id) is not None


def test_an_unused_subject_is_deleted(client, login_as, world, db_session):
    astronomy = Subject(school_id=world.school.id, name="Астрономия", short_name="Астр")
    db_session.add(astronomy)
    db_session.commit()
    login_as("operator")
    client.post("/admin/subjects/delete/", data={"id": str(astronomy.id)})
    assert db_session.scalar(select(Subject).where(Subject.name == "Астрономия")) is None


@pytest.mark.parametrize("weight,ok", [("1,5", True), ("2", True), ("abc", False), ("0", False), ("11", False)])
def test_work_kind_weights(client, login_as, world, db_session, weight, ok):
    login_as("operator")
    response = client.post(
        "/admin/work-kinds/new/",
        data={"name": "Контрольная работа", "code": "test", "weight": weight, "is_control": "y", "criteria_kind": ""},
        follow_redirects=True,
    )
    kind = db_session.scalar(select(WorkKind).where(WorkKind.code == "test"))
    if ok:
        assert kind is not None and kind.is_control and kind.criteria_kind is None
        assert kind.weight == Decimal(weight.replace(",", "."))
    else:
        assert kind is None
        body = _text(response)
        assert "Вес — число больше 0 и не больше 10." in body or "Нужно число, например 1,5." in body


def test_attendance_reason_form(client, login_as, world, db_session):
    login_as("operator")
    client.post("/admin/attendance-reasons/new/", data={"name": "по болезни", "code": "Illness", "is_excused": "y"})
    reason = db_session.scalar(select(AttendanceReason))
    assert (reason.code, reason.school_id, reason.is_excused) == ("illness", world.school.id, True)


# --- teaching load ----------------------------------------------------------------------------------
def test_operator_assigns_load_with_half_hours(client, login_as, world, db_session):
    login_as("operator")
    response = client.post(
        "/admin/assignments/new/",
        data={
            "school_class": world.c6b.id,
            "subject": world.russian.id,
            "teacher": world.s_classteacher.id,
            "hours_per_week": "4,5",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    a = db_session.scalar(
        select(TeachingAssignment).where(
            TeachingAssignment.class_id == world.c6b.id, TeachingAssignment.subject_id == world.russian.id
        )
    )
    assert (a.hours_per_week, a.year_id) == (Decimal("4.5"), world.year.id)


@pytest.mark.parametrize("hours", ["abc", "0", "1,25", "25"])
def test_bad_hours_are_refused(client, login_as, world, db_session, hours):
    login_as("operator")
    before = _count(db_session, TeachingAssignment)
    response = client.post(
        "/admin/assignments/new/",
        data={
            "school_class": world.c6b.id,
            "subject": world.russian.id,
            "teacher": world.s_classteacher.id,
            "hours_per_week": hours,
        },
        follow_redirects=True,
    )
    assert "Часы в неделю — число от 0,5 до 20 с шагом 0,5" in _text(response)
    assert _count(db_session, TeachingAssignment) == before


def test_load_form_offers_only_the_schools_teachers(client, login_as, world):
    login_as("operator")
    body = _text(client.get("/admin/assignments/new/"))
    assert "Математикова Мария Ивановна" in body and "Чужая" not in body
    assert "5А (2026/2027)" in body


def test_load_list_is_sorted_by_class_and_subject(client, login_as, world):
    login_as("director")
    body = _text(client.get("/admin/assignments/"))
    assert body.index("Математикова") < body.index("Русская") < body.index("Физикова")


# --- curriculum and the load check ------------------------------------------------------------------
def test_curriculum_grid_saves(client, login_as, world, db_session):
    login_as("operator")
    page = _text(client.get("/admin/curriculum/"))
    assert f'name="h-5-{world.maths.id}"' in page
    response = client.post(
        "/admin/curriculum/",
        data={
            "year_id": world.year.id,
            f"h-5-{world.maths.id}": "5",
            f"h-6-{world.maths.id}": "5",
            f"h-5-{world.russian.id}": "4,5",
            f"h-6-{world.russian.id}": "",
        },
        follow_redirects=True,
    )
    assert "Учебный план сохранён: добавлено 3, изменено 0, удалено 0." in _text(response)
    assert _count(db_session, CurriculumItem) == 3
    assert 'value="4,5"' in _text(response)


def test_a_bad_curriculum_cell_keeps_what_was_typed(client, login_as, world, db_session):
    login_as("operator")
    response = client.post(
        "/admin/curriculum/",
        data={"year_id": world.year.id, f"h-5-{world.maths.id}": "5", f"h-6-{world.russian.id}": "сорок"},
    )
    body = _text(response)
    assert response.status_code == 200
    assert "6 класс, «Русский язык»: часы в неделю — число от 0,5 до 20 с шагом 0,5." in body
    assert 'value="сорок"' in body
    assert _count(db_session, CurriculumItem) == 0


@pytest.mark.parametrize("data", [{"h-x-1": "5"}, {"h-5-999999": "5"}])
def test_forged_curriculum_cells_are_refused(client, login_as, world, db_session, data):
    login_as("operator")
    response = client.post("/admin/curriculum/", data={"year_id": world.year.id, **data})
    assert response.status_code == 200 and "Неверные данные формы." in _text(response)


def test_director_reads_the_curriculum_but_cannot_save(client, login_as, world, db_session):
    login_as("director")
    body = _text(client.get("/admin/curriculum/"))
    assert "curriculum-save" not in body
    response = client.post("/admin/curriculum/", data={"year_id": world.year.id, f"h-5-{world.maths.id}": "5"})
    assert "может только администратор" in _text(response)
    assert _count(db_session, CurriculumItem) == 0


def test_load_check_highlights_mismatches(client, login_as, world, operator):
    from models.school.teaching_load import save_curriculum

    save_curriculum(
        operator, world.year.id, {(5, world.maths.id): "5", (5, world.russian.id): "6", (6, world.maths.id): "4"}
    )
    from models import db

    db.session.commit()
    login_as("coordinator")
    body = _text(client.get("/admin/load-check/"))
    assert "Расхождений с учебным планом: 2." in body
    assert 'data-status="under"' in body and 'data-status="over"' in body and 'data-status="ok"' in body
    only = _text(client.get(f"/admin/load-check/?year_id={world.year.id}&only=1"))
    assert 'data-status="ok"' not in only
    assert "Физикова Фаина Ивановна" in body  # the teachers' total load


# --- settings ---------------------------------------------------------------------------------------
def _settings_form(**changes):
    from models.school.settings import SETTINGS, stored_text

    data = {s.key: stored_text(s.default) for s in SETTINGS}
    data.update(changes)
    return data


def test_operator_changes_a_setting(client, login_as, world, db_session):
    login_as("operator")
    page = _text(client.get("/admin/settings/"))
    assert 'id="min_marks_for_period"' in page and 'value="0,5"' in page
    response = client.post(
        "/admin/settings/",
        data=_settings_form(min_marks_for_period="5", rounding_threshold="0,6"),
        follow_redirects=True,
    )
    assert "Настройки сохранены (изменено: 2)." in _text(response)
    assert get_setting(world.school.id, "min_marks_for_period") == 5
    assert get_setting(world.school.id, "rounding_threshold") == Decimal("0.6")


def test_bad_settings_are_marked_and_nothing_is_written(client, login_as, world, db_session):
    login_as("operator")
    response = client.post(
        "/admin/settings/",
        data=_settings_form(min_marks_for_period="5", invite_code_days="0", rounding_threshold="много"),
    )
    body = _text(response)
    assert response.status_code == 200
    assert "Настройки не сохранены: исправьте отмеченные поля." in body
    assert "«Срок действия кода приглашения, дней»: допустимо от 1 до 90." in body
    assert "нужно число, например 0,5." in body
    assert 'value="много"' in body
    assert _count(db_session, Setting) == 0


def test_director_reads_settings_only(client, login_as, world, db_session):
    login_as("director")
    assert "settings-save" not in _text(client.get("/admin/settings/"))
    assert client.post("/admin/settings/", data=_settings_form(min_marks_for_period="5")).status_code == 403
    assert _count(db_session, Setting) == 0


# --- queries: pinned, whatever the number of rows --------------------------------------------------------
def _more_rows(db_session, world, n):
    """n more teachers, subjects, load rows, periods of other years would be odd: load rows and bells."""
    for i in range(n):
        teacher = Staff(school_id=world.school.id, last_name=f"Учитель{i}", first_name="Иван", position="учитель")
        subject = Subject(school_id=world.school.id, name=f"Предмет {i}", short_name=f"П{i}")
        db_session.add_all([teacher, subject])
        db_session.flush()
        db_session.add(
            TeachingAssignment(
                year_id=world.year.id,
                class_id=world.c5a.id if i % 2 else world.c6b.id,
                subject_id=subject.id,
                teacher_id=teacher.id,
                hours_per_week=2,
            )
        )
        db_session.add(CurriculumItem(year_id=world.year.id, grade=5 + i % 2, subject_id=subject.id, hours_per_week=2))
    db_session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/assignments/",
        "/admin/periods/",
        "/admin/subjects/",
        "/admin/bells/",
        "/admin/years/",
        "/admin/work-kinds/",
        "/admin/curriculum/",
        "/admin/load-check/",
        "/admin/settings/",
    ],
)
def test_pages_make_a_fixed_number_of_queries(client, login_as, world, db_session, count_queries, url):
    login_as("operator")
    client.get(url)  # warm-up (translations, first-request work)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _more_rows(db_session, world, 12)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, many.statements[few.count :]
    assert few.count <= 16


@pytest.mark.parametrize(
    "endpoint,row",
    [
        ("years", "year"),
        ("periods", "q1"),
        ("bells", "bell"),
        ("subjects", "maths"),
        ("assignments", "a_maths_5a"),
        ("work-kinds", "regular"),
    ],
)
def test_forms_and_exports_render_for_the_operator(client, login_as, world, endpoint, row):
    login_as("operator")
    assert client.get(f"/admin/{endpoint}/new/").status_code == 200
    edit = client.get(f"/admin/{endpoint}/edit/?id={getattr(world, row).id}")
    assert edit.status_code == 200
    export = client.get(f"/admin/{endpoint}/export/csv/")
    assert export.status_code == 200 and export.mimetype.startswith("text/csv")
