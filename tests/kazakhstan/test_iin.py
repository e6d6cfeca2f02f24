"""ИИН (Kazakhstan's individual identification number) as a student's identifier: 12 digits, the last a check
digit (models.identifiers); validated on the student form and in the domain, one student's within the school,
shown in full to those who keep the cards and masked to everybody else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Student, db
from models.access import Actor
from models.errors import Conflict, InvalidInput
from models.identifiers import iin_check_digit, mask_iin, parse_iin
from models.school.people_records import save_person

# Worked by hand. 900101300017: 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 0·10 + 1·11 = 51; 51 mod 11
# = 7. 900101000906: 9·1 + 1·4 + 1·6 + 9·10 = 109, mod 11 = 10 → again with 3, 4, …, 11, 1, 2: 9·3 + 1·6 + 1·8
# + 9·1 = 50, mod 11 = 6. 90010100092x: 131 mod 11 = 10, then 54 mod 11 = 10 — no number ends these digits.
VALID = [
    ("900101300017", "900101300017"),
    ("900101000906", "900101000906"),
    ("900101 300 017", "900101300017"),
    ("900101-300017", "900101300017"),
    (" 000000000000 ", "000000000000"),  # 0 mod 11 = 0
    ("", None),
    (None, None),
]
INVALID = [
    ("900101300018", "контрольная цифра"),  # 7 expected
    ("900101300071", "контрольная цифра"),  # two digits swapped
    ("900101000920", "контрольная цифра"),  # these eleven digits have no check digit
    ("900101000929", "контрольная цифра"),
    ("90010130001", "12 цифр"),
    ("9001013000170", "12 цифр"),
    ("90010130001A", "12 цифр"),
    ("９００１０１３０００１７", "12 цифр"),  # full-width digits
    ("٩٠٠١٠١٣٠٠٠١٧", "12 цифр"),
]


@pytest.mark.parametrize("typed,stored", VALID)
def test_valid_iin(typed, stored):
    assert parse_iin(typed) == stored


@pytest.mark.parametrize("typed,says", INVALID)
def test_invalid_iin(typed, says):
    with pytest.raises(InvalidInput) as refused:
        parse_iin(typed)
    assert says in refused.value.message


@pytest.mark.parametrize("first,digit", [("90010130001", 7), ("90010100090", 6), ("90010100092", None)])
def test_check_digit(first, digit):
    assert iin_check_digit(first) == digit


def test_mask():
    assert mask_iin("900101300017") == "••••••••0017" and mask_iin(None) == ""


def test_one_student_per_iin_in_the_school(world):
    secretary = Actor.of(world.users["secretary"])
    world.anna.iin = "900101 300 017"
    save_person(secretary, world.anna, is_new=False)
    assert world.anna.iin == "900101300017"
    world.vera.iin = "900101300017"
    with pytest.raises(Conflict, match="ИИН 900101300017 уже есть"):
        save_person(secretary, world.vera, is_new=False)
    world.vera.iin = "900101300018"
    with pytest.raises(InvalidInput, match="контрольная цифра"):
        save_person(secretary, world.vera, is_new=False)


def _kazakh(world):
    """The ИИН is shown and asked in a Kazakhstan school only."""
    world.school.jurisdiction = "KZ"
    db.session.commit()


def _student_form(**overrides):
    data = {
        "last_name": "Сейткали",
        "first_name": "Айгерим",
        "middle_name": "",
        "birth_date": "2015-04-04",
        "sex": "f",
        "personal_file_no": "С-15",
        "iin": "",
        "medical_group": "main",
        "address": "",
        "admit_class": "0",
        "admit_on": "",
        "admit_order": "",
    }
    return data | overrides


@pytest.mark.parametrize(
    "lang,says",
    [
        ("ru", "не сходится контрольная цифра"),
        ("kk", "бақылау цифры сәйкес келмейді"),
        ("en", "the check digit does not match"),
    ],
)
def test_the_student_form_refuses_a_bad_iin_in_the_users_language(client, login_as, world, lang, says):
    _kazakh(world)
    login_as("secretary")
    client.post("/language", data={"lang": lang, "next": "/login"})
    response = client.post("/admin/students/new/", data=_student_form(iin="900101300018"))
    assert response.status_code == 200 and says in response.get_data(as_text=True)
    assert db.session.scalar(select(Student).where(Student.last_name == "Сейткали")) is None


def test_the_student_form_stores_the_iin_and_readers_see_it_masked(client, login_as, world):
    _kazakh(world)
    login_as("secretary")
    assert client.post("/admin/students/new/", data=_student_form(iin="900101 300017")).status_code == 302
    student = db.session.scalar(select(Student).where(Student.last_name == "Сейткали"))
    assert student.iin == "900101300017"
    duplicate = client.post("/admin/students/new/", data=_student_form(personal_file_no="С-16", iin="900101300017"))
    assert duplicate.status_code == 200 and "с таким ИИН уже есть" in duplicate.get_data(as_text=True)
    details = client.get(f"/admin/students/details/?id={student.id}").get_data(as_text=True)
    assert "900101300017" in details
    login_as("director")
    details = client.get(f"/admin/students/details/?id={student.id}").get_data(as_text=True)
    assert "••••••••0017" in details and "900101300017" not in details
