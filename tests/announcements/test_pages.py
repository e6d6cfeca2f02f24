"""The staff panel's and the portal's pages of announcements and surveys, through the test client (CSRF is off in
TestConfig; the one-time form tokens are on)."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from models import db
from models.announcements.window import Target
from models.idempotency import new_token
from models.tables.messaging import Announcement, Survey, SurveyQuestion, SurveyResponse

from .conftest import publish, survey

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_director_publishes_for_a_class_with_a_file_and_the_family_reads_it(client, login_as, world, now):
    login_as("director")
    assert client.get("/admin/announcements/new").status_code == 200
    data = {
        "form_token": new_token(),
        "title": "Родительское собрание",
        "body": "Собрание в четверг в 18:00 <b>в кабинете 12</b>",
        "audience": "all",
        "target": f"class:{world.c5a.id}",
        "first_day": "",
        "last_day": "2026-09-20",
        "files": (io.BytesIO(PDF), "povestka.pdf"),
    }
    answer = client.post("/admin/announcements/new", data=data, content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    row = db.session.scalar(select(Announcement).where(Announcement.title == "Родительское собрание"))
    assert row.class_id == world.c5a.id and row.grade is None

    login_as("parent")
    home = client.get("/home").get_data(as_text=True)
    assert "Родительское собрание" in home
    assert "&lt;b&gt;в кабинете 12&lt;/b&gt;" in home  # escaped
    page = client.get("/announcements").get_data(as_text=True)
    assert "povestka.pdf" in page
    att_id = row_files(row.id)[0]
    got = client.get(f"/announcements/{row.id}/files/{att_id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")

    login_as("parent_b")  # 6Б: neither the page nor the file
    assert "Родительское собрание" not in client.get("/announcements").get_data(as_text=True)
    assert client.get(f"/announcements/{row.id}/files/{att_id}").status_code == 404
    assert "Родительское собрание" not in client.get("/home").get_data(as_text=True)


def row_files(announcement_id: int) -> list[int]:
    from models.tables.journal import Attachment

    return list(db.session.scalars(select(Attachment.id).where(Attachment.announcement_id == announcement_id)))


def test_bad_input_is_a_message_and_changes_nothing(client, login_as, world, now):
    login_as("classteacher")
    before = db.session.query(Announcement).count()
    for data, message in (
        ({"title": " ", "body": "x", "audience": "all", "target": f"class:{world.c5a.id}"}, "Укажите заголовок"),
        ({"title": "t", "body": "x", "audience": "all", "target": "class:abc"}, "Выберите, кому адресовано"),
        ({"title": "t", "body": "x", "audience": "all", "target": f"class:{world.c6b.id}"}, "только своему классу"),
        ({"title": "t", "body": "x", "audience": "all", "target": "school"}, "только своему классу"),
        ({"title": "t", "body": "x", "audience": "zzz", "target": f"class:{world.c5a.id}"}, "кто увидит"),
        (
            {"title": "t", "body": "x", "audience": "all", "target": f"class:{world.c5a.id}", "last_day": "31.02.2026"},
            "Неверная дата",
        ),
        (
            {
                "title": "t",
                "body": "x",
                "audience": "all",
                "target": f"class:{world.c5a.id}",
                "first_day": "2026-09-20",
                "last_day": "2026-09-10",
            },
            "раньше первого",
        ),
    ):
        answer = client.post("/admin/announcements/new", data=data, follow_redirects=True)
        assert answer.status_code == 200
        assert message in answer.get_data(as_text=True), message
    bad_file = {
        "title": "t",
        "body": "x",
        "audience": "all",
        "target": f"class:{world.c5a.id}",
        "files": (io.BytesIO(b"<html><script>alert(1)</script>"), "page.html"),
    }
    answer = client.post("/admin/announcements/new", data=bad_file, content_type="multipart/form-data")
    assert "Файлы такого типа не принимаются" in answer.get_data(as_text=True)
    assert db.session.query(Announcement).count() == before


def test_a_class_teacher_cannot_open_another_class_teachers_announcement(client, login_as, world, now):
    row = publish(world, "other_teacher", "Экскурсия 6Б", target=Target(class_id=world.c6b.id))
    db.session.commit()
    login_as("classteacher")
    assert client.get(f"/admin/announcements/{row.id}").status_code == 404
    assert client.post(f"/admin/announcements/{row.id}", data={"action": "delete"}).status_code == 404
    assert db.session.get(Announcement, row.id) is not None
    login_as("teacher")  # not a publisher at all
    assert client.get("/admin/announcements/new").status_code == 403
    assert "Экскурсия 6Б" not in client.get("/admin/announcements/").get_data(as_text=True)


def test_survey_from_the_panel_answered_in_the_portal_summed_up_and_exported(client, login_as, world, now):
    login_as("coordinator")
    answer = client.post(
        "/admin/surveys/new",
        data={
            "form_token": new_token(),
            "title": "Кружки",
            "audience": "parents",
            "target": f"class:{world.c5a.id}",
            "per_family": "1",
            "action": "save",
        },
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    row = db.session.scalar(select(Survey).where(Survey.title == "Кружки"))
    assert row.per_family and not row.is_anonymous
    for text, kind, options in (("Какой кружок?", "single", "Шахматы\n=1+1\nТанцы"), ("Идеи", "text", "")):
        answer = client.post(
            f"/admin/surveys/{row.id}",
            data={
                "form_token": new_token(),
                "action": "add",
                "text": text,
                "kind": kind,
                "options": options,
                "required": "1",
            },
        )
        assert answer.status_code == 303
    q1, q2 = db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.survey_id == row.id).order_by(SurveyQuestion.position)
    )

    login_as("parent_b")  # 6Б: not asked
    assert client.get(f"/surveys/{row.id}").status_code == 404
    assert client.post(f"/surveys/{row.id}", data={"form_token": new_token(), f"q{q1.id}": "0"}).status_code == 404

    login_as("parent")
    assert "Кружки" in client.get("/home").get_data(as_text=True)
    missing = client.post(f"/surveys/{row.id}", data={"form_token": new_token(), f"q{q1.id}": "0"})
    assert "Ответьте на вопрос" in missing.get_data(as_text=True)
    done = client.post(
        f"/surveys/{row.id}",
        data={"form_token": new_token(), f"q{q1.id}": "1", f"q{q2.id}": '=HYPERLINK("http://x")<script>'},
    )
    assert done.status_code == 303
    again = client.post(f"/surveys/{row.id}", data={"form_token": new_token(), f"q{q1.id}": "0", f"q{q2.id}": "x"})
    assert "уже ответила" in again.get_data(as_text=True)
    assert db.session.query(SurveyResponse).filter_by(survey_id=row.id).count() == 1

    login_as("coordinator")
    page = client.get(f"/admin/surveys/{row.id}/results").get_data(as_text=True)
    assert "<svg" in page and "100%" in page
    assert "&lt;script&gt;" in page and '<script>"' not in page
    assert "Аннова Алла" in page  # a named survey lists who answered
    xlsx = client.get(f"/admin/surveys/{row.id}/results.xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Кто ответил"
    assert rows[1][3] == "'=1+1" and rows[1][4].startswith("'=HYPERLINK")
    assert client.post(f"/admin/surveys/{row.id}", data={"action": "remove", "question": q1.id}).status_code == 200
    assert db.session.get(SurveyQuestion, q1.id) is not None  # answered: questions stay

    login_as("classteacher")  # the coordinator's survey is not theirs to read
    assert client.get(f"/admin/surveys/{row.id}/results").status_code == 404
    assert client.get(f"/admin/surveys/{row.id}/results.xlsx").status_code == 404


def test_anonymous_survey_results_never_say_who(client, login_as, world, now):
    row = survey(world, "classteacher", target=Target(class_id=world.c5a.id), anonymous=True)
    db.session.commit()
    questions = db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.survey_id == row.id)).all()
    login_as("parent")
    data = {"form_token": new_token(), f"q{questions[0].id}": "0", f"q{questions[2].id}": "4"}
    assert client.post(f"/surveys/{row.id}", data=data).status_code == 303
    login_as("classteacher")
    page = client.get(f"/admin/surveys/{row.id}/results").get_data(as_text=True)
    assert "Аннова" not in page and "parent" not in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/admin/surveys/{row.id}/results.xlsx").data)).active
    values = [v for r in sheet.values for v in r if v is not None]
    assert not any("Аннова" in str(v) or "Кто ответил" == v for v in values)
    assert 4 in values


def test_a_refused_question_keeps_what_was_typed(client, login_as, world, now):
    row = survey(world, "classteacher", target=Target(class_id=world.c5a.id))
    db.session.commit()
    login_as("classteacher")
    data = {"form_token": new_token(), "action": "add", "text": "Любимый урок?", "kind": "single", "options": "Один"}
    page = client.post(f"/admin/surveys/{row.id}", data=data).get_data(as_text=True)
    assert "хотя бы два варианта" in page
    assert "Любимый урок?</textarea>" in page and '<option value="single" selected>' in page


def test_the_home_page_shortens_a_long_announcement(client, login_as, world, now):
    from models.announcements.board import AnnouncementDraft, save_announcement

    from .conftest import actor

    draft = AnnouncementDraft("Длинное", "Слово " * 100 + "КОНЕЦ", "all", Target(), None, None)
    save_announcement(actor(world, "director"), None, draft, now=now)
    db.session.commit()
    login_as("parent")
    assert "КОНЕЦ" not in client.get("/home").get_data(as_text=True)
    assert "КОНЕЦ" in client.get("/announcements").get_data(as_text=True)
