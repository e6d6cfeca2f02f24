"""The journal in the staff panel: the list of pages, the grid, one keystroke saved as JSON (with the
conflict answer carrying the current value, and forged requests refused), the plain form post of the
grid, the lesson page, the cell history, and the page's query count."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from models import AuditEvent, Lesson, Mark, db

D = dt.date


def _mark(world, student):
    return db.session.scalar(select(Mark).where(Mark.lesson_id == world.lesson_5a.id, Mark.student_id == student.id))


def _post_cell(client, jw, student, **body):
    payload = {"assignment_id": jw.a_maths_5a.id, "lesson_id": jw.lesson_5a.id, "student_id": student.id}
    payload.update(body)
    return client.post("/admin/journal/cell", json=payload)


def test_the_list_shows_the_teachers_pages(client, jw, login_as):
    login_as("teacher")
    html = client.get("/admin/journal/").get_data(as_text=True)
    assert f'href="/admin/journal/{jw.a_maths_5a.id}?period=' in html
    assert f"/admin/journal/{jw.a_maths_6b.id}" not in html
    assert "Журнал" in html


def test_the_grid_renders_cells_with_their_state(client, jw, login_as):
    login_as("teacher")
    response = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    name = f"c-{jw.lesson_5a.id}-{jw.anna.id}"
    assert f'name="{name}" value="5"' in html
    state = re.search(rf"name=\"o-{jw.lesson_5a.id}-{jw.anna.id}\" value='([^']*)'", html).group(1)
    assert json.loads(state.replace("&#34;", '"'))["m"][0][1] == "5"
    assert "journal-grid.js" in html and "journal.css" in html
    assert "<script>" not in html and " onclick=" not in html  # CSP: no inline scripts or handlers
    assert "Аннова Анна" in html and "Натуральные числа" in html


def test_readers_see_the_grid_without_inputs(client, jw, login_as):
    login_as("coordinator")
    html = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}").get_data(as_text=True)
    assert 'class="jg-i' not in html and "Аннова Анна" in html and 'id="add-lesson"' not in html


def test_a_keystroke_saves_a_mark(client, jw, login_as):
    login_as("teacher")
    response = _post_cell(client, jw, jw.vera, op="mark", slot=1, value="4", version=None)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["ok"] and data["text"] == "4" and data["cell"]["m"][0][1] == "4"
    assert _mark(jw, jw.vera).value == 4
    response = _post_cell(client, jw, jw.vera, op="attendance", value="absent", version=None)
    assert response.get_json()["text"] == "н 4"
    version = response.get_json()["cell"]["m"][0][2]
    response = _post_cell(client, jw, jw.vera, op="mark", slot=1, value="", version=version)
    assert response.get_json()["text"] == "н"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mark.delete")) is not None


def test_a_stale_tab_gets_a_conflict_with_the_current_value(client, jw, login_as):
    login_as("teacher")
    seen = _mark(jw, jw.anna).version
    assert _post_cell(client, jw, jw.anna, op="mark", slot=1, value="4", version=seen).status_code == 200
    response = _post_cell(client, jw, jw.anna, op="mark", slot=1, value="3", version=seen)
    assert response.status_code == 409
    data = response.get_json()
    assert not data["ok"] and "«4»" in data["error"] and data["text"] == "4"
    assert _mark(jw, jw.anna).value == 4


def test_a_forged_mark_for_a_student_of_another_class_is_refused(client, jw, login_as):
    login_as("teacher")
    response = _post_cell(client, jw, jw.boris, op="mark", slot=1, value="5", version=None)
    assert response.status_code == 400
    assert "не числится" in response.get_json()["error"]
    assert (
        db.session.scalar(select(Mark).where(Mark.lesson_id == jw.lesson_5a.id, Mark.student_id == jw.boris.id)) is None
    )


def test_forged_requests_for_another_page_or_by_a_reader_are_refused(client, jw, login_as):
    login_as("teacher")
    response = _post_cell(client, jw, jw.vera, op="mark", slot=1, value="5", version=None, assignment_id=jw.a_pe_5a.id)
    assert response.status_code == 400 and "другой странице" in response.get_json()["error"]
    response = client.post(
        "/admin/journal/cell",
        json={
            "assignment_id": jw.a_maths_6b.id,
            "lesson_id": jw.lesson_6b.id,
            "student_id": jw.boris.id,
            "op": "mark",
            "slot": 1,
            "value": "2",
            "version": None,
        },
    )
    assert response.status_code == 403
    assert client.post("/admin/journal/cell", data="nonsense").status_code == 400
    login_as("classteacher")  # reads 5А's maths, does not write it
    assert _post_cell(client, jw, jw.vera, op="mark", slot=1, value="5", version=None).status_code == 403
    login_as("secretary")
    assert _post_cell(client, jw, jw.vera, op="mark", slot=1, value="5", version=None).status_code == 403


def test_the_detail_panel_sets_a_comment_and_a_kind(client, jw, login_as):
    login_as("teacher")
    seen = _mark(jw, jw.anna).version
    response = _post_cell(
        client, jw, jw.anna, op="mark", slot=1, value="5", version=seen, comment="у доски", work_kind_id=jw.dictation.id
    )
    assert response.get_json()["cell"]["m"][0][3:] == [jw.dictation.id, "у доски"]
    response = _post_cell(client, jw, jw.anna, op="attendance", value="late", version=None, minutes="9")
    assert response.get_json()["cell"]["a"][:2] == ["late", 9]


def test_scripts_off_the_grid_form_saves_changed_cells(client, jw, login_as):
    login_as("teacher")
    anna, vera = jw.anna, jw.vera
    lesson = jw.lesson_5a
    state = json.dumps({"a": None, "m": [[1, "5", _mark(jw, anna).version, None, None]]})
    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/save",
        data={
            "period": jw.q1.id,
            f"c-{lesson.id}-{anna.id}": "5/4",
            f"o-{lesson.id}-{anna.id}": state,
            f"c-{lesson.id}-{vera.id}": "н",
            f"c-{lesson.id}-{jw.dina.id}": "",
        },
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}")
    assert [
        m.display
        for m in db.session.scalars(
            select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == anna.id).order_by(Mark.slot)
        )
    ] == ["5", "4"]
    html = client.get(response.location).get_data(as_text=True)
    assert "Сохранено клеток: 2" in html
    assert f'name="c-{lesson.id}-{vera.id}" value="н"' in html
    # the same stale form again: anna's cell changed meanwhile → refused with the current value, vera unchanged
    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/save",
        data={"period": jw.q1.id, f"c-{lesson.id}-{anna.id}": "3", f"o-{lesson.id}-{anna.id}": state},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Аннова А., 07.09:" in html and "«5/4»" in html  # the student, the date and the current value


def test_the_lesson_page_records_a_lesson(client, jw, login_as):
    login_as("teacher")
    url = f"/admin/journal/{jw.a_maths_5a.id}/lesson"
    response = client.get(f"{url}?date=2026-09-09&bell={jw.bell.id}")
    assert response.status_code == 200
    assert 'value="2026-09-09"' in response.get_data(as_text=True)
    response = client.post(
        url, data={"date": "2026-09-09", "bell_id": jw.bell.id, "topic": "   ", "work_kind_id": jw.regular.id}
    )
    assert response.status_code == 200 and "Укажите тему урока" in response.get_data(as_text=True)
    response = client.post(
        url,
        data={
            "date": "2026-09-09",
            "bell_id": jw.bell.id,
            "topic": "Сложение дробей",
            "work_kind_id": jw.test_kind.id,
            "homework": "№ 101",
        },
    )
    lesson = db.session.scalar(select(Lesson).where(Lesson.topic == "Сложение дробей"))
    assert response.status_code == 302 and response.location.endswith(f"?period={jw.q1.id}#l{lesson.id}")
    assert lesson.homework == "№ 101" and lesson.work_kind_id == jw.test_kind.id
    page = client.get(f"{url}?lesson={lesson.id}").get_data(as_text=True)
    assert "Сложение дробей" in page and f'name="v-{jw.anna.id}-1"' in page


def test_a_new_lesson_is_offered_the_next_line_of_the_thematic_plan(client, jw, login_as, db_session):
    from models import PlanItem

    first = PlanItem(assignment_id=jw.a_maths_5a.id, position=1, topic="Натуральные числа", hours=1)
    second = PlanItem(
        assignment_id=jw.a_maths_5a.id, position=2, topic="Шкалы и координаты", hours=2, work_kind_id=jw.test_kind.id
    )
    db_session.add_all([first, second])
    db_session.flush()
    jw.lesson_5a.plan_item_id = first.id
    db_session.commit()
    login_as("teacher")
    html = client.get(f"/admin/journal/{jw.a_maths_5a.id}/lesson?date=2026-09-09").get_data(as_text=True)
    assert f'<option value="{second.id}" selected>' in html
    assert ">Шкалы и координаты</textarea>" in html
    assert f'<option value="{jw.test_kind.id}" selected>' in html


def test_the_lesson_page_saves_details_of_the_cells(client, jw, login_as):
    login_as("teacher")
    lesson, anna = jw.lesson_5a, jw.anna
    state = json.dumps({"a": None, "m": [[1, "5", _mark(jw, anna).version, None, None]]})
    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson/{lesson.id}/cells",
        data={
            f"row-{anna.id}": "1",
            f"o-{anna.id}": state,
            f"a-{anna.id}": "late",
            f"am-{anna.id}": "5",
            f"v-{anna.id}-1": "5",
            f"k-{anna.id}-1": str(jw.dictation.id),
            f"t-{anna.id}-1": "без ошибок",
            f"v-{anna.id}-2": "4",
            f"row-{jw.vera.id}": "1",
            f"a-{jw.vera.id}": "",
            f"v-{jw.vera.id}-1": "",
        },
    )
    assert response.status_code == 302
    marks = db.session.scalars(
        select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == anna.id).order_by(Mark.slot)
    ).all()
    assert [(m.display, m.work_kind_id, m.comment) for m in marks] == [
        ("5", jw.dictation.id, "без ошибок"),
        ("4", None, None),
    ]
    page = client.get(response.location).get_data(as_text=True)
    assert "Сохранено клеток: 1" in page and "без ошибок" in page


def test_readers_get_the_lesson_read_only_and_no_new_lesson_form(client, jw, login_as):
    login_as("classteacher")
    url = f"/admin/journal/{jw.a_maths_5a.id}/lesson"
    page = client.get(f"{url}?lesson={jw.lesson_5a.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="lesson-view"' in html and 'id="lesson-form"' not in html and 'id="cells-save"' not in html
    assert client.get(f"{url}?date=2026-09-09").status_code == 403
    response = client.post(url, data={"date": "2026-09-09", "topic": "Чужая тема", "work_kind_id": jw.regular.id})
    assert "может только учитель" in response.get_data(as_text=True)
    assert db.session.scalar(select(Lesson).where(Lesson.topic == "Чужая тема")) is None


def test_the_substitute_fills_the_lesson_of_the_day(client, jw, login_as):
    login_as("other_teacher")
    html = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}").get_data(as_text=True)
    assert 'id="substitute-note"' in html
    url = f"/admin/journal/{jw.a_maths_5a.id}/lesson"
    assert client.get(f"{url}?date=2026-09-09&bell={jw.bell.id}").status_code == 200
    assert client.get(f"{url}?date=2026-09-14").status_code == 403
    response = client.post(
        url, data={"date": "2026-09-09", "bell_id": jw.bell.id, "topic": "Решение задач", "work_kind_id": jw.regular.id}
    )
    assert response.status_code == 302
    lesson = db.session.scalar(select(Lesson).where(Lesson.topic == "Решение задач"))
    assert lesson.substitution_id == jw.substitution.id
    response = client.post(
        "/admin/journal/cell",
        json={
            "assignment_id": jw.a_maths_5a.id,
            "lesson_id": lesson.id,
            "student_id": jw.vera.id,
            "op": "mark",
            "slot": 1,
            "value": "5",
            "version": None,
        },
    )
    assert response.status_code == 200
    assert _post_cell(client, jw, jw.vera, op="mark", slot=1, value="5", version=None).status_code == 403  # Monday


def test_delete_a_lesson_recorded_by_mistake(client, jw, login_as, lesson_of):
    login_as("teacher")
    lesson = lesson_of(jw.a_maths_5a, D(2026, 9, 9), topic="По ошибке")
    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson/{lesson.id}/delete",
        data={"version": lesson.version, "period": jw.q1.id},
    )
    assert response.status_code == 302 and db.session.get(Lesson, lesson.id) is None
    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson/{jw.lesson_5a.id}/delete",
        data={"version": jw.lesson_5a.version},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Вместе с уроком будут удалены: отметки: 1" in html and 'id="lesson-delete-confirm"' in html
    assert db.session.get(Lesson, jw.lesson_5a.id) is not None
    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson/{jw.lesson_5a.id}/delete",
        data={"version": jw.lesson_5a.version, "confirm": "1", "period": jw.q1.id},
    )
    assert response.status_code == 302 and db.session.get(Lesson, jw.lesson_5a.id) is None


def test_the_operator_restores_a_lesson_from_the_bin(client, jw, login_as):
    login_as("teacher")
    client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson/{jw.lesson_5a.id}/delete",
        data={"version": jw.lesson_5a.version, "confirm": "1"},
    )
    assert client.get("/admin/bin/").status_code == 403
    login_as("operator")
    html = client.get("/admin/bin/").get_data(as_text=True)
    assert "07.09.2026 5А Математика: Натуральные числа" in html and "отметки: 1" in html
    client.post("/language", data={"lang": "kk", "next": "/admin/bin/"})
    assert "бағалар: 1" in client.get("/admin/bin/").get_data(as_text=True)  # in the reader's language
    client.post("/language", data={"lang": "ru", "next": "/admin/bin/"})
    assert 'name="csrf_token"' in html and 'href="/admin/bin/"' in html  # the operator's menu leads here
    record_id = int(re.search(r'name="record_id" value="(\d+)"', html).group(1))
    response = client.post("/admin/bin/restore", data={"record_id": record_id}, follow_redirects=True)
    assert "восстановлено вместе с отметками" in response.get_data(as_text=True)
    assert _mark(jw, jw.anna).value == 5
    assert client.post("/admin/bin/restore", data={"record_id": "abc"}).status_code == 404  # a forged form


def test_the_history_of_a_cell_is_one_click_away(client, jw, login_as):
    login_as("teacher")
    seen = _mark(jw, jw.anna).version
    _post_cell(client, jw, jw.anna, op="mark", slot=1, value="4", version=seen)
    page = client.get(f"/admin/journal/{jw.a_maths_5a.id}/lesson?lesson={jw.lesson_5a.id}").get_data(as_text=True)
    assert f"/admin/journal/history?lesson={jw.lesson_5a.id}&amp;student={jw.anna.id}" in page
    html = client.get(f"/admin/journal/history?lesson={jw.lesson_5a.id}&student={jw.anna.id}").get_data(as_text=True)
    assert "изменена отметка" in html and "Математикова" in html
    assert re.search(r"<td>5</td><td>4</td>", html)
    login_as("secretary")
    assert client.get(f"/admin/journal/history?lesson={jw.lesson_5a.id}&student={jw.anna.id}").status_code == 403


def test_the_first_grade_grid_says_no_marks(client, jw, login_as):
    login_as("teacher")
    html = client.get(f"/admin/journal/{jw.a_russian_1a.id}").get_data(as_text=True)
    assert 'id="no-marks"' in html and 'data-no-marks="1"' in html


@pytest.mark.parametrize("who", ["teacher", "director"])
def test_page_queries_do_not_grow_with_students_and_lessons(client, jw, login_as, grow, count_queries, who):
    small = grow("В", 3, 2).id
    large = grow("Г", 30, 20).id
    login_as(who)
    counts = []
    for assignment_id in (small, large):
        client.get(f"/admin/journal/{assignment_id}")  # warm up
        with count_queries() as q:
            response = client.get(f"/admin/journal/{assignment_id}?period={jw.q1.id}")
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_a_lesson_still_to_come_says_why_it_takes_no_marks(client, jw, login_as, lesson_of, monkeypatch):
    import models.base

    from .conftest import NOW

    monkeypatch.setattr(models.base, "clock", lambda: NOW)  # Wednesday 16.09
    ahead = lesson_of(jw.a_maths_5a, D(2026, 9, 21), topic="Урок впереди")
    login_as("teacher")
    html = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}").get_data(as_text=True)
    assert html.count('class="jg-c jg-ro jg-soon" title="Урок ещё не прошёл') == 3  # the three students on 21.09
    assert f'name="c-{ahead.id}-' not in html
    assert (
        f'id="add-lesson" href="/admin/journal/{jw.a_maths_5a.id}/lesson?date=2026-09-16&amp;bell={jw.bell.id}"' in html
    )
    page = client.get(f"/admin/journal/{jw.a_maths_5a.id}/lesson?lesson={ahead.id}").get_data(as_text=True)
    assert 'id="lesson-to-come"' in page and "21.09.2026" in page and 'id="cells-save"' not in page
