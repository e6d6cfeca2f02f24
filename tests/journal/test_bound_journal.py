"""The bound class journal (models/reports/bound_journal.py, reports/bound_journal.py; the job "journal_class_pdf"
in tasks.py, ordered at /admin/bound-journal/): who may order which class, the volume's parts against values
worked out by hand from the jw world (tests/journal/conftest.py), the PDF's text through pypdf, the job flow.

Hand-made data for 5А, 1 четверть (01.09–25.10.2026): lessons of maths on 07.09 (the world's, anna «5») and
14.09 («<img src="file:///etc/passwd">» as its topic), of Russian on 08.09; vera absent on 07.09 for illness (a good
reason) and on 14.09 without a good reason, absent on 08.09 with no reason yet, anna late on 14.09. Period
marks: anna maths 5, Russian 4; vera maths 3. Movement: dina left on 10.09 (withdrawal), gleb came on 14.09.
Roster of the quarter (by name): Аннова, Верова, Глебов, Динова."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from i18n import text
from models import Attendance, AttendanceReason, Lesson, PeriodMark, db
from models.access import Actor, can_print_class_journal, can_start_job
from models.errors import AccessDenied, InvalidInput, NotFound
from models.jobs import Job
from models.reports.bound_journal import YEAR, bound_journal, volume_params, volume_title
from reports.bound_journal import bound_journal_pdf

NOW = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)
PAYLOAD = '<img src="file:///etc/passwd">'


@pytest.fixture(autouse=True)
def jobs_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    return tmp_path / "jobs"


@pytest.fixture()
def volume(jw, db_session):
    w = jw
    ill = AttendanceReason(school_id=w.school.id, code="ill", name="по болезни", is_excused=True)
    truant = AttendanceReason(school_id=w.school.id, code="truant", name="без причины", is_excused=False)
    db_session.add_all([ill, truant])
    second = Lesson(
        assignment_id=w.a_maths_5a.id,
        date=dt.date(2026, 9, 14),
        bell_id=w.bell.id,
        topic=PAYLOAD,
        work_kind_id=w.regular.id,
        taught_by_id=w.s_teacher.id,
    )
    russian = Lesson(
        assignment_id=w.a_russian_5a.id,
        date=dt.date(2026, 9, 8),
        bell_id=w.bell.id,
        topic="Звуки и буквы",
        work_kind_id=w.regular.id,
        taught_by_id=w.s_classteacher.id,
    )
    db_session.add_all([second, russian])
    db_session.flush()
    db_session.add_all(
        [
            Attendance(lesson_id=w.lesson_5a.id, student_id=w.vera.id, status="absent", reason_id=ill.id),
            Attendance(lesson_id=second.id, student_id=w.vera.id, status="absent", reason_id=truant.id),
            Attendance(lesson_id=russian.id, student_id=w.vera.id, status="absent"),
            Attendance(lesson_id=second.id, student_id=w.anna.id, status="late", minutes_late=5),
        ]
    )
    for student, subject, value in ((w.anna, w.maths, 5), (w.anna, w.russian, 4), (w.vera, w.maths, 3)):
        db_session.add(
            PeriodMark(student_id=student.id, subject_id=subject.id, period_id=w.q1.id, kind="period", value=value)
        )
    db_session.commit()
    return w


# --- who may order which class ---------------------------------------------------------------------------------
ACCESS = [
    # role, 5А, 6Б
    ("operator", True, True),
    ("director", True, True),
    ("coordinator", True, True),
    ("classteacher", True, False),  # class teacher of 5А
    ("other_teacher", False, True),  # class teacher of 6Б
    ("teacher", False, False),
    ("secretary", False, False),
    ("parent", False, False),
    ("student", False, False),
]


@pytest.mark.parametrize("role,c5a,c6b", ACCESS)
def test_who_may_print_which_class(world, role, c5a, c6b):
    actor = Actor.of(world.users[role])
    assert (can_print_class_journal(actor, world.c5a.id), can_print_class_journal(actor, world.c6b.id)) == (c5a, c6b)
    assert can_start_job(actor, "journal_class_pdf") == (c5a or c6b)
    if not c5a:
        with pytest.raises((AccessDenied, NotFound)):
            bound_journal(actor, world.c5a.id, world.q1.id, now=NOW)


@pytest.mark.parametrize(
    "class_of,period,error",
    [
        ("c5a", "abc", InvalidInput),
        ("c5a", "", InvalidInput),
        ("c5a", "987654", NotFound),
        (None, YEAR, NotFound),
        ("c6b", YEAR, AccessDenied),  # not the class teacher's class
    ],
)
def test_bad_choices_are_refused(jw, class_of, period, error):
    actor = Actor.of(jw.users["classteacher"])
    with pytest.raises(error):
        volume_params(actor, getattr(jw, class_of).id if class_of else None, period)


def test_good_choices_give_the_jobs_parameters(jw, app_ctx):
    actor = Actor.of(jw.users["classteacher"])
    quarter = volume_params(actor, jw.c5a.id, str(jw.q1.id))
    assert quarter == {"class_id": jw.c5a.id, "period_id": jw.q1.id, "class_name": "5А", "period": ["quarter", 1, None]}
    assert text(volume_title(quarter)) == "5А, 1 четверть"
    year = volume_params(actor, jw.c5a.id, YEAR)
    assert (year["period_id"], text(volume_title(year))) == (None, "5А, весь учебный год")


# --- the volume's parts ---------------------------------------------------------------------------------------
def test_the_quarter_volume_holds_every_subject_and_the_hand_counted_figures(volume):
    w = volume
    b = bound_journal(Actor.of(w.users["classteacher"]), w.c5a.id, w.q1.id, now=NOW)
    assert [s.name for s in b.subjects] == [
        "Английский язык",
        "Курс по выбору",
        "Математика",
        "Русский язык",
        "Физическая культура",
    ]
    assert len(b.pages) == 5 and not b.whole_year and b.class_teacher.id == w.s_classteacher.id
    assert [line.student.last_name for line in b.roster] == ["Аннова", "Верова", "Глебов", "Динова"]
    totals = {t.student.last_name: (t.missed, t.excused, t.unexcused, t.unexplained, t.late) for t in b.attendance}
    assert totals == {
        "Аннова": (0, 0, 0, 0, 1),
        "Верова": (3, 1, 1, 1, 0),
        "Глебов": (0, 0, 0, 0, 0),
        "Динова": (0, 0, 0, 0, 0),
    }
    (marks,) = b.marks
    assert marks.kind == "period"
    assert {(sid, subject): value for (sid, subject), value in marks.marks.items()} == {
        (w.anna.id, w.maths.id): "5",
        (w.anna.id, w.russian.id): "4",
        (w.vera.id, w.maths.id): "3",
    }
    assert [(m.date, m.student.last_name, m.arrived) for m in b.movement] == [
        (dt.date(2026, 9, 10), "Динова", False),
        (dt.date(2026, 9, 14), "Глебов", True),
    ]


def test_the_year_volume_has_every_period_and_more_pages(volume, app_ctx):
    w = volume
    actor = Actor.of(w.users["director"])
    year = bound_journal(actor, w.c5a.id, None, now=NOW)
    quarter = bound_journal(actor, w.c5a.id, w.q1.id, now=NOW)
    assert year.whole_year and [p.id for p in year.periods] == [w.q1.id, w.q2.id]
    assert len(year.pages) == 10 and len(year.marks) == 2  # no year period in this world: no year marks table
    with app_ctx.test_request_context():
        year_pages = len(PdfReader(io.BytesIO(bound_journal_pdf(year))).pages)
        quarter_pages = len(PdfReader(io.BytesIO(bound_journal_pdf(quarter))).pages)
    # title 1 + 5 subjects × 2 + attendance 1 + marks 1 + charts 1 + roster 1 + movement 1
    assert quarter_pages == 16
    assert year_pages == 1 + 10 * 2 + 1 + 2 + 1 + 1 + 1


def test_the_pdf_text(volume, app_ctx):
    w = volume
    b = bound_journal(Actor.of(w.users["coordinator"]), w.c5a.id, w.q1.id, now=NOW)
    with app_ctx.test_request_context():
        reader = PdfReader(io.BytesIO(bound_journal_pdf(b)))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]  # a table's cells one line each
    title = pages[0]
    for expected in ("Школа № 1", "Классный журнал", "5А", "2026/2027", "Русская Раиса", "01.09.2026 – 25.10.2026"):
        assert expected in title, expected
    text = "\n".join(pages)
    for subject in ("Английский язык", "Курс по выбору", "Математика", "Русский язык", "Физическая культура"):
        assert f"5А · {subject}" in text, subject
    assert "Натуральные числа" in text and "Звуки и буквы" in text
    assert PAYLOAD in text  # the topic printed as typed, nothing fetched
    attendance = next(p for p in pages if "Сводная ведомость посещаемости" in p)
    assert "Верова Вера 3 1 1 1 0" in attendance
    marks = next(p for p in pages if "Отметки за период" in p)
    assert "Аннова Анна 5 4" in marks and "Верова Вера 3" in marks
    roster = next(p for p in pages if "Сведения об обучающихся" in p)
    assert "01.03.2015" in roster and "Аннова Алла (мать)" in roster
    movement = next(p for p in pages if "Движение обучающихся" in p)
    assert "10.09.2026" in movement and "выбыл(а)" in movement and "прибыл(а)" in movement


# --- the job: ordered on the page, made in the background, downloaded ----------------------------------------
def test_the_class_teacher_orders_the_volume_and_downloads_it(client, login_as, volume, jobs_dir):
    w = volume
    login_as("classteacher")
    page = client.get(f"/admin/bound-journal/?class={w.c5a.id}").get_data(as_text=True)
    assert 'id="order-form"' in page and "1 четверть" in page and "6Б" not in page
    response = client.post("/admin/bound-journal/order", data={"class": w.c5a.id, "period": w.q1.id})
    assert response.status_code == 303 and response.location.endswith("/admin/jobs/")
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert (job.kind, job.status, job.progress) == ("journal_class_pdf", "done", 100)
    assert (job.params["class_id"], job.params["period_id"]) == (w.c5a.id, w.q1.id)
    assert [p.name for p in jobs_dir.iterdir()] == [job.file_path]
    status = client.get("/admin/jobs/status").get_json()["jobs"][0]
    assert status["kind_label"] == "Журнал класса (PDF): 5А, 1 четверть"
    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 16


def test_the_job_reports_its_progress_as_the_pages_are_laid_out(volume, jobs_dir, monkeypatch, app_ctx):
    import tasks
    from models.jobs import create_job

    seen = []
    real_report = tasks.report
    monkeypatch.setattr(
        tasks, "report", lambda job, p, message, now: (seen.append(p), real_report(job, p, message, now=now))
    )
    actor = Actor.of(volume.users["director"])
    job = create_job(actor, "journal_class_pdf", volume_params(actor, volume.c5a.id, str(volume.q1.id)))
    db.session.commit()
    assert tasks.execute(job.id) == "done"
    assert seen[0] == 5 and len(seen) >= 3 and seen == sorted(seen) and 10 < seen[-1] <= 95


@pytest.mark.parametrize(
    "role,class_of,period,message",
    [
        ("classteacher", "c6b", "q1", "Журнал этого класса вам недоступен."),
        ("classteacher", "c5a", "abc", "Выберите период или весь учебный год."),
        ("operator", "c5a", "0", "Выберите период или весь учебный год."),
    ],
)
def test_a_refused_order_queues_nothing_and_says_why(client, login_as, jw, role, class_of, period, message):
    login_as(role)
    period_value = str(getattr(jw, period).id) if period == "q1" else period
    response = client.post(
        "/admin/bound-journal/order",
        data={"class": getattr(jw, class_of).id, "period": period_value},
        follow_redirects=True,
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Job.id)) is None


def test_the_journal_page_and_my_class_link_to_the_volume(client, login_as, jw):
    login_as("classteacher")
    grid = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}").get_data(as_text=True)
    assert 'id="bound-journal-link"' in grid and f"/admin/bound-journal/?class={jw.c5a.id}" in grid
    assert 'id="nav-bound-journal"' in client.get("/admin/my-class/").get_data(as_text=True)
    login_as("teacher")  # reads the page, may not print the class
    grid = client.get(f"/admin/journal/{jw.a_maths_5a.id}?period={jw.q1.id}").get_data(as_text=True)
    assert 'id="bound-journal-link"' not in grid


# --- charts (models/reports/charts.py, reports/charts.py): the same numbers as the tables, well-formed SVG ---------
def _svg_texts(svg: str) -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)  # well-formed, or this raises
    assert root.tag.endswith("svg") and not [e for e in root.iter() if e.tag.endswith("script")]
    return [e.text.strip() for e in root.iter() if e.tag.endswith("text") and e.text and e.text.strip()]


def test_the_results_charts_count_what_the_tables_count(volume, app_ctx):
    """The charts count what the results table counts (on 20.10, inside the quarter, the provisional results from
    current marks). Absences by week: 07.09 one excused (07.09) and one not explained (08.09), 14.09 one
    without a good reason; anna's late arrival is not a lesson missed."""
    from models.reports.charts import results_charts
    from models.reports.results import period_results
    from reports.charts import chart_svg, column_chart

    w = volume
    actor = Actor.of(w.users["director"])
    r = period_results(actor, w.q1.id, today=NOW.date())
    marks, quality, over_year, attendance = results_charts(actor, r, today=NOW.date())
    # 20.10 is inside the quarter: the results are provisional (from current marks), and the charts follow the table
    assert r.provisional and marks.categories == ["5А", "6Б"]
    table = {m: [line.marks.counts.get(m, 0) for line in r.classes] for m in (5, 4, 3, 2)}
    assert {str(s.name): s.values for s in marks.series} == {f"«{m}»": v for m, v in table.items()}
    assert [s.values for s in quality.series] == [[float(line.standings.quality or 0) for line in r.classes]]
    assert over_year.categories == [w.q1.name]
    assert over_year.series[0].values == [float(r.school.quality or 0)]
    weeks = dict(zip(attendance.categories, zip(*(s.values for s in attendance.series), strict=True), strict=True))
    assert weeks["07.09"] == (1, 0, 1) and weeks["14.09"] == (0, 1, 0)  # excused, unexcused, not explained
    assert sum(sum(v) for v in weeks.values()) == 3 and attendance.categories[0] == "31.08"
    with app_ctx.test_request_context():
        texts = _svg_texts(str(chart_svg(column_chart(quality))))
    first = f"{quality.series[0].values[0]:g}%"
    assert "5А" in texts and first in texts and "Качество знаний по классам, %" in texts


def test_chart_labels_are_escaped(app_ctx):
    from models.reports.charts import Chart, Series
    from reports.charts import chart_svg, column_chart

    chart = Chart("x", "<script>alert(1)</script>", ["<b>&</b>"], [Series('<img src="file:///etc/passwd">', [3])])
    texts = _svg_texts(str(chart_svg(column_chart(chart), key="x", title=chart.title)))
    assert "<script>alert(1)</script>" in texts and "<b>&</b>" in texts and "3" in texts


def test_the_results_page_and_the_volume_show_the_charts(client, login_as, volume, app_ctx):
    from models.reports.charts import class_charts

    w = volume
    login_as("coordinator")
    html = client.get(f"/admin/results/?period={w.q1.id}").get_data(as_text=True)
    for key in ("marks", "quality", "quality-year", "attendance"):
        assert f'id="chart-{key}"' in html, key
    assert html.count("<svg") >= 4
    b = bound_journal(Actor.of(w.users["classteacher"]), w.c5a.id, w.q1.id, now=NOW)
    marks, quality, attendance = class_charts(b)
    assert quality.categories == [w.q1.name] and quality.series[0].values == [50.0]  # anna good, vera one «3»
    assert {str(s.name): s.values for s in marks.series} == {"«5»": [1], "«4»": [1], "«3»": [1], "«2»": [0]}
    assert sum(sum(s.values) for s in attendance.series) == 3
    with app_ctx.test_request_context():
        pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(bound_journal_pdf(b))).pages]
    charts = next(p for p in pages if "Диаграммы" in p)
    assert "Пропущено уроков по неделям" in charts and "Отметки за период" in charts


def test_a_half_year_class_is_bound_by_half_years(jw, db_session):
    """Grades 10–11 where the class uses half-years: the volume's choices are the half-years, not the quarters."""
    from decimal import Decimal

    from models import Period, SchoolClass, TeachingAssignment

    w = jw
    halves = [
        Period(
            year_id=w.year.id,
            scheme="half_year",
            number=1,
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 12, 27),
        ),
        Period(
            year_id=w.year.id,
            scheme="half_year",
            number=2,
            starts_on=dt.date(2027, 1, 11),
            ends_on=dt.date(2027, 5, 25),
        ),
    ]
    c10 = SchoolClass(school_id=w.school.id, year_id=w.year.id, grade=10, letter="А", period_scheme="half_year")
    db_session.add_all([*halves, c10])
    db_session.flush()
    db_session.add(
        TeachingAssignment(
            year_id=w.year.id,
            class_id=c10.id,
            subject_id=w.maths.id,
            teacher_id=w.s_teacher.id,
            hours_per_week=Decimal(4),
        )
    )
    db_session.commit()
    actor = Actor.of(w.users["director"])
    with pytest.raises(NotFound):
        volume_params(actor, c10.id, str(w.q1.id))  # a quarter is not this class's period
    b = bound_journal(actor, c10.id, halves[0].id, now=NOW)
    assert [p.id for p in b.periods] == [halves[0].id] and (b.starts_on, b.ends_on) == (
        halves[0].starts_on,
        halves[0].ends_on,
    )
    year = bound_journal(actor, c10.id, None, now=NOW)
    assert [p.scheme for p in year.periods] == ["half_year", "half_year"] and len(year.pages) == 2
