"""Homework files on a lesson (models/journal/files.py): who may attach and remove them, the limits, the
audit, who may download them (models/access.attachment_ids) in the staff panel and the diary, and the
lesson page, the grid and the diary that list them."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import func, literal, select

from models import Attachment, Lesson, db
from models.access import Actor, attachment_ids, student_lesson_ids
from models.attachments import check_file
from models.audit import AuditEvent
from models.errors import AccessDenied, InvalidInput, NotFound, PeriodClosed
from models.journal.diary import diary_week
from models.journal.files import MAX_LESSON_FILES, add_lesson_file, remove_lesson_file

from .conftest import MONDAY, NOW, WEDNESDAY


@pytest.fixture()
def pdf(samples):
    return check_file("Карточка № 12.pdf", samples["pdf"])


@pytest.fixture()
def homework_file(db_session, jw, actor_of, pdf):
    """A worksheet attached by the teacher to maths 5А on Monday 07.09."""
    att = add_lesson_file(actor_of("teacher"), jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)
    db_session.commit()
    return att


def _count(**where) -> int:
    q = select(func.count()).select_from(Attachment)
    for name, value in where.items():
        q = q.where(getattr(Attachment, name) == value)
    return db.session.scalar(q)


# --- attaching and removing ------------------------------------------------------------------------------
def test_the_teacher_attaches_a_file_and_it_is_audited(jw, homework_file):
    assert (homework_file.lesson_id, homework_file.filename) == (jw.lesson_5a.id, "Карточка № 12.pdf")
    assert homework_file.content_type == "application/pdf" and homework_file.uploaded_by_id == jw.users["teacher"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attachment.upload"))
    assert event.entity_id == homework_file.id and event.actor_id == jw.users["teacher"].id
    new = json.loads(event.new)
    assert new["lesson_id"] == jw.lesson_5a.id and new["sha256"] == homework_file.sha256


@pytest.mark.parametrize(
    "who,error",
    [
        ("classteacher", AccessDenied),  # reads 5А's maths page, does not write in it
        ("other_teacher", AccessDenied),  # substitutes maths 5А on Wednesday only
        ("coordinator", AccessDenied),
        ("operator", AccessDenied),
        ("secretary", AccessDenied),
        ("parent", AccessDenied),
        ("foreign_operator", NotFound),  # another school's lesson does not exist for them
    ],
)
def test_only_who_writes_the_lesson_attaches(jw, actor_of, pdf, who, error):
    with pytest.raises(error):
        add_lesson_file(actor_of(who), jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)
    assert _count() == 0


def test_the_substitute_attaches_to_the_lesson_they_substitute(db_session, jw, actor_of, pdf):
    lesson = Lesson(
        assignment_id=jw.a_maths_5a.id,
        date=WEDNESDAY,
        bell_id=jw.bell.id,
        topic="Сложение",
        work_kind_id=jw.regular.id,
        taught_by_id=jw.s_other_teacher.id,
    )
    db_session.add(lesson)
    db_session.commit()
    att = add_lesson_file(actor_of("other_teacher"), jw.a_maths_5a.id, lesson.id, pdf, now=NOW)
    assert att.lesson_id == lesson.id
    with pytest.raises(AccessDenied):  # Monday's lesson is not theirs
        add_lesson_file(actor_of("other_teacher"), jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)


def test_a_closed_period_and_an_archived_year_refuse(db_session, jw, actor_of, pdf, homework_file):
    jw.q1.closed_at = NOW
    db_session.commit()
    with pytest.raises(PeriodClosed):
        add_lesson_file(actor_of("teacher"), jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)
    with pytest.raises(PeriodClosed):
        remove_lesson_file(actor_of("teacher"), jw.a_maths_5a.id, jw.lesson_5a.id, homework_file.id)
    jw.q1.closed_at = None
    jw.year.archived_at = NOW
    db_session.commit()
    with pytest.raises(PeriodClosed):
        add_lesson_file(actor_of("teacher"), jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)
    assert _count() == 1


def test_no_file_another_page_and_the_limit(jw, actor_of, pdf):
    teacher = actor_of("teacher")
    with pytest.raises(InvalidInput, match="Выберите файл"):
        add_lesson_file(teacher, jw.a_maths_5a.id, jw.lesson_5a.id, None, now=NOW)
    with pytest.raises(InvalidInput, match="другой странице журнала"):
        add_lesson_file(teacher, jw.a_english_g1.id, jw.lesson_5a.id, pdf, now=NOW)
    for _ in range(MAX_LESSON_FILES):
        add_lesson_file(teacher, jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)
    with pytest.raises(InvalidInput, match=f"не больше {MAX_LESSON_FILES} файлов"):
        add_lesson_file(teacher, jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)
    assert _count(lesson_id=jw.lesson_5a.id) == MAX_LESSON_FILES


def test_removing_is_audited_and_only_from_its_own_lesson(db_session, jw, actor_of, homework_file):
    other = Lesson(
        assignment_id=jw.a_maths_5a.id,
        date=MONDAY + dt.timedelta(days=7),
        topic="Дроби",
        work_kind_id=jw.regular.id,
        taught_by_id=jw.s_teacher.id,
    )
    db_session.add(other)
    db_session.commit()
    with pytest.raises(NotFound):
        remove_lesson_file(actor_of("teacher"), jw.a_maths_5a.id, other.id, homework_file.id)
    with pytest.raises(AccessDenied):
        remove_lesson_file(actor_of("classteacher"), jw.a_maths_5a.id, jw.lesson_5a.id, homework_file.id)
    att_id = homework_file.id
    remove_lesson_file(actor_of("teacher"), jw.a_maths_5a.id, jw.lesson_5a.id, att_id)
    db_session.commit()
    assert _count() == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attachment.delete"))
    assert event.entity_id == att_id and json.loads(event.old)["filename"] == "Карточка № 12.pdf"


# --- who may download: one rule for every door -------------------------------------------------------------
@pytest.mark.parametrize(
    "who,sees",
    [
        ("teacher", True),
        ("classteacher", True),
        ("coordinator", True),
        ("director", True),
        ("operator", True),
        ("other_teacher", True),  # substitutes a lesson of maths 5А, so reads its page (the journal's rule)
        ("secretary", False),
        ("foreign_operator", False),
        ("parent", True),
        ("student", True),  # anna (and her mother): she was in 5А on 07.09
        ("parent_b", False),  # boris is in 6Б
    ],
)
def test_who_may_read_a_lesson_file(jw, actor_of, homework_file, who, sees):
    visible = set(db.session.scalars(attachment_ids(actor_of(who))))
    assert (homework_file.id in visible) is sees


def _lessons_of(student) -> set[int]:
    return set(db.session.scalars(student_lesson_ids(select(literal(student.id)))))


def test_a_students_lessons_follow_the_roster_by_date(jw, lesson_of):
    english = lesson_of(jw.a_english_g1, MONDAY)  # subgroup "1 группа": anna only
    later = lesson_of(jw.a_maths_5a, dt.date(2026, 9, 16))
    assert {jw.lesson_5a.id, english.id, later.id} <= _lessons_of(jw.anna)
    assert _lessons_of(jw.vera) >= {jw.lesson_5a.id, later.id} and english.id not in _lessons_of(jw.vera)
    assert jw.lesson_5a.id not in _lessons_of(jw.gleb) and later.id in _lessons_of(jw.gleb)  # joined 14.09
    assert jw.lesson_5a.id in _lessons_of(jw.dina) and later.id not in _lessons_of(jw.dina)  # left after 10.09
    assert _lessons_of(jw.boris) == {jw.lesson_6b.id}


# --- through the web ---------------------------------------------------------------------------------------
def _upload(client, jw, filename, content, lesson=None):
    lesson_id = (lesson or jw.lesson_5a).id
    return client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson/{lesson_id}/files",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_the_teacher_uploads_on_the_lesson_page_and_the_grid_shows_it(client, login_as, jw, samples):
    login_as("teacher")
    response = _upload(client, jw, "карточка.pdf", samples["pdf"])
    assert response.status_code == 302 and response.location.endswith("#lesson-files")
    page = client.get(response.location.split("#")[0]).get_data(as_text=True)
    att = db.session.scalar(select(Attachment).where(Attachment.lesson_id == jw.lesson_5a.id))
    assert "приложен к домашнему заданию" in page and "карточка.pdf" in page
    url = f"/admin/journal/{jw.a_maths_5a.id}/lesson/{jw.lesson_5a.id}/files/{att.id}"
    assert url in page and f"{url}/delete" in page and 'id="lesson-file-form"' in page
    grid = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}").get_data(as_text=True)
    assert 'class="badge badge-light jg-files"' in grid
    response = client.get(url)
    assert response.status_code == 200 and response.data == samples["pdf"]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "filename,content,fragment",
    [
        ("page.html", b"<html><script>alert(1)</script>", "не принимаются"),
        ("fake.pdf", b"MZ\x90\x00 an exe", "не соответствует"),
        ("empty.pdf", b"", "Файл пустой"),
    ],
)
def test_a_bad_file_gets_a_message_and_nothing_is_written(client, login_as, jw, filename, content, fragment):
    login_as("teacher")
    response = _upload(client, jw, filename, content)
    assert response.status_code == 302
    assert fragment in client.get(response.location.split("#")[0]).get_data(as_text=True)
    assert _count() == 0


def test_forged_requests_are_refused(client, login_as, jw, samples, homework_file):
    login_as("classteacher")  # reads the page, may not write
    assert _upload(client, jw, "x.pdf", samples["pdf"]).status_code == 403
    base = f"/admin/journal/{jw.a_maths_5a.id}/lesson/{jw.lesson_5a.id}/files/{homework_file.id}"
    assert client.post(f"{base}/delete").status_code == 403
    assert client.get(base).status_code == 200  # … and downloads
    login_as("secretary")
    assert client.get(base).status_code == 403  # does not read the journal
    login_as("parent")
    assert client.get(base).status_code == 403  # the staff panel is not for parents
    assert _count() == 1


def test_the_page_of_a_reader_lists_files_without_the_upload_form(client, login_as, jw, homework_file):
    login_as("coordinator")
    page = client.get(f"/admin/journal/{jw.a_maths_5a.id}/lesson?lesson={jw.lesson_5a.id}").get_data(as_text=True)
    assert "Карточка № 12.pdf" in page
    assert 'id="lesson-file-form"' not in page and "/delete" not in page


def test_the_teacher_removes_a_file(client, login_as, jw, homework_file):
    login_as("teacher")
    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson/{jw.lesson_5a.id}/files/{homework_file.id}/delete"
    )
    assert response.status_code == 302
    assert "Файл удалён" in client.get(response.location.split("#")[0]).get_data(as_text=True)
    assert _count() == 0


def test_the_diary_links_the_file_for_the_family_only(client, login_as, jw, homework_file, samples):
    url = f"/diary/{jw.anna.id}/files/{homework_file.id}"
    for who in ("parent", "student"):
        login_as(who)
        diary = client.get(f"/diary/{jw.anna.id}?week={MONDAY.isoformat()}").get_data(as_text=True)
        assert url in diary and "Карточка № 12.pdf" in diary
        response = client.get(url)
        assert response.status_code == 200 and response.data == samples["pdf"]
    login_as("parent_b")
    assert client.get(url).status_code == 403
    response = client.get(f"/diary/{jw.boris.id}/files/{homework_file.id}")  # own child, someone else's file
    assert response.status_code == 404 and b"%PDF" not in response.data


def test_the_diary_does_not_list_files_of_lessons_before_the_student_joined(jw, homework_file):
    actor = Actor.of(jw.users["operator"])
    gleb_week = diary_week(actor, jw.gleb.id, MONDAY)  # gleb joined 5А on 14.09: neither the lesson nor its file
    monday = gleb_week.days[0]
    assert all(not lesson.files for lesson in monday.lessons)
    anna_week = diary_week(actor, jw.anna.id, MONDAY)
    assert [f.filename for lesson in anna_week.days[0].lessons for f in lesson.files] == ["Карточка № 12.pdf"]


def test_the_diary_queries_do_not_grow_with_files(db_session, jw, actor_of, pdf, count_queries):
    actor = Actor.of(jw.users["parent"])
    with count_queries() as before:
        diary_week(actor, jw.anna.id, MONDAY)
    for _ in range(3):
        add_lesson_file(actor_of("teacher"), jw.a_maths_5a.id, jw.lesson_5a.id, pdf, now=NOW)
    db_session.commit()
    with count_queries() as after:
        week = diary_week(actor, jw.anna.id, MONDAY)
    assert len(week.days[0].lessons[0].files) == 3
    assert before.count == after.count


def test_a_teacher_who_does_not_read_the_page_does_not_download(
    db_session, client, login_as, jw, actor_of, lesson_of, pdf
):
    english = lesson_of(jw.a_english_g1, MONDAY)  # other_teacher neither teaches nor substitutes it
    att = add_lesson_file(actor_of("teacher"), jw.a_english_g1.id, english.id, pdf, now=NOW)
    db_session.commit()
    assert att.id not in set(db.session.scalars(attachment_ids(actor_of("other_teacher"))))
    login_as("other_teacher")
    assert client.get(f"/admin/journal/{jw.a_english_g1.id}/lesson/{english.id}/files/{att.id}").status_code in (
        403,
        404,
    )
