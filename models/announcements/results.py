"""The staff's summary of a survey's answers: per question the count and the share of those who answered the
survey for each option or scale point (with the scale's average), the free-text answers, and the rows of the
XLSX export. An anonymous survey never says who answered; a named one lists who did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import aliased

from models.access import Actor
from models.announcements.surveys import KIND_LABELS, SCALE, managed_survey, options_of, questions_of
from models.announcements.window import aware
from models.base import db
from models.i18n import Text, _
from models.tables.accounts import User
from models.tables.messaging import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from models.tables.people import Guardian, Student

Child = aliased(Student)


@dataclass
class Bar:
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    id: int
    position: int
    text: str
    kind: str  # a label of KIND_LABELS (Russian, show with _())
    answered: int
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class Respondent:
    name: str
    child: str
    at: dt.datetime


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]
    respondents: list[Respondent]  # empty for an anonymous survey


def _percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _loaded(survey_id: int):
    responses = db.session.execute(
        select(SurveyResponse, User, Guardian, Student, Child)
        .join(User, User.id == SurveyResponse.user_id)
        .outerjoin(Guardian, Guardian.id == User.guardian_id)
        .outerjoin(Student, Student.id == User.student_id)
        .outerjoin(Child, Child.id == SurveyResponse.student_id)
        .where(SurveyResponse.survey_id == survey_id)
        .order_by(SurveyResponse.id)
    ).all()
    answers: dict[int, dict[int, str]] = {}
    for response_id, question_id, value in db.session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey_id)
    ):
        answers.setdefault(response_id, {})[question_id] = value
    return responses, answers


def _summary(question: SurveyQuestion, values: list[str], total: int) -> QuestionResult:
    result = QuestionResult(question.id, question.position, question.text, KIND_LABELS[question.kind], len(values))
    if question.kind == "text":
        result.texts = sorted(values)
        return result
    labels = options_of(question) if question.kind != "scale" else [str(n) for n in SCALE]
    counts = [0] * len(labels)
    for value in values:
        for part in value.split(","):
            index = int(part) - 1 if question.kind == "scale" else int(part)
            if 0 <= index < len(labels):
                counts[index] += 1
    result.bars = [Bar(label, count, _percent(count, total)) for label, count in zip(labels, counts, strict=True)]
    if question.kind == "scale" and values:
        result.average = round(sum(int(v) for v in values) / len(values), 2)
    return result


def survey_results(actor: Actor, survey_id: int) -> SurveyResults:
    survey = managed_survey(actor, survey_id)
    responses, answers = _loaded(survey.id)
    total = len(responses)
    questions = [
        _summary(q, [answers[r.id][q.id] for r, *_rest in responses if q.id in answers.get(r.id, {})], total)
        for q in questions_of(survey.id)
    ]
    respondents = (
        []
        if survey.is_anonymous
        else [
            Respondent(_person(user, guardian, student), child.full_name if child else "", aware(r.submitted_at))
            for r, user, guardian, student, child in responses
        ]
    )
    return SurveyResults(survey, total, questions, respondents)


def _person(user: User, guardian: Guardian | None, student: Student | None) -> str:
    person = guardian or student
    return person.full_name if person is not None else user.login


def _cell(question: SurveyQuestion, value: str | None) -> str | int | None:
    if value is None:
        return None
    if question.kind == "text":
        return value
    if question.kind == "scale":
        return int(value)
    labels = options_of(question)
    return "; ".join(labels[int(i)] for i in value.split(",") if int(i) < len(labels))


def results_table(actor: Actor, survey_id: int) -> tuple[Survey, list, list[list]]:
    """Headers and one row per response for the XLSX export: who, for which child and when only in a named
    survey; an anonymous survey's rows are sorted by their answers, so that their order says nothing either."""
    survey = managed_survey(actor, survey_id)
    questions = questions_of(survey.id)
    responses, answers = _loaded(survey.id)
    headers: list = [] if survey.is_anonymous else [Text(_("Кто ответил")), Text(_("Обучающийся")), Text(_("Когда"))]
    headers += [f"{q.position}. {q.text}" for q in questions]
    rows = []
    for r, user, guardian, student, child in responses:
        given = answers.get(r.id, {})
        cells = [_cell(q, given.get(q.id)) for q in questions]
        if not survey.is_anonymous:
            cells = [_person(user, guardian, student), child.full_name if child else "", aware(r.submitted_at), *cells]
        rows.append(cells)
    if survey.is_anonymous:
        rows.sort(key=lambda row: [str(c) for c in row])
    return survey, headers, rows
