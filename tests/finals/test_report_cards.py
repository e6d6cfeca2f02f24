"""Report cards (табель) and the parents' information letter (issue 16 item 2, models/reports/report_cards.py):
who may print whose, the family's language, the lessons missed in the period, one page a student of a class, the
PDF's text intact (pypdf) and user text printed as typed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from models import Attendance, PeriodMark, db
from models.access import Actor
from models.errors import AccessDenied
from models.jobs import Job
from models.reports.report_cards import class_reports, family_languages, student_report

TODAY = dt.date(2026, 11, 2)  # Q1 (01.09–25.10) ended


@pytest.fixture()
def q1(fin, world):
    """anna: maths 5 (the world's lesson of 07.09) and the period mark 5; 2 lessons missed ill, 1 without reason."""
    fin.add(
        PeriodMark(
            student_id=world.anna.id,
            subject_id=world.maths.id,
            period_id=fin.q1.id,
            kind="period",
            value=5,
            assignment_id=world.a_maths_5a.id,
        )
    )
    for day, reason in (
        (dt.date(2026, 9, 14), fin.illness),
        (dt.date(2026, 9, 15), fin.illness),
        (dt.date(2026, 9, 16), None),
    ):
        lesson = fin.lesson(day)
        fin.add(
            Attendance(lesson_id=lesson.id, student_id=world.anna.id, status="absent", reason_id=reason and reason.id)
        )
    db.session.commit()
    return fin


@pytest.mark.parametrize(
    "who,anna,boris",
    [
        ("coordinator", True, True),
        ("director", True, True),
        ("classteacher", True, False),  # 5А's class teacher
        ("other_teacher", False, True),  # 6Б's
        ("teacher", False, False),  # teaches 5А, is nobody's class teacher
        ("secretary", False, False),
        ("parent", True, False),  # anna's mother
        ("parent_b", False, True),
        ("student", True, False),  # anna herself
    ],
)
def test_who_prints_whose_card(world, q1, who, anna, boris):
    actor = Actor.of(world.users[who])
    for student, allowed in ((world.anna, anna), (world.boris, boris)):
        if allowed:
            assert student_report(actor, student.id, today=TODAY).card.student.id == student.id
        else:
            with pytest.raises(AccessDenied):
                student_report(actor, student.id, today=TODAY)


def test_a_class_is_printed_by_its_class_teacher_only(world, q1):
    cls, reports = class_reports(Actor.of(world.users["classteacher"]), world.c5a.id, today=TODAY)
    assert cls.id == world.c5a.id and [r.card.student.full_name for r in reports] == [
        world.anna.full_name,
        world.vera.full_name,
    ]  # by name
    with pytest.raises(AccessDenied):
        class_reports(Actor.of(world.users["classteacher"]), world.c6b.id, today=TODAY)
    with pytest.raises(AccessDenied):
        class_reports(Actor.of(world.users["teacher"]), world.c5a.id, today=TODAY)


def test_absences_period_mark_and_signature(world, q1):
    r = student_report(Actor.of(world.users["coordinator"]), world.anna.id, today=TODAY, period_id=q1.q1.id)
    assert (r.absences.missed, r.absences.excused, r.absences.unexcused) == (3, 2, 1)
    maths = next(line for line in r.card.subjects if line.subject.id == world.maths.id)
    assert maths.period_mark == "5" and [c.shown for c in maths.marks] == ["5"]
    assert r.class_teacher == world.s_classteacher.full_name


@pytest.mark.parametrize(
    "school_language,parent_locale,expected",
    [
        ("ru", "ru", "ru"),
        ("ru", "kk", "kk"),  # the parent's choice wins
        ("kk", "en", "en"),
        ("kk", None, "kk"),  # no parent account: the school's language
    ],
)
def test_the_family_language(world, school_language, parent_locale, expected):
    world.school.language = school_language
    parent = world.users["parent"]
    if parent_locale is None:
        parent.guardian_id = None
    else:
        parent.locale = parent_locale
    db.session.commit()
    assert family_languages([world.anna.id], world.school) == {world.anna.id: expected}


def _text(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture()
def jobs_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    return tmp_path / "jobs"


def test_the_class_letters_one_page_a_student(client, login_as, world, q1, jobs_dir):
    """A whole class is a background job (Huey's immediate mode here): the file waits on "Мои задания"."""
    world.vera.first_name = '<img src="file:///etc/passwd">'
    db.session.commit()
    login_as("classteacher")
    response = client.post(f"/admin/results/report-cards/{world.c5a.id}", data={"kind": "letter", "period": q1.q1.id})
    assert response.status_code == 303 and response.location.endswith("/admin/jobs/")
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert (job.kind, job.status, job.params["kind"], job.params["class_id"]) == (
        "report_cards",
        "done",
        "letter",
        world.c5a.id,
    )
    pdf = client.get(f"/admin/jobs/{job.id}/download")
    assert pdf.status_code == 200
    pages = _text(pdf.data)
    assert len(pages) == 2
    anna, vera = pages
    assert "Информационное письмо родителям" in anna and world.anna.full_name in anna
    assert "Математика" in anna and "Пропущено уроков за «1 четверть»: 3" in anna
    assert "Классный руководитель" in anna and world.s_classteacher.full_name in anna
    assert '<img src="file:///etc/passwd">' in vera  # printed as typed


@pytest.mark.parametrize("who", ["teacher", "other_teacher", "secretary"])
def test_no_job_for_someone_elses_class(client, login_as, world, q1, jobs_dir, who):
    login_as(who)
    response = client.post(f"/admin/results/report-cards/{world.c5a.id}", data={"kind": "card"})
    assert response.status_code in (303, 403)  # refused with a message, or not let into the results at all
    assert db.session.scalar(select(Job.id)) is None


def test_the_card_of_the_year_in_the_family_language(client, login_as, world, q1):
    world.users["parent"].locale = "kk"
    db.session.commit()
    login_as("coordinator")
    response = client.get(f"/admin/results/report-card/{world.anna.id}.pdf?kind=card")
    (page,) = _text(response.data)
    assert "Табель" not in page and world.anna.full_name in page  # in Kazakh, the names as typed
    assert "Математика" in page and "5" in page


@pytest.mark.parametrize(
    "who,status", [("teacher", 403), ("parent", 403), ("other_teacher", 403), ("coordinator", 200)]
)
def test_refused_doors(client, login_as, world, q1, who, status):
    login_as(who)
    assert client.get(f"/admin/results/report-card/{world.anna.id}.pdf?kind=letter").status_code == status


def test_the_parent_downloads_the_letter_in_the_portal(client, login_as, world, q1):
    login_as("parent")
    response = client.get(f"/diary/{world.anna.id}/letter.pdf?period={q1.q1.id}")
    assert response.status_code == 200
    (page,) = _text(response.data)
    assert "Информационное письмо родителям" in page and world.anna.full_name in page
    assert client.get(f"/diary/{world.boris.id}/letter.pdf").status_code == 403


def test_my_class_links_each_students_card_and_letter(client, login_as, world, q1):
    login_as("classteacher")
    html = client.get("/admin/my-class/").get_data(as_text=True)
    card = f"/admin/results/report-card/{world.anna.id}.pdf?kind=card"
    letter = f"/admin/results/report-card/{world.anna.id}.pdf?kind=letter"
    assert card in html and letter in html and 'id="class-report-cards"' in html
    (page,) = _text(client.get(card).data)
    assert "Табель успеваемости" in page and "Пропущено уроков за учебный год: 3" in page
