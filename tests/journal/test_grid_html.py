"""The grid's body built in Python (admin_views/journal_html.py) and the lesson links written without url_for:
the same markup and addresses the template printed, escaping included."""

from __future__ import annotations

import json
import re

from models import Mark, Student, db


def _grid(client, jw):
    response = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_lesson_links_recorded_and_planned(client, jw, login_as):
    login_as("teacher")
    html = _grid(client, jw)
    base = f"/admin/journal/{jw.a_maths_5a.id}/lesson"
    assert f'href="{base}?lesson={jw.lesson_5a.id}"' in html
    planned = re.search(rf'href="{base}\?date=2026-09-09&amp;bell=(\d+)"', html)
    assert planned and int(planned.group(1)) == jw.bell.id
    assert client.get(f"{base}?date=2026-09-09&bell={jw.bell.id}").status_code == 200  # the link works


def test_cells_and_names_are_escaped(client, jw, login_as):
    db.session.get(Student, jw.anna.id).last_name = "<b>O'Нил</b>"
    mark = db.session.query(Mark).filter_by(lesson_id=jw.lesson_5a.id, student_id=jw.anna.id).one()
    mark.comment = "a 'quote' & <tag>"
    db.session.commit()
    login_as("teacher")
    html = _grid(client, jw)
    assert "<b>O'Нил</b>" not in html and "&lt;b&gt;O&#39;Нил&lt;/b&gt;" in html
    state = re.search(rf"name=\"o-{jw.lesson_5a.id}-{jw.anna.id}\" value='([^']*)'", html).group(1)
    assert "<tag>" not in state
    unescaped = state.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
    assert json.loads(unescaped.replace("&amp;", "&"))["m"][0][4] == "a 'quote' & <tag>"
    row = re.search(rf'<tr data-student="{jw.anna.id}">.*?</tr>', html, re.S).group(0)
    assert f'name="c-{jw.lesson_5a.id}-{jw.anna.id}" value="5" aria-labelledby="s{jw.anna.id} ' in row
