"""The rules of R23 as tables: who may publish to whom, who reads which announcement (and when), who is asked
which survey, one answer per person or per family, the summary and the notices."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import Guardian, StudentGuardian, User, UserRole, db
from models.accounts.auth import hash_password, new_session_token
from models.announcements.board import current_announcements
from models.announcements.results import results_table, survey_results
from models.announcements.surveys import add_question, answer_survey, open_surveys, questionnaire, remove_question
from models.announcements.window import Target
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.notices.feed import family_notices
from models.tables.messaging import SurveyQuestion
from reports.charts import bar_chart

from .conftest import NOW, actor, publish, survey

# (publisher, audience, target) → allowed; "5А"/"6Б" are classes, an int a grade, None the school.
PUBLISH = [
    ("operator", "all", None, True),
    ("director", "parents", 5, True),
    ("coordinator", "all", "6Б", True),
    ("coordinator", "staff", None, True),
    ("classteacher", "all", "5А", True),
    ("classteacher", "students", "5А", True),
    ("classteacher", "all", "6Б", False),
    ("classteacher", "all", None, False),
    ("classteacher", "all", 5, False),
    ("classteacher", "staff", None, False),
    ("teacher", "all", "5А", False),
    ("secretary", "all", None, False),
    ("parent", "all", "5А", False),
    ("student", "all", "5А", False),
    ("foreign_operator", "all", "5А", False),
]


def _target(world, value) -> Target:
    if value is None:
        return Target()
    if isinstance(value, int):
        return Target(grade=value)
    return Target(class_id=(world.c5a if value == "5А" else world.c6b).id)


@pytest.mark.parametrize("who,audience,target,allowed", PUBLISH)
def test_who_may_publish_to_whom(db_session, world, now, who, audience, target, allowed):
    if allowed:
        assert publish(world, who, "Новость", audience=audience, target=_target(world, target)).id
    else:
        with pytest.raises(AccessDenied):
            publish(world, who, "Новость", audience=audience, target=_target(world, target))


def test_staff_only_is_school_wide_and_the_database_agrees(db_session, world, now):
    with pytest.raises(InvalidInput, match="всей школе"):
        publish(world, "director", "Педсовет", audience="staff", target=Target(class_id=world.c5a.id))


# Each announcement by title; each reader sees exactly these.
SEEN = {
    "parent": {"Школа", "Параллель 5", "5А", "5А родителям"},
    "student": {"Школа", "Параллель 5", "5А", "5А ученикам"},
    "parent_b": {"Школа", "6Б"},
    "teacher": {"Школа", "Педсовет"},
    "classteacher": {"Школа", "Педсовет"},  # what they publish is in their own list (managed)
    "director": {"Школа", "Педсовет"},
}


@pytest.mark.parametrize("reader", sorted(SEEN))
def test_who_reads_which_announcement(db_session, world, now, reader):
    publish(world, "director", "Школа")
    publish(world, "director", "Параллель 5", target=Target(grade=5))
    publish(world, "director", "Параллель 6", audience="parents", target=Target(grade=6))
    publish(world, "director", "5А", target=Target(class_id=world.c5a.id))
    publish(world, "director", "6Б", target=Target(class_id=world.c6b.id))
    publish(world, "director", "Педсовет", audience="staff")
    publish(world, "classteacher", "5А родителям", audience="parents", target=Target(class_id=world.c5a.id))
    publish(world, "classteacher", "5А ученикам", audience="students", target=Target(class_id=world.c5a.id))
    later = dict(first=(NOW + dt.timedelta(days=3)).date())
    publish(world, "director", "Будущее", **later)
    gone = publish(world, "director", "Прошлое", first=dt.date(2026, 9, 1), last=dt.date(2026, 9, 5), now=NOW)
    assert gone.expires_at is not None
    seen = {line.title for line in current_announcements(actor(world, reader), NOW)}
    expected = SEEN[reader] | ({"Параллель 6"} if reader == "parent_b" else set())
    assert seen == expected


def test_an_announcement_is_news_in_the_familys_feed(db_session, world, now):
    publish(world, "classteacher", "Экскурсия", target=Target(class_id=world.c5a.id))
    publish(world, "other_teacher", "Чужая экскурсия", target=Target(class_id=world.c6b.id))
    notices = family_notices(actor(world, "parent"), NOW + dt.timedelta(minutes=1))[0].notices
    found = [n for n in notices if n.action == "announcement.publish"]
    assert [(n.subject, n.who) for n in found] == [("Экскурсия", "Русская Р.И.")]
    assert family_notices(actor(world, "parent_b"), NOW + dt.timedelta(minutes=1))[0].notices[0].subject == (
        "Чужая экскурсия"
    )


# (survey audience, target) → who is asked
ASKED = [
    ("parents", "5А", {"parent"}),
    ("parents", None, {"parent", "parent_b"}),
    ("parents", 6, {"parent_b"}),
    ("students", "5А", {"student"}),
]


@pytest.mark.parametrize("audience,target,asked", ASKED)
def test_who_is_asked(db_session, world, now, audience, target, asked):
    survey(world, "director", audience=audience, target=_target(world, target))
    for name in ("parent", "parent_b", "student", "teacher", "classteacher"):
        titles = [s.title for s in open_surveys(actor(world, name), NOW)]
        assert bool(titles) == (name in asked), name


def _second_parent(world):
    """Anna's father: another account of the same family."""
    g = Guardian(school_id=world.school.id, last_name="Аннов", first_name="Андрей")
    db.session.add(g)
    db.session.flush()
    db.session.add(StudentGuardian(student_id=world.anna.id, guardian_id=g.id, relation="father"))
    u = User(
        school_id=world.school.id,
        login="father",
        password_hash=hash_password("x-long-pass-1"),
        session_token=new_session_token(),
        guardian_id=g.id,
    )
    u.roles = [UserRole(role="parent")]
    db.session.add(u)
    db.session.flush()
    return actor(world, "parent").__class__.of(u)


def _answers(row_id: int, *values) -> dict[int, list[str]]:
    ids = db.session.scalars(
        select(SurveyQuestion.id).where(SurveyQuestion.survey_id == row_id).order_by(SurveyQuestion.position)
    )
    return {qid: list(v) for qid, v in zip(ids, values, strict=False)}


@pytest.mark.parametrize("per_family", [True, False])
def test_one_answer_per_family_or_per_person(db_session, world, now, per_family):
    row = survey(world, "classteacher", target=Target(class_id=world.c5a.id), per_family=per_family)
    father = _second_parent(world)
    answer_survey(actor(world, "parent"), row.id, _answers(row.id, ["0"], [], ["5"]), now=NOW)
    with pytest.raises(Conflict):
        answer_survey(actor(world, "parent"), row.id, _answers(row.id, ["1"], [], ["4"]), now=NOW)
    if per_family:
        with pytest.raises(Conflict, match="семья"):
            answer_survey(father, row.id, _answers(row.id, ["1"], [], ["4"]), now=NOW)
        assert questionnaire(father, row.id, NOW).survey.answered
    else:
        answer_survey(father, row.id, _answers(row.id, ["1"], [], ["4"]), now=NOW)
    assert survey_results(actor(world, "classteacher"), row.id).responses == (1 if per_family else 2)


@pytest.mark.parametrize(
    "values,error",
    [
        ((["0"], [], []), "Ответьте на вопрос"),  # the scale is required
        ((["7"], [], ["3"]), "Выберите ответ"),  # no such option
        ((["0", "1"], [], ["3"]), "Выберите ответ"),  # two answers to a single choice
        ((["0"], [], ["6"]), "Выберите ответ"),  # off the scale
        ((["0"], ["0", "x"], ["3"]), "Выберите ответ"),
        ((["0"], [], ["3"], ["я" * 2001]), "длиннее"),
    ],
)
def test_bad_answers_are_refused(db_session, world, now, values, error):
    row = survey(world, "classteacher", target=Target(class_id=world.c5a.id))
    with pytest.raises(InvalidInput, match=error):
        answer_survey(actor(world, "parent"), row.id, _answers(row.id, *values), now=NOW)


def test_a_closed_or_foreign_survey_cannot_be_answered(db_session, world, now):
    row = survey(world, "other_teacher", target=Target(class_id=world.c6b.id))
    with pytest.raises(NotFound):
        answer_survey(actor(world, "parent"), row.id, _answers(row.id, ["0"], [], ["3"]), now=NOW)
    with pytest.raises(NotFound):
        answer_survey(
            actor(world, "parent_b"), row.id, _answers(row.id, ["0"], [], ["3"]), now=NOW + dt.timedelta(days=-1)
        )
    row.closes_at = NOW + dt.timedelta(hours=1)
    db.session.flush()
    with pytest.raises(NotFound):
        answer_survey(
            actor(world, "parent_b"), row.id, _answers(row.id, ["0"], [], ["3"]), now=NOW + dt.timedelta(hours=2)
        )


def test_questions_are_frozen_once_answered_and_the_summary_counts(db_session, world, now):
    row = survey(world, "classteacher", target=Target(class_id=world.c5a.id))
    father = _second_parent(world)
    answer_survey(actor(world, "parent"), row.id, _answers(row.id, ["0"], ["0", "2"], ["5"], ["Больше супов"]), now=NOW)
    answer_survey(father, row.id, _answers(row.id, ["1"], ["2"], ["4"]), now=NOW)
    with pytest.raises(Conflict):
        add_question(actor(world, "classteacher"), row.id, text="Ещё?", kind="text", options=None, required=False)
    first = db.session.scalar(select(SurveyQuestion.id).where(SurveyQuestion.survey_id == row.id))
    with pytest.raises(Conflict):
        remove_question(actor(world, "classteacher"), row.id, first)
    summary = survey_results(actor(world, "classteacher"), row.id)
    single, multiple, scale, text = summary.questions
    assert [(b.label, b.count, b.percent) for b in single.bars] == [
        ("Да", 1, 50.0),
        ("Нет", 1, 50.0),
        ("Затрудняюсь", 0, 0.0),
    ]
    assert [b.count for b in multiple.bars] == [1, 0, 2]
    assert scale.average == 4.5 and [b.count for b in scale.bars] == [0, 0, 0, 1, 1]
    assert text.texts == ["Больше супов"]
    assert {r.name for r in summary.respondents} == {"Аннова Алла", "Аннов Андрей"}
    _survey, headers, rows = results_table(actor(world, "classteacher"), row.id)
    assert headers[0] == "Кто ответил" and len(rows) == 2
    with pytest.raises(NotFound):
        survey_results(actor(world, "other_teacher"), row.id)


def test_an_anonymous_survey_names_nobody(db_session, world, now):
    row = survey(world, "director", anonymous=True)
    answer_survey(actor(world, "parent"), row.id, _answers(row.id, ["0"], [], ["5"]), now=NOW)
    summary = survey_results(actor(world, "director"), row.id)
    assert summary.responses == 1 and summary.respondents == []
    _survey, headers, rows = results_table(actor(world, "director"), row.id)
    assert "Кто ответил" not in headers and "Аннова Алла" not in str(rows)


def test_the_chart_is_svg_with_escaped_labels():
    svg = str(bar_chart([("<script>alert(1)</script>", 3, 75.0), ("Нет", 1, 25.0)], title="Q & A"))
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'width="180.0"' in svg and "3 · 75%" in svg and "Q &amp; A" in svg


def test_the_home_board_costs_the_same_queries_whatever_the_number(db_session, world, now, count_queries):
    from models.announcements.home import family_board

    def cost() -> tuple[int, int, int]:
        with count_queries() as q:
            board = family_board(actor(world, "parent"), NOW)
        return q.count, len(board.announcements), len(board.surveys)

    publish(world, "director", "Первое")
    survey(world, "director")
    one = cost()
    for n in range(6):
        publish(world, "director", f"Ещё {n}", target=Target(class_id=world.c5a.id))
    for _n in range(3):
        survey(world, "classteacher", target=Target(class_id=world.c5a.id))
    many = cost()
    assert many[1:] == (3, 4) and one[1:] == (1, 1)
    assert many[0] == one[0] == 5, (one, many)
