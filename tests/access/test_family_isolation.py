"""Parents see only their children, students only themselves and never the staff panel (R17, R18)."""

from __future__ import annotations

import pytest

from models import db
from models.access import Actor, can_view_student, student_ids


def test_parent_of_a_gets_nothing_of_b(client, login_as, world):
    login_as("parent")
    own = client.get(f"/diary/{world.anna.id}?week=2026-09-07")
    assert own.status_code == 200 and "Натуральные числа" in own.get_data(as_text=True)
    other = client.get(f"/diary/{world.boris.id}?week=2026-09-07")
    body = other.get_data(as_text=True)
    assert other.status_code == 403
    assert "Борис" not in body and "секретное-задание-бориса" not in body and "Делители" not in body


def test_parent_home_lists_only_own_children(client, login_as, world):
    login_as("parent")
    body = client.get("/home").get_data(as_text=True)
    assert "Аннова Анна" in body and "Борисов" not in body and "Верова" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/invites/",
        "/admin/users/",
        "/admin/logins/",
        "/admin/invites/register.pdf",
        "/admin/invites/issue/",
    ],
)
def test_student_never_reaches_the_staff_panel(client, login_as, world, url):
    login_as("student")
    assert client.get(url).status_code == 403


def test_student_cannot_read_a_classmate(client, login_as, world):
    login_as("student")
    assert client.get(f"/diary/{world.vera.id}").status_code == 403
    assert client.get(f"/diary/{world.anna.id}").status_code == 200


def test_diary_of_unknown_student_is_refused_like_a_foreign_one(client, login_as, world):
    login_as("parent")
    assert client.get("/diary/999999").status_code == 403


def _actor(world, name):
    return Actor.of(world.users[name])


@pytest.mark.parametrize(
    "user,student,allowed",
    [
        ("parent", "anna", True),
        ("parent", "boris", False),
        ("parent", "vera", False),
        ("parent_b", "boris", True),
        ("parent_b", "anna", False),
        ("student", "anna", True),
        ("student", "vera", False),
        ("teacher", "anna", True),
        ("teacher", "boris", False),  # teaches 5А only
        ("classteacher", "vera", True),
        ("classteacher", "boris", False),
        ("other_teacher", "boris", True),
        ("other_teacher", "anna", False),
        ("secretary", "boris", True),
        ("coordinator", "anna", True),
        ("director", "boris", True),
        ("operator", "anna", True),
        ("foreign_operator", "anna", False),  # another school
    ],
)
def test_who_sees_which_student(db_session, world, user, student, allowed):
    assert can_view_student(_actor(world, user), getattr(world, student).id) is allowed


def test_teacher_sees_students_of_a_substituted_class_only_with_the_substitution(db_session, world):
    from models import Substitution

    actor = _actor(world, "teacher")
    assert not can_view_student(actor, world.boris.id)
    db.session.add(
        Substitution(
            entry_id=world.entry_6b.id,
            date=world.lesson_6b.date,
            absent_teacher_id=world.s_other_teacher.id,
            substitute_id=world.s_teacher.id,
        )
    )
    db.session.flush()
    assert can_view_student(actor, world.boris.id)


def test_anonymous_sees_nobody(db_session, world):
    assert db.session.scalars(student_ids(Actor.of(None))).all() == []


def test_another_familys_announcement_file_and_survey_answer_404_and_leak_nothing(client, login_as, world):
    """Announcements and surveys of 6Б (Boris's class) opened by Anna's mother and by Anna herself."""
    from models.announcements.board import AnnouncementDraft, save_announcement
    from models.announcements.surveys import SurveyDraft, add_question, save_survey
    from models.announcements.window import Target
    from models.attachments import check_file

    author = Actor.of(world.users["other_teacher"])
    pdf = check_file("boris.pdf", b"%PDF-1.4\n%%EOF\n")
    note = save_announcement(
        author,
        None,
        AnnouncementDraft("Секрет 6Б", "Текст", "all", Target(class_id=world.c6b.id), None, None, [pdf]),
        now=models_now(),
    )
    poll = save_survey(
        author,
        None,
        SurveyDraft("Опрос 6Б", "", "parents", Target(class_id=world.c6b.id), False, False, None, None),
        now=models_now(),
    )
    add_question(author, poll.id, text="Вопрос 6Б", kind="text", options=None, required=True)
    db.session.commit()
    att = note_file_id(note.id)
    for who in ("parent", "student"):
        login_as(who)
        for url in (f"/announcements/{note.id}/files/{att}", f"/surveys/{poll.id}"):
            answer = client.get(url)
            assert answer.status_code == 404, url
            assert "6Б" not in answer.get_data(as_text=True) and b"%PDF" not in answer.data
        posted = client.post(f"/surveys/{poll.id}", data={"form_token": "t" * 32, "q1": "x"}, follow_redirects=False)
        assert posted.status_code == 404
        assert "Секрет 6Б" not in client.get("/announcements").get_data(as_text=True)


def models_now():
    from models.base import utcnow

    return utcnow()


def note_file_id(announcement_id: int) -> int:
    from sqlalchemy import select

    from models.tables.journal import Attachment

    return db.session.scalar(select(Attachment.id).where(Attachment.announcement_id == announcement_id))


def test_a_kept_statement_still_reads_today_s_rows(db_session, world):
    """models/access keeps each actor's students' statements (built once per actor): the answer still follows the
    rows — a consent withdrawn, then given again, a child linked later — for the very same Actor."""
    import datetime as dt

    from models import StudentGuardian
    from models.access import children
    from models.accounts.consents import give_consent, withdraw_consent

    actor = Actor.of(world.users["parent"])
    assert student_ids(actor) is student_ids(actor) and children(actor) is children(actor)
    assert can_view_student(actor, world.anna.id) and not can_view_student(actor, world.vera.id)
    now = dt.datetime(2026, 9, 10, 12, 0, tzinfo=dt.UTC)
    withdraw_consent(actor, world.anna.id, now=now)
    db.session.flush()
    assert not can_view_student(actor, world.anna.id)
    give_consent(actor, world.anna.id, now=now)
    db.session.add(StudentGuardian(student_id=world.vera.id, guardian_id=world.g_parent.id, relation="mother"))
    db.session.flush()
    assert can_view_student(actor, world.anna.id) and can_view_student(actor, world.vera.id)
    assert {s.id for s in db.session.scalars(children(actor))} == {world.anna.id, world.vera.id}
