"""The imports page: templates, upload → preview → confirm, the file kept on the server under a token only
the uploading session knows, re-validated on confirm, removed afterwards."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import tasks
from models import Student, db


@pytest.fixture()
def upload_dir(app, tmp_path):
    previous = app.config.get("IMPORT_UPLOAD_DIR")
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["IMPORT_UPLOAD_DIR"] = previous


def _students():
    return db.session.scalar(select(func.count(Student.id)))


def _upload(client, world, data, kind="students", filename="students.csv"):
    return client.post(
        f"/admin/imports/upload/{kind}",
        data={"year": str(world.year.id), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _token(response) -> str:
    match = re.search(r"/admin/imports/preview/([A-Za-z0-9_-]+)", response.location)
    assert match, response.location
    return match.group(1)


def _fingerprint(body: str) -> str:
    match = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', body)
    assert match, "no confirm form"
    return match.group(1)


def _confirm(client, token, body=None, overwrite=()):
    """Confirms as the browser does: with the fingerprint of the preview the operator saw."""
    body = body if body is not None else client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    return client.post(
        f"/admin/imports/confirm/{token}", data={"fingerprint": _fingerprint(body), "overwrite": list(overwrite)}
    )


def test_index_lists_the_kinds_each_role_may_import(client, login_as, world):
    login_as("operator")
    body = client.get("/admin/imports/").get_data(as_text=True)
    for kind in ("staff", "classes", "students", "load", "timetable"):
        assert f'id="import-{kind}"' in body
    assert 'name="csrf_token"' in body
    login_as("secretary")
    body = client.get("/admin/imports/").get_data(as_text=True)
    assert 'id="import-students"' in body and 'id="import-staff"' not in body
    assert client.get("/admin/imports/template/staff/csv").status_code == 403
    assert client.post("/admin/imports/upload/staff", data={}).status_code == 403
    login_as("teacher")
    assert client.get("/admin/imports/").status_code == 403


@pytest.mark.parametrize("kind", ["staff", "classes", "students", "load", "bells", "timetable"])
def test_templates_have_the_header_and_one_example_row(client, login_as, world, kind):
    login_as("operator")
    csv_response = client.get(f"/admin/imports/template/{kind}/csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    text = csv_response.get_data().decode("utf-8-sig")
    lines = [line for line in text.split("\r\n") if line]
    assert len(lines) == 2 and ";" in lines[0]
    xlsx_response = client.get(f"/admin/imports/template/{kind}/xlsx")
    sheet = load_workbook(io.BytesIO(xlsx_response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[0][0] == lines[0].split(";")[0]
    assert client.get(f"/admin/imports/template/{kind}/pdf").status_code == 404


def test_the_students_template_imports_as_it_is(client, login_as, world, upload_dir):
    login_as("operator")
    data = client.get("/admin/imports/template/students/xlsx").get_data()
    preview = client.get(_upload(client, world, data, filename="t.xlsx").location)
    assert 'id="import-confirm"' in preview.get_data(as_text=True)


def test_the_bells_template_imports_as_it_is(client, login_as, world, upload_dir):
    """Its example row is the world's first bell (1, 08:30–09:15): unchanged, the file may be confirmed."""
    login_as("operator")
    data = client.get("/admin/imports/template/bells/xlsx").get_data()
    body = client.get(_upload(client, world, data, filename="t.xlsx", kind="bells").location).get_data(as_text=True)
    assert 'id="import-confirm"' in body and "без изменений: 1" in body


def test_upload_preview_confirm(client, login_as, world, files, upload_dir):
    login_as("secretary")
    data = files.csv([files.STUDENT_HEADER, files.student(1), files.student(2, "6Б")])
    before = _students()
    response = _upload(client, world, data)
    assert response.status_code == 302
    token = _token(response)
    stored = list(upload_dir.glob("*.upload"))
    assert [p.name for p in stored] == [f"{token}.upload"] and stored[0].read_bytes() == data

    page = client.get(response.location)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "будет добавлено: 2" in body and 'id="import-confirm"' in body
    assert "Ученикова1 Мария Ивановна, 5А" in body
    assert _students() == before

    done = _confirm(client, token, body)
    assert done.status_code == 302 and done.location.startswith("/admin/imports/")
    assert _students() == before + 2
    assert not list(upload_dir.glob("*.upload"))  # cleaned up
    assert "добавлено 2" in client.get(done.location).get_data(as_text=True)
    # the token is spent
    again = client.post(f"/admin/imports/confirm/{token}")
    assert again.status_code == 302 and _students() == before + 2


def test_preview_with_errors_offers_no_confirm_and_confirm_refuses(client, login_as, world, files, upload_dir):
    login_as("operator")
    bad = files.csv([files.STUDENT_HEADER, files.student(1), files.student(2, "9Я"), files.student(3)])
    token = _token(_upload(client, world, bad))
    body = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    assert 'id="import-confirm"' not in body and "Класс «9Я» не найден" in body
    assert 'id="upload-students"' in body  # upload the corrected file right there
    errors_only = client.get(f"/admin/imports/preview/{token}?show=error").get_data(as_text=True)
    assert errors_only.count('class="import-row') == 1
    before = _students()
    response = client.post(f"/admin/imports/confirm/{token}")  # a forged confirm
    assert response.status_code == 200 and "ничего не записано" in response.get_data(as_text=True)
    assert _students() == before


def test_confirm_revalidates_the_stored_file(client, login_as, world, files, upload_dir):
    login_as("operator")
    token = _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
    assert 'id="import-confirm"' in client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    # Meanwhile someone else imports a student with the same personal file number into 6Б.
    other = files.csv([files.STUDENT_HEADER, files.student(1, "6Б")])
    _token(_upload(client, world, other))
    from models.access import Actor
    from models.school.imports import commit

    commit(Actor.of(world.users["operator"]), "students", other, "x.csv", year_id=world.year.id, today=files.TODAY)
    db.session.commit()
    before = _students()
    response = client.post(f"/admin/imports/confirm/{token}")
    assert response.status_code == 200 and "уже числится в классе 6Б" in response.get_data(as_text=True)
    assert _students() == before


def test_a_tampered_stored_file_is_refused(client, login_as, world, files, upload_dir):
    login_as("operator")
    token = _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
    (upload_dir / f"{token}.upload").write_bytes(files.csv([files.STUDENT_HEADER, files.student(2)]))
    before = _students()
    response = client.post(f"/admin/imports/confirm/{token}")
    assert response.status_code == 302 and _students() == before


def test_another_users_token_is_useless(client, login_as, world, files, upload_dir):
    login_as("operator")
    token = _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
    login_as("secretary")  # a new session: the token is not in it
    before = _students()
    assert client.get(f"/admin/imports/preview/{token}").status_code == 302
    assert client.post(f"/admin/imports/confirm/{token}").status_code == 302
    assert _students() == before
    assert client.get("/admin/imports/preview/..%2F..%2Fetc%2Fpasswd").status_code in (302, 404)


def test_the_stored_file_is_readable_by_the_app_only(client, login_as, world, files, upload_dir):
    login_as("operator")
    token = _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
    assert (upload_dir / f"{token}.upload").stat().st_mode & 0o777 == 0o600


def test_cancel_removes_the_file(client, login_as, world, files, upload_dir):
    login_as("operator")
    token = _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
    assert client.post(f"/admin/imports/cancel/{token}").status_code == 302
    assert not list(upload_dir.glob("*.upload"))
    assert client.get(f"/admin/imports/preview/{token}").status_code == 302


def test_too_big_empty_and_missing_files(client, login_as, world, upload_dir, monkeypatch):
    import admin_views.imports as view

    login_as("operator")
    monkeypatch.setattr(view, "MAX_BYTES", 100)
    response = _upload(client, world, b"x" * 101)
    assert response.status_code == 302 and response.location.endswith("/admin/imports/")
    assert "больше" in client.get(response.location).get_data(as_text=True)
    assert _upload(client, world, b"").location.endswith("/admin/imports/")
    assert client.post("/admin/imports/upload/students", data={}).location.endswith("/admin/imports/")
    assert not list(upload_dir.glob("*.upload"))


def test_a_file_that_is_not_a_table(client, login_as, world, upload_dir):
    login_as("operator")
    response = _upload(client, world, b"PK\x03\x04garbage", filename="x.xlsx")
    body = client.get(response.location).get_data(as_text=True)
    assert "Не удалось открыть файл XLSX" in body and 'id="import-confirm"' not in body


def test_the_uploads_are_csrf_protected(app, client, login_as, world, files, upload_dir):
    login_as("operator")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)]))
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not list(Path(upload_dir).glob("*.upload"))


def _student_one():
    db.session.expire_all()
    return db.session.scalar(select(Student).where(Student.personal_file_no == "ЛД-00001"))


def test_reimport_preview_shows_fields_and_keeps_manual_edits(client, login_as, world, files, upload_dir):
    login_as("operator")
    data = files.csv([files.STUDENT_HEADER, files.student(1)])
    assert _confirm(client, _token(_upload(client, world, data))).status_code == 302
    student = _student_one()
    student.last_name = "Правкина1"
    db.session.commit()

    token = _token(
        _upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1, **{"Отчество": "Ильинична"})]))
    )
    body = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    assert body.count('class="import-field') == 2 and body.count("import-field-manual") == 1
    assert 'id="count-manual"' in body and "Изменено вручную после прошлого импорта" in body
    assert f'name="overwrite" value="student:{student.id}:last_name" form="import-confirm-form"' in body
    assert "Ивановна" in body and "Ильинична" in body  # old → new of the ordinary update
    assert _confirm(client, token, body).status_code == 302
    student = _student_one()
    assert (student.last_name, student.middle_name) == ("Правкина1", "Ильинична")

    token = _token(_upload(client, world, data))
    body = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    assert _confirm(client, token, body, overwrite=[f"student:{student.id}:last_name"]).status_code == 302
    student = _student_one()
    assert (student.last_name, student.middle_name) == ("Ученикова1", "Ивановна")


def test_confirm_after_the_data_changed_shows_the_new_preview(client, login_as, world, files, upload_dir):
    login_as("operator")
    assert (
        _confirm(
            client, _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
        ).status_code
        == 302
    )
    token = _token(
        _upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1, **{"Отчество": "Ильинична"})]))
    )
    body = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    student = _student_one()
    student.middle_name = "Олеговна"
    db.session.commit()
    response = _confirm(client, token, body)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Данные изменились после проверки файла" in page
    assert "Олеговна" in page and _fingerprint(page) != _fingerprint(body)
    student = _student_one()
    assert student.middle_name == "Олеговна"
    # a confirm without the preview's fingerprint is refused the same way
    response = client.post(f"/admin/imports/confirm/{token}")
    assert response.status_code == 200 and "Данные изменились" in response.get_data(as_text=True)


# --- big files: the confirmation hands the import to a background job (tasks._import) ----------------
@pytest.fixture()
def jobs_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    return tmp_path / "jobs"


def _last_job():
    from models.jobs import Job

    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_a_big_import_runs_as_a_job(client, login_as, world, files, upload_dir, jobs_dir):
    from models import AuditEvent

    login_as("operator")
    before = _students()
    rows = [files.student(n) for n in range(1, 502)]  # one more than the default IMPORT_INLINE_ROWS
    token = _token(_upload(client, world, files.csv([files.STUDENT_HEADER, *rows])))
    response = _confirm(client, token)
    assert response.status_code == 303 and response.location.endswith("/admin/jobs/")
    job = _last_job()
    assert (job.kind, job.status, job.progress, job.error) == ("import", "done", 100, None)
    assert _students() == before + 501
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import.students")).one()
    assert json.loads(audit.new)["added"] == 501 and audit.actor_id == world.users["operator"].id
    assert list(upload_dir.glob("*.upload")) == [] and list(jobs_dir.glob("*.upload")) == []  # the file is gone
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert f'id="list-{job.id}"' in page and "Добавлено 501" in page
    again = client.post(f"/admin/imports/confirm/{token}", data={"fingerprint": "x"})
    assert again.status_code == 302 and _students() == before + 501  # the token is spent


def test_small_files_stay_inline(client, login_as, world, files, upload_dir, jobs_dir):
    login_as("operator")
    response = _confirm(client, _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)]))))
    assert response.status_code == 302 and "/admin/imports/" in response.location and _last_job() is None


def test_a_job_refuses_an_import_when_the_data_changed_since_the_preview(
    client, login_as, world, files, upload_dir, jobs_dir, app, monkeypatch
):
    login_as("operator")
    assert (
        _confirm(
            client, _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
        ).status_code
        == 302
    )
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 0)
    token = _token(
        _upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1, **{"Отчество": "Ильинична"})]))
    )
    body = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    student = _student_one()
    student.middle_name = "Олеговна"
    db.session.commit()
    assert _confirm(client, token, body).status_code == 303
    job = _last_job()
    assert (job.kind, job.status) == ("import", "failed")
    assert _student_one().middle_name == "Олеговна"
    status = client.get("/admin/jobs/status").get_json()["jobs"][0]
    assert "Данные изменились после проверки файла" in status["error"]


def test_an_import_job_is_seen_by_its_owner_and_the_schools_operator(
    client, login_as, world, files, upload_dir, jobs_dir, app, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 0)
    login_as("secretary")
    assert (
        _confirm(
            client, _token(_upload(client, world, files.csv([files.STUDENT_HEADER, files.student(1)])))
        ).status_code
        == 303
    )
    job = _last_job()
    assert job.status == "done" and job.owner_id == world.users["secretary"].id
    for name, sees in (("secretary", True), ("operator", True), ("director", False), ("teacher", False)):
        login_as(name)
        ids = [j["id"] for j in client.get("/admin/jobs/status").get_json()["jobs"]]
        assert (job.id in ids) == sees, name


def _rows(n: int, files) -> bytes:
    return files.csv([files.STUDENT_HEADER, *(files.student(i) for i in range(1, n + 1))])


def test_a_big_files_preview_is_a_job_whose_result_the_page_shows(
    client, login_as, world, files, upload_dir, jobs_dir, app, monkeypatch
):
    """More rows than IMPORT_INLINE_ROWS: the upload starts the check as a job (run at once in the tests), the
    page shows its result read from the job's file, "Мои задания" links back to it; then the import as before."""
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 2)
    login_as("operator")
    before = _students()
    token = _token(_upload(client, world, _rows(3, files)))
    job = _last_job()
    assert (job.kind, job.status, job.params["stage"], job.params["token"]) == ("import", "done", "preview", token)
    assert job.file_path.endswith(".json") and (jobs_dir / job.file_path).is_file()
    assert not list(jobs_dir.glob("*.upload"))  # the job's copy of the upload is gone, the upload stays
    body = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    assert 'id="count-new"' in body and "будет добавлено: 3" in body and "Ученикова3" in body
    assert "будет добавлено: 3" in client.get(f"/admin/imports/preview/{token}?show=new").get_data(as_text=True)
    jobs_page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "Проверка файла импорта" in jobs_page and f'href="/admin/imports/preview/{token}"' in jobs_page
    assert f'id="download-{job.id}"' not in jobs_page and _students() == before  # only read
    assert _confirm(client, token, body).status_code == 303  # the import itself: a job too
    assert _last_job().params.get("stage") is None and _students() == before + 3


def test_while_the_check_runs_the_page_shows_its_progress(
    client, login_as, world, files, upload_dir, jobs_dir, app, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 2)
    monkeypatch.setattr(tasks, "enqueue", lambda job: None)  # the queue has not reached it yet
    login_as("operator")
    token = _token(_upload(client, world, _rows(3, files)))
    page = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    job = _last_job()
    assert job.status == "queued" and f'id="job-{job.id}"' in page and 'data-status="queued"' in page
    assert "js/jobs.js" in page and 'id="import-confirm"' not in page
    with app.app_context():
        tasks.execute(job.id)  # the worker's turn
    assert 'id="import-confirm"' in client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)


def test_a_check_cut_short_leaves_no_result_and_runs_again(
    client, login_as, world, files, upload_dir, jobs_dir, app, monkeypatch
):
    """The attempt breaks off after the analysis, before its file is whole: nothing is shown as a result (no
    file, no half file), the job goes back to the queue; its next attempt shows the preview. (A consumer killed
    with SIGKILL: tests/jobs/test_worker_process.py.)"""
    from models.school.imports import shown

    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 2)
    monkeypatch.setattr(tasks, "enqueue", lambda job: None)
    login_as("operator")
    token = _token(_upload(client, world, _rows(3, files)))
    job = _last_job()
    real = shown.preview_data

    def killed(result):
        raise OSError("worker killed")

    monkeypatch.setattr(shown, "preview_data", killed)
    with app.app_context(), pytest.raises(OSError):
        tasks.execute(job.id)
    assert job.status == "queued" and not list(jobs_dir.glob("*.json")) and not list(jobs_dir.glob(".part-*"))
    assert 'id="import-confirm"' not in client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    monkeypatch.setattr(shown, "preview_data", real)
    with app.app_context():
        assert tasks.execute(job.id) == "done"
    db.session.expire_all()
    job = _last_job()
    assert (job.status, job.attempts) == ("done", 2)
    assert 'id="import-confirm"' in client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)


def test_rough_rows_counts_csv_lines_and_xlsx_rows_without_reading_the_table(files):
    from models.school.imports.shown import rough_rows

    rows = [files.STUDENT_HEADER, *(files.student(i) for i in range(1, 1201))]
    assert rough_rows(files.csv(rows)) == 1201
    assert rough_rows(files.xlsx(rows)) == 1201
    assert rough_rows(b"PK\x03\x04 damaged") == 0


def test_the_preview_shows_a_rows_warning_and_still_confirms(client, login_as, world, files, upload_dir, db_session):
    """Issue 17: a timetable row past the curriculum's hours (maths in grade 5: 1 h; 5А gets 2) is marked ⚠ on
    the preview with the figures; the preview is confirmable and writes it."""
    from models import CurriculumItem, TimetableEntry

    db_session.add(CurriculumItem(year_id=world.year.id, grade=5, subject_id=world.maths.id, hours_per_week=1))
    db_session.commit()
    login_as("operator")
    header = ["Класс", "Подгруппа", "Предмет", "День недели", "Урок №", "Кабинет", "Действует с"]
    data = files.csv([header, ["5А", "", "Математика", "Вт", "1", "", ""], ["5А", "", "Математика", "Ср", "1", "", ""]])
    response = _upload(client, world, data, kind="timetable", filename="timetable.csv")
    body = client.get(response.location).get_data(as_text=True)
    assert "⚠ Математика в 5А: по учебному плану 1 ч в неделю, с этим уроком будет 2." in body
    assert "Строк с предупреждениями (⚠): 1." in body and 'id="import-confirm"' in body
    before = db_session.scalar(select(func.count(TimetableEntry.id)))
    _confirm(client, _token(response), body)
    assert db_session.scalar(select(func.count(TimetableEntry.id))) == before + 2
