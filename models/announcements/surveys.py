"""Surveys for parents or students (R23, S4 3.4): the author sets the target, the window, whether it is
anonymous and whether a family answers once (the parents of the same child share one answer) or each person
does; questions are single or multiple choice, a scale of 1–5, or free text. Questions change only while no
one has answered. A respondent answers once, within the window; nobody reads another's answers here (the
staff's summary is models/announcements/results.py). Operations validate, change, audit and flush; the
caller commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from models.access import Actor, managed_ids, respondent_survey_ids, student_ids
from models.announcements.window import (
    BODY_MAX,
    TITLE_MAX,
    Target,
    aware,
    check_target,
    days,
    is_live,
    target_label,
    text_field,
    window,
)
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, Text, _
from models.roster import stay_on
from models.school_time import school_today, zone_of
from models.tables.classes import Enrollment, SchoolClass
from models.tables.messaging import (
    QUESTION_KINDS,
    SURVEY_AUDIENCES,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from models.tables.people import Student

SCALE = range(1, 6)
MAX_QUESTIONS = 30
MAX_OPTIONS = 20
OPTION_MAX = 200
ANSWER_MAX = 2000
KIND_LABELS = {
    "single": N_("Один вариант"),
    "multiple": N_("Несколько вариантов"),
    "scale": N_("Оценка от 1 до 5"),
    "text": N_("Свободный ответ"),
}
FAMILY_ANSWERED = N_("Ваша семья уже ответила на этот опрос.")
AUDIENCE_LABELS = {"parents": N_("Родители"), "students": N_("Обучающиеся")}


@dataclass
class SurveyDraft:
    title: str | None
    description: str | None
    audience: str | None
    target: Target
    per_family: bool
    anonymous: bool
    first_day: dt.date | None
    last_day: dt.date | None


def managed_survey(actor: Actor, survey_id: int | None) -> Survey:
    row = db.session.scalar(
        select(Survey).where(Survey.id == (survey_id or 0), Survey.id.in_(managed_ids(actor, Survey)))
    )
    if row is None:
        raise NotFound(_("Опрос не найден или недоступен."))
    return row


def response_count(survey_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey_id)
    )


def save_survey(actor: Actor, survey_id: int | None, draft: SurveyDraft, *, now: dt.datetime) -> Survey:
    """A new survey or a change of one the actor manages (who is asked and how they answer stay as they are once
    someone has answered)."""
    row = managed_survey(actor, survey_id) if survey_id is not None else None
    title = text_field(
        draft.title,
        blank=_("Укажите название опроса."),
        limit=TITLE_MAX,
        too_long=_("Название длиннее %(n)s символов."),
    )
    description = (draft.description or "").strip() or None
    if description and len(description) > BODY_MAX:
        raise InvalidInput(_("Текст длиннее %(n)s символов."), n=BODY_MAX)
    if draft.audience not in SURVEY_AUDIENCES:
        raise InvalidInput(_("Выберите, кого спрашивает опрос: родителей или обучающихся."))
    if draft.per_family and draft.audience != "parents":
        raise InvalidInput(_("Один ответ на семью бывает только в опросе родителей."))
    check_target(actor, draft.audience, draft.target)
    start, end = window(actor, draft.first_day, draft.last_day, now)
    if row is not None and draft.first_day is None:
        start = aware(row.opens_at)
    if end is not None and end <= start:
        raise InvalidInput(_("Последний день раньше первого."))
    values = dict(
        title=title,
        description=description,
        audience=draft.audience,
        class_id=draft.target.class_id,
        grade=draft.target.grade,
        per_family=draft.per_family,
        is_anonymous=draft.anonymous,
        opens_at=start,
        closes_at=end,
    )
    if row is None:
        row = Survey(school_id=actor.school_id, author_id=actor.user_id, **values)
        db.session.add(row)
        db.session.flush()
        AuditEvent.record(actor.user_id, "survey.create", "survey", row.id, new={"title": title})
        return row
    fixed = ("audience", "class_id", "grade", "per_family", "is_anonymous")
    if response_count(row.id) and any(getattr(row, k) != values[k] for k in fixed):
        raise Conflict(_("На опрос уже отвечали: адресат, анонимность и порядок ответов менять нельзя."))
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    AuditEvent.record(actor.user_id, "survey.update", "survey", row.id, new={"title": title})
    return row


def _unanswered(row: Survey) -> None:
    if response_count(row.id):
        raise Conflict(_("На опрос уже отвечали: вопросы менять нельзя."))


def parse_options(kind: str, text: str | None) -> str | None:
    if kind not in ("single", "multiple"):
        return None
    options = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(options) < 2:
        raise InvalidInput(_("Укажите хотя бы два варианта ответа, каждый с новой строки."))
    if len(options) > MAX_OPTIONS:
        raise InvalidInput(_("Вариантов больше %(n)s."), n=MAX_OPTIONS)
    if any(len(o) > OPTION_MAX for o in options):
        raise InvalidInput(_("Вариант ответа длиннее %(n)s символов."), n=OPTION_MAX)
    if len(set(options)) < len(options):
        raise InvalidInput(_("Варианты ответа повторяются."))
    return "\n".join(options)


def add_question(
    actor: Actor, survey_id: int | None, *, text: str | None, kind: str | None, options: str | None, required: bool
) -> SurveyQuestion:
    row = managed_survey(actor, survey_id)
    _unanswered(row)
    wording = text_field(
        text, blank=_("Напишите вопрос."), limit=BODY_MAX, too_long=_("Вопрос длиннее %(n)s символов.")
    )
    if kind not in QUESTION_KINDS:
        raise InvalidInput(_("Выберите вид вопроса."))
    last = db.session.scalar(select(func.max(SurveyQuestion.position)).where(SurveyQuestion.survey_id == row.id)) or 0
    count = db.session.scalar(
        select(func.count()).select_from(SurveyQuestion).where(SurveyQuestion.survey_id == row.id)
    )
    if count >= MAX_QUESTIONS:
        raise InvalidInput(_("В опросе не больше %(n)s вопросов."), n=MAX_QUESTIONS)
    question = SurveyQuestion(
        survey_id=row.id,
        position=last + 1,
        text=wording,
        kind=kind,
        options=parse_options(kind, options),
        required=required,
    )
    db.session.add(question)
    db.session.flush()
    AuditEvent.record(actor.user_id, "survey_question.create", "survey", row.id, new={"question_id": question.id})
    return question


def remove_question(actor: Actor, survey_id: int | None, question_id: int | None) -> None:
    row = managed_survey(actor, survey_id)
    _unanswered(row)
    question = db.session.scalar(
        select(SurveyQuestion).where(SurveyQuestion.id == (question_id or 0), SurveyQuestion.survey_id == row.id)
    )
    if question is None:
        raise NotFound(_("Вопрос не найден."))
    AuditEvent.record(actor.user_id, "survey_question.delete", "survey", row.id, old={"text": question.text[:200]})
    db.session.delete(question)
    db.session.flush()


def delete_survey(actor: Actor, survey_id: int | None) -> None:
    row = managed_survey(actor, survey_id)
    AuditEvent.record(actor.user_id, "survey.delete", "survey", row.id, old={"title": row.title})
    db.session.delete(row)
    db.session.flush()


def questions_of(survey_id: int) -> list[SurveyQuestion]:
    return list(
        db.session.scalars(
            select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id).order_by(SurveyQuestion.position)
        )
    )


def options_of(question: SurveyQuestion) -> list[str]:
    return question.options.split("\n") if question.options else []


# --- lists ---------------------------------------------------------------------------------------------
@dataclass
class SurveyLine:
    id: int
    title: str
    description: str | None
    audience: str
    target: Text
    anonymous: bool
    per_family: bool
    first_day: dt.date | None
    last_day: dt.date | None
    live: bool
    questions: int = 0
    responses: int = 0
    answered: bool = False


def _lines(actor: Actor, where, now: dt.datetime) -> list[SurveyLine]:
    questions = (
        select(func.count()).select_from(SurveyQuestion).where(SurveyQuestion.survey_id == Survey.id).scalar_subquery()
    )
    responses = (
        select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == Survey.id).scalar_subquery()
    )
    rows = db.session.execute(
        select(Survey, SchoolClass.grade, SchoolClass.letter, questions, responses)
        .outerjoin(SchoolClass, SchoolClass.id == Survey.class_id)
        .where(where)
        .order_by(Survey.opens_at.desc(), Survey.id.desc())
    ).all()
    lines, tz = [], zone_of(actor.school_id)
    for s, grade, letter, n_questions, n_responses in rows:
        first, last = days(tz, s.opens_at, s.closes_at)
        name = f"{grade}{letter}" if grade is not None else None
        lines.append(
            SurveyLine(
                s.id,
                s.title,
                s.description,
                AUDIENCE_LABELS[s.audience],
                target_label(Target(s.class_id, s.grade), name),
                s.is_anonymous,
                s.per_family,
                first,
                last,
                is_live(s.opens_at, s.closes_at, now),
                n_questions,
                n_responses,
            )
        )
    return lines


def managed_surveys(actor: Actor, now: dt.datetime) -> list[SurveyLine]:
    return _lines(actor, Survey.id.in_(managed_ids(actor, Survey)), now)


def _open(now: dt.datetime):
    has_questions = exists().where(SurveyQuestion.survey_id == Survey.id)
    return (Survey.opens_at <= now) & ((Survey.closes_at.is_(None)) | (Survey.closes_at > now)) & has_questions


def open_surveys(actor: Actor, now: dt.datetime) -> list[SurveyLine]:
    """The surveys asking the actor now, each saying whether the actor (or their family) has answered."""
    lines = _lines(actor, Survey.id.in_(respondent_survey_ids(actor, school_today(actor, now))) & _open(now), now)
    answered = answered_ids(actor, [line.id for line in lines])
    for line in lines:
        line.answered = line.id in answered
    return lines


# --- answering -------------------------------------------------------------------------------------------
def _family_children(actor: Actor, survey: Survey, today: dt.date) -> list[int]:
    """The actor's children the survey is addressed to (its class, grade or school), today."""
    q = (
        select(Student.id)
        .join(Enrollment, (Enrollment.student_id == Student.id) & stay_on(Enrollment, today))
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(Student.id.in_(student_ids(actor)), SchoolClass.school_id == survey.school_id)
        .order_by(Student.id)
    )
    if survey.class_id is not None:
        q = q.where(SchoolClass.id == survey.class_id)
    elif survey.grade is not None:
        q = q.where(SchoolClass.grade == survey.grade)
    return list(db.session.scalars(q))


def answered_ids(actor: Actor, survey_ids: list[int]) -> set[int]:
    """Which of the surveys the actor has answered, or (a survey per family) someone of their family has: a
    response given for one of the actor's children. One query."""
    if not survey_ids:
        return set()
    mine = or_(SurveyResponse.user_id == actor.user_id, SurveyResponse.student_id.in_(student_ids(actor)))
    return set(
        db.session.scalars(select(SurveyResponse.survey_id).where(SurveyResponse.survey_id.in_(survey_ids), mine))
    )


@dataclass
class Questionnaire:
    survey: SurveyLine
    questions: list[SurveyQuestion]
    options: dict[int, list[str]] = field(default_factory=dict)
    scale: range = SCALE
    kinds: dict = field(default_factory=lambda: KIND_LABELS)


def questionnaire(actor: Actor, survey_id: int, now: dt.datetime) -> Questionnaire:
    """An open survey that asks the actor, as its form shows it."""
    survey = _asking(actor, survey_id, now)
    line = _lines(actor, Survey.id == survey.id, now)[0]
    line.answered = survey.id in answered_ids(actor, [survey.id])
    questions = questions_of(survey.id)
    return Questionnaire(line, questions, {q.id: options_of(q) for q in questions})


def _asking(actor: Actor, survey_id: int, now: dt.datetime) -> Survey:
    survey = db.session.scalar(
        select(Survey).where(
            Survey.id == survey_id, Survey.id.in_(respondent_survey_ids(actor, school_today(actor, now))), _open(now)
        )
    )
    if survey is None:
        raise NotFound(_("Опрос не найден, закрыт или адресован не вам."))
    return survey


def _value(question: SurveyQuestion, given: list[str]) -> str | None:
    """The stored answer to one question from what the form sent (option numbers, a scale point, text)."""
    given = [g.strip() for g in given if g and g.strip()]
    if not given:
        if question.required:
            raise InvalidInput(_("Ответьте на вопрос «%(q)s»."), q=question.text[:80])
        return None
    if question.kind == "text":
        if len(given[0]) > ANSWER_MAX:
            raise InvalidInput(_("Ответ длиннее %(n)s символов."), n=ANSWER_MAX)
        return given[0]
    if question.kind == "scale":
        allowed = {str(n) for n in SCALE}
    else:
        allowed = {str(i) for i in range(len(options_of(question)))}
    if any(g not in allowed for g in given) or (question.kind != "multiple" and len(given) > 1):
        raise InvalidInput(_("Выберите ответ из предложенных в вопросе «%(q)s»."), q=question.text[:80])
    return ",".join(sorted(set(given), key=int))


def answer_survey(actor: Actor, survey_id: int, given: dict[int, list[str]], *, now: dt.datetime) -> SurveyResponse:
    """The actor's answers (question id → what the form sent); once per person, or once per family."""
    survey = _asking(actor, survey_id, now)
    today = school_today(actor, now)
    if survey.id in answered_ids(actor, [survey.id]):
        raise Conflict(FAMILY_ANSWERED if survey.per_family else _("Вы уже ответили на этот опрос."))
    values = {q.id: _value(q, given.get(q.id, [])) for q in questions_of(survey.id)}
    if all(v is None for v in values.values()):
        raise InvalidInput(_("Ответьте хотя бы на один вопрос."))
    child = None
    if survey.per_family:
        children = _family_children(actor, survey, today)
        child = children[0] if children else None
    response = SurveyResponse(survey_id=survey.id, user_id=actor.user_id, student_id=child, submitted_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        raise Conflict(FAMILY_ANSWERED) from None
    for question_id, value in values.items():
        if value is not None:
            db.session.add(SurveyAnswer(response_id=response.id, question_id=question_id, value=value))
    db.session.flush()
    # Who answered is not logged for an anonymous survey: the log says only that someone did.
    AuditEvent.record(None if survey.is_anonymous else actor.user_id, "survey.answer", "survey", survey.id)
    return response
