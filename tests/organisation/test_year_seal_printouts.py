"""The printouts made at archiving and sealed with the year (archive_files.py, models/school/seal.py; issue 18
item 2: "a checksum of its marks, period marks, lessons and attendance (and of the printouts made at archiving)").
The archiving job prints the bound journal of every class for the whole year, keeps the files in the archive
directory and seals each file's SHA-256 with the rows; verifying reads the files again and names a printout
replaced or deleted since; the seals page lists the printouts for download.

World: 2026/2027 with its 1st quarter 01.09–25.10.2026; classes 5А (Аннова Анна, Верова Вера) and 6Б (Борисов
Борис), one lesson with a mark in each."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import tasks
from archive_files import archive_dir, file_digest, printout_path
from models import Job, YearSeal, db
from models.errors import AccessDenied, NotFound
from models.school.organisation import seal_job
from models.school.seal import check_school_year, sealed_printout, verify_year

DAY = dt.date(2026, 10, 26)
TITLES = ["Классный журнал 5А, учебный год 2026/2027", "Классный журнал 6Б, учебный год 2026/2027"]


def _archive(world, operator):
    """The archiving job as the page starts it, run to the end (its commit expires the world's objects: a test
    that signs in does it before)."""
    job = Job(kind="year_seal", owner_id=world.users["operator"].id, school_id=world.school.id)
    job.params = seal_job(operator, "archive", world.year.id, today=DAY)
    db.session.add(job)
    db.session.commit()
    assert tasks.execute(job.id) == "done"
    db.session.expire_all()
    return world.year


@pytest.fixture()
def archived(world, operator):
    return _archive(world, operator)


def _seal(year) -> YearSeal:
    return db.session.scalar(select(YearSeal).where(YearSeal.year_id == year.id))


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_archiving_prints_each_class_and_seals_the_files(archived):
    seal = _seal(archived)
    printouts = json.loads(seal.printouts)
    assert [p["title"] for p in printouts] == TITLES
    assert json.loads(seal.counts_json)["printouts"] == 2
    for p, cls, names in zip(printouts, ("5А", "6Б"), (["Аннова", "Верова"], ["Борисов"])):
        path = printout_path(p["file"])
        assert path.is_file() and path.is_relative_to(archive_dir())
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == p["sha256"] and len(data) == p["bytes"]
        text = _text(data)
        assert "Классный журнал" in text and cls in text and "2026/2027" in text
        assert all(name in text for name in names)
    check = verify_year(archived, file_digest=file_digest)
    assert check.state == "intact" and check.counts["printouts"] == 2


def test_a_replaced_printout_is_named(archived, operator):
    first = json.loads(_seal(archived).printouts)[0]
    printout_path(first["file"]).write_bytes(b"%PDF-1.4 another journal")
    check = check_school_year(operator, archived.id, file_digest=file_digest)
    assert check.state == "changed"
    [difference] = check.differences
    assert (difference.part, difference.row_id, difference.change) == ("printouts", 1, "changed")
    assert difference.description == f"{TITLES[0]} ({first['file']})"
    # without reading the files (the rows only) the seal still holds: the printouts' digests stand as sealed
    assert verify_year(archived).state == "intact"


def test_a_deleted_printout_is_named(archived, operator):
    second = json.loads(_seal(archived).printouts)[1]
    printout_path(second["file"]).unlink()
    [difference] = check_school_year(operator, archived.id, file_digest=file_digest).differences
    assert (difference.part, difference.row_id, difference.change) == ("printouts", 2, "removed")


def test_the_command_reads_the_printouts_too(app, archived):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["verify-seals", "--school-code", "world"]).exit_code == 0
    first = json.loads(_seal(archived).printouts)[0]
    printout_path(first["file"]).write_bytes(b"changed")
    bad = runner.invoke(args=["verify-seals", "--school-code", "world"])
    assert bad.exit_code == 1
    assert f"Печатная форма #1 {TITLES[0]} ({first['file']}): изменено после архивации" in bad.output


def test_the_verify_job_reads_the_printouts(client, login_as, world, operator):
    login_as("director")
    archived = _archive(world, operator)
    first = json.loads(_seal(archived).printouts)[0]
    printout_path(first["file"]).write_bytes(b"changed")
    html = client.post("/admin/year-seals/verify", data={"year_id": archived.id}, follow_redirects=True).get_data(
        as_text=True
    )
    assert 'data-state="changed"' in html and "Печатная форма" in html and TITLES[0] in html
    assert "печатных форм 2" in html


def test_the_page_lists_the_printouts_for_download(client, login_as, world, operator):
    login_as("coordinator")
    seal = _seal(_archive(world, operator))
    html = client.get("/admin/year-seals/").get_data(as_text=True)
    assert "Печатные формы при архивации: 2" in html and all(title in html for title in TITLES)
    response = client.get(f"/admin/year-seals/printout/{seal.id}/2")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Борисов" in _text(response.get_data())
    assert client.get(f"/admin/year-seals/printout/{seal.id}/3").status_code == 404
    assert client.get(f"/admin/year-seals/printout/{seal.id}/0").status_code == 404
    printout_path(json.loads(seal.printouts)[0]["file"]).unlink()
    html = client.get(f"/admin/year-seals/printout/{seal.id}/1", follow_redirects=True).get_data(as_text=True)
    assert "Файл печатной формы не найден в архиве" in html


@pytest.mark.parametrize("who", ["teacher", "classteacher", "secretary", "foreign_operator"])
def test_who_may_not_download(archived, actor_of, who):
    seal = _seal(archived)
    with pytest.raises((AccessDenied, NotFound)):
        sealed_printout(actor_of(who), seal.id, 1)


def test_a_name_outside_the_archive_is_never_served():
    assert printout_path("../secret_key") is None and printout_path("") is None
    assert file_digest("../../etc/passwd") is None


def test_printouts_of_a_reopened_year_are_not_offered(archived, operator):
    from models.school.organisation import restore_year
    from models.school.seal import seal_overview

    restore_year(operator, archived.id, "Исправление по приказу № 7", now=dt.datetime(2026, 10, 27, tzinfo=dt.UTC))
    [line] = seal_overview(operator)
    assert line.state == "broken" and line.printouts == []
