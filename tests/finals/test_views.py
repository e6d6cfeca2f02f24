"""The staff pages of the area as plain form posts: the period-marks page (proposals with their reasons,
per-row and "save all", an override refused without a reason, read-only when closed), closing a period,
the КТП page (lines, import with preview and confirmation), the class teacher's weekly attendance page.
Nothing inline for the CSP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from models import Attendance, Period, PeriodMark, PlanItem, db

SEP = dt.date(2026, 9, 1)


def _no_inline_scripts(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "on*= attribute"


@pytest.fixture()
def marks(fin, world):
    """vera: 5, 4 and a test 4 → proposal 4 (4.25); anna: the world's single 5 (thin basis)."""
    for i, (value, kind) in enumerate(((5, fin.regular), (4, fin.regular), (4, fin.test))):
        fin.mark(fin.lesson(SEP + dt.timedelta(days=10 + i), kind=kind), world.vera, value)
    db.session.commit()
    return fin


def _row(html: str, student_id: int) -> str:
    """The HTML of one student's row (up to the next row or the end of the table)."""
    start = html.index(f'<tr id="row-{student_id}"')
    ends = [i for i in (html.find('<tr id="row-', start + 1), html.find('id="save-all"', start)) if i > 0]
    return html[start : min(ends)]


def _url(world, fin):
    return f"/admin/finals/{world.a_maths_5a.id}?period={fin.q1.id}"


def test_list_of_pages_links_to_marks_and_plan(client, login_as, world, fin):
    login_as("teacher")
    html = client.get("/admin/finals/").get_data(as_text=True)
    assert f"/admin/finals/{world.a_maths_5a.id}" in html and f"/admin/plan/{world.a_maths_5a.id}" in html
    assert f"/admin/finals/{world.a_russian_5a.id}" not in html  # not the teacher's page
    login_as("classteacher")
    html = client.get("/admin/finals/").get_data(as_text=True)
    assert f"/admin/finals/{world.a_maths_5a.id}" in html and f"/admin/finals/{world.a_russian_5a.id}" in html
    assert f"/admin/finals/{world.a_maths_6b.id}" not in html


def test_the_page_shows_proposals_and_why(client, login_as, world, marks):
    login_as("teacher")
    response = client.get(_url(world, marks))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _no_inline_scripts(html)
    assert 'src="/static/js/finals-sheet.js"' in html
    vera = _row(html, world.vera.id)
    assert re.search(r'class="proposed"[^>]*>4<', vera) and "4,25" in vera
    assert "Контрольная работа" in vera and "50%" in vera  # the test's share: 2 of 4
    anna = _row(html, world.anna.id)
    assert "Мало отметок: 1 из необходимых 3" in anna and "контрольные" in anna
    assert 'id="forecast"' in html and 'name="save_one"' in html and 'id="save-all"' in html


def test_save_one_row_override_needs_a_reason(client, login_as, world, marks):
    login_as("teacher")
    url = _url(world, marks)
    form = {
        "period": marks.q1.id,
        "save_one": world.vera.id,
        f"mark-{world.vera.id}": "5",
        f"reason-{world.vera.id}": "",
        f"version-{world.vera.id}": "",
        f"mark-{world.anna.id}": "5",
        f"version-{world.anna.id}": "",
    }
    response = client.post(f"/admin/finals/{world.a_maths_5a.id}", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "укажите причину" in html
    assert db.session.scalars(select(PeriodMark)).all() == []  # anna's row was not part of "save one"
    form[f"reason-{world.vera.id}"] = "Олимпиада"
    response = client.post(f"/admin/finals/{world.a_maths_5a.id}", data=form)
    assert response.status_code == 302 and response.location.endswith(url)
    pm = db.session.scalars(select(PeriodMark)).one()
    assert (pm.student_id, pm.value, pm.override_reason, pm.proposed_value) == (world.vera.id, 5, "Олимпиада", 4)
    html = client.get(url).get_data(as_text=True)
    assert "Причина: Олимпиада" in html and 'value="1"' in html  # the version for the next save


def test_save_all_and_fill_with_proposals(client, login_as, world, marks):
    login_as("teacher")
    html = client.get(_url(world, marks) + "&fill=1").get_data(as_text=True)
    assert 'id="filled-note"' in html
    vera_select = re.search(rf'<select[^>]*id="mark-{world.vera.id}".*?</select>', html, re.S).group(0)
    assert '<option value="4" selected>' in vera_select
    # anna's proposal rests on one mark of the three needed: shown with its doubt, not filled in
    anna_select = re.search(rf'<select[^>]*id="mark-{world.anna.id}".*?</select>', html, re.S).group(0)
    assert "selected" not in anna_select
    assert "Не подставляется: решите сами." in _row(html, world.anna.id)
    assert "у кого оснований недостаточно (⚠): 1" in html
    response = client.post(
        f"/admin/finals/{world.a_maths_5a.id}",
        data={
            "period": marks.q1.id,
            "save_all": "1",
            f"mark-{world.vera.id}": "4",
            f"version-{world.vera.id}": "",
            f"reason-{world.vera.id}": "",
            f"mark-{world.anna.id}": "5",
            f"version-{world.anna.id}": "",
            f"reason-{world.anna.id}": "",
        },
    )
    assert response.status_code == 302
    got = {pm.student_id: pm.value for pm in db.session.scalars(select(PeriodMark))}
    assert got == {world.vera.id: 4, world.anna.id: 5}


def test_classteacher_reads_without_inputs(client, login_as, world, marks):
    login_as("classteacher")
    html = client.get(_url(world, marks)).get_data(as_text=True)
    assert 'id="read-only"' in html and "<select" not in html
    response = client.post(
        f"/admin/finals/{world.a_maths_5a.id}",
        data={"period": marks.q1.id, f"mark-{world.vera.id}": "4", f"version-{world.vera.id}": ""},
    )
    assert response.status_code == 302  # refused with a message, nothing saved
    assert db.session.scalars(select(PeriodMark)).all() == []


def test_coordinator_closes_the_quarter_and_the_page_becomes_read_only(client, login_as, world, marks):
    login_as("coordinator")
    page = client.get(f"/admin/finals/periods/?period={marks.q1.id}").get_data(as_text=True)
    assert 'id="missing"' in page and "Верова" in page
    response = client.post(f"/admin/finals/periods/{marks.q1.id}/close", data={})
    assert response.status_code == 302 and "confirm=1" in response.location
    assert db.session.get(Period, marks.q1.id).closed_at is None
    response = client.post(f"/admin/finals/periods/{marks.q1.id}/close", data={"confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Period, marks.q1.id).closed_at is not None
    login_as("teacher")
    html = client.get(_url(world, marks)).get_data(as_text=True)
    assert 'id="period-closed"' in html and "<select" not in html
    response = client.post(
        f"/admin/finals/{world.a_maths_5a.id}",
        data={"period": marks.q1.id, f"mark-{world.vera.id}": "4", f"version-{world.vera.id}": ""},
    )
    assert response.status_code == 302 and db.session.scalars(select(PeriodMark)).all() == []
    assert client.post(f"/admin/finals/periods/{marks.q1.id}/reopen").status_code == 403
    login_as("operator")
    assert client.post(f"/admin/finals/periods/{marks.q1.id}/reopen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Period, marks.q1.id).closed_at is None


def test_another_teachers_page_is_not_found(client, login_as, world, fin):
    login_as("teacher")
    assert client.get(f"/admin/finals/{world.a_maths_6b.id}").status_code == 404
    assert client.get(f"/admin/plan/{world.a_maths_6b.id}").status_code == 404
    assert client.get(f"/admin/finals/{world.a_maths_5a.id}?period=999999").status_code == 404


# --- КТП ---------------------------------------------------------------------------------------------------
def test_plan_page_adds_lines_and_imports_with_preview(client, login_as, world, fin):
    login_as("teacher")
    url = f"/admin/plan/{world.a_maths_5a.id}"
    html = client.get(url).get_data(as_text=True)
    _no_inline_scripts(html)
    assert 'id="hours-check"' in html and 'id="coverage"' in html and 'id="plan-empty"' in html
    response = client.post(
        url + "/line",
        data={"topic": "Натуральные числа", "hours": "2", "section": "Числа", "work_kind_id": str(fin.regular.id)},
    )
    assert response.status_code == 302
    response = client.post(url + "/line", data={"topic": "", "hours": "1"})
    assert response.status_code == 200 and "Укажите: Тема" in response.get_data(as_text=True)
    csv = "№;Раздел;Тема;Часы;Вид работы\n1;Числа;Натуральные числа;2;\n2;Числа;Контрольная;1;test\n"
    from io import BytesIO

    preview = client.post(
        url + "/import", data={"file": (BytesIO(csv.encode()), "ktp.csv")}, content_type="multipart/form-data"
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="import-confirm"' in html and "Новых: 1" in html
    text = re.search(r'<textarea name="plan_text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    import html as html_lib

    response = client.post(url + "/import/confirm", data={"plan_text": html_lib.unescape(text)})
    assert response.status_code == 302
    topics = db.session.scalars(
        select(PlanItem.topic).where(PlanItem.assignment_id == world.a_maths_5a.id).order_by(PlanItem.position)
    ).all()
    assert topics == ["Натуральные числа", "Контрольная"]
    bad = client.post(
        url + "/import",
        data={"file": (BytesIO("Тема;Часы\n;1\n".encode()), "ktp.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert 'id="preview-errors"' in bad and 'id="import-confirm"' not in bad
    assert client.get("/admin/plan/template.csv").get_data(as_text=True).lstrip("\ufeff").startswith("№;Раздел;Тема")


def test_plan_is_read_only_for_the_class_teacher(client, login_as, world, fin):
    login_as("classteacher")
    html = client.get(f"/admin/plan/{world.a_maths_5a.id}").get_data(as_text=True)
    assert 'id="line-form"' not in html and 'id="import-form"' not in html
    response = client.post(f"/admin/plan/{world.a_maths_5a.id}/line", data={"topic": "x"})
    assert response.status_code == 200 and "учитель" in response.get_data(as_text=True)
    assert db.session.scalars(select(PlanItem)).all() == []


# --- weekly attendance --------------------------------------------------------------------------------------
def test_class_teacher_confirms_a_reason_on_the_weekly_page(client, login_as, world, fin):
    att = fin.add(Attendance(lesson_id=world.lesson_5a.id, student_id=world.anna.id, status="absent"))
    db.session.commit()
    login_as("classteacher")
    url = f"/admin/attendance/week?class={world.c5a.id}&week=2026-09-09"
    html = client.get(url).get_data(as_text=True)
    _no_inline_scripts(html)
    assert f'id="att-{att.id}"' in html and "07.09.2026 – 13.09.2026" in html
    response = client.post(
        "/admin/attendance/week",
        data={
            "class": world.c5a.id,
            "week": "2026-09-07",
            "confirm_one": att.id,
            f"reason-{att.id}": fin.illness.id,
            f"version-{att.id}": att.version,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    att = db.session.get(Attendance, att.id)
    assert att.reason_id == fin.illness.id and att.confirmed_by_id == world.users["classteacher"].id
    html = client.get(url).get_data(as_text=True)
    assert "✓" in html
    login_as("teacher")
    assert client.get(url).status_code == 403
    login_as("coordinator")
    html = client.get(url).get_data(as_text=True)
    assert 'id="read-only"' in html and f'name="reason-{att.id}"' not in html
    login_as("other_teacher")  # class teacher of 6Б
    assert client.get(url).status_code == 403
    assert (
        client.post(
            "/admin/attendance/week", data={"class": world.c5a.id, f"reason-{att.id}": fin.illness.id}
        ).status_code
        == 403
    )


def test_a_whole_day_of_absence_is_confirmed_in_one_step(client, login_as, world, fin):
    day = world.lesson_5a.date
    second = fin.lesson(day, assignment=world.a_russian_5a)
    first = fin.add(Attendance(lesson_id=world.lesson_5a.id, student_id=world.anna.id, status="absent"))
    other = fin.add(Attendance(lesson_id=second.id, student_id=world.anna.id, status="absent"))
    alone = fin.add(Attendance(lesson_id=second.id, student_id=world.vera.id, status="absent"))  # one lesson only
    db.session.commit()
    login_as("classteacher")
    url = f"/admin/attendance/week?class={world.c5a.id}&week={day.isoformat()}"
    html = client.get(url).get_data(as_text=True)
    key = f"{world.anna.id}-{day.isoformat()}"
    lines = re.search(rf'name="day-lines-{key}" value="([^"]*)"', html).group(1)
    assert sorted(lines.split(",")) == sorted([str(first.id), str(other.id)])
    assert f'id="day-{world.vera.id}-' not in html  # a single lesson missed: its own row is enough
    response = client.post(
        "/admin/attendance/week",
        data={
            "class": world.c5a.id,
            "week": day.isoformat(),
            "confirm_day": key,
            f"day-reason-{key}": fin.illness.id,
            f"day-lines-{key}": f"{first.id},{other.id}",
            f"version-{first.id}": first.version,
            f"version-{other.id}": other.version,
            f"reason-{alone.id}": fin.unexcused.id,  # the rest of the form is not part of this step
            f"version-{alone.id}": alone.version,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    confirmed = {a.id: (a.reason_id, a.confirmed_at is not None) for a in db.session.scalars(select(Attendance))}
    assert confirmed[first.id] == confirmed[other.id] == (fin.illness.id, True)
    assert confirmed[alone.id] == (None, False)
    assert f'id="day-{key}"' not in client.get(url).get_data(as_text=True)  # nothing left to confirm that day


def test_year_tab_shows_period_marks_and_the_year_proposal(client, login_as, world, fin):
    for period, value in ((fin.q1, 4), (fin.q2, 5)):
        db.session.add(
            PeriodMark(
                student_id=world.vera.id,
                subject_id=world.maths.id,
                period_id=period.id,
                kind="period",
                value=value,
                assignment_id=world.a_maths_5a.id,
            )
        )
    db.session.commit()
    login_as("teacher")
    html = client.get(f"/admin/finals/{world.a_maths_5a.id}?period={fin.year_period.id}").get_data(as_text=True)
    vera = _row(html, world.vera.id)
    assert "Отметки за периоды" in html and "1 четверть" in vera and "Нет отметки за «3 четверть»" in vera
    assert re.search(r'class="proposed[^"]*"[^>]*>5<', vera)  # (4 + 5) / 2 = 4.5 → 5


def test_exam_and_final_tabs_of_a_graduating_class(client, login_as, world, fin):
    fin.setting("final_grades", "5")
    fin.add(
        PeriodMark(
            student_id=world.vera.id, subject_id=world.maths.id, period_id=fin.year_period.id, kind="year", value=5
        )
    )
    db.session.commit()
    login_as("teacher")
    page = f"/admin/finals/{world.a_maths_5a.id}"
    year = fin.year_period.id
    html = client.get(f"{page}?period={year}").get_data(as_text=True)
    assert f'id="tab-exam-{year}"' in html and f"{page}?period={year}&amp;kind=final" in html
    html = client.get(f"{page}?period={year}&kind=exam").get_data(as_text=True)
    assert "Экзаменационные отметки" in html and 'data-free="1"' in html and 'name="kind" value="exam"' in html
    _no_inline_scripts(html)
    vera = world.vera.id
    response = client.post(
        page,
        data={
            "period": year,
            "kind": "exam",
            "save_one": vera,
            f"mark-{vera}": "4",
            f"reason-{vera}": "",
            f"version-{vera}": "",
        },
    )
    assert response.status_code == 302 and "kind=exam" in response.location
    exam = db.session.scalar(select(PeriodMark).where(PeriodMark.kind == "exam"))
    assert (exam.student_id, exam.value, exam.period_id) == (vera, 4, year)
    html = client.get(f"{page}?period={year}&kind=final").get_data(as_text=True)
    assert "Итоговые отметки (аттестат)" in html and "среднее отметок за периоды и годовой" in html
    assert "Нет отметки за «1 четверть»" in _row(html, vera)  # the default rule needs every quarter
    login_as("other_teacher")  # 6Б is not a graduating class: the tab does not exist, a forged request is refused
    other = f"/admin/finals/{world.a_maths_6b.id}"
    assert 'id="tab-exam-' not in client.get(f"{other}?period={year}").get_data(as_text=True)
    assert client.get(f"{other}?period={year}&kind=exam").status_code == 400
    response = client.post(
        other, data={"period": year, "kind": "exam", f"mark-{world.boris.id}": "5", f"version-{world.boris.id}": ""}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(PeriodMark).where(PeriodMark.student_id == world.boris.id)).all() == []
