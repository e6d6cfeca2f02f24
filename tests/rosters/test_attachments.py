"""Achievements and year-end results with documents (R6, R7): what files are accepted, who records,
who reads and downloads, and how a file is sent (always as a download, never rendered)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from models import Achievement, Attachment, AuditEvent, StudentResult, db
from models.attachments import (
    MAX_BYTES,
    attachment_for_download,
    check_file,
    class_achievements,
    delete_record,
    record_achievement,
    record_result,
    safe_filename,
    student_portfolio,
)
from models.errors import AccessDenied, InvalidInput, NotFound

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
D = dt.date


# --- files -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ext,content_type",
    [
        ("pdf", "application/pdf"),
        ("jpg", "image/jpeg"),
        ("png", "image/png"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_allowed_types_are_accepted_with_their_content_type(samples, ext, content_type):
    checked = check_file(f"Диплом.{ext.upper()}", samples[ext])
    assert checked.content_type == content_type
    assert checked.filename == f"Диплом.{ext}"
    assert checked.size == len(samples[ext]) and len(checked.sha256) == 64


@pytest.mark.parametrize(
    "name,content_key,fragment",
    [
        ("page.html", "pdf", "не принимаются"),
        ("script.svg", "pdf", "не принимаются"),
        ("archive.zip", "docx", "не принимаются"),
        ("noextension", "pdf", "не принимаются"),
        ("diploma.pdf", "png", "не соответствует расширению .pdf"),
        ("evil.pdf", b"<html><script>alert(1)</script></html>", "не соответствует"),
        ("photo.jpg", "pdf", "не соответствует"),
        ("table.xlsx", "docx", "не соответствует"),  # a Word file renamed
        ("text.docx", "odt", "не соответствует"),
        ("text.odt", "docx", "не соответствует"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "не соответствует"),
        ("empty.pdf", b"", "пустой"),
    ],
)
def test_other_files_are_refused(samples, name, content_key, fragment):
    content = samples[content_key] if isinstance(content_key, str) else content_key
    with pytest.raises(InvalidInput) as exc:
        check_file(name, content)
    assert fragment in exc.value.message


def test_the_size_limit(samples):
    at_limit = samples["pdf"] + b"0" * (MAX_BYTES - len(samples["pdf"]))
    assert check_file("big.pdf", at_limit).size == MAX_BYTES
    with pytest.raises(InvalidInput, match="больше 10 МБ"):
        check_file("big.pdf", at_limit + b"0")


@pytest.mark.parametrize(
    "raw,safe",
    [
        ("C:\\Users\\Мама\\Грамота.pdf", "Грамота.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('a"b;c\r\nd.pdf', "a_b_cd.pdf"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ("x" * 300 + ".PDF", "x" * 116 + ".pdf"),
        ("", "file"),
    ],
)
def test_file_names_are_made_safe(raw, safe):
    assert safe_filename(raw) == safe


# --- recording ---------------------------------------------------------------------------------------------
def _achievement(actor, world, **overrides):
    args = dict(
        student_id=world.anna.id,
        title="Всероссийская олимпиада школьников по математике",
        kind="olympiad",
        level="municipal",
        result="prize_winner",
        on=D(2026, 11, 10),
        now=NOW,
    )
    args.update(overrides)
    return record_achievement(actor, world.c5a.id, **args)


def test_the_class_teacher_records_an_achievement_with_a_file(world, actor_of, samples):
    ct = actor_of("classteacher")
    row = _achievement(ct, world, subject_id=world.maths.id, file=check_file("Диплом.pdf", samples["pdf"]))
    assert (row.student_id, row.year_id, row.kind, row.level, row.result) == (
        world.anna.id,
        world.year.id,
        "olympiad",
        "municipal",
        "prize_winner",
    )
    att = db.session.scalar(select(Attachment).where(Attachment.achievement_id == row.id))
    assert (att.filename, att.content_type, att.school_id, att.content) == (
        "Диплом.pdf",
        "application/pdf",
        world.school.id,
        samples["pdf"],
    )
    lines = class_achievements(ct, world.c5a.id)
    assert [(a.student_name, a.result, a.subject, [f.filename for f in a.files]) for a in lines] == [
        ("Аннова А.", "призёр", "Математика", ["Диплом.pdf"])
    ]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"achievement.create", "attachment.upload"} <= actions


@pytest.mark.parametrize(
    "overrides,fragment",
    [
        ({"student_id": None}, "Выберите обучающегося"),
        ({"title": "  "}, "Укажите название"),
        ({"title": "x" * 256}, "длиннее 255"),
        ({"kind": "party"}, "вид мероприятия"),
        ({"level": "galactic"}, "уровень"),
        ({"result": "champion"}, "результат"),
        ({"on": None}, "Укажите дату"),
        ({"on": D(2026, 11, 21)}, "в будущем"),
        ({"on": D(2026, 6, 1)}, "вне 2026/2027"),
        ({"subject_id": 999_999}, "предмета"),
    ],
)
def test_achievement_refuses_bad_input(world, actor_of, overrides, fragment):
    with pytest.raises(InvalidInput) as exc:
        _achievement(actor_of("classteacher"), world, **overrides)
    assert fragment in exc.value.message
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 0


def test_a_student_of_another_class_is_refused(world, actor_of):
    with pytest.raises(InvalidInput, match="не числится в 5А"):
        _achievement(actor_of("classteacher"), world, student_id=world.boris.id)


@pytest.mark.parametrize("who", ["other_teacher", "teacher", "secretary", "operator", "parent", "student"])
def test_only_the_class_teacher_records(world, actor_of, who):
    with pytest.raises(AccessDenied):
        _achievement(actor_of(who), world)
    with pytest.raises(AccessDenied):
        record_result(
            actor_of(who),
            world.c5a.id,
            student_id=world.anna.id,
            kind="final_project",
            title="Проект",
            mark=5,
            today=D(2026, 11, 20),
            now=NOW,
        )


def test_a_year_end_result_with_a_document(world, actor_of, samples):
    row = record_result(
        actor_of("classteacher"),
        world.c5a.id,
        student_id=world.vera.id,
        kind="final_project",
        title="Исследование: вода в нашем городе",
        mark=5,
        level="повышенный",
        comment="Отлично",
        file=check_file("проект.docx", samples["docx"]),
        today=D(2026, 11, 20),
        now=NOW,
    )
    assert (row.kind, row.mark, row.level, row.year_id) == ("final_project", 5, "повышенный", world.year.id)
    portfolio = student_portfolio(actor_of("classteacher"), world.vera.id)
    assert [(r.kind, r.mark, [f.filename for f in r.files]) for r in portfolio.results] == [
        ("итоговый индивидуальный проект", 5, ["проект.docx"])
    ]


@pytest.mark.parametrize(
    "kind,mark,grade,fragment",
    [
        ("final_project", 5, 11, "в 5–9 классах"),
        ("complex_work", 6, 5, "от 1 до 5"),
        ("complex_work", 0, 5, "от 1 до 5"),
        ("essay", 5, 5, "вид результата"),
    ],
)
def test_year_end_result_rules(world, actor_of, kind, mark, grade, fragment):
    world.c5a.grade = grade
    db.session.flush()
    with pytest.raises(InvalidInput) as exc:
        record_result(
            actor_of("classteacher"),
            world.c5a.id,
            student_id=world.anna.id,
            kind=kind,
            title="Работа",
            mark=mark,
            today=D(2026, 11, 20),
            now=NOW,
        )
    assert fragment in exc.value.message
    assert db.session.scalar(select(func.count()).select_from(StudentResult)) == 0


def test_deleting_a_mistaken_record_removes_its_files(world, actor_of, samples):
    ct = actor_of("classteacher")
    row = _achievement(ct, world, file=check_file("Диплом.pdf", samples["pdf"]))
    with pytest.raises(AccessDenied):
        delete_record(actor_of("other_teacher"), world.c5a.id, achievement_id=row.id)
    with pytest.raises(NotFound):  # 6Б's teacher can't reach 5А's records through their own class
        delete_record(actor_of("other_teacher"), world.c6b.id, achievement_id=row.id)
    delete_record(ct, world.c5a.id, achievement_id=row.id)
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert "achievement.delete" in set(db.session.scalars(select(AuditEvent.action)))


# --- reading and downloading ---------------------------------------------------------------------------------
@pytest.fixture()
def diploma(world, actor_of, samples, db_session):
    row = _achievement(actor_of("classteacher"), world, file=check_file("Диплом 1 степени.pdf", samples["pdf"]))
    db_session.commit()
    return db.session.scalar(select(Attachment).where(Attachment.achievement_id == row.id))


@pytest.mark.parametrize(
    "who,allowed",
    [
        ("parent", True),
        ("student", True),
        ("classteacher", True),
        ("teacher", True),
        ("secretary", True),
        ("parent_b", False),
        ("other_teacher", False),
        ("foreign_operator", False),
    ],
)
def test_who_may_download(world, actor_of, diploma, who, allowed):
    if allowed:
        assert attachment_for_download(actor_of(who), diploma.id).id == diploma.id
    else:
        with pytest.raises(NotFound):
            attachment_for_download(actor_of(who), diploma.id)


def test_a_file_is_found_only_under_its_own_student(world, actor_of, diploma):
    with pytest.raises(NotFound):
        attachment_for_download(actor_of("classteacher"), diploma.id, student_id=world.vera.id)


def test_the_parent_sees_the_achievement_in_the_diary_and_downloads_the_file(client, login_as, world, diploma, samples):
    login_as("parent")
    diary = client.get(f"/diary/{world.anna.id}").get_data(as_text=True)
    assert f"/diary/{world.anna.id}/achievements" in diary
    page = client.get(f"/diary/{world.anna.id}/achievements")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Всероссийская олимпиада школьников по математике" in body and "призёр" in body
    url = f"/diary/{world.anna.id}/files/{diploma.id}"
    assert url in body
    response = client.get(url)
    assert response.status_code == 200 and response.data == samples["pdf"]
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


def test_another_parent_gets_nothing(client, login_as, world, diploma):
    login_as("parent_b")
    assert client.get(f"/diary/{world.anna.id}/achievements").status_code == 403
    assert client.get(f"/diary/{world.anna.id}/files/{diploma.id}").status_code == 403
    # own child's id with a foreign file id: not found, and nothing of anna's leaks
    response = client.get(f"/diary/{world.boris.id}/files/{diploma.id}")
    assert response.status_code == 404 and b"%PDF" not in response.data


def test_the_class_teacher_downloads_from_the_staff_panel(client, login_as, world, diploma):
    login_as("classteacher")
    response = client.get(f"/admin/my-class/achievements/file/{diploma.id}")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    login_as("other_teacher")
    assert client.get(f"/admin/my-class/achievements/file/{diploma.id}").status_code == 404


# --- uploads through the staff panel ------------------------------------------------------------------------
def _post_achievement(client, world, filename, content, **extra):
    data = {
        "class_id": world.c5a.id,
        "student_id": world.anna.id,
        "title": "Городской конкурс чтецов",
        "kind": "contest",
        "level": "municipal",
        "result": "winner",
        "date": "2026-11-10",
    }
    data.update(extra)
    if filename is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post("/admin/my-class/achievements/add", data=data, content_type="multipart/form-data")


def test_upload_through_the_form(client, login_as, world, samples):
    login_as("classteacher")
    response = _post_achievement(client, world, "грамота.png", samples["png"])
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Достижение записано" in page and "грамота.png" in page and "Городской конкурс чтецов" in page


@pytest.mark.parametrize(
    "filename,content,fragment",
    [
        ("page.html", b"<html><script>alert(1)</script>", "не принимаются"),
        ("big.pdf", b"%PDF-" + b"0" * MAX_BYTES, "больше 10 МБ"),
        ("fake.pdf", b"MZ\x90\x00 an exe", "не соответствует"),
    ],
)
def test_bad_uploads_get_a_russian_message_and_nothing_is_written(client, login_as, world, filename, content, fragment):
    login_as("classteacher")
    response = _post_achievement(client, world, filename, content)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert fragment in body
    assert "Городской конкурс чтецов" in body  # the form keeps what was typed
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_request_over_the_server_limit_is_a_413_page_not_a_500(client, login_as, world, app):
    login_as("classteacher")
    response = _post_achievement(client, world, "huge.pdf", b"%PDF-" + b"0" * app.config["MAX_CONTENT_LENGTH"])
    assert response.status_code == 413
    assert "Файл слишком большой" in response.get_data(as_text=True)


def test_the_class_teacher_of_6b_cannot_post_to_5a(client, login_as, world, samples):
    login_as("other_teacher")
    response = _post_achievement(client, world, "грамота.png", samples["png"])
    assert response.status_code == 403
    response = client.post(
        "/admin/my-class/achievements/result",
        data={
            "class_id": world.c5a.id,
            "student_id": world.anna.id,
            "kind": "complex_work",
            "title": "Комплексная работа",
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 0
    assert db.session.scalar(select(func.count()).select_from(StudentResult)) == 0


def test_a_result_through_the_form_and_a_bad_mark(client, login_as, world, samples):
    login_as("classteacher")
    data = {
        "class_id": world.c5a.id,
        "student_id": world.vera.id,
        "kind": "complex_work",
        "title": "Комплексная работа по читательской грамотности",
        "mark": "7",
    }
    response = client.post("/admin/my-class/achievements/result", data=data)
    assert response.status_code == 200 and "от 1 до 5" in response.get_data(as_text=True)
    data["mark"] = "4"
    data["file"] = (io.BytesIO(samples["xlsx"]), "баллы.xlsx")
    response = client.post("/admin/my-class/achievements/result", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Результат записан" in page and "баллы.xlsx" in page
