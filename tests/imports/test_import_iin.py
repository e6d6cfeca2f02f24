"""The students file may carry an ИИН column (Kazakhstan; "ИИН", "ЖСН" or "IIN"): each number is checked (12 digits,
the check digit), is one student's in the file and in the school, and is written with the student."""

from __future__ import annotations

from sqlalchemy import select

from models import Student, db
from models.school.imports import ERROR, NEW

VALID, OTHER = "900101300017", "900101000906"  # worked by hand in tests/kazakhstan/test_iin.py


def _file(files, *cells, header="ИИН"):
    rows = [[*files.STUDENT_HEADER, header]]
    rows += [[*files.student(n), iin] for n, iin in cells]
    return files.csv(rows)


def _errors(result):
    return {r.line: " ".join(str(m) for m in r.errors) for r in result.rows if r.errors}


def test_the_iin_is_written_with_the_student(run, files, world):
    data = _file(files, (1, "900101 300017"), (2, ""), header="ЖСН")
    result = run("students", data)
    assert result.ok and [r.status for r in result.rows] == [NEW, NEW], _errors(result)
    run("students", data, write=True)
    stored = dict(
        db.session.execute(select(Student.personal_file_no, Student.iin).where(Student.iin.is_not(None))).all()
    )
    assert stored == {"ЛД-00001": VALID}


def test_bad_and_repeated_numbers_stop_the_file(run, files, world):
    world.anna.iin = OTHER
    db.session.commit()
    data = _file(files, (1, "900101300018"), (2, VALID), (3, VALID), (4, OTHER), (5, "12345"))
    result = run("students", data)
    errors = _errors(result)
    assert not result.ok and {r.line for r in result.rows if r.status == ERROR} == {2, 3, 4, 5, 6}
    assert "контрольная цифра" in errors[2]
    assert "ИИН" in errors[3] and "ИИН" in errors[4]  # the same number on two lines
    assert "с ИИН 900101000906 уже есть в школе" in errors[5]  # anna's
    assert "12 цифр" in errors[6]
